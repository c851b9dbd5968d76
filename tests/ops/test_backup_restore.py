"""The restore drill: back up, restore into a fresh database, find everything again.

Runs on the database the suite runs on (SQLite, or PostgreSQL when DATABASE_URL
names it); the restore runs in a separate process against a new database, as an
operator would run it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.models import AuditEvent, Evidence, Organisation
from assessments.questionnaire.evidence import evidence_add
from assessments.review.services import assessment_submit
from frameworks.models import Question
from ops.backup import MANIFEST, sha256_of
from tests.conftest import answer_all
from tests.ops.conftest import ANSWERS

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
QUERIES = {
    "organisations": "SELECT name, country FROM assessments_organisation ORDER BY name",
    "assessments": "SELECT id, status, organisation_id FROM assessments_assessment ORDER BY id",
    "answers": (
        "SELECT assessment_id, question_id, value, version FROM assessments_response "
        "ORDER BY assessment_id, question_id"
    ),
    "evidence": "SELECT stored_name, sha256, original_name FROM assessments_evidence ORDER BY id",
    "audit": "SELECT id, action FROM assessments_auditevent ORDER BY id",
}


def snapshot(fetch) -> dict[str, list[tuple]]:
    return {key: [tuple(row) for row in fetch(sql)] for key, sql in QUERIES.items()}


def _django_fetch(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def data(assessment, assessment_b, alice, charlie, settings, tmp_path):
    """Two organisations' assessments with answers, evidence files and audit events."""
    answer_all(assessment, alice, ANSWERS)
    answer_all(assessment_b, charlie, {"GOV-01": "2"})
    for who, target, name in ((alice, assessment, "a.pdf"), (charlie, assessment_b, "b.pdf")):
        evidence_add(
            assessment=target,
            question=Question.objects.get(framework=target.framework, code="GOV-01"),
            upload=SimpleUploadedFile(name, PDF + name.encode()),
            user=who,
        )
    assessment_submit(assessment=assessment, user=alice)
    assert Evidence.objects.count() == 2 and AuditEvent.objects.count() > 5
    return snapshot(_django_fetch)


def _fresh_database(tmp_path: Path) -> tuple[dict[str, str], object, object]:
    """Environment for a process using a new empty database, a fetcher, and a cleanup."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        EVIDENCE_ROOT=str(tmp_path / "restored-evidence"),
        REPORT_CACHE_ROOT=str(tmp_path / "restored-reports"),
    )
    if connection.vendor == "sqlite":
        path = tmp_path / "fresh.sqlite3"
        env["SQLITE_PATH"] = str(path)

        def fetch(sql: str) -> list[tuple]:
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        return env, fetch, lambda: None

    import psycopg

    db = connection.settings_dict
    params = {
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"],
        "port": db["PORT"] or 5432,
    }
    name = f"drill_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = (
        f"postgres://{params['user']}:{params['password']}@{params['host']}:{params['port']}/{name}"
    )

    def fetch(sql: str) -> list[tuple]:
        with psycopg.connect(dbname=name, **params) as conn:
            return conn.execute(sql).fetchall()

    def drop() -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return env, fetch, drop


def _restore_in_a_new_process(env: dict[str, str], source: Path) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "restore", str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_finds_every_organisation_assessment_answer_evidence_and_event(
    data, tmp_path
) -> None:
    backup_dir = tmp_path / "backup"
    call_command("backup", "-o", str(backup_dir), stdout=io.StringIO())
    manifest = json.loads((backup_dir / MANIFEST).read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["evidence_files"] == 2 and manifest["missing_evidence"] == []
    assert any(f["path"].startswith("frameworks/") for f in manifest["files"])

    env, fetch, cleanup = _fresh_database(tmp_path)
    try:
        out = _restore_in_a_new_process(env, backup_dir)
        restored = snapshot(fetch)
    finally:
        cleanup()

    assert "2 evidence file(s) put back" in out
    assert restored == data
    assert len(restored["organisations"]) == 2 and len(restored["answers"]) == 5
    for stored_name, sha256, _original in restored["evidence"]:
        path = tmp_path / "restored-evidence" / stored_name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_an_older_release_is_migrated_on_restore(data, tmp_path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the older release is simulated on the SQLite file")
    backup_dir = tmp_path / "backup"
    call_command("backup", "-o", str(backup_dir), stdout=io.StringIO())
    # An older release had no ops app: drop its tables and migration records.
    db_file = backup_dir / "database.sqlite3"
    with sqlite3.connect(db_file) as db:
        for (table,) in db.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'ops_%' AND type='table'"
        ).fetchall():
            db.execute(f'DROP TABLE "{table}"')
        db.execute("DELETE FROM django_migrations WHERE app = 'ops'")
    manifest = json.loads((backup_dir / MANIFEST).read_text())
    for entry in manifest["files"]:
        if entry["path"] == db_file.name:
            entry.update(size=db_file.stat().st_size, sha256=sha256_of(db_file))
    (backup_dir / MANIFEST).write_text(json.dumps(manifest))

    env, fetch, cleanup = _fresh_database(tmp_path)
    _restore_in_a_new_process(env, backup_dir)

    assert fetch("SELECT COUNT(*) FROM ops_remindersent")[0][0] == 0  # the table exists again
    assert snapshot(fetch) == data


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup(data, tmp_path) -> None:
    backup_dir = tmp_path / "backup"
    call_command("backup", "-o", str(backup_dir), stdout=io.StringIO())
    evidence_file = next((backup_dir / "evidence").iterdir())
    evidence_file.write_bytes(b"tampered")

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(backup_dir), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(data, tmp_path) -> None:
    backup_dir = tmp_path / "backup"
    call_command("backup", "-o", str(backup_dir), stdout=io.StringIO())

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup_dir), stdout=io.StringIO())
    assert Organisation.objects.count() == 2  # nothing changed


def test_backup_refuses_a_folder_that_is_not_empty(db, tmp_path) -> None:
    (tmp_path / "old.txt").write_text("x")

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "-o", str(tmp_path), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_backup_fails_loudly_when_an_evidence_file_is_missing(data, settings, tmp_path) -> None:
    for file in Path(settings.EVIDENCE_ROOT).iterdir():
        file.unlink()

    with pytest.raises(CommandError, match="2 evidence file"):
        call_command("backup", "-o", str(tmp_path / "backup"), stdout=io.StringIO())
