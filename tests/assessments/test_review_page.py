"""The review page: validated answers, reasons and the decision in one form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Assessment, Cycle, Response
from assessments.review.services import assessment_submit, assessment_validate
from assessments.services import assessment_start
from frameworks.models import Question
from tests.conftest import answer, answer_all, logged_in

ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


@pytest.fixture
def submitted(assessment, alice) -> Assessment:
    answer_all(assessment, alice, ANSWERS)
    return assessment_submit(assessment=assessment, user=alice)


def _q(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(framework=assessment.framework, code=code)


def _post(client, assessment, data):
    return client.post(reverse("review", args=[assessment.pk]), data)


def test_a_decision_keeps_the_validated_answers_typed_in_the_same_form(submitted, carol):
    q = _q(submitted, "OPS-01")
    client = logged_in(carol)
    r = _post(
        client,
        submitted,
        {
            f"m{q.pk}-value": "no",
            f"m{q.pk}-reason": "No 24/7 rota was shown.",
            "decision": "return",
            "note": "Please show the rota.",
        },
    )
    assert r.status_code == 302
    stored = Response.objects.get(assessment=submitted, question=q)
    assert (stored.moderated_value, stored.moderation_reason) == ("no", "No 24/7 rota was shown.")
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.RETURNED


def test_validating_asks_for_confirmation_after_saving_the_table(submitted, carol):
    q = _q(submitted, "OPS-01")
    client = logged_in(carol)
    r = _post(
        client,
        submitted,
        {f"m{q.pk}-value": "no", f"m{q.pk}-reason": "No rota.", "decision": "validate"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "Validate and lock this assessment?" in html
    assert "One answer is validated differently" in html
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
    assert Response.objects.get(assessment=submitted, question=q).moderated_value == "no"
    # The confirmation posts no table: the validated answer stays.
    r = _post(client, submitted, {"decision": "validate", "note": "", "confirm": "1"})
    assert r.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.VALIDATED
    assert Response.objects.get(assessment=submitted, question=q).moderated_value == "no"


def test_a_refused_decision_keeps_the_table_as_typed(submitted, carol):
    q = _q(submitted, "GOV-01")
    client = logged_in(carol)
    r = _post(
        client, submitted, {f"m{q.pk}-value": "5", f"m{q.pk}-reason": "", "decision": "validate"}
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "Say why the validated answer differs" in html
    assert '<option value="5" selected>' in html
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_evidence_links_are_shown_inline_per_question(alice, carol, assessment):
    answer_all(assessment, alice, ANSWERS)
    answer(assessment, alice, "GOV-01", "3", evidence_link="https://example.org/strategy.pdf")
    assessment_submit(assessment=assessment, user=alice)
    html = logged_in(carol).get(reverse("review", args=[assessment.pk])).content.decode()
    assert 'href="https://example.org/strategy.pdf"' in html
    assert "No evidence attached" in html


def test_the_previous_cycles_answer_is_shown_beside(framework, org_a, alice, carol, assessment):
    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    before = assessment_start(organisation=org_a, framework=framework, cycle=earlier, user=alice)
    answer_all(before, alice, {**ANSWERS, "GOV-02": "partial"})
    assessment_submit(assessment=before, user=alice)
    assessment_validate(assessment=before, user=carol)
    answer_all(assessment, alice, ANSWERS)
    assessment_submit(assessment=assessment, user=alice)
    html = logged_in(carol).get(reverse("review", args=[assessment.pk])).content.decode()
    assert "Previous cycle" in html
    assert "Partially implemented" in html
