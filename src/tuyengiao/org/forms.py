from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("View as of"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         input_formats=["%Y-%m-%d", "%d/%m/%Y"])


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a unit"), required=False, max_length=100)


class UnitImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel (.xlsx) file"),
                           help_text=_("Columns: code, name, kind, parent_code, valid_from (dd/mm/yyyy)."))
