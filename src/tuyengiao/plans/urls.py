from .views import plans, reviews, tasks

app_name = "plans"
urlpatterns = plans.urls() + tasks.urls("tasks/") + reviews.urls("reviews/")
