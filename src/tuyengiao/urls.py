from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tuyengiao.org import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accounts/", include("tuyengiao.accounts.urls")),
    path("org/", include("tuyengiao.org.urls")),
    path("reporting/", include("tuyengiao.reporting.urls")),
    path("documents/", include("tuyengiao.documents.urls")),
    path("events/", include("tuyengiao.events.urls")),
    path("campaigns/", include("tuyengiao.campaigns.urls")),
    path("emulation/", include("tuyengiao.emulation.urls")),
    path("inspections/", include("tuyengiao.inspections.urls")),
    path("api/", include("tuyengiao.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
