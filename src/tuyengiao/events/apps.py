from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tuyengiao.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers  # noqa: F401 - registers the derived elements
        from .review import register_section

        register_section()  # its part of the review reports

        auditlog.register(models.Event, m2m_fields={"documents"})
        auditlog.register(models.EventPhoto)
