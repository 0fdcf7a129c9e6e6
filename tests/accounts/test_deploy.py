"""Production defaults: no built-in secret key, HTTPS, headers, 2FA for admins, throttled logins,
and an API schema that needs a login."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, World

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "tuyengiao"


def _production_env(**extra: str) -> dict[str, str]:
    """The environment of a production server: nothing but what an operator would set."""
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    env.update({"ALLOWED_HOSTS": "tuyengiao.example.vn", "PYTHONPATH": str(ROOT / "src")})
    env.update(extra)
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def test_production_settings_pass_the_deploy_check_with_no_warning() -> None:
    env = _production_env(SECRET_KEY=secrets.token_urlsafe(50))
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "WARNING" not in result.stderr + result.stdout


def test_behind_a_tls_proxy_the_forwarded_header_is_trusted_only_when_set() -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    key = secrets.token_urlsafe(50)
    without = _python(code, _production_env(DJANGO_SETTINGS_MODULE="tuyengiao.settings", SECRET_KEY=key))
    assert without.stdout.strip() == "None"
    behind = _python(code, _production_env(DJANGO_SETTINGS_MODULE="tuyengiao.settings", SECRET_KEY=key,
                                           SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https"))
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_without_a_secret_key_the_server_refuses_to_start_unless_debug() -> None:
    env = _production_env(DJANGO_SETTINGS_MODULE="tuyengiao.settings")
    refused = _python("import tuyengiao.wsgi", env)
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr
    debug = _python("import tuyengiao.wsgi; print('started')", {**env, "DEBUG": "1"})
    assert debug.returncode == 0 and "started" in debug.stdout, debug.stderr
    from_file = _python("import tuyengiao.wsgi; from django.conf import settings; print(len(settings.SECRET_KEY))",
                        {**env, "SECRET_KEY_FILE": str(ROOT / "pyproject.toml")})
    assert from_file.returncode == 0, from_file.stderr


def test_admins_need_a_second_factor_unless_debug() -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.REQUIRE_2FA_FOR_ADMINS)"
    env = _production_env(DJANGO_SETTINGS_MODULE="tuyengiao.settings", SECRET_KEY=secrets.token_urlsafe(50))
    assert _python(code, env).stdout.strip() == "True"
    assert _python(code, {**env, "DEBUG": "1"}).stdout.strip() == "False"


@pytest.mark.django_db
def test_a_username_is_locked_whatever_addresses_the_guesses_come_from(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post(reverse("accounts:login"),
                                                      {"username": "member", "password": f"guess-{n}"})
    fresh = Client(REMOTE_ADDR="198.51.100.7")
    response = fresh.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in fresh.session
    # Another account from those addresses is not locked.
    other = Client(REMOTE_ADDR="203.0.113.1")
    assert other.post(reverse("accounts:login"), {"username": "commune_officer", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_the_api_schema_and_docs_need_a_login(world: World) -> None:
    assert APIClient().get("/api/schema/").status_code in (401, 403)
    docs = Client().get(reverse("api-docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("accounts:login"))
    client = Client()
    client.force_login(world.member)
    assert client.get("/api/schema/").status_code == 200
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert "<script>" not in page.content.decode() and "<style>" not in page.content.decode()


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_permissions_policy(world: World) -> None:
    client = Client()
    client.force_login(world.member)
    response = client.get(reverse("org:unit_tree"))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "<style> block"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"hx-on", re.I), "hx-on handler (needs eval)"),
]


def test_templates_have_no_inline_scripts_handlers_or_styles() -> None:
    found = [
        f"{path.relative_to(SRC)}:{n}: {what}"
        for path in SRC.rglob("templates/**/*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for pattern, what in INLINE
        if pattern.search(line)
    ]
    assert found == []
