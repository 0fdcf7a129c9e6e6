from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "tuyengiao.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers, review  # noqa: F401 - registers the derived elements

        review.register_sections()
        auditlog.register(models.Inspection, m2m_fields={"inspected_units"})
        auditlog.register(models.Recommendation)
