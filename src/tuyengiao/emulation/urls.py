from django.urls import path

from . import views

app_name = "emulation"
urlpatterns = [
    path("", views.home, name="home"),
    path("judging/", views.judging, name="judging"),
    path("judging/<int:pk>/", views.judge_sheet, name="judge_sheet"),
    path("<slug:kind>/", views.record_list, name="record_list"),
    path("<slug:kind>/export/", views.record_export, name="record_export"),
    path("<slug:kind>/new/", views.record_add, name="record_add"),
    path("<slug:kind>/<int:pk>/", views.record_detail, name="record_detail"),
    path("<slug:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<slug:kind>/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<slug:kind>/<int:pk>/photos/<int:photo_pk>/", views.photo_view, name="photo_view"),
    path("contests/<int:pk>/setup/", views.contest_setup, name="contest_setup"),
    path("contests/<int:pk>/rounds/<int:round_pk>/close/", views.round_close, name="round_close"),
    path("contests/<int:pk>/prizes/", views.contest_prizes, name="contest_prizes"),
    path("contests/<int:pk>/publish/", views.contest_publish, name="contest_publish"),
    path("contests/<int:pk>/results.xlsx", views.contest_results_xlsx, name="contest_results_xlsx"),
]
