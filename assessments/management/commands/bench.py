"""`manage.py bench`: performance against floors, in a throw-away database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings


class Command(BaseCommand):
    # The parent process never opens the user's database; the child checks its own.
    requires_system_checks: list[str] = []
    help = (
        "Build a synthetic programme (N organisations x 3 frameworks x C cycles) in a "
        "throw-away database and time the main pages, exports, peer release, framework "
        "import and PDF against floors measured in the same run (median and p95)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=500)
        parser.add_argument("--cycles", type=int, default=3)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--skip-pdf", action="store_true")
        parser.add_argument(
            "--compare", type=Path, help="a smaller run's --json output: check flat cost"
        )
        parser.add_argument("--child", action="store_true", help=argparse_hidden())

    def handle(self, *args: object, **options: object) -> None:
        if int(str(options["orgs"])) < 10 or int(str(options["cycles"])) < 2:
            raise CommandError("use at least 10 organisations and 2 cycles", returncode=1)
        if options["child"]:
            self._child(options)
            return
        self._parent(options)

    def _parent(self, options: dict[str, object]) -> None:
        """Run the measurement in a child process bound to a throw-away database."""
        workdir = Path(tempfile.mkdtemp(prefix="resilience-bench-"))
        env = {
            **os.environ,
            "SQLITE_PATH": str(workdir / "bench.sqlite3"),
            "EVIDENCE_ROOT": str(workdir / "evidence"),
            "REPORT_CACHE_ROOT": str(workdir / "reports"),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        }
        database_url = os.environ.get("DATABASE_URL", "")
        bench_db = None
        if database_url.startswith("postgres"):
            bench_db = f"resilience_bench_{os.getpid()}"
            env["DATABASE_URL"] = _with_database(database_url, bench_db)
            _postgres(database_url, f'CREATE DATABASE "{bench_db}"')
        argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--child"]
        for name in ("orgs", "cycles", "repeat"):
            argv += [f"--{name}", str(options[name])]
        for flag in ("json", "skip_pdf"):
            if options[flag]:
                argv.append("--" + flag.replace("_", "-"))
        if options["compare"]:
            argv += ["--compare", str(Path(str(options["compare"])).resolve())]
        try:
            code = subprocess.call(argv, env=env, cwd=settings.BASE_DIR)
        finally:
            if bench_db:
                _postgres(database_url, f'DROP DATABASE IF EXISTS "{bench_db}"')
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            workdir.rmdir()
        if code:
            raise CommandError("the benchmark failed", returncode=code)

    def _child(self, options: dict[str, object]) -> None:
        from assessments import bench

        orgs, cycles, repeat = (int(str(options[k])) for k in ("orgs", "cycles", "repeat"))
        run = bench.Run(orgs=orgs, cycles=cycles, repeat=repeat)
        log = self.stderr if options["json"] else self.stdout
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        run.setup_s["migrate"] = time.perf_counter() - started
        with override_settings(
            ROOT_URLCONF="assessments.bench",
            # DEBUG is off as in production, but the throw-away run has no collected,
            # hashed static files: name them plainly.
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ALLOWED_HOSTS=["testserver"],
        ):
            bench.measure_import(run)
            started = time.perf_counter()
            log.write(f"building {orgs} organisations x 3 frameworks x {cycles} cycles ...")
            data = bench.build_dataset(orgs=orgs, cycles=cycles)
            run.setup_s["dataset"] = time.perf_counter() - started
            log.write(f"  built in {run.setup_s['dataset']:.0f} s; measuring ...")
            bench.measure(run, data, pdf=not options["skip_pdf"])
        figures = bench.verdicts(run)
        report: dict[str, object] = {
            "orgs": orgs,
            "cycles": cycles,
            "frameworks": 3,
            "repeat": repeat,
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "setup_s": {k: round(v, 1) for k, v in run.setup_s.items()},
            "figures": figures,
        }
        if options["compare"]:
            baseline = json.loads(Path(str(options["compare"])).read_text())
            report["flat_cost_vs"] = {
                "orgs": baseline.get("orgs"),
                "figures": bench.compare(figures, baseline),
            }
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(
            f"\n{orgs} organisations x 3 frameworks x {cycles} cycles, "
            f"{report['database']}, median / p95 of {repeat} runs\n"
        )
        self._table(figures)
        flat = report.get("flat_cost_vs")
        if isinstance(flat, dict):
            self.stdout.write(f"\nagainst {flat['orgs']} organisations (target <= 1.5x):")
            for key, text in flat["figures"].items():
                self.stdout.write(f"  {key:<20} {text}")

    def _table(self, figures: dict[str, dict[str, object]]) -> None:
        self.stdout.write(
            f"{'what':<58} {'median':>9} {'p95':>9} {'queries':>7} {'x floor':>8}  target"
        )
        for item in figures.values():
            ratio = item.get("ratio_to_weasyprint_floor") or item["ratio_to_trivial"]
            verdict = f"{item.get('target', '')} {item.get('verdict', '')}".strip()
            queries = "" if item["queries"] is None else item["queries"]
            name = str(item["name"])[:58]
            self.stdout.write(
                f"{name:<58} {item['median_ms']:>7.1f}ms {item['p95_ms']:>7.1f}ms "
                f"{queries!s:>7} {ratio!s:>8}  {verdict}"
            )


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def _with_database(url: str, name: str) -> str:
    head, _sep, tail = url.rpartition("/")
    query = ""
    if "?" in tail:
        tail, query = tail.split("?", 1)
        query = "?" + query
    return f"{head}/{name}{query}"


def _postgres(url: str, sql: str) -> None:
    import psycopg

    admin = _with_database(url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)
