from __future__ import annotations

import pytest

from tests.conftest import World

from .fixtures import Handbook, build_handbook


@pytest.fixture
def hb(world: World) -> Handbook:
    return build_handbook(world)
