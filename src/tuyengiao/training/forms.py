from __future__ import annotations

from tuyengiao.core.records import RecordForm

from .models import TrainingClass, TrainingPlan


class ClassForm(RecordForm):
    class Meta:
        model = TrainingClass
        fields = ["unit", "centre", "category", "title", "planned_open", "planned_close", "opened_on", "closed_on",
                  "enrolled", "completed", "enrolled_off_payroll", "completed_off_payroll", "notes"]


class PlanForm(RecordForm):
    class Meta:
        model = TrainingPlan
        fields = ["unit", "year", "planned_classes", "planned_learners", "planned_off_payroll"]
