from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("export/", views.inspection_export, name="inspection_export"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("new/", views.inspection_add, name="inspection_add"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("<int:pk>/recommendations/", views.recommendation_add, name="recommendation_add"),
    path("recommendations/<int:pk>/follow-up/", views.recommendation_follow_up, name="recommendation_follow_up"),
]
