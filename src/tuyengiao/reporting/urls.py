from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("pivot/", views.pivot_view, name="pivot"),
    path("my-reports/", views.my_reports, name="my_reports"),
    path("entry/<int:dataset>/<int:unit>/<str:period>/", views.entry, name="entry"),
    path(
        "entry/<int:dataset>/<int:unit>/<str:period>/value/<int:element>/",
        views.entry_value,
        name="entry_value",
    ),
    path("entry/<int:dataset>/<int:unit>/<str:period>/submit/", views.entry_submit, name="entry_submit"),
    path("entry/<int:dataset>/<int:unit>/<str:period>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("approvals/<int:dataset>/<int:unit>/<str:period>/", views.approvals, name="approvals"),
    path(
        "approvals/<int:dataset>/<int:unit>/<str:period>/approve/",
        views.approve_selected,
        name="approve_selected",
    ),
    path(
        "excel/<int:dataset>/<int:unit>/<str:period>/template/", views.excel_template, name="excel_template"
    ),
    path("excel/<int:dataset>/<int:unit>/<str:period>/upload/", views.excel_upload, name="excel_upload"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"),
    path("imports/<int:pk>/commit/", views.import_job_commit, name="import_job_commit"),
    path("submissions/<int:pk>/<str:action>/", views.decide, name="decide"),
]
