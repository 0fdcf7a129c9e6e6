from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "tuyengiao.reviews"
    label = "reviews"
    verbose_name = _("Review reports")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Review, exclude_fields=["figures", "sections", "children", "charts"])
        auditlog.register(models.DocumentSettings)
