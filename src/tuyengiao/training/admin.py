from django.contrib import admin

from .models import TrainingClass, TrainingPlan


@admin.register(TrainingClass)
class TrainingClassAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "unit", "planned_open", "opened_on", "enrolled", "completed"]
    list_filter = ["category"]
    search_fields = ["title", "centre"]
    raw_id_fields = ["unit"]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "planned_classes", "planned_learners"]
    raw_id_fields = ["unit"]
