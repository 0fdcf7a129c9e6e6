from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("<int:pk>/regenerate/", views.review_regenerate, name="review_regenerate"),
    path("<int:pk>/finalise/", views.review_finalise, name="review_finalise"),
    path("<int:pk>/export/<str:fmt>/", views.review_export, name="review_export"),
    path("jobs/<int:pk>/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("settings/<int:unit_pk>/", views.document_settings, name="document_settings"),
]
