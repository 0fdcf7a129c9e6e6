from .views import works

app_name = "history"
urlpatterns = works.urls()
