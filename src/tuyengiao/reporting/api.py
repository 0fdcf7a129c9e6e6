"""REST endpoints of this app, registered on the project's one router."""

from __future__ import annotations

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """This app exposes no viewsets yet."""


extra_urls: list = []
