from django.contrib import admin

from .models import Campaign, CampaignParticipation


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "scope", "audience", "start", "deadline", "target_rate"]
    list_filter = ["audience"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "scope", "documents"]


@admin.register(CampaignParticipation)
class CampaignParticipationAdmin(admin.ModelAdmin):
    list_display = ["campaign", "unit", "expected", "attended", "source", "reported_on"]
    list_filter = ["source", "campaign"]
    raw_id_fields = ["campaign", "unit"]
