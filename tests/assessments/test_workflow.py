"""Submit, return, validate; locked assessments; one assessment per organisation and cycle."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Response
from assessments.services import AssessmentLocked, assessment_start
from frameworks.loader import load_file
from frameworks.models import Framework, Question
from frameworks.services import frameworks_import
from tests.conftest import answer, answer_all

FIXTURES = Path(__file__).parent.parent / "fixtures"
PNG = (
    b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x02\x00\x00\x00"
)
REQUIRED = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


def _question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(framework=assessment.framework, code=code)


def _refresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


@pytest.fixture
def submitted(assessment, alice):
    answer_all(assessment, alice, REQUIRED)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.save(update_fields=["status"])
    return assessment


def _submit(client, assessment: Assessment):
    return client.post(reverse("submit", args=[assessment.pk]))


def _review(client, assessment: Assessment, decision: str, note: str = ""):
    return client.post(
        reverse("review", args=[assessment.pk]),
        {"decision": decision, "note": note, "confirm": "1"},
    )


# --- submit ------------------------------------------------------------------


def test_submit_refuses_and_lists_the_missing_required_questions(client, alice, assessment):
    answer_all(assessment, alice, {"GOV-01": "2"})
    client.force_login(alice)
    page = client.get(reverse("submit", args=[assessment.pk]))
    assert page.status_code == 200
    assert "3 required questions are not answered yet" in page.content.decode()
    r = _submit(client, assessment)
    assert r.status_code == 400
    html = r.content.decode()
    assert "Some required questions are not answered yet." in html
    for code in ("GOV-02", "OPS-01", "OPS-02"):
        assert f">{code}</a>" in html
    assert ">GOV-01</a>" not in html
    assert "OPS-03" not in html  # text questions are optional
    assert _refresh(assessment).status == Assessment.Status.DRAFT


def test_submit_counts_not_applicable_as_answered(client, alice, assessment):
    answer_all(assessment, alice, {"GOV-01": "2", "OPS-01": "no", "OPS-02": "0"})
    answer(assessment, alice, "GOV-02", not_applicable=True)
    client.force_login(alice)
    assert _submit(client, assessment).status_code == 302
    assert _refresh(assessment).status == Assessment.Status.SUBMITTED


def test_submit_succeeds_when_every_required_question_is_answered(client, alice, assessment):
    answer_all(assessment, alice, REQUIRED)  # OPS-03, a text question, stays empty
    client.force_login(alice)
    r = _submit(client, assessment)
    assert r.status_code == 302
    assert r.url == reverse("results", args=[assessment.pk])
    a = _refresh(assessment)
    assert a.status == Assessment.Status.SUBMITTED
    assert a.submitted_at is not None
    assert AuditEvent.objects.filter(assessment=a, action="submitted", user=alice).exists()


def test_a_respondent_cannot_submit(client, alice, bob, assessment):
    answer_all(assessment, alice, REQUIRED)
    client.force_login(bob)
    assert _submit(client, assessment).status_code == 403
    assert _refresh(assessment).status == Assessment.Status.DRAFT


def test_an_outsider_cannot_see_the_submit_page(client, charlie, assessment):
    client.force_login(charlie)
    assert client.get(reverse("submit", args=[assessment.pk])).status_code == 404
    assert _submit(client, assessment).status_code == 404


# --- locked ------------------------------------------------------------------


LOCKED = [Assessment.Status.SUBMITTED, Assessment.Status.VALIDATED]


@pytest.fixture(params=LOCKED)
def locked(request, submitted):
    submitted.status = request.param
    submitted.save(update_fields=["status"])
    return submitted


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "root"])
def test_autosave_on_a_locked_assessment_gets_403(client, cast, locked, who):
    q = _question(locked, "GOV-01")
    client.force_login(cast[who])
    r = client.post(
        reverse("autosave", args=[locked.pk, q.pk]),
        {f"q{q.pk}-value": "5", f"q{q.pk}-version": "1"},
    )
    assert r.status_code == 403
    assert Response.objects.get(assessment=locked, question=q).value == "3"


def test_a_plain_post_on_a_locked_assessment_gets_403(client, alice, locked):
    q = _question(locked, "GOV-01")
    client.force_login(alice)
    page = client.get(reverse("questionnaire", args=[locked.pk, q.domain_id]))
    assert page.status_code == 200
    assert "read-only" in page.content.decode()
    assert "hx-post" not in page.content.decode()
    r = client.post(
        reverse("questionnaire", args=[locked.pk, q.domain_id]),
        {f"q{q.pk}-value": "5", f"q{q.pk}-version": "1"},
    )
    assert r.status_code == 403
    assert Response.objects.get(assessment=locked, question=q).value == "3"


def test_an_evidence_upload_on_a_locked_assessment_gets_403(client, alice, locked, settings):
    q = _question(locked, "GOV-01")
    client.force_login(alice)
    before = set(Path(settings.EVIDENCE_ROOT).glob("*"))
    upload = SimpleUploadedFile("strategy.png", PNG, content_type="image/png")
    r = client.post(reverse("evidence_upload", args=[locked.pk, q.pk]), {f"q{q.pk}-file": upload})
    assert r.status_code == 403
    assert not locked.responses.filter(evidence__isnull=False).exists()
    assert set(Path(settings.EVIDENCE_ROOT).glob("*")) == before


def test_the_service_refuses_to_change_a_locked_assessment(alice, locked):
    with pytest.raises(AssessmentLocked):
        answer(locked, alice, "GOV-01", "5")  # based on the stored version 1
    assert Response.objects.get(assessment=locked, question__code="GOV-01").version == 1


def test_the_service_rechecks_the_status_even_with_a_stale_object(alice, assessment):
    answer_all(assessment, alice, REQUIRED)
    stale = Assessment.objects.get(pk=assessment.pk)  # loaded while still a draft
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.VALIDATED)
    with pytest.raises(AssessmentLocked):
        answer_all(stale, alice, {"OPS-03": "late"})
    assert not Response.objects.filter(question__code="OPS-03").exists()


def test_the_admin_cannot_change_assessments_or_answers(root, submitted):
    request = RequestFactory().get("/admin/")
    request.user = root
    assessment_admin = admin.site._registry[Assessment]
    assert not assessment_admin.has_change_permission(request, submitted)
    assert not assessment_admin.has_add_permission(request)
    assert not assessment_admin.has_delete_permission(request, submitted)
    response_admin = admin.site._registry.get(Response)
    if response_admin is not None:
        assert not response_admin.has_change_permission(request)
    for inline in assessment_admin.get_inline_instances(request, submitted):
        if inline.model is Response:
            assert not inline.has_change_permission(request, submitted)
            assert not inline.has_add_permission(request, submitted)
            assert not inline.has_delete_permission(request, submitted)


def test_the_admin_change_page_refuses_a_post(client, root, submitted):
    client.force_login(root)
    url = reverse("admin:assessments_assessment_change", args=[submitted.pk])
    assert client.get(url).status_code == 200  # view only
    r = client.post(url, {"status": "draft"})
    assert r.status_code == 403
    assert _refresh(submitted).status == Assessment.Status.SUBMITTED


# --- review --------------------------------------------------------------------


def test_the_advisor_returns_with_a_note_and_the_assessment_is_editable_again(
    client, alice, bob, carol, submitted
):
    client.force_login(carol)
    r = _review(client, submitted, "return", "Please attach the strategy for GOV-01.")
    assert r.status_code == 302
    a = _refresh(submitted)
    assert a.status == Assessment.Status.RETURNED
    assert a.review_note == "Please attach the strategy for GOV-01."
    assert AuditEvent.objects.filter(assessment=a, action="returned", user=carol).exists()
    # The coordinator sees the note on the questionnaire page ...
    client.force_login(alice)
    page = client.get(reverse("assessment_detail", args=[a.pk]), follow=True)
    html = page.content.decode()
    assert page.resolver_match.url_name == "questionnaire"
    assert "Returned by your advisor" in html
    assert "Please attach the strategy for GOV-01." in html
    # ... and the organisation can answer again.
    client.force_login(bob)
    q = _question(a, "GOV-01")
    r = client.post(
        reverse("autosave", args=[a.pk, q.pk]), {f"q{q.pk}-value": "4", f"q{q.pk}-version": "1"}
    )
    assert r.status_code == 200
    # And submit again.
    client.force_login(alice)
    assert _submit(client, a).status_code == 302
    assert _refresh(a).status == Assessment.Status.SUBMITTED


def test_returning_needs_a_note(client, carol, submitted):
    client.force_login(carol)
    r = _review(client, submitted, "return", "  ")
    assert r.status_code == 400  # refused, with the reason at the field
    assert "Say what the organisation should revise." in r.content.decode()
    assert _refresh(submitted).status == Assessment.Status.SUBMITTED


@pytest.mark.parametrize("who", ["alice", "bob", "olivia"])
def test_only_the_advisor_can_review(client, cast, submitted, who):
    client.force_login(cast[who])
    assert _review(client, submitted, "validate").status_code == 403
    assert _refresh(submitted).status == Assessment.Status.SUBMITTED


def test_an_outsider_cannot_review(client, charlie, submitted):
    client.force_login(charlie)
    assert _review(client, submitted, "validate").status_code == 404


def test_a_draft_cannot_be_reviewed(client, carol, assessment):
    client.force_login(carol)
    assert _review(client, assessment, "validate").status_code == 403
    assert _refresh(assessment).status == Assessment.Status.DRAFT


def test_validation_locks_and_freezes_the_scores(client, carol, submitted):
    client.force_login(carol)
    r = _review(client, submitted, "validate")
    assert r.status_code == 302
    a = _refresh(submitted)
    assert a.status == Assessment.Status.VALIDATED
    assert a.validated_by == carol
    assert a.validated_at is not None
    assert len(a.answers_hash) == 64
    assert a.frozen_result["scores"]["overall"] == pytest.approx(2 * 66.6667 / 3 + 75 / 3, 1e-4)
    assert AuditEvent.objects.filter(assessment=a, action="validated", user=carol).exists()

    out = io.StringIO()
    call_command("score", str(a.pk), "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["assessment"]["status"] == "validated"
    assert payload["assessment"]["answers_hash"] == a.answers_hash
    assert payload["result"] == a.frozen_result["validated"]
    assert payload["self_assessed"] == a.frozen_result["self"]
    scores = {d["code"]: d["score"] for d in payload["result"]["domains"]}
    scores["overall"] = payload["result"]["overall_score"]
    assert scores == a.frozen_result["scores"]


def test_a_validated_assessment_cannot_be_returned_or_validated_again(client, carol, submitted):
    client.force_login(carol)
    _review(client, submitted, "validate")
    frozen = _refresh(submitted).frozen_result
    assert _review(client, submitted, "return", "Again").status_code == 403
    assert _review(client, submitted, "validate").status_code == 403
    a = _refresh(submitted)
    assert (a.status, a.frozen_result, a.review_note) == (Assessment.Status.VALIDATED, frozen, "")


# --- one assessment per organisation, framework and cycle ---------------------


@pytest.fixture
def revision_2(framework, tmp_path) -> Framework:
    text = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    changed = text.replace('version: "1.0"', 'version: "1.1"').replace(
        "Is there a strategy?", "Is there a published strategy?"
    )
    assert changed != text
    path = tmp_path / "mini.yaml"
    path.write_text(changed, encoding="utf-8")
    frameworks_import(loaded=[load_file(path)])
    fw = Framework.objects.get(key=framework.key, revision=2)
    assert fw.version == "1.1"
    return fw


def test_a_second_assessment_of_another_revision_in_the_same_cycle_is_refused_by_the_db(
    assessment, revision_2
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            organisation=assessment.organisation,
            framework=revision_2,
            framework_key=revision_2.key,
            cycle=assessment.cycle,
        )
    assert Assessment.objects.count() == 1


def test_starting_again_with_a_new_revision_returns_the_pinned_assessment(
    alice, assessment, revision_2
):
    again = assessment_start(
        organisation=assessment.organisation,
        framework=revision_2,
        cycle=assessment.cycle,
        user=alice,
    )
    assert again.pk == assessment.pk
    assert again.framework.revision == 1
    assert Assessment.objects.count() == 1


def test_the_start_view_refuses_a_second_assessment_with_a_message(
    client, alice, assessment, revision_2
):
    client.force_login(alice)
    r = client.post(
        reverse("assessment_start"),
        {
            "organisation": assessment.organisation.pk,
            "framework": revision_2.pk,
            "cycle": assessment.cycle.pk,
        },
    )
    assert r.status_code == 200
    assert "already has an assessment of this framework in this cycle" in r.content.decode()
    assert Assessment.objects.count() == 1


def test_the_start_view_starts_an_assessment_on_the_latest_revision(
    client, alice, org_a, cycle, revision_2
):
    client.force_login(alice)
    r = client.post(
        reverse("assessment_start"),
        {"organisation": org_a.pk, "framework": revision_2.pk, "cycle": cycle.pk},
    )
    assert r.status_code == 302
    a = Assessment.objects.get()
    assert (a.organisation, a.framework, a.framework_key) == (org_a, revision_2, "mini")
    assert a.status == Assessment.Status.DRAFT


def test_only_a_coordinator_can_start_an_assessment(client, bob):
    client.force_login(bob)
    assert client.get(reverse("assessment_start")).status_code == 403
