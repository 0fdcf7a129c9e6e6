"""Forms that validate what pages receive; views never dig in ``request.POST`` themselves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import OnceFormMixin, TableFileField
from tuyengiao.core.periods import parse_text
from tuyengiao.reporting.codes import parse_codes


class ValueForm(forms.Form):
    value = forms.CharField(required=False, max_length=5000, strip=True)
    comment = forms.CharField(required=False, max_length=500, strip=True)
    version = forms.IntegerField(min_value=0)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IdListField(forms.Field):
    """Several ids sent under one name (ticked boxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        try:
            return [int(v) for v in (value or [])]  # type: ignore[attr-defined]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Tick the reports from the list.")) from exc


class SelectionForm(forms.Form):
    """The reports ticked on the approvals page."""

    submission = IdListField(required=False)


def _period(value: str) -> str:
    """A period code from what a person typed ("quý IV/2025", "thang 12/2025", "2025S1")."""
    try:
        return parse_text(value).code
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from exc


class PeriodField(forms.CharField):
    def clean(self, value: object) -> str:
        text = super().clean(value)
        return _period(text) if text else ""


class CodesField(forms.Field):
    """Element and indicator codes, ticked in a list (or given as ``A;B`` in a link)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: object) -> list[str]:
        items = value if isinstance(value, list | tuple) else [value] if value else []
        return parse_codes(";".join(str(item) for item in items).upper())


STRUCTURE_CHOICES = [("period", _("Structure of the period")), ("current", _("Today's structure"))]


class DashboardForm(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = PeriodField(
        label=_("Period"),
        required=False,
        max_length=40,
        help_text=_("e.g. 6 tháng đầu năm 2025, quý II/2025, tháng 6/2025, năm 2025"),
        widget=forms.TextInput(attrs={"list": "period-options", "autocomplete": "off"}),
    )
    structure = forms.ChoiceField(label=_("Structure"), choices=STRUCTURE_CHOICES, required=False)


class PivotForm(DashboardForm):
    periods = forms.CharField(
        label=_("Periods"),
        required=False,
        max_length=400,
        help_text=_("Separated by ; e.g. 6 tháng đầu năm 2025; 6 tháng cuối năm 2025"),
    )
    dx = CodesField(label=_("Elements and indicators"), required=False)
    rows = forms.ChoiceField(
        label=_("Rows"),
        required=False,
        choices=[("children", _("Child units")), ("descendants", _("All units below"))],
    )
    columns = forms.ChoiceField(
        label=_("Columns"), required=False, choices=[("elements", _("Elements")), ("periods", _("Periods"))]
    )

    def clean_dx(self) -> list[str]:
        from .dashboard import choices

        codes = self.cleaned_data.get("dx") or []
        known = {c.code for c in choices()}
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(
                _("No element or indicator has the code: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return list(codes)

    def clean_periods(self) -> list[str]:
        raw = self.cleaned_data.get("periods") or ""
        return [_period(p) for p in raw.replace(",", ";").split(";") if p.strip()]


class UploadForm(OnceFormMixin, forms.Form):
    file = TableFileField(label=_("Excel file (.xlsx)"))
