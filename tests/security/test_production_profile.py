"""The production profile (issue #11): DJANGO_ENV=production switches on HTTPS-only
settings, passes `check --deploy --fail-level WARNING`, and every page carries the
security headers (checked on every GET URL pattern)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.assessments.test_access_matrix import World
from tests.conftest import read_body
from tests.security.test_url_walk import client_as
from tests.security.urlwalk import Filler, every_pattern

BASE = settings.BASE_DIR
PROFILE_KEYS = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
)


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="assess.example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=env, capture_output=True, text=True
    )


@cache
def production_settings() -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k, None) for k in {PROFILE_KEYS!r}}}))"
    )
    done = run(code, production_env())
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_deploy_check_passes_with_the_production_profile() -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_turns_debug_off_and_https_on() -> None:
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_each_production_setting_can_be_overridden() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.DEBUG)"
    )
    env = production_env(DJANGO_SSL_REDIRECT="false", DJANGO_HSTS_SECONDS="60")
    assert run(code, env).stdout.split() == ["False", "60", "False"]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing: str) -> None:
    env = production_env()
    env.pop(missing)
    done = run("import django; django.setup()", env)
    assert done.returncode != 0
    assert missing in done.stderr


def test_seed_demo_refuses_to_run_in_production(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=BASE,
        env=production_env(SQLITE_PATH=str(tmp_path / "production.sqlite3")),
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "refuses to run in production" in done.stderr


def production_overrides() -> dict[str, object]:
    values = dict(production_settings())
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    values.pop("DEBUG")  # pytest-django runs with DEBUG off already
    return values


REQUIRED_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=()",
    "Content-Security-Policy": "default-src",
}


@pytest.mark.parametrize("actor", ["anonymous", "bob", "carol"])
def test_every_page_has_the_security_headers_in_production(
    world: World, fast_pdf: None, actor: str
) -> None:
    filler = Filler(
        assessment_pk=world.assessment.pk,
        domain_pk=world.domain.pk,
        question_pk=world.question.pk,
        evidence_pk=world.evidence.pk,
        membership_pk=0,
        framework_key=world.assessment.framework.key,
        framework_revision=world.assessment.framework.revision,
        content_type_id=1,
    )
    wrong = []
    with override_settings(**production_overrides()):
        client = client_as(world, actor)
        for pattern in every_pattern():
            if pattern.name in ("account_logout", "logout"):
                continue
            url = filler.url(pattern)
            response = client.get(url, HTTP_X_FORWARDED_PROTO="https")
            read_body(response)
            for header, expected in REQUIRED_HEADERS.items():
                if expected not in response.get(header, ""):
                    wrong.append(f"{url}: {header} is {response.get(header)!r}")
            if "Server" in response:
                wrong.append(f"{url}: sends a Server header")
            if actor != "anonymous" and response.get("Cache-Control") != "no-store, private":
                wrong.append(f"{url}: Cache-Control {response.get('Cache-Control')!r}")
    assert not wrong, "\n".join(wrong)


def test_plain_http_is_redirected_to_https_in_production(db) -> None:
    with override_settings(**production_overrides()):
        response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_the_session_cookie_is_secure_and_http_only_in_production(bob) -> None:
    from tests.conftest import PASSWORD

    with override_settings(**production_overrides()):
        client = Client()
        response = client.post(
            "/accounts/login/",
            {"login": "bob", "password": PASSWORD},
            HTTP_X_FORWARDED_PROTO="https",
        )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
