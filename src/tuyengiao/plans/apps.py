from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "tuyengiao.plans"
    label = "plans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers, review  # noqa: F401 - registers the derived elements and the section

        auditlog.register(models.WorkPlan)
        auditlog.register(models.KeyTask, m2m_fields={"documents"})
        auditlog.register(models.DocumentReview)
