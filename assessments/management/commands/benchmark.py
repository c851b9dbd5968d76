"""Measure the quality bar's performance targets on the current database.

Needs the demo data (`make run` or `manage.py seed_demo`). Everything it writes
happens inside a transaction that is rolled back, so it leaves no trace.
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, Response


class Rollback(Exception):
    pass


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best, median) wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


class Command(BaseCommand):
    help = "Measure start-up, import, questionnaire, autosave, scoring, peers and PDF times."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--skip-pdf", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        repeat = int(str(options["repeat"]))
        draft = (
            Assessment.objects.filter(status=Assessment.Status.DRAFT, created_by__isnull=False)
            .select_related("organisation", "framework", "cycle")
            .first()
        )
        user = get_user_model().objects.filter(username="respondent").first()
        if draft is None or user is None:
            raise CommandError("run `python manage.py seed_demo` first", returncode=1)
        self.row("management command start-up (manage.py help score)", *self._startup(repeat))
        self._import(repeat)
        try:
            with transaction.atomic():
                self._pages(draft, user, repeat)
                self._scoring(draft, repeat)
                if not options["skip_pdf"]:
                    self._pdf(draft)
                raise Rollback
        except Rollback:
            pass

    def row(self, label: str, best: float, median: float, extra: str = "") -> None:
        self.stdout.write(f"{label:<58} best {best:8.1f} ms  median {median:8.1f} ms  {extra}")

    def _startup(self, repeat: int) -> tuple[float, float]:
        manage = Path(settings.BASE_DIR) / "manage.py"
        return _best(
            lambda: subprocess.run(
                [sys.executable, str(manage), "help", "score"], check=True, capture_output=True
            ),
            max(3, repeat // 2),
        )

    def _import(self, repeat: int) -> None:
        from frameworks.loader import load_file
        from frameworks.services import frameworks_import

        path = Path(settings.BASE_DIR) / "frameworks" / "data" / "incident-response.yaml"
        loaded = load_file(path)
        nodes = sum(1 + len(d.subdomains) + len(d.all_questions()) for d in loaded.spec.domains)

        def run() -> None:
            try:
                with transaction.atomic():
                    item = load_file(path)
                    spec = item.spec.model_copy(update={"id": "benchmark-copy"})
                    frameworks_import(loaded=[type(item)(path=path, spec=spec, content_hash="x")])
                    raise Rollback
            except Rollback:
                pass

        self.row(f"parse, validate and store a framework ({nodes} nodes)", *_best(run, repeat))

    def _pages(self, draft: Assessment, user, repeat: int) -> None:
        client = Client()
        client.force_login(user)
        domain = draft.framework.domains.filter(parent__isnull=True).order_by("position").first()
        assert domain is not None, "the framework has no domain"
        questions = draft.framework.questions.count()
        url = reverse("questionnaire", args=[draft.pk, domain.pk])
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        n = len(ctx.captured_queries)  # read now: each request resets the log
        self.row(
            f"questionnaire page, one domain ({domain.questions.count()} questions)",
            *_best(lambda: client.get(url), repeat),
            f"{n} queries",
        )
        question = domain.questions.filter(kind="maturity").order_by("position").first()
        assert question is not None, "the first domain has no maturity question"
        values = iter(["2", "3"] * (repeat + 2))

        def save() -> None:
            stored = Response.objects.filter(assessment=draft, question=question).first()
            client.post(
                reverse("autosave", args=[draft.pk, question.pk]),
                {
                    f"q{question.pk}-value": next(values),
                    f"q{question.pk}-version": stored.version if stored else 0,
                },
            )

        save()
        with CaptureQueriesContext(connection) as ctx:
            save()
        n = len(ctx.captured_queries)  # read now: each request resets the log
        self.row("autosave of one answer", *_best(save, repeat), f"{n} queries")
        results_url = reverse("results", args=[draft.pk])
        with CaptureQueriesContext(connection) as ctx:
            client.get(results_url)
        n = len(ctx.captured_queries)  # read now: each request resets the log
        peers = Assessment.objects.filter(
            framework_key=draft.framework_key, cycle=draft.cycle, status="validated"
        ).count()
        self.row(
            f"results page ({peers} peers, {questions} questions)",
            *_best(lambda: client.get(results_url), repeat),
            f"{n} queries",
        )

    def _scoring(self, draft: Assessment, repeat: int) -> None:
        import random

        from assessments import scoring
        from assessments.peers import GroupDef, PeerRow, peer_statistics
        from assessments.results.assemble import answers_of, load_responses
        from assessments.results.definition import framework_def
        from assessments.results.targets import targets_of

        fdef = framework_def(draft.framework)
        answers = answers_of(load_responses(draft), moderated=False)
        targets = targets_of(draft)
        self.row(
            "score one assessment (pure scoring)",
            *_best(lambda: scoring.score_assessment(fdef, answers, targets), repeat * 20),
        )
        rng = random.Random(1)
        columns = [d.code for d in fdef.domains] + ["overall"]
        rows = [
            PeerRow(
                organisation_id=i,
                attributes={"region": rng.choice("ABCD"), "org_type": rng.choice("xyz")},
                scores={c: rng.uniform(0, 100) for c in columns},
            )
            for i in range(1, 501)
        ]
        groups = [
            GroupDef("all", "all", None),
            GroupDef("region", "region", "region"),
            GroupDef("org_type", "type", "org_type"),
        ]

        def peers() -> None:
            peer_statistics(
                rows,
                subject_id=0,
                subject_attributes={"region": "A", "org_type": "x"},
                subject_scores={c: 50.0 for c in columns},
                groups=groups,
                columns=columns,
                min_group=5,
            )

        self.row("peer statistics, 500 organisations x 3 groups", *_best(peers, repeat))

        def score_many() -> None:
            for _ in range(300):
                scoring.score_assessment(fdef, answers, targets)

        self.row("score 300 assessments (pure scoring)", *_best(score_many, max(2, repeat // 2)))

    def _pdf(self, draft: Assessment) -> None:
        from assessments.reports.pdf import render_pdf, report_html

        started = time.perf_counter()
        html = report_html(draft, tlp="AMBER")
        html_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        pdf, _refused = render_pdf(html)
        pdf_ms = (time.perf_counter() - started) * 1000
        try:
            from pypdf import PdfReader  # a test dependency: the page count is a nicety

            pages = f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages"
        except ImportError:
            pages = f"{len(pdf):,} bytes"
        self.row("PDF report: results context and HTML", html_ms, html_ms)
        self.row(f"PDF report: WeasyPrint rendering ({pages})", pdf_ms, pdf_ms)
