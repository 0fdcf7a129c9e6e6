from __future__ import annotations

from typing import Any

from django import forms

from tuyengiao.core.forms import OnceFormMixin

from .models import Campaign

# Dates are typed and shown the Vietnamese way (28/12/2022), whatever the browser's language.
DATE_ATTRS = {"placeholder": "28/12/2022", "inputmode": "numeric", "autocomplete": "off"}


class CampaignForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "title",
            "unit",
            "scope",
            "documents",
            "audience",
            "start",
            "deadline",
            "target_rate",
            "description",
        ]
        widgets = {
            "start": forms.DateInput(attrs=DATE_ATTRS, format="%d/%m/%Y"),
            "deadline": forms.DateInput(attrs=DATE_ATTRS, format="%d/%m/%Y"),
            "documents": forms.SelectMultiple(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, units: Any, scopes: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # ModelChoiceField / DateField attributes
        fields["unit"].queryset = units
        # Any unit the user can see is offered; the service refuses a scope outside their subtree.
        fields["scope"].queryset = scopes
        fields["documents"].queryset = documents
        for name in ("start", "deadline"):
            fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def _post_clean(self) -> None:
        # The model's own checks run in the service, which words them for the official.
        pass
