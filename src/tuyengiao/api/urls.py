"""One router for the whole API; each app registers its viewsets in its ``api.py``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from tuyengiao.campaigns import api as campaigns_api
from tuyengiao.documents import api as documents_api
from tuyengiao.emulation import api as emulation_api
from tuyengiao.events import api as events_api
from tuyengiao.inspections import api as inspections_api
from tuyengiao.org import api as org_api
from tuyengiao.reporting import api as reporting_api

from . import views

router = DefaultRouter()
urlpatterns: list[URLPattern | URLResolver] = [path("auth/token/", views.ObtainTokenView.as_view(), name="api-token")]
for app_api in (org_api, reporting_api, documents_api, events_api, campaigns_api):
    app_api.register(router)
emulation_api.register(router)
inspections_api.register(router)
urlpatterns += org_api.extra_urls
urlpatterns += reporting_api.extra_urls
urlpatterns.append(path("", include(router.urls)))
