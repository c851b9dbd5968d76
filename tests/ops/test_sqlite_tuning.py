"""DATABASE_URL=sqlite:///... gets the same tuning as the default SQLite path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as c:
    c.execute("PRAGMA journal_mode"); mode = c.fetchone()[0]
    c.execute("PRAGMA busy_timeout"); busy = c.fetchone()[0]
    c.execute("PRAGMA foreign_keys"); fk = c.fetchone()[0]
print(json.dumps({"options": settings.DATABASES["default"]["OPTIONS"], "mode": mode,
                  "busy": busy, "fk": fk, "name": str(settings.DATABASES["default"]["NAME"])}))
"""


def probe(tmp_path: Path, **env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("how", ["DATABASE_URL", "SQLITE_PATH"])
def test_sqlite_gets_wal_immediate_transactions_and_a_busy_timeout(tmp_path, how) -> None:
    path = tmp_path / "tuned.sqlite3"
    env = (
        {"DATABASE_URL": f"sqlite:///{path}"}
        if how == "DATABASE_URL"
        else {"SQLITE_PATH": str(path)}
    )

    seen = probe(tmp_path, **env)

    assert seen["name"] == str(path)
    assert seen["options"]["transaction_mode"] == "IMMEDIATE"
    assert seen["options"]["timeout"] == 20
    assert seen["mode"] == "wal"
    assert seen["busy"] == 20000
    assert seen["fk"] == 1
