"""`make deploy-check`: scale-out on this machine, loopback only, bounded in time.

1. starts PostgreSQL (as .ci/run does) and creates a throw-away database;
2. migrates, imports the frameworks, creates 50 respondents, each answering
   their own questions of one of five organisations' assessments;
3. starts two gunicorn app servers on different ports and one task worker, with a
   small round-robin TCP proxy in front of both (a failed connect moves on to the
   next server, as nginx's `proxy_next_upstream` does);
4. 50 simulated respondents log in through the real form (CSRF) and autosave
   answers for DEPLOY_CHECK_SECONDS (default 40); half-way one app server is
   killed (SIGKILL); a save that gets no answer is retried, like the browser does;
5. checks in the database that every acknowledged save is there with its last
   value, prints p50, p95, requests per second, errors and lost answers, and
   exits non-zero when an answer was lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ops.httpclient import Session, first_group

BASE_DIR = Path(__file__).resolve().parent.parent
PG = {"user": "resilience", "password": "resilience", "host": "127.0.0.1", "port": "5432"}
PG_PORT = int(PG["port"])


def _conninfo(dbname: str) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(dbname=dbname, **PG)


DB_NAME = "resilience_deploy_check"
USERS = 50
PASSWORD = os.environ.get("DEPLOY_CHECK_PASSWORD") or "deploy-check-" + secrets.token_hex(4)
VERSION = re.compile(r'-version" value="(\d+)"')
CONFLICT_VERSION = re.compile(r'data-version="(\d+)"')


# --- PostgreSQL ----------------------------------------------------------------------------


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def start_postgres() -> str | None:
    """Start the local cluster if nothing listens on 5432; returns it to stop later (or None)."""
    if _port_open(PG_PORT):
        return None
    if not shutil.which("pg_ctlcluster"):
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql); see .ci/run")
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if not clusters.strip():
        subprocess.run(["pg_createcluster", "15", "main"], check=True, capture_output=True)
        clusters = "15 main"
    version, name = clusters.split()[:2]
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=False)
    for _ in range(30):
        if _port_open(PG_PORT):
            break
        time.sleep(1)
    role = (
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='resilience') THEN "
        "CREATE ROLE resilience LOGIN PASSWORD 'resilience' CREATEDB; END IF; END $$;"
    )
    subprocess.run(["su", "postgres", "-c", f'psql -qc "{role}"'], check=False)
    return f"{version} {name}"


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


# --- data ----------------------------------------------------------------------------------


def setup_data() -> list[dict]:
    """(In a child process with Django set up.) 50 respondents, each with their own questions."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from assessments.models import Cycle, Membership, Organisation
    from assessments.services import assessment_start
    from frameworks.models import Framework, Question

    frameworks = Framework.objects.latest_revisions()
    framework = max(
        frameworks, key=lambda f: Question.objects.filter(framework=f, kind="maturity").count()
    )
    questions = list(
        Question.objects.filter(framework=framework, kind="maturity")
        .order_by("position")
        .values_list("pk", flat=True)
    )
    per_user = 2
    users_per_org = len(questions) // per_user
    today = dt.date.today()
    cycle = Cycle.objects.create(
        name="deploy-check", starts_on=today, deadline=today + dt.timedelta(days=90)
    )
    hashed = make_password(PASSWORD)
    plan = []
    org = assessment = None
    for i in range(USERS):
        if i % users_per_org == 0:
            n = i // users_per_org + 1
            org = Organisation.objects.create(
                name=f"Load test agency {n}", country="KE", region="Africa", org_type="agency"
            )
        assert org is not None  # made on the first turn
        user = get_user_model().objects.create(username=f"load{i:02d}", password=hashed)
        Membership.objects.create(user=user, organisation=org, role="respondent")
        if i % users_per_org == 0:
            assessment = assessment_start(
                organisation=org, framework=framework, cycle=cycle, user=user
            )
        assert assessment is not None  # started on the first turn
        slot = i % users_per_org
        plan.append(
            {
                "username": user.username,
                "assessment": assessment.pk,
                "questions": questions[slot * per_user : (slot + 1) * per_user],
            }
        )
    return plan


# --- the round-robin proxy -----------------------------------------------------------------


class Proxy:
    """Round-robin TCP proxy on loopback; skips a server that refuses connections."""

    def __init__(self, listen_port: int, backends: list[int]) -> None:
        self.listen_port = listen_port
        self.backends = backends
        self.next = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()
        self.routed = {port: 0 for port in backends}

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.listen_port)
        self.ready.set()
        async with self.server:
            try:
                await self.server.serve_forever()
            except asyncio.CancelledError:
                pass

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        for _ in range(len(self.backends)):
            port = self.backends[self.next % len(self.backends)]
            self.next += 1
            try:
                server_r, server_w = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue  # that server is down: try the next one
            self.routed[port] += 1
            await asyncio.gather(self._pipe(client_r, server_w), self._pipe(server_r, client_w))
            return
        client_w.close()

    def start(self) -> None:
        self.thread.start()
        self.ready.wait(10)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)


# --- simulated respondents -----------------------------------------------------------------


@dataclass
class Answer:
    acked_value: str = ""
    acked_version: int = 0
    after_ack: set[str] = field(default_factory=set)  # sent later, no answer (yet)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # attempts without an answer, or 5xx
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status in (200, 409):
                self.latencies.append(seconds)
            else:
                self.errors += 1


def respondent(
    base_url: str, who: dict, start: threading.Barrier, window: dict, results: Results,
    answers: dict, fatal: list,
) -> None:  # fmt: skip
    """Log in, wait for everybody, then autosave until the window closes."""
    session = Session(base_url, timeout=60)
    for attempt in range(5):
        try:
            session.login(who["username"], PASSWORD)
            break
        except (OSError, RuntimeError) as exc:
            if attempt == 4:
                fatal.append(f"{who['username']}: {exc}")
                start.abort()
                return
            time.sleep(0.5)
    start.wait()
    until = window["until"]
    versions = {q: 0 for q in who["questions"]}
    rng = random.Random(who["username"])
    while time.monotonic() < until:
        question = rng.choice(who["questions"])
        value = str(rng.randint(1, 5))
        key = (who["assessment"], question)
        state = answers.setdefault(key, Answer())
        path = f"/assessments/{who['assessment']}/questions/{question}/save/"
        data = {f"q{question}-value": value, f"q{question}-version": str(versions[question])}
        while True:  # retry until the server answers, as the page's script does
            state.after_ack.add(value)
            started = time.perf_counter()
            try:
                reply = session.post(path, data, htmx=True)
            except OSError:
                results.record(0, time.perf_counter() - started)
                time.sleep(0.2)
                continue
            results.record(reply.status, time.perf_counter() - started)
            if reply.status == 200:
                versions[question] = int(first_group(VERSION, reply.text))
                state.acked_value, state.acked_version = value, versions[question]
                state.after_ack = set()
                break
            if reply.status == 409:
                # Our earlier attempt was saved but its answer was lost: base on the stored one.
                found = CONFLICT_VERSION.search(reply.text)
                versions[question] = int(found.group(1)) if found else versions[question]
                data[f"q{question}-version"] = str(versions[question])
                continue
            if reply.status >= 500 or reply.status == 0:
                time.sleep(0.2)
                continue
            fatal.append(f"{who['username']}: autosave answered {reply.status}")
            return
        time.sleep(rng.uniform(0.1, 0.4))  # thinking


# --- the run -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if Session(f"http://127.0.0.1:{port}", timeout=2).get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the app server on port {port} did not become healthy")


def main() -> int:
    seconds = float(os.environ.get("DEPLOY_CHECK_SECONDS", "40"))
    workers_per_server = os.environ.get("DEPLOY_CHECK_WORKERS", "2")
    started_cluster = start_postgres()
    fresh_database()
    tmp = Path(tempfile.mkdtemp(prefix="deploy-check-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://{user}:{password}@{host}:{port}/".format(**PG) + DB_NAME,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_PROXY_SSL_HEADER": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        "EVIDENCE_ROOT": str(tmp / "evidence"),
        "REPORT_CACHE_ROOT": str(tmp / "reports"),
        "DJANGO_STATIC_ROOT": str(BASE_DIR / "staticfiles"),
        "WEB_CONCURRENCY": workers_per_server,
        "PYTHONUNBUFFERED": "1",
    }
    children: list[subprocess.Popen] = []
    log = (tmp / "servers.log").open("w")
    try:
        t0 = time.monotonic()
        py = sys.executable
        for step in (["migrate", "--noinput", "-v0"], ["import_framework", "frameworks/data"]):
            subprocess.run([py, "manage.py", *step], cwd=BASE_DIR, env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        # Pages name hashed static files: the manifest must match this code.
        subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=BASE_DIR, env=env, check=True)  # fmt: skip
        plan = json.loads(
            subprocess.run(
                [py, "-c", "import django, json; django.setup(); "
                 "from ops.deploy_check import setup_data; print(json.dumps(setup_data()))"],
                cwd=BASE_DIR, env={**env, "DEPLOY_CHECK_PASSWORD": PASSWORD}, check=True,
                capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        print(f"setup: PostgreSQL database {DB_NAME}, {len(plan)} respondents "
              f"({time.monotonic() - t0:.1f} s)")  # fmt: skip
        ports = [free_port(), free_port()]
        for port in ports:
            children.append(subprocess.Popen(
                [py, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind",
                 f"127.0.0.1:{port}", "config.wsgi:application"],
                cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True,
            ))  # fmt: skip
        children.append(subprocess.Popen(
            [py, "manage.py", "db_worker", "--no-reload", "--queue-name", "*"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True,
        ))  # fmt: skip
        for port in ports:
            wait_healthy(port)
        proxy_port = free_port()
        proxy = Proxy(proxy_port, ports)
        proxy.start()
        print(f"app servers on 127.0.0.1:{ports[0]} and :{ports[1]} ({workers_per_server} "
              f"workers each), worker running, round-robin proxy on :{proxy_port}")  # fmt: skip

        results = Results()
        answers: dict[tuple[int, int], Answer] = {}
        fatal: list[str] = []
        window: dict[str, float] = {}

        def open_window() -> None:
            window["until"] = time.monotonic() + seconds

        start = threading.Barrier(len(plan) + 1, action=open_window)
        threads = [
            threading.Thread(
                target=respondent,
                args=(
                    f"http://127.0.0.1:{proxy_port}",
                    who,
                    start,
                    window,
                    results,
                    answers,
                    fatal,
                ),
                daemon=True,
            )  # fmt: skip
            for who in plan
        ]
        logins = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            start.wait(timeout=300)  # every respondent logged in through the form
        except threading.BrokenBarrierError:
            print(f"logins failed: {fatal[:3]}")
            return 1
        load_started = time.monotonic()
        print(f"{len(plan)} respondents logged in ({load_started - logins:.1f} s); "
              f"autosaving for {seconds:.0f} s")  # fmt: skip
        time.sleep(seconds / 2)
        os.killpg(children[0].pid, signal.SIGKILL)  # one app server dies mid-run
        killed_at = time.monotonic() - load_started
        print(f"killed the app server on :{ports[0]} after {killed_at:.1f} s")
        for thread in threads:
            thread.join(timeout=seconds + 60)
        elapsed = time.monotonic() - load_started
        proxy.stop()

        lost = check_database(answers)
        ok_saves = results.statuses.get(200, 0)
        lat = sorted(results.latencies)
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else float("nan")
        total = sum(results.statuses.values())
        print(
            f"autosave requests: {total} in {elapsed:.1f} s = {total / elapsed:.1f} req/s; "
            f"acknowledged saves: {ok_saves}; statuses: {dict(sorted(results.statuses.items()))}"
        )
        print(f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms (answered requests)")
        print(f"errors (no answer or 5xx, each retried): {results.errors}")
        print(f"routed by the proxy: {proxy.routed}")
        print(f"answers checked in the database: {len(answers)}; lost answers: {lost}")
        for problem in fatal[:10]:
            print(f"problem: {problem}")
        return 1 if lost or fatal else 0
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        log.close()
        try:
            drop_database()
        finally:
            if started_cluster:
                subprocess.run(["pg_ctlcluster", *started_cluster.split(), "stop"], check=False)
            shutil.rmtree(tmp, ignore_errors=True)


def check_database(answers: dict) -> int:
    """Acknowledged saves missing from the database (or older than acknowledged)."""
    import psycopg

    with psycopg.connect(_conninfo(DB_NAME)) as conn:
        rows = conn.execute(
            "SELECT assessment_id, question_id, value, version FROM assessments_response"
        ).fetchall()
    stored = {(a, q): (v, n) for a, q, v, n in rows}
    lost = 0
    for key, state in answers.items():
        if not state.acked_version:
            continue
        value, version = stored.get(key, ("", 0))
        if version < state.acked_version or (
            value != state.acked_value and value not in state.after_ack
        ):
            lost += 1
    return lost


if __name__ == "__main__":
    sys.exit(main())
