from __future__ import annotations

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


class ReorganiseForm(forms.Form):
    """Merge several units into a new one, or rename one (close it and open its successor)."""

    units: forms.ModelMultipleChoiceField[Unit] = forms.ModelMultipleChoiceField(
        label=_("Units to merge or rename"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple,
    )
    date = forms.DateField(label=_("Effective date"), widget=VNDateInput(),
                           input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    new_code = forms.CharField(label=_("Code of the new unit"), max_length=32)
    new_name = forms.CharField(label=_("Name of the new unit"), max_length=255)
    new_parent: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("Placed under"), queryset=Unit.objects.none()
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: object, candidates: object, parents: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["units"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["new_parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["units"].label_from_instance = lambda u: f"{u.name} ({u.code})"  # type: ignore[attr-defined]
