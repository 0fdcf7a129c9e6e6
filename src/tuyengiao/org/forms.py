from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import TableFileField, VNDateInput

from .models import Unit


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("View as of"), required=False,
                         widget=VNDateInput(),
                         input_formats=["%Y-%m-%d", "%d/%m/%Y"])


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a unit"), required=False, max_length=100)


class UnitImportForm(forms.Form):
    file = TableFileField(label=_("CSV or Excel (.xlsx) file"),
                           help_text=_("Columns: code, name, kind, parent_code, valid_from (dd/mm/yyyy)."))


DATE_WIDGET = VNDateInput()
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


class ReorganiseFormBase(forms.Form):
    """The parts every kind of change has; ``problem_fields`` says beside which field a problem
    found by the service is shown (by the part of the change it is about)."""

    problem_fields: dict[str, str] = {}

    date = forms.DateField(label=_("Effective date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: object, candidates: object, parents: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, bound in self.fields.items():
            if isinstance(bound, forms.ModelChoiceField):
                bound.queryset = candidates if name in ("units", "unit") else parents  # type: ignore[assignment]
                bound.label_from_instance = _unit_label  # type: ignore[method-assign, assignment]

    def show_problems(self, tagged: list[tuple[str | None, str]]) -> list[str]:
        """Put each problem beside its field; return those that belong to no field."""
        general: list[str] = []
        for tag, message in tagged:
            name = self.problem_fields.get(tag or "")
            if name and name in self.fields:
                if message not in self.errors.get(name, []):
                    self.add_error(name, message)
            elif message not in general:
                general.append(message)
        return general


class ReorganiseForm(ReorganiseFormBase):
    """Merge several units into a new one, or rename one (close it and open its successor)."""

    problem_fields = {"date": "date", "close": "units", "open": "new_code"}

    units: forms.ModelMultipleChoiceField[Unit] = forms.ModelMultipleChoiceField(
        label=_("Units to merge or rename"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple,
    )
    new_code = forms.CharField(label=_("Code of the new unit"), max_length=32)
    new_name = forms.CharField(label=_("Name of the new unit"), max_length=255)
    new_parent: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Placed under"), queryset=Unit.objects.none()
    )
    field_order = ["units", "date", "new_code", "new_name", "new_parent", "note"]


SPLIT_ROWS = 3


class SplitForm(ReorganiseFormBase):
    """Split one unit into two or three new ones, each taking a share of its members and figures."""

    problem_fields = {"date": "date", "close": "unit", "open": "code_1", "shares": "share_1",
                      "moves": "children_to"}

    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("Unit to split"), queryset=Unit.objects.none())
    new_parent: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("New units placed under"), queryset=Unit.objects.none(), required=False,
        help_text=_("Leave empty to keep them where the split unit is."),
    )
    children_to = forms.TypedChoiceField(
        label=_("Units under it move to"), coerce=int, initial=1,
        choices=[(i, _("New unit %(n)d") % {"n": i}) for i in range(1, SPLIT_ROWS + 1)],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, SPLIT_ROWS + 1):
            required = i <= 2
            self.fields[f"code_{i}"] = forms.CharField(
                label=_("Code of new unit %(n)d") % {"n": i}, max_length=32, required=required)
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("Name of new unit %(n)d") % {"n": i}, max_length=255, required=required)
            self.fields[f"share_{i}"] = forms.DecimalField(
                label=_("Share of new unit %(n)d (%%)") % {"n": i}, min_value=Decimal("0.01"),
                max_value=Decimal(100), decimal_places=2, required=required,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
        self.order_fields(["unit", "date", *[f"{part}_{i}" for i in range(1, SPLIT_ROWS + 1)
                                             for part in ("code", "name", "share")],
                           "new_parent", "children_to", "note"])

    def rows(self) -> list[tuple[str, str, Decimal]]:
        """(code, name, share as a fraction) of each filled row."""
        out = []
        for i in range(1, SPLIT_ROWS + 1):
            code = (self.cleaned_data.get(f"code_{i}") or "").strip()
            if code:
                share = self.cleaned_data.get(f"share_{i}") or Decimal(0)
                out.append((code, (self.cleaned_data.get(f"name_{i}") or "").strip(), share / 100))
        return out

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for i in range(3, SPLIT_ROWS + 1):
            filled = [bool(data.get(f"{part}_{i}")) for part in ("code", "name", "share")]
            if any(filled) and not all(filled):
                self.add_error(f"code_{i}", _("Fill in the code, name and share of new unit %(n)d, or none of them.")
                               % {"n": i})
        return data

    def split_grid(self) -> list[list[forms.BoundField]]:
        return [[self[f"{part}_{i}"] for part in ("code", "name", "share")] for i in range(1, SPLIT_ROWS + 1)]


class MoveForm(ReorganiseFormBase):
    """Place a unit (with everything under it) under a new parent from a date."""

    problem_fields = {"date": "date", "moves": "new_parent", "open": "new_parent"}

    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("Unit to move"), queryset=Unit.objects.none())
    new_parent: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("New parent unit"), queryset=Unit.objects.none()
    )
    field_order = ["unit", "new_parent", "date", "note"]
