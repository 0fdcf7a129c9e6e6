from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "tuyengiao.opinion"
    label = "opinion"
    verbose_name = _("Public concerns")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers, review  # noqa: F401 - registers the derived elements and the section

        auditlog.register(models.ConcernReport)
