"""Test-run set-up: a real PostgreSQL started for the run (SQLite with TEST_DB=sqlite)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real hashing costs a third of a second a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production defaults (no built-in key, HTTPS only, 2FA for admins) are relaxed for the plain-HTTP
    # test server; the tests that check them set them back (tests/accounts/test_deploy.py).
    if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
        settings.SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.REQUIRE_2FA_FOR_ADMINS = False
    # whitenoise warns on every request when the collected-static folder does not exist yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` use what only PostgreSQL has; on SQLite they are skipped, not failed."""
    if os.environ.get("TEST_DB", "postgres") != "sqlite":
        return
    skip = pytest.mark.skip(reason="PostgreSQL only (TEST_DB=sqlite)")
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> object:
    """Point the default database at a throw-away PostgreSQL cluster before the test DB is made."""
    if os.environ.get("TEST_DB", "postgres") == "sqlite":
        yield None
        return
    from django.conf import settings
    from tests.support import pgcluster

    cluster = pgcluster.start()
    settings.DATABASES["default"].update({
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "tuyengiao",
        "USER": cluster.user,
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(cluster.port),
        "OPTIONS": {},
    })
    settings.DATABASES["default"]["TEST"]["NAME"] = "test_tuyengiao"
    from django.db import connections as handler

    # The SQLite connection object may exist already; drop it so the next use builds a PostgreSQL one.
    handler["default"].close()
    del handler["default"]
    try:
        yield cluster
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()
