from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from tuyengiao.api.views import ApiDocsView
from tuyengiao.core import pages as core_pages
from tuyengiao.handbook import views as handbook_views

urlpatterns = [
    path("", handbook_views.home, name="home"),
    path("text-size/", core_pages.text_size, name="text_size"),
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("accounts/", include("tuyengiao.accounts.urls")),
    path("org/", include("tuyengiao.org.urls")),
    path("reporting/", include("tuyengiao.reporting.urls")),
    path("documents/", include("tuyengiao.documents.urls")),
    path("events/", include("tuyengiao.events.urls")),
    path("campaigns/", include("tuyengiao.campaigns.urls")),
    path("reviews/", include("tuyengiao.reviews.urls")),
    path("training/", include("tuyengiao.training.urls")),
    path("outreach/", include("tuyengiao.outreach.urls")),
    path("plans/", include("tuyengiao.plans.urls")),
    path("opinion/", include("tuyengiao.opinion.urls")),
    path("history/", include("tuyengiao.history.urls")),
    path("handbook/", include("tuyengiao.handbook.urls")),
    path("emulation/", include("tuyengiao.emulation.urls")),
    path("inspections/", include("tuyengiao.inspections.urls")),
    path("api/", include("tuyengiao.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The schema needs a login like the rest (SERVE_PERMISSIONS); the docs page sends browsers to log in.
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler403 = "tuyengiao.core.pages.permission_denied"
handler404 = "tuyengiao.core.pages.page_not_found"
handler500 = "tuyengiao.core.pages.server_error"
