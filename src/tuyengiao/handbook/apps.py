from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandbookConfig(AppConfig):
    name = "tuyengiao.handbook"
    label = "handbook"
    verbose_name = _("Member handbook")

    def ready(self) -> None:
        from . import providers, review  # noqa: F401 - registers the derived elements and review section
