"""The API against its own schema: schemathesis generates requests from ``/api/schema/`` (valid and
invalid), sends them to the app in-process as the province admin, and checks each answer.

No answer is a server error; every status code, content type and body is the one the schema
declares (so pages are paginated where the schema says, and the 400/403/404 an endpoint answers
are documented). Examples are few per operation and derandomised, so a run is short and the same
each time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.world import MatrixWorld, build_matrix_world  # noqa: E402

EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations whose answers are no JSON body of the schema's shape by nature.
SKIP = {("POST", "/api/auth/token/")}  # throttled by django-axes: random passwords would lock the test user


@pytest.fixture
def app(db: None, settings: Any) -> Iterator[WSGIHandler]:
    """The Django app as WSGI, in this thread and this test's transaction (as Django's test client
    does, the connection is not closed at the end of each request)."""
    settings.ALLOWED_HOSTS = ["*"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db: None) -> MatrixWorld:
    return build_matrix_world()


def _token(mw: MatrixWorld) -> dict[str, str]:
    from tuyengiao.accounts.services import issue_token

    _token, secret = issue_token(mw.world.province_admin, "fuzzing")
    return {"Authorization": f"Token {secret}"}


def _operations(schema: Any, methods: set[str]) -> list[Any]:
    out = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() in methods and (operation.method.upper(), operation.path) not in SKIP:
            out.append(operation)
    return out


def _run(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()


@pytest.mark.parametrize("methods", [{"GET"}, {"POST", "PUT", "PATCH", "DELETE"}],
                         ids=["reads", "writes"])
def test_the_api_keeps_to_its_schema(app: WSGIHandler, fuzz_world: MatrixWorld, methods: set[str]) -> None:
    headers = _token(fuzz_world)
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    operations = _operations(schema, methods)
    assert operations
    failures = []
    for operation in operations:
        try:
            _run(operation, headers)
        except Exception as exc:  # collect every operation's first failure, then fail once
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert failures == [], "\n\n".join(failures)
