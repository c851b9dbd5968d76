"""Who gets what on every assessment URL that takes an id (issue #3).

The matrix below lists, for each such URL, the status every member of the cast
gets. `test_every_assessment_url_with_an_id_is_in_the_matrix` enumerates the
URLconf, so a new view without a row breaks the suite until someone decides who
may use it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments.models import Assessment, AuditEvent, Evidence, Response, TargetLevel
from assessments.questionnaire.evidence import evidence_add
from assessments.reports import views as report_views
from assessments.review.services import assessment_submit
from frameworks.loader import LoadedFramework, load_file
from frameworks.models import Domain, Framework, Question
from frameworks.services import frameworks_import
from tests.conftest import FIXTURES, answer, read_body

ACTORS = ("anonymous", "alice", "bob", "carol", "olivia", "root", "charlie")

# One row per (URL name, method, status of org A's assessment); one column per
# actor, in the order of ACTORS. "login" is a redirect to the login page, "302" a
# redirect inside the app, a number that status. POSTs carry valid-looking data
# (World.post_data), so a wrongly granted write would show.
MATRIX: dict[str, dict[tuple[str, str], str]] = {
    "assessment_detail": {
        ("GET", "draft"): "login 302 302 302 302 302 404",
        ("GET", "submitted"): "login 302 302 302 302 302 404",
    },
    "questionnaire": {
        ("GET", "draft"): "login 200 200 200 200 200 404",
        ("POST", "draft"): "login 302 302 403 403 403 404",
        ("GET", "submitted"): "login 200 200 200 200 200 404",
        ("POST", "submitted"): "login 403 403 403 403 403 404",
    },
    # An expired session must not lose the answer to a login redirect: 401.
    "autosave": {
        ("POST", "draft"): "401 200 200 403 403 403 404",
        ("POST", "submitted"): "401 403 403 403 403 403 404",
    },
    "evidence_upload": {
        ("POST", "draft"): "login 302 302 403 403 403 404",
        ("POST", "submitted"): "login 403 403 403 403 403 404",
    },
    "evidence_download": {
        ("GET", "draft"): "login 200 200 200 200 200 404",
        ("GET", "submitted"): "login 200 200 200 200 200 404",
    },
    "evidence_delete": {
        ("POST", "draft"): "login 302 302 403 403 403 404",
        ("POST", "submitted"): "login 403 403 403 403 403 404",
    },
    # alice's POST gets 400 because required questions are unanswered: past the access check.
    "submit": {
        ("GET", "draft"): "login 200 403 403 403 403 404",
        ("POST", "draft"): "login 400 403 403 403 403 404",
        ("GET", "submitted"): "login 403 403 403 403 403 404",
        ("POST", "submitted"): "login 403 403 403 403 403 404",
    },
    # The administrator may review too (access.can_review).
    "review": {
        ("GET", "draft"): "login 403 403 403 403 403 404",
        ("POST", "draft"): "login 403 403 403 403 403 404",
        ("GET", "submitted"): "login 403 403 200 403 200 404",
        ("POST", "submitted"): "login 403 403 302 403 302 404",
    },
    # Issue 16: the coordinator assigns while it is a draft; everyone who sees may look.
    "assignments": {
        ("GET", "draft"): "login 200 200 200 200 200 404",
        ("POST", "draft"): "login 302 403 403 403 403 404",
        ("GET", "submitted"): "login 200 200 200 200 200 404",
        ("POST", "submitted"): "login 403 403 403 403 403 404",
    },
    # The organisation and its advisor discuss; the official only reads.
    "discussion": {
        ("GET", "draft"): "login 200 200 200 200 200 404",
        ("POST", "draft"): "login 302 302 302 403 302 404",
        ("GET", "submitted"): "login 200 200 200 200 200 404",
        ("POST", "submitted"): "login 302 302 302 403 302 404",
    },
    "targets": {
        ("GET", "draft"): "login 200 403 403 403 403 404",
        ("POST", "draft"): "login 302 403 403 403 403 404",
    },
    "results": {
        ("GET", "draft"): "login 200 200 200 200 200 404",
        ("GET", "submitted"): "login 200 200 200 200 200 404",
    },
    # Issue #5: the report and exports are for "everyone allowed to see the assessment"
    # (a respondent already sees every answer in the questionnaire).
    "report_pdf": {
        ("GET", "draft"): "login 200 200 200 200 200 404",
        ("GET", "submitted"): "login 200 200 200 200 200 404",
    },
    # Issue #11: the coordinator, the advisor or an administrator sets the marking.
    "report_marking": {
        ("POST", "draft"): "login 302 403 302 403 302 404",
        ("POST", "submitted"): "login 302 403 302 403 302 404",
    },
    "export": {
        ("GET", "draft"): "login 200 200 200 200 200 404",
        ("GET", "submitted"): "login 200 200 200 200 200 404",
    },
}

# (name, method, state, actor) -> the bug that makes this cell fail (none known).
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}

# What charlie must never see of org A's assessment.
SECRETS = (
    "Alpha Agency",
    "alpha-agency",
    "Alice",
    "Governance",
    "GOV-01",
    "Is there a strategy?",
    "alpha-minutes.pdf",
    "Alpha board minutes",
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "alpha-minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- the URLconf ----------------------------------------------------------------


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route, pattern


def assessment_patterns() -> dict[str, list[tuple[str, str]]]:
    """Name -> (converter, argument) pairs of every URL the assessments app serves."""
    found = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        if pattern.callback.__module__.startswith("assessments."):
            found[pattern.name] = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    return found


def id_patterns() -> dict[str, list[tuple[str, str]]]:
    """The assessments URLs that take an id (an `<int:...>` argument)."""
    return {
        name: args
        for name, args in assessment_patterns().items()
        if any(converter == "int" for converter, _arg in args)
    }


# --- the world: org A's assessment with an answer and a file, and org B's ----------


@dataclass
class World:
    cast: dict
    assessment: Assessment
    assessment_b: Assessment
    domain: Domain  # GOV, a top-level domain with two questions
    domains: list[Domain]
    question: Question  # GOV-01, unanswered
    evidence: Evidence  # on OPS-03, with a comment
    evidence_b: Evidence  # on org B's assessment

    def args(self) -> dict[str, object]:
        return {
            "pk": self.assessment.pk,
            "domain_pk": self.domain.pk,
            "question_pk": self.question.pk,
            "evidence_pk": self.evidence.pk,
            "fmt": "csv",
        }

    def url(self, name: str, **override: object) -> str:
        args = {**self.args(), **override}
        needed = [arg for _converter, arg in assessment_patterns()[name]]
        unknown = [arg for arg in needed if arg not in args]
        assert not unknown, f"{name}: teach World.args how to fill {unknown}"
        return reverse(name, kwargs={arg: args[arg] for arg in needed})

    def set_status(self, status: str) -> None:
        Assessment.objects.filter(pk=self.assessment.pk).update(
            status=status, submitted_at=timezone.now()
        )

    def post_data(self, name: str) -> dict:
        """Valid-looking data: if access were granted wrongly, something would change."""
        if name in ("questionnaire", "autosave"):
            gov = Question.objects.filter(domain=self.domain)
            data = {f"q{q.pk}-version": "0" for q in gov}
            data[f"q{self.question.pk}-value"] = "3"
            return data
        if name == "evidence_upload":
            return {f"q{self.question.pk}-file": pdf()}
        if name == "review":
            return {"decision": "return", "note": "Please attach the strategy."}
        if name == "report_marking":
            return {"tlp": "RED"}
        if name == "targets":
            return {f"d{d.pk}": "4" for d in self.domains}
        if name == "assignments":
            return {"item": f"d-{self.domain.pk}", "assignee": str(self.cast["bob"].pk)}
        if name == "discussion":
            return {"body": "Which document shows the budget?"}
        return {}


def other_framework(tmp_path: Path) -> Framework:
    """A second framework: the mini one under another id."""
    text = (FIXTURES / "mini.yaml").read_text().replace("id: mini", "id: other", 1)
    path = tmp_path / "other.yaml"
    path.write_text(text.replace("name: Mini framework", "name: Other framework", 1))
    frameworks_import(loaded=[load_file(path)])
    return Framework.objects.get(key="other")


@functools.cache
def _mini() -> LoadedFramework:
    return load_file(FIXTURES / "mini.yaml")


@pytest.fixture
def framework(db) -> Framework:
    """conftest's framework, parsed once per run rather than twice per test."""
    frameworks_import(loaded=[_mini()])
    return Framework.objects.filter(key=_mini().spec.id).latest("revision")


@pytest.fixture
def world(cast, assessment, assessment_b) -> World:
    framework = assessment.framework
    domains = list(
        Domain.objects.filter(framework=framework, parent__isnull=True).order_by("position")
    )
    ops_03 = Question.objects.get(framework=framework, code="OPS-03")
    response = Response.objects.create(
        assessment=assessment, question=ops_03, comment="Alpha board minutes"
    )
    response_b = Response.objects.create(assessment=assessment_b, question=ops_03)
    return World(
        cast=cast,
        assessment=assessment,
        assessment_b=assessment_b,
        domain=domains[0],
        domains=domains,
        question=Question.objects.get(framework=framework, code="GOV-01"),
        evidence=evidence_add(
            assessment=response.assessment,
            question=response.question,
            upload=pdf(),
            user=cast["alice"],
        ),
        evidence_b=evidence_add(
            assessment=response_b.assessment,
            question=response_b.question,
            upload=pdf("b.pdf"),
            user=cast["charlie"],
        ),
    )


@pytest.fixture
def fast_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Access is decided before rendering; WeasyPrint would only slow the matrix down."""
    monkeypatch.setattr(
        report_views, "report_pdf", lambda assessment, tlp, language=None: (PDF, False)
    )


def client_for(world: World, actor: str, **kwargs: object) -> Client:
    client = Client(**kwargs)
    if actor != "anonymous":
        client.force_login(world.cast[actor])
    return client


def body(response) -> str:
    return read_body(response).decode(errors="replace")


def request(client: Client, method: str, url: str, data: dict | None = None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data or {})


def outcome(response) -> str:
    """The response in the matrix's words."""
    if response.status_code == 302:
        return "login" if response["Location"].startswith(reverse("login")) else "302"
    return str(response.status_code)


def assert_no_trace_of_alpha(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"org A's {leaked} in the outsider's response"


# --- the matrix -----------------------------------------------------------------


class KnownBug(AssertionError):
    """A cell that differs from the matrix because of a bug listed in KNOWN_BUGS."""


def _rows() -> list:
    rows = []
    for name, cells in MATRIX.items():
        for (method, state), columns in cells.items():
            row = (name, method, state)
            bugs = sorted({reason for key, reason in KNOWN_BUGS.items() if key[:3] == row})
            marks = (
                [pytest.mark.xfail(strict=True, raises=KnownBug, reason="; ".join(bugs))]
                if bugs
                else []
            )
            rows.append(pytest.param(*row, columns, marks=marks, id="-".join(row)))
    return rows


def test_every_assessment_url_with_an_id_is_in_the_matrix() -> None:
    found = id_patterns()
    assert "results" in found, "the URL enumeration is broken"
    missing = sorted(set(found) - set(MATRIX))
    assert not missing, f"add these views to MATRIX (who may use them?): {missing}"
    stale = sorted(set(MATRIX) - set(found))
    assert not stale, f"MATRIX lists views that no longer exist: {stale}"


def test_every_row_of_the_matrix_has_one_column_per_actor() -> None:
    for name, cells in MATRIX.items():
        for row, columns in cells.items():
            assert len(columns.split()) == len(ACTORS), (name, row)


def test_every_id_in_the_urls_is_filled_with_a_real_object(world: World) -> None:
    for name in id_patterns():
        assert world.url(name).startswith(f"/assessments/{world.assessment.pk}/")


@pytest.mark.parametrize(("name", "method", "state", "columns"), _rows())
def test_the_cast_gets_exactly_what_their_role_allows(
    world: World, fast_pdf: None, name: str, method: str, state: str, columns: str
) -> None:
    """Each actor's request runs in a rolled-back savepoint, so that alice's write
    does not change what bob meets."""
    world.set_status(state)
    wrong, bugs = [], []
    for actor, expected in zip(ACTORS, columns.split(), strict=True):
        client = client_for(world, actor)
        with transaction.atomic():
            response = request(client, method, world.url(name), world.post_data(name))
            transaction.set_rollback(True)
        text = body(response)
        got = outcome(response)
        if actor == "charlie":
            assert_no_trace_of_alpha(text)
        problem = f"{actor}: expected {expected}, got {got}" if got != expected else ""
        if (name, method, state, actor) in KNOWN_BUGS:
            if problem:
                bugs.append(problem)
            else:
                wrong.append(f"{actor}: the known bug is fixed; remove it from KNOWN_BUGS")
        elif problem:
            wrong.append(problem)
    assert not wrong, f"{name} {method} ({state}): " + "; ".join(wrong)
    if bugs:
        raise KnownBug("; ".join(bugs))


def test_refused_writes_change_nothing(world: World) -> None:
    before = snapshot()
    for actor in ("carol", "olivia", "root", "charlie", "anonymous"):
        client = client_for(world, actor)
        for name, cells in MATRIX.items():
            columns = dict(zip(ACTORS, cells.get(("POST", "draft"), "").split(), strict=False))
            if columns and columns[actor] != "302":  # 302: a write this actor may make
                request(client, "POST", world.url(name), world.post_data(name))
    assert snapshot() == before


def snapshot() -> tuple:
    """Everything a wrongly accepted write could change."""
    return (
        list(Response.objects.order_by("pk").values_list("pk", "value", "comment", "version")),
        list(Evidence.objects.order_by("pk").values_list("pk", flat=True)),
        list(TargetLevel.objects.order_by("pk").values_list("pk", "level")),
        list(Assessment.objects.order_by("pk").values_list("pk", "status", "tlp")),
        AuditEvent.objects.count(),
    )


# --- the details behind some cells ---------------------------------------------


def test_the_detail_page_sends_members_to_the_questionnaire_and_readers_to_results(
    world: World,
) -> None:
    questionnaire = world.url("questionnaire")
    results = world.url("results")
    for actor, target in [
        ("alice", questionnaire),
        ("bob", questionnaire),
        ("carol", results),
        ("olivia", results),
        ("root", results),
    ]:
        response = client_for(world, actor).get(world.url("assessment_detail"))
        assert response["Location"] == target, actor


@pytest.mark.parametrize("actor", ["carol", "olivia", "root"])
def test_readers_get_the_questionnaire_without_autosave_or_upload(world: World, actor: str) -> None:
    response = client_for(world, actor).get(world.url("questionnaire"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Is there a strategy?" in page
    assert world.url("autosave") not in page
    assert world.url("evidence_upload") not in page
    assert 'hx-post="/assessments/' not in page


@pytest.mark.parametrize("actor", ["carol", "olivia", "root"])
def test_readers_see_the_evidence_without_a_remove_button(world: World, actor: str) -> None:
    ops = world.domains[1]
    page = client_for(world, actor).get(world.url("questionnaire", domain_pk=ops.pk)).content
    assert world.url("evidence_download").encode() in page
    assert world.url("evidence_delete").encode() not in page
    assert b'name="delete_evidence"' not in page


@pytest.mark.parametrize("actor", ["alice", "bob"])
def test_members_get_the_questionnaire_with_autosave(world: World, actor: str) -> None:
    page = client_for(world, actor).get(world.url("questionnaire")).content.decode()
    assert f'hx-post="{world.url("autosave")}"' in page


def test_the_advisor_reviews_once_the_coordinator_has_submitted(world: World) -> None:
    carol = client_for(world, "carol")
    assert carol.get(world.url("review")).status_code == 403
    alice = world.cast["alice"]
    answers = {"maturity": "3", "practice": "largely", "yes_no": "yes", "numeric": "7"}
    for question in Question.objects.filter(framework=world.assessment.framework, required=True):
        answer(world.assessment, alice, question.code, answers.get(question.kind, "Some text"))
    assessment_submit(assessment=world.assessment, user=alice)
    assert carol.get(world.url("review")).status_code == 200
    assert client_for(world, "olivia").get(world.url("review")).status_code == 403
    assert client_for(world, "alice").get(world.url("review")).status_code == 403


def test_the_evidence_download_is_the_file(world: World) -> None:
    response = client_for(world, "carol").get(world.url("evidence_download"))
    assert body(response).encode() == PDF
    assert "alpha-minutes.pdf" in response["Content-Disposition"]


# --- tampered ids -----------------------------------------------------------------


def test_a_domain_of_another_framework_is_404(world: World, tmp_path: Path) -> None:
    domain = Domain.objects.filter(framework=other_framework(tmp_path)).first()
    for actor in ("alice", "carol", "root"):
        client = client_for(world, actor)
        assert client.get(world.url("questionnaire", domain_pk=domain.pk)).status_code == 404


def test_a_question_of_another_framework_is_404(world: World, tmp_path: Path) -> None:
    question = Question.objects.get(framework=other_framework(tmp_path), code="GOV-01")
    before = snapshot()
    client = client_for(world, "alice")
    data = {f"q{question.pk}-value": "3", f"q{question.pk}-version": "0"}
    response = client.post(world.url("autosave", question_pk=question.pk), data)
    assert response.status_code == 404
    upload = {f"q{question.pk}-file": pdf()}
    response = client.post(world.url("evidence_upload", question_pk=question.pk), upload)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", ["evidence_download", "evidence_delete"])
def test_evidence_of_another_organisation_is_404_under_our_assessment(
    world: World, name: str
) -> None:
    method = "GET" if name == "evidence_download" else "POST"
    url = world.url(name, evidence_pk=world.evidence_b.pk)
    response = request(client_for(world, "alice"), method, url)
    assert response.status_code == 404
    assert "b.pdf" not in body(response)
    assert Evidence.objects.filter(pk=world.evidence_b.pk).exists()


@pytest.mark.parametrize("name", ["evidence_download", "evidence_delete"])
def test_the_outsider_cannot_reach_our_evidence_through_their_own_assessment(
    world: World, name: str
) -> None:
    method = "GET" if name == "evidence_download" else "POST"
    url = world.url(name, pk=world.assessment_b.pk)
    response = request(client_for(world, "charlie"), method, url)
    assert response.status_code == 404
    assert_no_trace_of_alpha(body(response))
    assert Evidence.objects.filter(pk=world.evidence.pk).exists()


@pytest.mark.parametrize("actor", ["alice", "bob", "carol", "olivia"])
def test_org_a_people_get_404_on_every_url_of_org_b(
    world: World, fast_pdf: None, actor: str
) -> None:
    """The scope works both ways: an advisor's portfolio and an official's scope
    end at their organisations."""
    client = client_for(world, actor)
    ids = {"pk": world.assessment_b.pk, "evidence_pk": world.evidence_b.pk}
    for name in id_patterns():
        method = next(iter(MATRIX[name]))[0]
        response = request(client, method, world.url(name, **ids), world.post_data(name))
        assert response.status_code == 404, name
        assert "Bravo CERT" not in body(response), name
    assert Assessment.objects.get(pk=world.assessment_b.pk).status == Assessment.Status.DRAFT


@pytest.mark.parametrize("actor", ["alice", "root"])
def test_an_assessment_that_does_not_exist_is_404_on_every_url(
    world: World, fast_pdf: None, actor: str
) -> None:
    missing = Assessment.objects.order_by("-pk").first().pk + 1000
    client = client_for(world, actor)
    for name in id_patterns():
        method = next(iter(MATRIX[name]))[0]
        response = request(client, method, world.url(name, pk=missing), world.post_data(name))
        body(response)
        assert response.status_code == 404, name


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_every_export_format_is_404_for_the_outsider(world: World, fmt: str) -> None:
    assert client_for(world, "alice").get(world.url("export", fmt=fmt)).status_code == 200
    response = client_for(world, "charlie").get(world.url("export", fmt=fmt))
    assert response.status_code == 404
    assert_no_trace_of_alpha(body(response))


def test_an_unknown_export_format_is_404(world: World) -> None:
    assert client_for(world, "alice").get(world.url("export", fmt="html")).status_code == 404


# --- lists --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["assessment_list", "home"])
def test_the_outsider_sees_nothing_of_alpha_in_the_lists(world: World, name: str) -> None:
    response = client_for(world, "charlie").get(reverse(name))
    assert response.status_code == 200
    assert_no_trace_of_alpha(response.content.decode())


def test_the_assessment_list_shows_the_advisor_their_portfolio(world: World) -> None:
    page = client_for(world, "carol").get(reverse("assessment_list")).content.decode()
    assert "Alpha Agency" in page
    assert "Bravo CERT" not in page


def test_the_assessment_list_shows_the_outsider_their_own(world: World) -> None:
    page = client_for(world, "charlie").get(reverse("assessment_list")).content.decode()
    assert "Bravo CERT" in page
