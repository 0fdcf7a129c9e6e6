from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import OnceFormMixin
from tuyengiao.org.models import Unit

from .models import Document
from .references import is_roman


class DocumentForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Document
        fields = [
            "unit",
            "kind",
            "number",
            "symbol",
            "issuer",
            "issuer_unit",
            "term",
            "issued_on",
            "title",
            "body",
            "summary",
            "work_fields",
            "replaces",
            "related",
        ]
        widgets = {
            "issued_on": forms.DateInput(
                attrs={"placeholder": "28/12/2022", "inputmode": "numeric", "autocomplete": "off"}, format="%d/%m/%Y"
            ),
            "body": forms.Textarea(attrs={"rows": 12}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "work_fields": forms.CheckboxSelectMultiple,
            "replaces": forms.SelectMultiple(attrs={"size": 6}),
            "related": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, units: Any = None, documents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields  # ModelChoiceField / DateField attributes
        fields["issued_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        fields["unit"].queryset = units if units is not None else Unit.objects.none()
        fields["unit"].label = _("Registering unit")
        fields["issuer_unit"].queryset = units if units is not None else Unit.objects.none()
        others = documents if documents is not None else Document.objects.none()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        fields["replaces"].queryset = others
        fields["related"].queryset = others
        fields["summary"].help_text = _(
            "Short and easy to understand. Left empty, a draft is proposed from "
            "the body; it stays a draft until someone saves it."
        )

    def clean_term(self) -> str:
        term = (self.cleaned_data.get("term") or "").strip().upper()
        if term and not is_roman(term):
            raise forms.ValidationError(_("The term must be a Roman numeral, e.g. XII."))
        return term


class AttachmentForm(OnceFormMixin, forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, PNG or JPEG; at most 20 MB)"))
