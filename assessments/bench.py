"""The benchmark behind `manage.py bench`: a synthetic programme, its pages timed against
floors measured in the same run.

Runs in a throw-away database that `bench` creates (never the user's): N organisations
x the shipped frameworks x C cycles, answers drawn like the demo data, every assessment
validated except the subject organisation's current drafts. Pages are requested through
Django's test client, so the whole middleware stack is timed, in one process, after a
warm-up. Each figure is the median and p95 of `repeat` runs.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from assessments import scoring
from assessments.models import (
    AdvisorAssignment,
    Assessment,
    Cycle,
    Membership,
    OfficialScope,
    Organisation,
    PeerGroup,
    Response,
    validated_overall,
)
from assessments.results.assemble import Scores, TrendEntry, answers_of
from assessments.results.definition import framework_def
from assessments.results.integrity import fingerprint_of_rows
from frameworks import kinds
from frameworks.models import Framework, Question

REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
TYPES = ("csirt", "regulator", "ministry", "operator", "agency")
INCOMES = ("low", "lower-middle", "upper-middle", "high")
DATA = Path(settings.BASE_DIR) / "frameworks" / "data"


def trivial(request: HttpRequest) -> HttpResponse:
    """The floor: a short page through the same middleware stack, no database."""
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>")


# The bench serves the app's own URLs plus the floor view.
urlpatterns = [path("__bench/trivial/", trivial), path("", include("config.urls"))]


@dataclass
class Figure:
    name: str
    times_ms: list[float]
    queries: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Run:
    orgs: int
    cycles: int
    repeat: int
    figures: dict[str, Figure] = field(default_factory=dict)
    setup_s: dict[str, float] = field(default_factory=dict)

    def time(
        self,
        key: str,
        name: str,
        fn: Callable[[], object],
        *,
        repeat: int | None = None,
        warm: int = 2,
        count_queries: bool = True,
        note: str = "",
    ) -> Figure:
        for _ in range(warm):
            fn()
        queries = None
        if count_queries:
            with CaptureQueriesContext(connection) as ctx:
                fn()
            queries = len(ctx.captured_queries)
        times = []
        for _ in range(repeat or self.repeat):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        figure = Figure(name, times, queries, note)
        self.figures[key] = figure
        return figure


def _answers_for(
    questions: list[Question], maturity: float, rng: random.Random, *, share: float = 1.0
) -> list[tuple[Question, str, bool]]:
    answers = []
    for q in questions:
        if rng.random() > share:
            continue
        if q.allow_na and rng.random() < 0.05:
            answers.append((q, "", True))
            continue
        value = kinds.get(q.kind).sample(q.spec(), maturity=maturity, rng=rng)
        if value or q.kind != "text":
            answers.append((q, value, False))
    return answers


def _moment(cycle: Cycle, rng: random.Random) -> dt.datetime:
    """A time within the cycle (a submission, a validation)."""
    start = dt.datetime.combine(cycle.starts_on, dt.time(9), tzinfo=dt.UTC)
    return start + dt.timedelta(minutes=rng.randrange(300 * 24 * 60))


@dataclass
class Dataset:
    cast: dict[str, User]
    frameworks: list[Framework]
    cycles: list[Cycle]
    drafts: dict[str, Assessment]  # the subject organisation's current drafts
    validated: dict[str, Assessment]  # and its previous cycle's validated assessments


def build_dataset(*, orgs: int, cycles: int, seed: int = 2026) -> Dataset:
    """The synthetic programme. Returns the cast and the subject's assessments."""
    from django.core.management import call_command

    rng = random.Random(seed)
    call_command("import_framework", str(DATA), verbosity=0, stdout=open("/dev/null", "w"))
    frameworks = list(Framework.objects.latest_revisions())
    User = get_user_model()
    password = make_password("bench-password")
    cast = {
        role: User.objects.create(
            username=f"bench-{role}", password=password, is_superuser=role == "admin"
        )
        for role in ("admin", "coordinator", "advisor", "official")
    }
    for position, (name, attribute) in enumerate(
        [("All organisations", ""), ("Same region", "region"), ("Same type", "org_type")]
    ):
        PeerGroup.objects.create(name=name, attribute=attribute, position=position)
    first_year = 2027 - cycles
    cycle_rows = [
        Cycle.objects.create(
            name=str(first_year + i),
            starts_on=dt.date(first_year + i, 1, 1),
            deadline=dt.date(first_year + i, 11, 30),
            is_open=i == cycles - 1,
        )
        for i in range(cycles)
    ]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Agency {i:05d}",
            country="KE",
            region=REGIONS[i % len(REGIONS)],
            org_type=TYPES[(i // 5) % len(TYPES)],
            income_group=INCOMES[(i // 25) % len(INCOMES)],
        )
        for i in range(orgs)
    )
    subject = organisations[0]
    Membership.objects.create(
        user=cast["coordinator"], organisation=subject, role=Membership.Role.COORDINATOR
    )
    AdvisorAssignment.objects.bulk_create(
        AdvisorAssignment(advisor=cast["advisor"], organisation=o) for o in organisations[:8]
    )
    scope = OfficialScope.objects.create(user=cast["official"])
    scope.organisations.set([o for o in organisations if o.region == subject.region][:50])

    subject_drafts: dict[str, Assessment] = {}
    subject_validated: dict[str, Assessment] = {}
    for framework in frameworks:
        questions = list(Question.objects.filter(framework=framework).order_by("position"))
        fdef = framework_def(framework)
        targets = {d.code: d.default_target for d in fdef.domains}
        for c_index, cycle in enumerate(cycle_rows):
            current = c_index == cycles - 1
            batch: list[Assessment] = []
            answers_by_org: list[list[tuple[Question, str, bool]]] = []
            for org in organisations:
                base = random.Random(f"{org.pk}").uniform(1.6, 4.4) - 0.3 * (cycles - 1 - c_index)
                draft = current and org.pk == subject.pk
                answers = _answers_for(questions, base, rng, share=0.9 if draft else 1.0)
                assessment = Assessment(
                    organisation=org,
                    framework=framework,
                    framework_key=framework.key,
                    cycle=cycle,
                    status=Assessment.Status.DRAFT if draft else Assessment.Status.VALIDATED,
                    created_by=cast["coordinator"] if org.pk == subject.pk else None,
                    submitted_at=None if draft else _moment(cycle, rng),
                )
                assessment.validated_at = assessment.submitted_at
                if not draft:
                    rows = [(q.code, v, na, "", False) for q, v, na in answers]
                    scored = scoring.score_assessment(
                        fdef,
                        {
                            q.code: scoring.Answer(value=v or None, not_applicable=na)
                            for q, v, na in answers
                        },
                        targets,
                    )
                    scores = Scores(
                        framework=fdef,
                        self_result=scored,
                        validated_result=scored,
                        moderated=False,
                        targets=targets,
                    )
                    assessment.answers_hash = fingerprint_of_rows(rows)
                    assessment.frozen_result = scores.to_frozen(
                        framework=framework,
                        answers_hash=assessment.answers_hash,
                        trend=[TrendEntry(cycle=cycle.name, overall=None, current=True)],
                    )
                    # bulk_create skips `save`, which keeps this copy.
                    assessment.overall_score = validated_overall(
                        assessment.status, assessment.frozen_result
                    )
                batch.append(assessment)
                answers_by_org.append(answers)
            created = Assessment.objects.bulk_create(batch, batch_size=1000)
            Response.objects.bulk_create(
                (
                    Response(
                        assessment=a,
                        question=q,
                        value=v,
                        not_applicable=na,
                        version=1,
                        updated_by=cast["coordinator"] if a.organisation_id == subject.pk else None,
                    )
                    for a, answers in zip(created, answers_by_org, strict=True)
                    for q, v, na in answers
                ),
                batch_size=5000,
            )
            subject_row = created[0]
            if current:
                subject_drafts[framework.key] = subject_row
            elif c_index == cycles - 2:
                subject_validated[framework.key] = subject_row
    # Keep the scores honest: the frozen results are those of the stored answers.
    sample = Assessment.objects.filter(status=Assessment.Status.VALIDATED).first()
    if sample is not None:
        responses = list(Response.objects.filter(assessment=sample).select_related("question"))
        live = scoring.score_assessment(
            framework_def(sample.framework),
            answers_of(responses, moderated=False),
            (sample.frozen_result or {}).get("targets"),
        )
        assert scoring.result_to_dict(live) == (sample.frozen_result or {}).get("validated")
    return Dataset(cast, frameworks, cycle_rows, subject_drafts, subject_validated)


def _signed_in(user: User) -> Client:
    """A client with a complete session, second factor included (the bench's users
    have none enrolled; administrators, advisors and officials must have passed one)."""
    from accounts.mfa import mark_client_passed_mfa

    client = Client()
    client.force_login(user)
    mark_client_passed_mfa(client, user)
    return client


def _page(client: Client, url: str) -> Callable[[], object]:
    """A GET that must answer 200: a redirect (to login, to a second factor) or an
    error would time the wrong page."""

    def get() -> object:
        reply = client.get(url)
        assert reply.status_code == 200, (url, reply.status_code, reply.get("Location"))
        return reply

    return get


def measure(run: Run, data: Dataset, *, pdf: bool = True) -> None:
    from assessments.results.releases import peer_release_round

    cast, frameworks, cycles = data.cast, data.frameworks, data.cycles
    drafts, validated = data.drafts, data.validated
    strategy = next(f for f in frameworks if f.key == "national-strategy")
    current = cycles[-1]

    def release() -> None:
        with transaction.atomic():
            peer_release_round(framework=strategy, cycle=current)
            transaction.set_rollback(True)

    run.time(
        "peer_release",
        f"peer release, one framework and cycle ({run.orgs} organisations)",
        release,
        repeat=max(3, run.repeat // 3),
        count_queries=False,
    )
    for framework in frameworks:
        for cycle in cycles:
            peer_release_round(framework=framework, cycle=cycle)

    coordinator = _signed_in(cast["coordinator"])
    admin = _signed_in(cast["admin"])
    advisor = _signed_in(cast["advisor"])
    draft = drafts["national-strategy"]
    done = validated["national-strategy"]
    domain = draft.framework.domains.filter(parent__isnull=True).order_by("position").first()
    assert domain is not None
    question = domain.questions.filter(kind="maturity").order_by("position").first()
    assert question is not None

    run.time(
        "trivial",
        "floor: trivial view through the middleware",
        _page(coordinator, "/__bench/trivial/"),
    )
    questionnaire_url = reverse("questionnaire", args=[draft.pk, domain.pk])
    run.time(
        "questionnaire",
        f"questionnaire domain page ({domain.questions.count()} questions)",
        _page(coordinator, questionnaire_url),
    )
    values = iter(["2", "3", "4"] * (run.repeat + 10))
    save_url = reverse("autosave", args=[draft.pk, question.pk])

    def autosave() -> None:
        stored = Response.objects.filter(assessment=draft, question=question).first()
        reply = coordinator.post(
            save_url,
            {
                f"q{question.pk}-value": next(values),
                f"q{question.pk}-version": stored.version if stored else 0,
            },
            headers={"HX-Request": "true"},
        )
        assert reply.status_code == 200, reply.status_code

    run.time("autosave", "autosave POST", autosave)
    run.time(
        "results_draft",
        "results page, draft",
        _page(coordinator, reverse("results", args=[draft.pk])),
    )
    run.time(
        "results_validated",
        "results page, validated (administrator)",
        _page(admin, reverse("results", args=[done.pk])),
    )
    run.time("admin_home", "home page, administrator", _page(admin, reverse("home")))
    run.time(
        "admin_list",
        "assessment list, administrator",
        _page(admin, reverse("assessment_list")),
    )
    portfolio = reverse("portfolio") + f"?framework=national-strategy&cycle={current.pk}"
    run.time("portfolio", "portfolio, administrator", _page(admin, portfolio))
    run.time(
        "portfolio_advisor",
        "portfolio, advisor with 8 organisations",
        _page(advisor, portfolio),
    )
    run.time(
        "portfolio_xlsx",
        "portfolio XLSX export, administrator",
        _page(admin, portfolio + "&format=xlsx"),
        repeat=max(3, run.repeat // 3),
    )
    if pdf:
        _pdf(run, done, admin)


def measure_import(run: Run) -> None:
    """Framework import into the empty database, rolled back after each run."""
    from frameworks.loader import load_many
    from frameworks.services import frameworks_import

    def once() -> None:
        with transaction.atomic():
            loaded, errors = load_many([DATA], max_bytes=settings.FRAMEWORK_MAX_BYTES)
            assert not errors, errors
            frameworks_import(loaded=loaded)
            transaction.set_rollback(True)

    run.time(
        "import",
        "framework import into an empty database (3 files)",
        once,
        repeat=max(3, run.repeat // 3),
        count_queries=False,
        warm=1,
    )


def _pdf(run: Run, assessment: Assessment, client: Client) -> None:
    import io

    from pypdf import PdfReader

    from assessments.reports.pdf import render_pdf, report_html
    from assessments.results.assemble import build_results
    from assessments.results.present import results_context

    repeat = max(3, run.repeat // 3)
    run.time(
        "pdf_context",
        "PDF: context (assemble and present)",
        lambda: results_context(build_results(assessment)),
        repeat=repeat,
    )
    run.time(
        "pdf_html",
        "PDF: context and HTML",
        lambda: report_html(assessment, tlp="AMBER"),
        repeat=repeat,
    )
    html = report_html(assessment, tlp="AMBER")
    pdf_bytes = render_pdf(html)[0]
    pages = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
    run.time(
        "pdf_layout",
        f"PDF: WeasyPrint layout ({pages} pages)",
        lambda: render_pdf(html),
        repeat=repeat,
        count_queries=False,
        warm=1,
    )
    run.figures["pdf_total"] = Figure(
        f"PDF: full report ({pages} pages)",
        [
            h + lay
            for h, lay in zip(
                run.figures["pdf_html"].times_ms, run.figures["pdf_layout"].times_ms, strict=False
            )
        ],
        note=f"{pages} pages",
    )
    # The target speaks of a 10-page report: the same figure scaled to 10 pages.
    run.figures["pdf_10_pages"] = Figure(
        f"PDF: full report, scaled to 10 pages (from {pages})",
        [t * 10 / pages for t in run.figures["pdf_total"].times_ms],
    )
    import weasyprint

    run.time(
        "weasyprint_floor",
        "floor: WeasyPrint alone on the same HTML",
        lambda: weasyprint.HTML(string=html).write_pdf(),
        repeat=repeat,
        count_queries=False,
        warm=1,
    )
    url = reverse("report_pdf", args=[assessment.pk]) + "?tlp=AMBER"
    _page(client, url)()  # fills the cache
    run.time("pdf_cached", "cached PDF download", _page(client, url))


TARGETS: dict[str, tuple[str, float, str]] = {
    # key: (kind, limit, reads as)
    "questionnaire": ("ratio", 15, "<= 15x trivial view"),
    "autosave": ("ratio", 10, "<= 10x trivial view"),
    "results_draft": ("ratio", 20, "<= 20x trivial view"),
    "results_validated": ("ratio", 20, "<= 20x trivial view"),
    "portfolio": ("ms", 150, "<= 150 ms"),
    "peer_release": ("ms", 1000, "<= 1 s"),
    "pdf_10_pages": ("ms", 1000, "<= 1.0 s (10-page report, warm)"),
    "pdf_cached": ("ms", 20, "<= 20 ms"),
}


def verdicts(run: Run) -> dict[str, dict[str, object]]:
    trivial_ms = run.figures["trivial"].median
    floor = run.figures.get("weasyprint_floor")
    out: dict[str, dict[str, object]] = {}
    for key, figure in run.figures.items():
        item: dict[str, object] = {
            "name": figure.name,
            "median_ms": round(figure.median, 2),
            "p95_ms": round(figure.p95, 2),
            "queries": figure.queries,
            "ratio_to_trivial": round(figure.median / trivial_ms, 1) if trivial_ms else None,
        }
        if key.startswith("pdf") and floor is not None:
            item["ratio_to_weasyprint_floor"] = round(figure.median / floor.median, 2)
        target = TARGETS.get(key)
        if target:
            kind, limit, text = target
            ratio = figure.median / trivial_ms if trivial_ms else None
            value = ratio if kind == "ratio" else figure.median
            item["target"] = text
            item["verdict"] = "PASS" if value is not None and value <= limit else "FAIL"
        out[key] = item
    return out


# Work over every organisation by its nature: the export writes every row, the release
# computes over every validated assessment. They have absolute targets instead.
EVERY_ROW = ("portfolio_xlsx", "peer_release")


def compare(current: dict[str, dict[str, object]], baseline: dict) -> dict[str, str]:
    """Flat cost: each figure within 1.5x of the same figure in a smaller baseline run."""
    result = {}
    for key, item in current.items():
        before = baseline.get("figures", {}).get(key)
        if not before or key in ("import", "weasyprint_floor", "trivial"):
            continue
        ratio = float(str(item["median_ms"])) / max(float(str(before["median_ms"])), 1e-6)
        if key in EVERY_ROW:
            result[key] = f"{ratio:.2f}x (reads every row: grows with the organisations)"
        else:
            result[key] = f"{ratio:.2f}x ({'PASS' if ratio <= 1.5 else 'FAIL'})"
    return result
