"""`manage.py bench` runs end to end in a throw-away database and reports every figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_builds_a_throw_away_programme_and_reports_json(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["SQLITE_PATH"] = str(tmp_path / "users-own.sqlite3")  # must stay untouched
    run = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "bench",
            "--orgs",
            "12",
            "--cycles",
            "2",
            "--repeat",
            "2",
            "--skip-pdf",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["orgs"] == 12 and report["frameworks"] == 3
    figures = report["figures"]
    for key in (
        "trivial",
        "questionnaire",
        "autosave",
        "results_draft",
        "results_validated",
        "portfolio",
        "portfolio_xlsx",
        "peer_release",
        "import",
        "admin_home",
    ):
        assert figures[key]["median_ms"] > 0, key
    assert figures["questionnaire"]["verdict"] in ("PASS", "FAIL")
    assert figures["questionnaire"]["ratio_to_trivial"] > 1
    assert not (tmp_path / "users-own.sqlite3").exists()
