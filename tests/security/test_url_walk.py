"""Every URL pattern, as every role of another organisation and as anonymous
(issue #11).

Organisation B's names, answers, comments, notes and evidence carry a unique
canary. alice, bob, carol and olivia (coordinator, respondent, advisor and
official of organisation A) and an anonymous visitor send a GET and a POST to
every URL pattern of the project, the admin's and allauth's included, with its
arguments pointing at organisation B's objects. A URL about B's data must answer
404 or a redirect (405 when the method is not the view's); no response, export
or PDF may contain the canary; and nothing of B changes.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Membership
from assessments.questionnaire.evidence import evidence_add
from frameworks.models import Question
from tests.assessments.test_access_matrix import World, snapshot
from tests.conftest import answer, read_body
from tests.security.urlwalk import Filler, Pattern, every_pattern

CANARY = f"CANARY{uuid.uuid4().hex[:12]}"
OTHERS = ("alice", "bob", "carol", "olivia", "anonymous")
# POSTs that would end the walker's own session, not touch anyone's data.
NOT_POSTED = {"account_logout", "logout", "set_language"}
TENANT_OK = {404, 302, 301, 405}


@pytest.fixture
def planted(world: World) -> World:
    """Organisation B's data, each part carrying the canary."""
    b = world.assessment_b
    org = b.organisation
    org.name = f"Bravo CERT {CANARY}"
    org.save()
    charlie = world.cast["charlie"]
    charlie.first_name = f"Charlie{CANARY}"
    charlie.email = f"charlie-{CANARY.lower()}@example.org"
    charlie.save()
    answer(b, charlie, "OPS-03", f"Our secret plan {CANARY}", comment=f"comment {CANARY}")
    answer(b, charlie, "GOV-01", "2", comment=f"gov comment {CANARY}")
    evidence_add(
        assessment=b,
        question=Question.objects.get(framework=b.framework, code="OPS-03"),
        upload=SimpleUploadedFile(
            f"minutes-{CANARY}.txt", f"minutes {CANARY}".encode(), content_type="text/plain"
        ),
        user=charlie,
    )
    Assessment.objects.filter(pk=b.pk).update(review_note=f"note {CANARY}")
    return world


def filler_for(world: World) -> Filler:
    b = world.assessment_b
    return Filler(
        assessment_pk=b.pk,
        domain_pk=world.domain.pk,
        question_pk=world.question.pk,
        evidence_pk=world.evidence_b.pk,
        membership_pk=Membership.objects.get(user=world.cast["charlie"]).pk,
        framework_key=b.framework.key,
        framework_revision=b.framework.revision,
        content_type_id=ContentType.objects.get_for_model(Assessment).pk,
        organisation_pk=b.organisation_id,
    )


def post_data(world: World) -> dict:
    """Valid-looking data for any form: a wrong grant would change organisation B."""
    q = world.question
    return {
        f"q{q.pk}-value": "5",
        f"q{q.pk}-version": "1",
        "tlp": "CLEAR",
        "decision": "return",
        "note": "returned",
        "email": "intruder@example.org",
        "organisation": world.assessment_b.organisation_id,
        "role": "coordinator",
        **{f"d{d.pk}": "5" for d in world.domains},
    }


def client_as(world: World, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(world.cast[actor])
    return client


def test_the_walk_covers_every_kind_of_url() -> None:
    names = {p.name for p in every_pattern()}
    for expected in ("results", "account_login", "mfa_index", "people", "admin:index"):
        assert expected in names, expected
    assert len(names) > 100


@pytest.mark.parametrize("actor", OTHERS)
def test_another_organisation_sees_nothing_of_b_on_any_url(
    planted: World, fast_pdf: None, actor: str
) -> None:
    filler = filler_for(planted)
    before = snapshot()
    client = client_as(planted, actor)
    wrong: list[str] = []
    data = post_data(planted)
    for pattern in every_pattern():
        url = filler.url(pattern)
        assert url is not None, f"{pattern.name}: cannot build its URL"
        methods = ["GET"] if pattern.name in NOT_POSTED else ["GET", "POST"]
        for method in methods:
            response = client.get(url) if method == "GET" else client.post(url, data)
            text = read_body(response).decode(errors="replace")
            where = f"{method} {url} ({pattern.name})"
            if CANARY in text:
                wrong.append(f"{where}: the canary is in the response")
            if response.status_code >= 500:
                wrong.append(f"{where}: {response.status_code}")
            if filler.is_tenant_url(pattern) and _about_b(pattern):
                ok = TENANT_OK | ({401} if actor == "anonymous" else set())
                if response.status_code not in ok:
                    wrong.append(f"{where}: {response.status_code}, not 404 or a redirect")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


def _about_b(pattern: Pattern) -> bool:
    """The URL's id points at B's assessment, evidence or membership (the admin's
    object ids do too, but the admin refuses everyone who is not staff)."""
    return pattern.module.startswith(("assessments.", "accounts.")) or pattern.name.startswith(
        "admin:"
    )


@pytest.mark.parametrize("actor", ["alice", "carol", "olivia"])
def test_the_downloads_of_a_never_contain_b(planted: World, actor: str) -> None:
    """Org A's real PDF report (with B among its peers) and every export."""
    from pypdf import PdfReader

    client = client_as(planted, actor)
    a = planted.assessment
    texts = []
    response = client.get(reverse("report_pdf", args=[a.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(read_body(response)))
    texts.append("".join(page.extract_text() for page in reader.pages))
    for fmt in ("json", "csv"):
        texts.append(read_body(client.get(reverse("export", args=[a.pk, fmt]))).decode())
    texts.append(_xlsx_text(read_body(client.get(reverse("export", args=[a.pk, "xlsx"])))))
    portfolio = client.get(
        reverse("portfolio"),
        {"framework": a.framework.key, "cycle": a.cycle_id, "format": "csv"},
    )
    texts.append(read_body(portfolio).decode())
    assert all(CANARY not in text for text in texts)


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def test_the_canary_is_where_b_itself_sees_it(planted: World) -> None:
    """The walk would notice a leak: B's own respondent meets the canary."""
    client = client_as(planted, "charlie")
    b = planted.assessment_b
    ops = planted.domains[1]
    assert CANARY in client.get(reverse("results", args=[b.pk])).content.decode()
    page = client.get(reverse("questionnaire", args=[b.pk, ops.pk])).content.decode()
    assert f"Our secret plan {CANARY}" in page and f"minutes-{CANARY}.txt" in page
    filler = filler_for(planted)
    assert sum(filler.is_tenant_url(p) and _about_b(p) for p in every_pattern()) > 20
