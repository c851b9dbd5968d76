"""What `/healthz` checks: the database answers, migrations are applied, a worker beats.

A load balancer takes an app server out of rotation on 503. The worker check is
skipped when tasks run inside the request (the immediate backend of development).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

_migrations_applied = False  # once true it stays true for this process


def uses_worker() -> bool:
    return "DatabaseBackend" in settings.TASKS["default"]["BACKEND"]


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_migrations() -> dict[str, Any]:
    global _migrations_applied
    if not _migrations_applied:
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            return {"ok": False, "error": type(exc).__name__}
        if plan:
            return {"ok": False, "pending": len(plan)}
        _migrations_applied = True
    return {"ok": True}


def check_worker() -> dict[str, Any]:
    if not uses_worker():
        return {"ok": True, "mode": "immediate"}
    from ops.models import WorkerHeartbeat

    try:
        last = (
            WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        )
    except DatabaseError as exc:
        return {"ok": False, "error": type(exc).__name__}
    if last is None:
        return {"ok": False, "error": "no worker has started"}
    age = (timezone.now() - last).total_seconds()
    limit = settings.HEALTH_WORKER_MAX_AGE
    return {"ok": age <= limit, "last_heartbeat_seconds_ago": round(age, 1), "max": limit}


def health() -> tuple[bool, dict[str, Any]]:
    checks = {"database": check_database()}
    if checks["database"]["ok"]:
        checks["migrations"] = check_migrations()
        checks["worker"] = check_worker()
    ok = all(c["ok"] for c in checks.values()) and len(checks) == 3
    return ok, {
        "status": "ok" if ok else "fail",
        "time": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "checks": checks,
    }
