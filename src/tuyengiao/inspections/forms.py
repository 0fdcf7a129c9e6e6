from __future__ import annotations

from typing import Any

from django import forms

from tuyengiao.core.forms import CountField

from .models import Inspection, Recommendation


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["unit", "title", "topic", "document", "inspected_units", "status", "planned_on", "held_from",
                  "held_to", "cadres_covered", "organisations_covered", "findings", "conclusions"]
        field_classes = {"cadres_covered": CountField, "organisations_covered": CountField}
        widgets = {"findings": forms.Textarea(attrs={"rows": 4}), "conclusions": forms.Textarea(attrs={"rows": 4}),
                   "inspected_units": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args: Any, units: Any, visible_units: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = units
        fields["inspected_units"].queryset = visible_units
        fields["document"].queryset = documents


class RecommendationForm(forms.ModelForm):
    """Owner unit and due date are checked by the service, so its message names them the same way everywhere."""

    class Meta:
        model = Recommendation
        fields = ["content", "owner_unit", "due_on"]
        widgets = {"content": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, visible_units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["owner_unit"].queryset = visible_units


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["status", "evidence", "done_on"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ListFilter(forms.Form):
    unit = forms.IntegerField(required=False)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    status = forms.CharField(required=False, max_length=20)
    q = forms.CharField(required=False, max_length=100)
