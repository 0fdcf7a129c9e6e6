"""The shared world with half a year of figures from two communes, and last year's for one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import World
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.reporting import entry


@dataclass
class Filled:
    world: World
    catalogue: Catalogue


def put(user, element, unit, period, value) -> None:  # type: ignore[no-untyped-def]
    entry.save_value(user, element, unit, period, str(value), None)


def fill(world: World, cat: Catalogue) -> None:
    for month in range(1, 7):
        p25, p24 = f"2025{month:02d}", f"2024{month:02d}"
        put(world.commune_officer, cat.sessions, world.commune, p25, 2)
        put(world.commune_officer, cat.attendees, world.commune, p25, 50)
        put(world.commune_officer, cat.expected, world.commune, p25, 55)
        put(world.other_commune_officer, cat.sessions, world.other_commune, p25, 1)
        put(world.other_commune_officer, cat.attendees, world.other_commune, p25, 40)
        put(world.other_commune_officer, cat.expected, world.other_commune, p25, 40)
        put(world.commune_officer, cat.sessions, world.commune, p24, 1)
        put(world.commune_officer, cat.attendees, world.commune, p24, 45)
        put(world.commune_officer, cat.expected, world.commune, p24, 50)


@pytest.fixture
def filled(world: World) -> Filled:
    cat = build_catalogue()
    fill(world, cat)
    return Filled(world, cat)
