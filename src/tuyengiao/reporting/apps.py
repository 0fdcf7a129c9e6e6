from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "tuyengiao.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.DataElement,
            models.DataSet,
            models.DataSetElement,
            models.DataValue,
            models.ValidationRule,
            models.Indicator,
            models.Submission,
        ):
            auditlog.register(model)
        # progress counters and the (large) summaries change often and say nothing about who did what
        auditlog.register(models.ImportJob, exclude_fields=["processed", "total", "errors", "preview", "updated_at"])
