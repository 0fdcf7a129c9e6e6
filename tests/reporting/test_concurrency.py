"""A deadline rush on a real PostgreSQL: many clients writing one unit's figures at the same moment.

Every client must get an answer (no deadlock, no 500), and no value may be lost: a write without a
version overwrites, a write with a stale version is told so.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import World, build_world
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.reporting.models import DataValue

# Row locks and deadlocks are PostgreSQL's.
pytestmark = pytest.mark.postgres

CLIENTS = 6
CODES = ["HT_SO_BUOI", "HT_LUOT_DV", "HT_DV_TRIEU_TAP", "HT_TY_LE_TU_DANH_GIA", "GHI_CHU"]



@pytest.fixture
def rush_world(transactional_db: None) -> tuple[World, Catalogue]:
    return build_world(), build_catalogue()


def at_once(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` for every client in its own thread and connection, all released together."""
    start = threading.Barrier(CLIENTS)
    results: list[Any] = [None] * CLIENTS

    def run(i: int) -> None:
        try:
            start.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_clients_inserting_one_units_new_values_in_any_order_all_succeed(rush_world) -> None:  # type: ignore[no-untyped-def]
    world, _catalogue = rush_world
    for month in ("202401", "202402", "202403"):

        def post(i: int, month: str = month) -> tuple[int, Any]:
            values = [{"dataElement": code, "value": str(10 + i) if code != "GHI_CHU" else f"lần {i}"}
                      for code in CODES if code != "HT_TY_LE_TU_DANH_GIA"]
            random.Random(i).shuffle(values)
            client = APIClient()
            client.force_authenticate(world.commune_officer)
            answer = client.post(
                "/api/dataValueSets/",
                {"dataSet": "BC_THANG", "period": month, "orgUnit": "T.X1", "dataValues": values},
                format="json",
            )
            return answer.status_code, answer.json()

        results = at_once(post)
        assert [r[0] if isinstance(r, tuple) else r for r in results] == [200] * CLIENTS, results
        rows = list(DataValue.objects.filter(unit=world.commune, period=month))
        assert len(rows) == 4
        # every client's write landed, one after the other: nothing lost, nothing half-written
        assert {r.version for r in rows} == {CLIENTS}
        winners = {r.element.code: r for r in rows}
        last = int(winners["HT_SO_BUOI"].value)
        assert all(r.value == Decimal(last) for code, r in winners.items() if code != "GHI_CHU")
        assert winners["GHI_CHU"].text_value == f"lần {last - 10}"


def test_the_form_under_a_rush_answers_saved_or_conflict_never_an_error(rush_world) -> None:  # type: ignore[no-untyped-def]
    world, catalogue = rush_world
    url = reverse("reporting:entry_value", args=[catalogue.monthly.pk, world.commune.pk, "202405",
                                                 catalogue.sessions.pk])

    def post(i: int) -> tuple[int, str]:
        client = Client()
        client.force_login(world.commune_officer)
        answer = client.post(url, {"value": str(i + 1), "version": 0}, HTTP_HX_REQUEST="true")
        return answer.status_code, answer.content.decode()

    results = at_once(post)
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    saved = [body for _status, body in results if "Đã lưu" in body]
    refused = [body for _status, body in results if "chưa ghi đè" in body]
    assert len(saved) == 1 and len(refused) == CLIENTS - 1
    stored = DataValue.objects.get(element=catalogue.sessions, unit=world.commune, period="202405")
    assert stored.version == 1 and f'value="{int(stored.value)}"' in saved[0]
