from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "tuyengiao.training"
    label = "training"
    verbose_name = _("Political theory training")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers, review  # noqa: F401 - registers the derived elements and the section

        auditlog.register(models.TrainingClass)
        auditlog.register(models.TrainingPlan)
