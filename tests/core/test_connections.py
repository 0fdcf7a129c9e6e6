"""Database connections live across requests, and a dead one is replaced, not served."""

from __future__ import annotations

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import connection, connections


@pytest.mark.django_db(transaction=True)
def test_a_request_leaves_its_database_connection_for_the_next() -> None:
    """A connection opened per request cost a new PostgreSQL server process each time: at 20
    clients on two workers that, not the answer, was most of every API request."""
    connection.ensure_connection()
    opened = connection.connection
    handler = WSGIHandler()
    for _ in range(2):
        environ: dict[str, object] = {"PATH_INFO": "/api/", "HTTP_HOST": "testserver"}
        setup_testing_defaults(environ)
        response = handler(environ, lambda status, headers, exc_info=None: None)
        response.close()  # request_finished: where a connection past its age is closed
        assert connection.connection is opened


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_replaced_at_the_next_request() -> None:
    """A kept connection can die between requests (the database restarted, an idle timeout):
    the next request checks it before its first query and opens a new one."""
    connection.ensure_connection()
    dead = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [dead])
    finally:
        other.close()
    request_started.send(sender=None)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != dead
    finally:
        request_finished.send(sender=None)
