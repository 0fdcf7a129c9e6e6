from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "tuyengiao.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tuyengiao.core import providers
        from tuyengiao.org.audit import CodedRecords, register_coded
        from tuyengiao.org.signals import tree_changed, tree_changing

        from . import aggregates, audit_names, derived, models, report_counts

        providers.on_records_changed(derived.changed)  # kept figures are refreshed by reporting

        from django.db.models.signals import post_save, pre_save

        pre_save.connect(aggregates.before_element_saved, sender=models.DataElement, dispatch_uid="reporting.rules")
        post_save.connect(aggregates.on_element_saved, sender=models.DataElement, dispatch_uid="reporting.rules")
        tree_changing.connect(aggregates.before_tree_change, dispatch_uid="reporting.aggregates")
        tree_changed.connect(aggregates.on_tree_changed, dispatch_uid="reporting.aggregates")
        tree_changed.connect(report_counts.on_tree_changed, dispatch_uid="reporting.report_counts")
        from .review import register_section

        register_section()  # its part of the review reports
        register_coded(models.DataValue, CodedRecords(audit_names.element_labels, audit_names.figure_names))

        for model in (
            models.DataElement,
            models.DataSet,
            models.DataSetElement,
            models.DataValue,
            models.ValidationRule,
            models.Indicator,
            models.Submission,
        ):
            auditlog.register(model)
        # progress counters and the (large) summaries change often and say nothing about who did what
        auditlog.register(models.ImportJob, exclude_fields=["processed", "total", "errors", "preview", "updated_at"])
