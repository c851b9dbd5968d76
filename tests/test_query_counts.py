"""Query-count guards: every main page and export makes the same number of queries
whatever the number of organisations, assessments and peers (issue 13).

Each case is requested once on a small programme and once after it has grown tenfold;
the counts must be equal, and below a ceiling.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import (
    AdvisorAssignment,
    Assessment,
    Membership,
    Organisation,
    Response,
)
from assessments.results.assemble import freeze
from assessments.results.releases import peer_release_round
from frameworks.models import Domain, Question
from tests.conftest import answer_all, read_body

CEILING = 40
ANSWERS = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}


def _grow(framework, cycle, n: int, start: int, advisor) -> None:
    """`n` more organisations with validated assessments and answers."""
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Grown {i:04d}", country="SN", region="Africa")
        for i in range(start, start + n)
    )
    questions = list(Question.objects.filter(framework=framework))
    for org in orgs:
        a = Assessment.objects.create(
            organisation=org,
            framework=framework,
            framework_key=framework.key,
            cycle=cycle,
        )
        Response.objects.bulk_create(
            Response(assessment=a, question=q, value=ANSWERS[q.code], version=1)
            for q in questions
            if q.code in ANSWERS
        )
        a.answers_hash, a.frozen_result, _scores = freeze(a)
        a.status = Assessment.Status.VALIDATED
        a.save()
    AdvisorAssignment.objects.bulk_create(
        AdvisorAssignment(advisor=advisor, organisation=o) for o in orgs[:3]
    )


def _count(client: Client, method: str, url: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
        read_body(response)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.fixture
def world(framework, cycle, alice, carol, root, assessment, peer_groups):
    answer_all(assessment, alice, ANSWERS)
    validated_org = Organisation.objects.create(name="Validated Org", country="KE", region="Africa")
    Membership.objects.create(user=alice, organisation=validated_org, role="coordinator")
    done = Assessment.objects.create(
        organisation=validated_org, framework=framework, framework_key=framework.key, cycle=cycle
    )
    answer_all(done, alice, ANSWERS)
    done.answers_hash, done.frozen_result, _scores = freeze(done)
    done.status = Assessment.Status.VALIDATED
    done.save()
    submitted = Assessment.objects.get(pk=done.pk)
    domain = Domain.objects.get(framework=framework, code="GOV")
    question = Question.objects.get(framework=framework, code="GOV-01")
    return {
        "draft": assessment,
        "validated": submitted,
        "domain": domain,
        "question": question,
    }


def _cases(world) -> list[tuple[str, str, str, dict | None]]:
    draft, validated = world["draft"], world["validated"]
    question = world["question"]
    portfolio = reverse("portfolio") + f"?framework={draft.framework.key}&cycle={draft.cycle_id}"
    return [
        ("alice", "get", reverse("home"), None),
        ("root", "get", reverse("home"), None),
        ("root", "get", reverse("assessment_list"), None),
        ("root", "get", reverse("assessment_list") + "?sort=updated&status=validated", None),
        ("olivia", "get", reverse("home"), None),
        ("alice", "get", reverse("questionnaire", args=[draft.pk, world["domain"].pk]), None),
        (
            "alice",
            "post",
            reverse("autosave", args=[draft.pk, question.pk]),
            "autosave",
        ),
        ("alice", "get", reverse("results", args=[draft.pk]), None),
        ("root", "get", reverse("results", args=[validated.pk]), None),
        ("root", "get", portfolio, None),
        ("root", "get", portfolio + "&sort=change", None),
        ("root", "get", portfolio + "&sort=overall&q=grown", None),
        ("carol", "get", portfolio, None),
        ("root", "get", portfolio + "&format=csv", None),
        ("root", "get", portfolio + "&format=xlsx", None),
        ("alice", "get", reverse("export", args=[draft.pk, "json"]), None),
        ("alice", "get", reverse("export", args=[draft.pk, "csv"]), None),
        ("alice", "get", reverse("export", args=[validated.pk, "xlsx"]), None),
        ("alice", "get", reverse("report_docx", args=[validated.pk]), None),
        ("alice", "get", reverse("workbook_xlsx", args=[draft.pk]), None),
        # The second request of each run is the one counted: the cached download.
        ("alice", "get", reverse("report_pdf", args=[validated.pk]), None),
        ("root", "get", reverse("framework_list"), None),
    ]


def test_main_pages_and_exports_make_a_constant_number_of_queries(
    world, framework, cycle, cast, carol
):
    clients = {}
    for name in ("alice", "carol", "olivia", "root"):
        clients[name] = Client()
        clients[name].force_login(cast[name])
    _grow(framework, cycle, 6, 0, carol)
    peer_release_round(framework=framework, cycle=cycle)
    question = world["question"]

    def run_all() -> list[int]:
        counts = []
        for who, method, url, data in _cases(world):
            if data == "autosave":
                stored = Response.objects.get(assessment=world["draft"], question=question)
                data = {f"q{question.pk}-value": "4", f"q{question.pk}-version": stored.version}
            client = clients[who]
            _count(client, method, url, data)  # warm caches (session, framework definition)
            if method == "post":
                stored = Response.objects.get(assessment=world["draft"], question=question)
                data = {f"q{question.pk}-value": "3", f"q{question.pk}-version": stored.version}
            counts.append(_count(client, method, url, data))
        return counts

    small = run_all()
    _grow(framework, cycle, 60, 100, carol)
    peer_release_round(framework=framework, cycle=cycle)
    large = run_all()
    cases = [f"{who} {method} {url}" for who, method, url, _data in _cases(world)]
    assert dict(zip(cases, large, strict=True)) == dict(zip(cases, small, strict=True))
    assert max(large) <= CEILING, dict(zip(cases, large, strict=True))
