from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "tuyengiao.emulation"
    label = "emulation"
    verbose_name = _("Emulation and commendation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers, review  # noqa: F401 - registers the derived elements

        review.register_sections()
        for model in (models.Exemplar, models.Commendation, models.Contest, models.Entry,
                      models.Round, models.Criterion, models.Prize, models.JudgeAssignment):
            auditlog.register(model)
        auditlog.register(models.PracticeModel, m2m_fields={"replicated_to"})
