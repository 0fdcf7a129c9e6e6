from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"), min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )


class TokenNameForm(forms.Form):
    name = forms.CharField(
        label=_("What is the token for?"), max_length=100,
        help_text=_("A device or program, e.g. “Lan's laptop” or “Commune report script”."),
    )
    read_only = forms.BooleanField(label=_("Read only (cannot change anything)"), required=False)
