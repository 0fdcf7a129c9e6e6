from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import CountField

from .models import Commendation, Contest, Criterion, Entry, Exemplar, Grade, PracticeModel, Round


class PracticeModelForm(forms.ModelForm):
    class Meta:
        model = PracticeModel
        fields = ["unit", "name", "field", "started_on", "status", "description", "replicated_to"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "replicated_to": forms.SelectMultiple(
            attrs={"size": 6})}

    def __init__(self, *args: Any, units: Any, visible_units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = units
        fields["replicated_to"].queryset = visible_units


class ExemplarForm(forms.ModelForm):
    class Meta:
        model = Exemplar
        fields = ["unit", "kind", "name", "achievement", "honoured_on", "event"]
        widgets = {"achievement": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, units: Any, events: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = units
        fields["event"].queryset = events


class CommendationForm(forms.ModelForm):
    class Meta:
        model = Commendation
        fields = ["unit", "form", "issuer", "recipient_unit", "recipient_name", "awarded_on", "reason", "event"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, units: Any, visible_units: Any, events: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = units
        fields["recipient_unit"].queryset = visible_units
        fields["event"].queryset = events


class ContestForm(forms.ModelForm):
    class Meta:
        model = Contest
        fields = ["unit", "title", "year", "description", "tie_rule", "quota_a", "quota_b", "quota_c",
                  "quota_consolation"]
        field_classes = {"quota_a": CountField, "quota_b": CountField, "quota_c": CountField,
                         "quota_consolation": CountField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = units


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Round"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=1, required=False)


class CategoryForm(forms.Form):
    """A category's name and quotas; a blank quota sets no limit of that grade in the category (the
    service checks the numbers and names the field)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    quota_a = forms.CharField(label=_("prizes A in the category"), max_length=6, required=False)
    quota_b = forms.CharField(label=_("prizes B in the category"), max_length=6, required=False)
    quota_c = forms.CharField(label=_("prizes C in the category"), max_length=6, required=False)
    quota_consolation = forms.CharField(label=_("consolation prizes in the category"), max_length=6,
                                        required=False)

    def quotas(self) -> dict[str, Any]:
        return {Grade.A: self.cleaned_data.get("quota_a"), Grade.B: self.cleaned_data.get("quota_b"),
                Grade.C: self.cleaned_data.get("quota_c"),
                Grade.CONSOLATION: self.cleaned_data.get("quota_consolation")}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "min_score", "max_score"]


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["title", "authors", "author_unit", "category", "received_on"]

    def __init__(self, *args: Any, contest: Contest, visible_units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["category"].queryset = contest.categories.all()
        fields["author_unit"].queryset = visible_units


class AssignForm(forms.Form):
    round: forms.ModelChoiceField[Round] = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none())
    judge = forms.CharField(label=_("Judge (user name)"), max_length=150)
    entries: forms.ModelMultipleChoiceField[Entry] = forms.ModelMultipleChoiceField(
        label=_("Entries"), queryset=Entry.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["round"].queryset = contest.rounds.filter(closed_at__isnull=True)
        fields["round"].empty_label = None  # the first open round is chosen unless another is
        fields["entries"].queryset = contest.entries.all()


class ScoreForm(forms.Form):
    """One field per criterion of the sheet; the range is checked by the service, naming the criterion."""

    def __init__(self, *args: Any, criteria: list[Criterion], initial_scores: dict[int, Any], **kwargs: Any
                 ) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name} ({criterion.min_score:g}–{criterion.max_score:g}, ×{criterion.weight:g})",
                required=False, initial=initial_scores.get(criterion.pk),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        self.criteria = criteria

    def values(self) -> dict[int, Any]:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") for c in self.criteria}


GRADE_CHOICES = [("", "—"), *Grade.choices]


class ListFilter(forms.Form):
    unit = forms.IntegerField(required=False)
    q = forms.CharField(required=False, max_length=100)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    status = forms.CharField(required=False, max_length=20)
    field = forms.CharField(required=False, max_length=20)
