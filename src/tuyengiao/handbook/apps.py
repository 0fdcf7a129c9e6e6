from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandbookConfig(AppConfig):
    name = "tuyengiao.handbook"
    label = "handbook"
    verbose_name = _("Member handbook")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuyengiao.campaigns.services import register_member_counter
        from tuyengiao.core.context_processors import register_badge

        from . import notices, providers, review  # noqa: F401 - registers the derived elements and review section
        from .models import Member
        from .services import expected_members, member_of, unread_count

        auditlog.register(Member, include_fields=["unit", "full_name", "position", "status", "has_smartphone"])
        register_member_counter(expected_members)
        notices.connect()
        register_badge("handbook:home", lambda user: unread_count(member_of(user)))
