from __future__ import annotations

from tuyengiao.core.records import RecordForm

from .models import HistoryWork


class WorkForm(RecordForm):
    class Meta:
        model = HistoryWork
        fields = ["unit", "kind", "title", "covers", "stage", "started_on", "appraisal_decision", "appraised_on",
                  "published_on", "copies", "notes"]
