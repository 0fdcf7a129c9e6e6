from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tuyengiao.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django import forms

        from .forms import VNDateInput

        # Every form's DateField reads and shows dd/mm/yyyy unless it names its own widget.
        forms.DateField.widget = VNDateInput
