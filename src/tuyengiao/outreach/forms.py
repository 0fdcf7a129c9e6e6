from __future__ import annotations

from tuyengiao.core.records import RecordForm

from .models import Briefing, PressGuidance, Publication, Reporter


class ReporterForm(RecordForm):
    class Meta:
        model = Reporter
        fields = ["unit", "name", "position", "level", "subjects", "active_from", "active_until"]


class BriefingForm(RecordForm):
    class Meta:
        model = Briefing
        fields = ["unit", "kind", "title", "held_on", "audience", "reporters", "event", "notes"]


class PublicationForm(RecordForm):
    class Meta:
        model = Publication
        fields = ["unit", "kind", "title", "channel", "published_on", "views", "shares", "copies"]


class GuidanceForm(RecordForm):
    class Meta:
        model = PressGuidance
        fields = ["unit", "kind", "subject", "issued_on", "document", "recipients"]
