from .views import reports

app_name = "opinion"
urlpatterns = reports.urls()
