from django.contrib import admin

from tuyengiao.core.admin import ShownOnlyAdmin

from .models import (
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    ImportJob,
    Indicator,
    Submission,
    ValidationRule,
)


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "value_type", "aggregation", "work_field", "zero_is_significant"]
    list_filter = ["value_type", "aggregation", "work_field"]
    search_fields = ["code", "name"]


class DataSetElementInline(admin.TabularInline):
    model = DataSetElement
    extra = 0
    raw_id_fields = ["element"]


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "period_type", "due_days", "expiry_days"]
    inlines = [DataSetElementInline, ValidationRuleInline]


@admin.register(DataValue)
class DataValueAdmin(ShownOnlyAdmin):
    list_display = ["element", "unit", "period", "value", "text_value", "version", "stored_by", "updated_at"]
    list_filter = ["period"]
    raw_id_fields = ["element", "unit", "stored_by"]
    search_fields = ["element__code", "unit__code"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "dataset", "left", "operator", "right"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "numerator", "denominator", "factor"]
    search_fields = ["code", "name"]


@admin.register(Submission)
class SubmissionAdmin(ShownOnlyAdmin):
    list_display = ["dataset", "unit", "period", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "dataset", "period"]
    raw_id_fields = ["unit", "submitted_by", "decided_by"]


@admin.register(ImportJob)
class ImportJobAdmin(ShownOnlyAdmin):
    list_display = ["file_name", "user", "unit", "dataset", "period", "status", "processed", "total", "created_at"]
    list_filter = ["status", "dataset", "period"]
    raw_id_fields = ["user", "unit"]
    search_fields = ["file_name", "unit__code", "user__username"]
