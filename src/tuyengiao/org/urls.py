from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree, name="unit_tree"),
    path("search/", views.unit_search, name="unit_search"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/children/", views.unit_children, name="unit_children"),
    path("units/<int:pk>/import/", views.unit_import, name="unit_import"),
    path("units/<int:pk>/reorganise/", views.unit_reorganise, name="unit_reorganise"),
    path("changelog/", views.audit_log, name="audit_log"),
]
