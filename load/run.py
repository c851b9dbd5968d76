"""`make load`: gunicorn on loopback with the production profile, 100 respondents in
locust (headless, bounded in time), then a check in the database that every
acknowledged save is there with its last value.

    python -m load.run [--users 100] [--seconds 60] [--workers 4] [--database sqlite|postgres]

SQLite (tuned: WAL, IMMEDIATE, busy timeout) in a throw-away file by default; with
`--database postgres` a throw-away database on the PostgreSQL that LOAD_DATABASE_URL (or
DATABASE_URL) names. Prints p50, p95, requests per second, errors and lost answers;
exits 1 when any save errored or was lost.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import LiteralString

BASE = Path(__file__).resolve().parent.parent
WORK = BASE / "var" / "load"
PORT = 8765


def _env(database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SESSION_COOKIE_SECURE": "0",
            "DJANGO_CSRF_COOKIE_SECURE": "0",
            "SQLITE_PATH": str(WORK / "load.sqlite3"),
            "EVIDENCE_ROOT": str(WORK / "evidence"),
            "REPORT_CACHE_ROOT": str(WORK / "reports"),
            "LOAD_USERS_FILE": str(WORK / "users.txt"),
            "LOAD_ACK_FILE": str(WORK / "acks.txt"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database == "postgres":
        env["DATABASE_URL"] = database_url()
    return env


def database_url() -> str:
    url = os.environ.get("LOAD_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("--database postgres needs LOAD_DATABASE_URL or DATABASE_URL")
    head, _sep, _name = url.rpartition("/")
    return f"{head}/resilience_load"


def _postgres(sql: LiteralString) -> None:
    import psycopg

    head = database_url().rpartition("/")[0]
    with psycopg.connect(
        f"{head}/postgres".replace("postgres://", "postgresql://", 1), autocommit=True
    ) as c:
        c.execute(sql)


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE, env=env, check=True)


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the app server did not answer on {url}")


def _lost(env: dict[str, str]) -> tuple[int, int]:
    """(acknowledged questions checked, lost: stored value differs from the last ack)."""
    last: dict[tuple[str, str], str] = {}
    acks = WORK / "acks.txt"
    if acks.exists():
        for line in acks.read_text().splitlines():
            user, question, value = line.split()
            last[(user, question)] = value
    script = (
        "from assessments.models import Response\n"
        "import sys\n"
        "for username, q, v in Response.objects.filter(assessment__organisation__memberships"
        "__user__username__startswith='load').values_list('assessment__organisation__memberships"
        "__user__username', 'question_id', 'value'):\n"
        "    print('ROW', username, q, v)\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows = (line.split() for line in out.splitlines() if line.startswith("ROW "))
    stored = {(u, q): v for _row, u, q, v in rows}
    lost = sum(1 for key, value in last.items() if stored.get(key) != value)
    return len(last), lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env = _env(args.database)
    if args.database == "postgres":
        _postgres('DROP DATABASE IF EXISTS "resilience_load"')
        _postgres('CREATE DATABASE "resilience_load"')
    print(f"preparing {args.users} respondents ({args.database}) ...", flush=True)
    _manage("migrate", "--noinput", "-v0", env=env)
    _manage("import_framework", "frameworks/data", env=env)
    _manage("collectstatic", "--noinput", "-v0", env=env)
    subprocess.run(
        [sys.executable, "-m", "load.prepare", str(args.users)], cwd=BASE, env=env, check=True
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=BASE,
        env=env,
    )
    try:
        _wait(f"http://127.0.0.1:{PORT}/accounts/login/")
        print(
            f"locust: {args.users} users for {args.seconds} s against 127.0.0.1:{PORT}", flush=True
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                "load/locustfile.py",
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(max(1, args.users // 5)),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(WORK / "stats"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=BASE,
            env=env,
            check=False,
            timeout=args.seconds + 120,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    rows = list(csv.DictReader(open(WORK / "stats_stats.csv")))
    saves = next(r for r in rows if r["Name"] == "autosave")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    checked, lost = _lost(env)
    errors = int(total["Failure Count"])
    print(
        f"\n{args.users} respondents, {args.seconds} s, {args.database}, "
        f"gunicorn -w {args.workers}\n"
        f"autosave: {saves['Request Count']} requests, p50 {saves['50%']} ms, "
        f"p95 {saves['95%']} ms, {float(saves['Requests/s']):.1f} req/s\n"
        f"all requests: p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"{float(total['Requests/s']):.1f} req/s, errors {errors}\n"
        f"acknowledged answers checked in the database: {checked}, lost: {lost}"
    )
    if args.database == "postgres":
        _postgres('DROP DATABASE IF EXISTS "resilience_load"')
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
