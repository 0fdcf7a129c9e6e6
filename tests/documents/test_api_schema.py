"""The records' endpoints are in the OpenAPI schema."""

from __future__ import annotations

import pytest

from tests.conftest import World


@pytest.mark.smoke
def test_the_schema_lists_documents_events_campaigns_and_participation(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.province_admin)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/documents/",
        "/api/documents/{id}/",
        "/api/events/",
        "/api/campaigns/",
        "/api/campaigns/{id}/progress/",
        "/api/participations/{id}/",
    ):
        assert path in paths, path
    assert any(p["name"] == "q" for p in paths["/api/documents/"]["get"]["parameters"])
