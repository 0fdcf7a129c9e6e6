from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import OnceFormMixin
from tuyengiao.core.numbers import format_number

from .models import Event

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"]
# Dates and times are typed and shown the Vietnamese way (28/12/2022 08:00), whatever the browser's language.
DT_ATTRS = {"placeholder": "28/12/2022 08:00", "autocomplete": "off"}


class EventForm(OnceFormMixin, forms.ModelForm):
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
            "start": forms.DateTimeInput(attrs=DT_ATTRS, format="%d/%m/%Y %H:%M"),
            "end": forms.DateTimeInput(attrs=DT_ATTRS, format="%d/%m/%Y %H:%M"),
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        present, expected = data.get("present_attendees"), data.get("expected_attendees")
        if present is not None and expected is not None and present > expected:
            # Shown beside the field; the service words the same check for other callers.
            self.add_error(
                "present_attendees",
                _("Attendees present: %(p)s is more than the %(e)s expected.")
                % {"p": format_number(present), "e": format_number(expected)},
            )
        return data


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo (PNG or JPEG, at most 10 MB)"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)
    unit = forms.IntegerField(required=False)
