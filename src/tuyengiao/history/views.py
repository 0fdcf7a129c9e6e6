"""History-work pages: the works of a subtree by stage, with their appraisal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tuyengiao.core.records import Column, RecordPages, entry_units, may_add

from . import services
from .filters import WorkFilter
from .forms import WorkForm
from .models import HistoryWork

works = RecordPages(
    name="work", namespace="history", model=HistoryWork, title=_("Party history works"),
    columns=[
        Column(_("Name of the work"), lambda w: w.title, link=True),
        Column(_("Unit"), lambda w: w.unit.name),
        Column(_("Kind"), lambda w: w.get_kind_display()),
        Column(_("Years covered"), lambda w: w.covers),
        Column(_("Stage"), lambda w: w.get_stage_display()),
        Column(_("Appraisal decision"), lambda w: w.appraisal_decision),
        Column(_("Appraised on"), lambda w: w.appraised_on),
        Column(_("Published on"), lambda w: w.published_on),
    ],
    visible=services.visible_works, editable=services.editable_works, form_class=WorkForm, filterset=WorkFilter,
    save=lambda request, form, obj: services.save_work(request.user, form.save(commit=False)),
    delete=services.delete_work, can_add=may_add, form_kwargs=lambda request: {"units": entry_units(request.user)},
    related=("unit",), saved_message=_("The history work was saved."),
)
