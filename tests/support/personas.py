"""The personas every access test speaks of, and clients signed in as them.

The names are the fields of ``tests.conftest.World``; ``anonymous`` is nobody signed in.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from rest_framework.test import APIClient

PERSONAS = (
    "province_admin",
    "province_approver",
    "commune_officer",
    "other_commune_officer",
    "cell_secretary",
    "member",
    "anonymous",
)


def client_for(user: Any) -> Client:
    """A browser-like client with the user's session (no session for ``None``)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client_for(user: Any) -> APIClient:
    """An API client authenticated as the user through its session, as a signed-in browser is."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def persona_user(world: Any, persona: str) -> Any:
    """The user behind a persona name, or ``None`` for ``anonymous``."""
    return None if persona == "anonymous" else getattr(world, persona)
