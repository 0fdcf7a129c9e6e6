from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_work_fields(sender: Any = None, **kwargs: Any) -> None:
    """The fixed list of work fields exists in every database (created after migrating)."""
    from .services import ensure_work_fields as ensure

    ensure()


class DocumentsConfig(AppConfig):
    name = "tuyengiao.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, providers  # noqa: F401 - registers the derived elements
        from .review import register_section

        register_section()  # its part of the review reports

        auditlog.register(models.Document, m2m_fields={"work_fields", "replaces", "related"})
        for model in (models.DocumentReference, models.Attachment, models.WorkField):
            auditlog.register(model)
        post_migrate.connect(ensure_work_fields, sender=self, dispatch_uid="documents_work_fields")
