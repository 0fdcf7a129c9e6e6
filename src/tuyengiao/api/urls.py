"""One router for the whole API; each app registers its viewsets in its ``api.py``."""

from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from . import views

APPS = ["org", "reporting", "documents", "events", "campaigns"]

router = DefaultRouter()
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-tokens")
urlpatterns: list[URLPattern | URLResolver] = [path("auth/token/", views.ObtainTokenView.as_view(), name="api-token")]
for app in APPS:
    module = import_module(f"tuyengiao.{app}.api")
    module.register(router)
    urlpatterns += getattr(module, "extra_urls", [])
urlpatterns.append(path("", include(router.urls)))
