from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.org.models import Unit

from .models import DocumentSettings


class CreateForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    period = forms.CharField(label=_("Period"), max_length=8, help_text=_("2025S1: first half of 2025; 2025: the year"))

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class SettingsForm(forms.ModelForm[DocumentSettings]):
    class Meta:
        model = DocumentSettings
        fields = ["superior", "issuer", "symbol", "place", "signer_line", "signer_position", "signer_name",
                  "recipients", "template"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4})}

    def clean_template(self) -> Any:
        upload = self.cleaned_data.get("template")
        if upload and hasattr(upload, "read") and not isinstance(upload, str) and getattr(upload, "size", 0):
            from tuyengiao.core.exceptions import UserError

            from .render import check_template

            data = upload.read()
            upload.seek(0)
            try:
                check_template(data)
            except UserError as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload
