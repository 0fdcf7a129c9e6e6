from __future__ import annotations

from django import forms

from tuyengiao.core.records import RecordForm

from .models import ConcernReport, ConcernTopic


class ReportForm(RecordForm):
    class Meta:
        model = ConcernReport
        fields = ["unit", "period", "topic", "reports", "summary", "proposed_response", "responsible_agency",
                  "answered", "answered_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "proposed_response": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["topic"].queryset = ConcernTopic.objects.filter(active=True)  # type: ignore[attr-defined]
