"""Kinds, issuers and work fields of Party documents, named as in the glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    DIRECTIVE = "directive", _("Directive")
    CONCLUSION = "conclusion", _("Conclusion")
    REGULATION = "regulation", _("Regulation")
    GUIDANCE = "guidance", _("Guidance")
    PLAN = "plan", _("Plan")
    REPORT = "report", _("Report")
    NOTICE = "notice", _("Notice")
    OFFICIAL_LETTER = "official_letter", _("Official letter")
    ORIENTATION = "orientation", _("Orientation")


# The abbreviation of each kind in a Party symbol ("35-NQ/TW"). An orientation is a guidance.
KIND_ABBREVIATIONS: dict[str, str] = {
    DocumentKind.RESOLUTION: "NQ",
    DocumentKind.DIRECTIVE: "CT",
    DocumentKind.CONCLUSION: "KL",
    DocumentKind.REGULATION: "QĐ",
    DocumentKind.GUIDANCE: "HD",
    DocumentKind.PLAN: "KH",
    DocumentKind.REPORT: "BC",
    DocumentKind.NOTICE: "TB",
    DocumentKind.OFFICIAL_LETTER: "CV",
    DocumentKind.ORIENTATION: "HD",
}


class Issuer(models.TextChoices):
    POLITBURO = "politburo", _("Politburo")
    SECRETARIAT = "secretariat", _("Secretariat")
    CENTRAL_COMMITTEE = "central_committee", _("Central Committee")
    NATIONAL_CONGRESS = "national_congress", _("National Party Congress")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial Party committee")
    DISTRICT_COMMITTEE = "district_committee", _("District Party committee")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune Party committee")
    BOARD = "board", _("Propaganda and education board")
    OTHER = "other", _("Other")


# Issuers whose documents carry "/TW" in the symbol.
CENTRAL_ISSUERS = frozenset(
    {Issuer.POLITBURO, Issuer.SECRETARIAT, Issuer.CENTRAL_COMMITTEE, Issuer.NATIONAL_CONGRESS}
)


class WorkField(models.TextChoices):
    IDEOLOGY = "ideology", _("Political ideology")
    THEORY = "theory", _("Political theory")
    PROPAGANDA = "propaganda", _("Propaganda and press")
    FOLLOW_HO = "follow_ho", _("Studying and following Ho Chi Minh")
    CULTURE_ARTS = "culture_arts", _("Culture and arts")
    SCIENCE_EDUCATION = "science_education", _("Science and education")
    PARTY_HISTORY = "party_history", _("Party history")
    MASS_MOBILISATION = "mass_mobilisation", _("Mass mobilisation")
    ORGANISATION = "organisation", _("Party building and organisation")
    OTHER = "other", _("Other")
