from .views import classes, plans

app_name = "training"
urlpatterns = classes.urls() + plans.urls("plans/")
