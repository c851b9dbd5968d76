"""Backups that restore: `manage.py backup -o DIR` and `manage.py restore DIR`.

A backup folder holds
- the database: SQLite through its online backup API (`database.sqlite3`) or
  PostgreSQL through `pg_dump --format=custom` (`database.pgdump`), both
  consistent while the app keeps running;
- every evidence file the database refers to (`evidence/`), read through the
  Storage API, so local folders and S3 buckets are backed up alike;
- the framework files (`frameworks/`), for reference;
- `manifest.json`: format, time, database vendor, the applied migrations, and the
  size and SHA-256 of every file.

On PostgreSQL the list of evidence files is read in the very snapshot that
pg_dump dumps (`pg_export_snapshot`); on SQLite it is read from the backup copy.

Restore checks every checksum first, refuses a database that is not empty,
loads the dump, runs `migrate` (so a backup of an older release comes up in the
newer one), then puts the evidence files back into the evidence storage.
Restoring across vendors (SQLite to PostgreSQL) is not supported.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ops.storage import evidence_storage

FORMAT = 1
MANIFEST = "manifest.json"
EVIDENCE_NAMES_SQL = "SELECT stored_name FROM assessments_evidence"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL helpers --------------------------------------------------------------------


def _pg_params() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        "dbname": db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
    }


def _pg_env(params: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("host", "PGHOST"),
        ("port", "PGPORT"),
    ):
        if params[key]:
            env[var] = params[key]
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-1000:]}")


@contextmanager
def _pg_snapshot() -> Iterator[tuple[str, list[str]]]:
    """An exported snapshot id and the evidence names seen in it (held while in use)."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    params = {k: v for k, v in _pg_params().items() if v}
    with psycopg.connect(make_conninfo(**params), autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        if row is None:
            raise BackupError("PostgreSQL exported no snapshot")
        snapshot = row[0]
        names = [row[0] for row in conn.execute(EVIDENCE_NAMES_SQL)]
        try:
            yield snapshot, names
        finally:
            conn.execute("ROLLBACK")


# --- backup --------------------------------------------------------------------------------


def _applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _copy_evidence(names: list[str], target: Path) -> list[str]:
    """Copy the named evidence files out of the storage; returns the names not found."""
    storage = evidence_storage()
    target.mkdir(parents=True, exist_ok=True)
    missing = []
    for name in sorted(set(names)):
        if not storage.exists(name):
            missing.append(name)
            continue
        with storage.open(name, "rb") as source, (target / name).open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
    return missing


def backup(out: Path, *, frameworks_dir: Path | None = None) -> dict[str, Any]:
    """Write a complete, consistent backup into `out` (new or empty); returns the manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; back up into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if connection.in_atomic_block:
        # SQLite's backup would wait forever for this connection's own write lock.
        raise BackupError("a backup cannot run inside a database transaction")
    if vendor == "sqlite":
        db_file = out / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(db_file)
        try:
            connection.connection.backup(target)  # online, consistent copy
        finally:
            target.close()
        with sqlite3.connect(db_file) as copy:
            names = [row[0] for row in copy.execute(EVIDENCE_NAMES_SQL)]
        copy.close()
    elif vendor == "postgresql":
        db_file = out / "database.pgdump"
        params = _pg_params()
        with _pg_snapshot() as (snapshot, names):
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(db_file),
                    params["dbname"],
                ],
                _pg_env(params),
            )
    else:
        raise BackupError(f"backups of {vendor} databases are not supported")
    missing = _copy_evidence(names, out / "evidence")
    frameworks_dir = frameworks_dir or Path(settings.BASE_DIR) / "frameworks" / "data"
    if frameworks_dir.is_dir():
        shutil.copytree(frameworks_dir, out / "frameworks")
    files = [
        {"path": p.relative_to(out).as_posix(), "size": p.stat().st_size, "sha256": sha256_of(p)}
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    ]
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "file": db_file.name},
        "migrations": _applied_migrations(),
        "evidence_files": len(set(names)) - len(missing),
        "missing_evidence": missing,
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


# --- restore -------------------------------------------------------------------------------


def verify(source: Path) -> dict[str, Any]:
    """The manifest, once every file it lists is present with its size and checksum."""
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup folder")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for entry in manifest["files"]:
        file = Path(source) / entry["path"]
        if ".." in Path(entry["path"]).parts or not file.is_file():
            raise BackupError(f"{entry['path']} is missing from the backup")
        if file.stat().st_size != entry["size"] or sha256_of(file) != entry["sha256"]:
            raise BackupError(f"{entry['path']} does not match its checksum: the backup is damaged")
    return manifest


def database_is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    if "django_migrations" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        return cursor.fetchone()[0] == 0


def restore(source: Path, *, verbosity: int = 1) -> dict[str, int]:
    """Restore a backup folder into this (empty) database and the evidence storage."""
    source = Path(source)
    manifest = verify(source)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this backup is of a {vendor} database; restore it into {vendor}, "
            f"not {connection.vendor}"
        )
    if not database_is_empty():
        raise BackupError("the database is not empty; restore into a new, empty database")
    db_file = source / manifest["database"]["file"]
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(db_file) as backup_db:
            backup_db.backup(connection.connection)
        backup_db.close()
    else:
        params = _pg_params()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                params["dbname"],
                str(db_file),
            ],
            _pg_env(params),
        )
    connection.close()
    call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
    storage = evidence_storage()
    restored = 0
    for entry in manifest["files"]:
        if not entry["path"].startswith("evidence/"):
            continue
        name = entry["path"].removeprefix("evidence/")
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                if hashlib.sha256(existing.read()).hexdigest() == entry["sha256"]:
                    continue
            raise BackupError(f"evidence file {name} exists with other content; not overwritten")
        with (source / entry["path"]).open("rb") as f:
            saved = storage.save(name, File(f, name=name))
        if saved != name:
            raise BackupError(f"evidence file {name} was stored as {saved}")
        restored += 1
    return {"evidence_files": restored}
