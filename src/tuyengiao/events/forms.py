from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import CountField, OnceFormMixin
from tuyengiao.core.numbers import format_number
from tuyengiao.org.models import Unit

from .models import Event, EventSite

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
        field_classes = {
            "connected_sites": CountField,
            "expected_attendees": CountField,
            "present_attendees": CountField,
        }
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


class SiteForm(forms.Form):
    """One connected site: a unit in the user's scope or a named place, and who attended there."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False
    )
    name = forms.CharField(label=_("Place"), max_length=200, required=False)
    present = forms.IntegerField(label=_("Attendees present"), min_value=0, required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        if units is not None:
            fields["unit"].queryset = units
        for field in fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        fields["present"].widget.attrs["inputmode"] = "numeric"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        filled = data.get("unit") or (data.get("name") or "").strip() or data.get("present")
        if filled and not data.get("unit") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a unit or type the place."))
        return data

    def site(self) -> EventSite | None:
        data = self.cleaned_data
        if not data or data.get("DELETE"):
            return None
        if not (data.get("unit") or (data.get("name") or "").strip() or data.get("present")):
            return None
        return EventSite(unit=data.get("unit"), name=(data.get("name") or "").strip(), present=data.get("present") or 0)


class BaseSiteFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        """The remove box of each row is named for screen readers (its column header is not its label)."""
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Remove")


SiteFormSet = forms.formset_factory(
    SiteForm, formset=BaseSiteFormSet, extra=2, can_delete=True, max_num=500, validate_max=True
)


def site_formset(data: Any, event: Event | None, units: Any) -> Any:
    """The connected-sites formset of an event form, filled from the saved sites."""
    initial = []
    if event is not None and event.pk:
        initial = [{"unit": s.unit_id, "name": s.name, "present": s.present} for s in event.sites.all()]
    return SiteFormSet(data, initial=initial, prefix="sites", form_kwargs={"units": units})


class PhotoForm(OnceFormMixin, forms.Form):
    image = forms.FileField(label=_("Photo (PNG or JPEG, at most 10 MB)"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)
    unit = forms.IntegerField(required=False)
