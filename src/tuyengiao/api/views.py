"""Token login for API clients; throttled like the web login through django-axes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken


@extend_schema(tags=["auth"], summary="Exchange username and password for an API token")
class ObtainTokenView(ObtainAuthToken):
    pass
