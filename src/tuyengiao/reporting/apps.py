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
