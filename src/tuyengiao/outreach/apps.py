from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "tuyengiao.outreach"
    label = "outreach"
    verbose_name = _("Reporters and publications")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers, review  # noqa: F401 - registers the derived elements and the section

        auditlog.register(models.Reporter)
        auditlog.register(models.Briefing, m2m_fields={"reporters"})
        auditlog.register(models.Publication)
        auditlog.register(models.PressGuidance)
