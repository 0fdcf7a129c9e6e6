from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.records import RecordForm

from .models import DocumentReview, KeyTask, WorkPlan


class PlanForm(RecordForm):
    class Meta:
        model = WorkPlan
        fields = ["unit", "year", "title", "document"]


class TaskForm(RecordForm):
    unit_field = "plan"

    class Meta:
        model = KeyTask
        fields = ["plan", "title", "field", "owner", "due_on", "status", "progress", "done_on", "documents"]
        widgets = {"documents": forms.SelectMultiple(attrs={"size": 6})}


class ReviewForm(RecordForm):
    class Meta:
        model = DocumentReview
        fields = ["unit", "document", "kind", "due_on", "done_on", "note"]


class ScheduleForm(forms.Form):
    """Reviews to create from a document of the registry."""

    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    document: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Document"), queryset=None)
    interim_years = forms.CharField(label=_("Interim reviews, years after issue"), initial="5",
                                    help_text=_("Separated by commas, e.g. 3, 5."))
    final_years = forms.IntegerField(label=_("Final review, years after issue"), initial=10, min_value=1,
                                     required=False)

    def __init__(self, *args: object, units: object, documents: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]

    def clean_interim_years(self) -> list[int]:
        text = self.cleaned_data["interim_years"]
        try:
            years = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Whole numbers of years separated by commas, e.g. 3, 5.")) from exc
        if any(y < 1 or y > 50 for y in years):
            raise forms.ValidationError(_("Each between 1 and 50 years."))
        return years
