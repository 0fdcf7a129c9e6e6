"""A month's calendar follows the tree as it stood that month, not today's."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.events.test_events import at, make_event
from tuyengiao.events import services
from tuyengiao.org.services import Reorganisation, reorganise

pytestmark = pytest.mark.django_db


def test_a_month_shows_the_units_that_were_under_the_unit_that_month(world: World) -> None:
    event = make_event(world, unit=world.cell, start=at(dt.date(2024, 5, 10)), end=at(dt.date(2024, 5, 10), 11))
    reorganise(Reorganisation(date=dt.date(2025, 7, 1), moves={world.cell.code: world.other_commune.code}))
    admin = world.province_admin
    assert list(services.events_in_month(admin, world.commune, 2024, 5)) == [event]
    assert list(services.events_in_month(admin, world.other_commune, 2024, 5)) == []
    assert list(services.events_in_month(admin, world.district, 2024, 5)) == [event]
