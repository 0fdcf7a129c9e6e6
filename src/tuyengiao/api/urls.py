"""One router for the whole API; each app registers its viewsets in its ``api.py``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from tuyengiao.campaigns import api as campaigns_api
from tuyengiao.documents import api as documents_api
from tuyengiao.emulation import api as emulation_api
from tuyengiao.events import api as events_api
from tuyengiao.handbook import api as handbook_api
from tuyengiao.inspections import api as inspections_api
from tuyengiao.org import api as org_api
from tuyengiao.reporting import api as reporting_api
from tuyengiao.reviews import api as reviews_api

from . import views

router = DefaultRouter()
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-tokens")
urlpatterns: list[URLPattern | URLResolver] = [path("auth/token/", views.ObtainTokenView.as_view(), name="api-token")]
for app_api in (org_api, reporting_api, documents_api, events_api, campaigns_api, reviews_api):
    app_api.register(router)
handbook_api.register(router)
emulation_api.register(router)
inspections_api.register(router)
urlpatterns += org_api.extra_urls
urlpatterns += reporting_api.extra_urls
from tuyengiao.history import api as history_api  # noqa: E402
from tuyengiao.opinion import api as opinion_api  # noqa: E402
from tuyengiao.outreach import api as outreach_api  # noqa: E402
from tuyengiao.plans import api as plans_api  # noqa: E402
from tuyengiao.training import api as training_api  # noqa: E402

for records_api in (training_api, outreach_api, plans_api, opinion_api, history_api):
    records_api.register(router)
urlpatterns.append(path("", include(router.urls)))
