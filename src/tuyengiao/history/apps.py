from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "tuyengiao.history"
    label = "history"
    verbose_name = _("Party history works")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers, review  # noqa: F401 - registers the derived elements and the section

        auditlog.register(models.HistoryWork)
