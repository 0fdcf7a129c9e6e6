from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "tuyengiao.campaigns"
    label = "campaigns"
    verbose_name = _("Study campaigns")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers  # noqa: F401 - registers the derived elements
        from .review import register_section

        register_section()  # its part of the review reports

        auditlog.register(models.Campaign, m2m_fields={"documents"})
        auditlog.register(models.CampaignParticipation)

        from tuyengiao.events.services import register_study_hook

        from .services import study_sessions

        register_study_hook(study_sessions)
