from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "tuyengiao.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuyengiao.core.scoping import register_scope_builder

        from . import models, providers  # noqa: F401 - registers the member count
        from .access import Scope

        register_scope_builder(Scope.of)

        for model in (models.Unit, models.UnitPlacement, models.UnitSuccession, models.Board,
                      models.StaffPosition, models.Assignment):
            auditlog.register(model)
