from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Meeting, MemberStatus, Reply

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
DT_ATTRS = {"placeholder": "28/12/2026 08:00", "autocomplete": "off"}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx) or CSV"))


class MeetingForm(forms.ModelForm):
    start = forms.DateTimeField(label=_("starts"), input_formats=DT_FORMATS,
                                widget=forms.DateTimeInput(attrs=DT_ATTRS, format="%d/%m/%Y %H:%M"))

    class Meta:
        model = Meeting
        fields = ["unit", "kind", "title", "start", "venue", "agenda", "documents", "campaigns"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4}), "documents": forms.SelectMultiple(attrs={"size": 5}),
                   "campaigns": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(self, *args: Any, units: Any, documents: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
        self.fields["campaigns"].queryset = campaigns  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(label=_("answer"), choices=[(Reply.YES, Reply.YES.label), (Reply.NO, Reply.NO.label)],
                              widget=forms.RadioSelect)
    reason = forms.CharField(label=_("reason for absence"), required=False, max_length=300)


class CommitmentForm(forms.Form):
    text = forms.CharField(label=_("commitment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000)


class AssessForm(forms.Form):
    stage = forms.ChoiceField(choices=[("mid_year", _("mid-year self-assessment")),
                                       ("year_end", _("year-end self-assessment"))], widget=forms.HiddenInput)
    text = forms.CharField(label=_("self-assessment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)
    completed = forms.BooleanField(label=_("I completed my commitment"), required=False)


class BulletinForm(forms.Form):
    title = forms.CharField(label=_("heading"), max_length=300)
    month = forms.RegexField(label=_("month"), regex=r"^20\d\d(0[1-9]|1[0-2])$", max_length=6,
                             help_text=_("As 202603 for March 2026."))
    message = forms.CharField(label=_("short message"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=2000)
    documents: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("documents"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]


class QuizForm(forms.Form):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=_("unit"), queryset=None)
    title = forms.CharField(label=_("heading"), max_length=300)
    document: forms.ModelChoiceField = forms.ModelChoiceField(label=_("documents"), queryset=None, required=False)
    campaign: forms.ModelChoiceField = forms.ModelChoiceField(label=_("study campaign"), queryset=None,
                                                              required=False)
    pass_mark = forms.IntegerField(label=_("pass mark (%)"), min_value=1, max_value=100, initial=80)
    max_attempts = forms.IntegerField(label=_("attempts allowed"), min_value=1, max_value=20, initial=3)
    opens_at = forms.DateTimeField(label=_("opens"), input_formats=DT_FORMATS,
                                   widget=forms.DateTimeInput(attrs=DT_ATTRS, format="%d/%m/%Y %H:%M"))
    deadline = forms.DateTimeField(label=_("deadline"), input_formats=DT_FORMATS,
                                   widget=forms.DateTimeInput(attrs=DT_ATTRS, format="%d/%m/%Y %H:%M"))
    bank = forms.FileField(label=_("Question bank (Excel: Câu hỏi, A, B, C, D, Đáp án đúng)"))

    def __init__(self, *args: Any, units: Any, documents: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class MemberFilterForm(forms.Form):
    """The filters of a cell's member list (and of its export)."""

    q = forms.CharField(label=_("Name or position"), required=False, max_length=120)
    status = forms.ChoiceField(label=_("status"), required=False,
                               choices=[("", _("All statuses")), *MemberStatus.choices])
    phone = forms.ChoiceField(label=_("uses the app"), required=False,
                              choices=[("", _("All")), ("yes", _("Yes")), ("no", _("No"))])
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=MemberStatus.choices)
