from .views import briefings, guidance, publications, reporters

app_name = "outreach"
urlpatterns = reporters.urls() + briefings.urls("briefings/") + publications.urls("publications/") \
    + guidance.urls("guidance/")
