from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "unit",
            "kind",
            "title",
            "start",
            "end",
            "format",
            "connected_sites",
            "venue",
            "presenters",
            "documents",
            "campaign",
            "expected_attendees",
            "present_attendees",
            "notes",
        ]
        widgets = {
            "start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "documents": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, units: Any, documents: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # ModelChoiceField / DateField attributes
        fields["unit"].queryset = units
        fields["documents"].queryset = documents
        fields["campaign"].queryset = campaigns
        fields["start"].input_formats = DT_FORMATS
        fields["end"].input_formats = DT_FORMATS


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo (PNG or JPEG, at most 10 MB)"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)
    unit = forms.IntegerField(required=False)
