from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from ops import health
from ops.logging import JsonFormatter
from ops.management.commands.db_worker import beat
from ops.models import WorkerHeartbeat
from tests.ops.tasks import DATABASE_TASKS


def test_healthz_answers_ok_without_a_login_when_tasks_run_in_the_request(client, db) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True}
    assert body["checks"]["worker"]["mode"] == "immediate"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_fails_when_no_worker_has_beaten_recently(client, db, settings) -> None:
    settings.TASKS = DATABASE_TASKS

    assert client.get(reverse("healthz")).status_code == 503

    WorkerHeartbeat.objects.create(
        worker_id="old",
        started_at=timezone.now() - dt.timedelta(hours=1),
        beat_at=timezone.now() - dt.timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE + 5),
    )
    stale = client.get(reverse("healthz"))
    assert stale.status_code == 503
    assert stale.json()["checks"]["worker"]["ok"] is False

    beat("fresh", timezone.now())
    fresh = client.get(reverse("healthz"))
    assert fresh.status_code == 200
    assert fresh.json()["checks"]["worker"]["last_heartbeat_seconds_ago"] < 5


def test_healthz_fails_when_migrations_are_pending(client, db, monkeypatch) -> None:
    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)]
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "pending": 1}


def test_healthz_fails_when_the_database_does_not_answer(client, db, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "check_database", lambda: {"ok": False, "error": "DatabaseError"})

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": {"ok": False, "error": "DatabaseError"}}


def test_every_response_carries_a_request_id_and_keeps_a_sane_one_from_the_proxy(
    client, db
) -> None:
    generated = client.get("/healthz")["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"]
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>"})["X-Request-ID"]

    assert len(generated) == 32
    assert kept == "lb-1234abcd"
    assert replaced != "<script>"


def test_access_log_lines_are_json_with_the_request_id(client, db, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="ops.requests"):
        response = client.get("/healthz", headers={"X-Request-ID": "req-0000abcd"})
    record = next(r for r in caplog.records if r.name == "ops.requests")
    line = json.loads(JsonFormatter().format(record))

    assert response.status_code == 200
    assert line["message"] == "GET /healthz 200"
    assert line["request_id"] == "req-0000abcd"
    assert line["status"] == 200 and line["path"] == "/healthz"
    assert isinstance(line["duration_ms"], float)


def test_the_production_profile_logs_json(monkeypatch) -> None:
    import importlib

    import config.settings as settings_module

    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "assess.example.org")
    try:
        production = importlib.reload(settings_module)
        assert production.LOGGING["handlers"]["console"]["formatter"] == "json"
        assert production.DEBUG is False
        assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
        assert "whitenoise.middleware.WhiteNoiseMiddleware" in production.MIDDLEWARE
        assert production.SECURE_SSL_REDIRECT is True
    finally:
        monkeypatch.delenv("DJANGO_ENV")
        importlib.reload(settings_module)


@pytest.mark.parametrize("flag", ["0", "false"])
def test_plain_http_overrides_turn_redirect_hsts_and_secure_cookies_off(monkeypatch, flag) -> None:
    import importlib

    import config.settings as settings_module

    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "assess.example.org")
    monkeypatch.setenv("DJANGO_SECURE_SSL_REDIRECT", flag)
    monkeypatch.setenv("DJANGO_SECURE_HSTS_SECONDS", "0")
    monkeypatch.setenv("DJANGO_SESSION_COOKIE_SECURE", flag)
    monkeypatch.setenv("DJANGO_CSRF_COOKIE_SECURE", flag)
    try:
        s = importlib.reload(settings_module)
        assert (s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS) == (False, 0)
        assert (s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE) == (False, False)
    finally:
        for name in (
            "DJANGO_ENV",
            "DJANGO_SECURE_SSL_REDIRECT",
            "DJANGO_SECURE_HSTS_SECONDS",
            "DJANGO_SESSION_COOKIE_SECURE",
            "DJANGO_CSRF_COOKIE_SECURE",
        ):
            monkeypatch.delenv(name)
        importlib.reload(settings_module)
