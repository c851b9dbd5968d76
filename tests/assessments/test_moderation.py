"""The advisor's validated answers beside the organisation's own (PRODUCT.md, moderation)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Response
from assessments.review.services import assessment_submit, assessment_validate, response_moderate
from assessments.services import AssessmentLocked, InvalidAnswer
from frameworks.models import Question
from tests.conftest import answer_all, logged_in

# Mini framework, hand-computed: GOV-01 "3" -> 0.5 (w2), GOV-02 "fully" -> 1 (w1):
# GOV = (1 + 1) / 3 = 66.67; OPS-01 "yes" -> 1, OPS-02 "7" -> 0.5: OPS = 75.
ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


@pytest.fixture
def submitted(assessment, alice) -> Assessment:
    answer_all(assessment, alice, ANSWERS)
    return assessment_submit(assessment=assessment, user=alice)


def _question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(framework=assessment.framework, code=code)


def _post(client, assessment: Assessment, values: dict[str, tuple[str, str]]):
    data = {"moderate": "1"}
    for code, (value, reason) in values.items():
        pk = _question(assessment, code).pk
        data[f"m{pk}-value"] = value
        data[f"m{pk}-reason"] = reason
    return client.post(reverse("review", args=[assessment.pk]), data)


def _score(assessment: Assessment) -> dict:
    out = io.StringIO()
    call_command("score", str(assessment.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_advisor_sets_a_validated_answer_beside_the_organisations_own(submitted, carol) -> None:
    before = Response.objects.get(assessment=submitted, question__code="OPS-01")

    response = _post(logged_in(carol), submitted, {"OPS-01": ("no", "No 24/7 rota was shown.")})

    assert response.status_code == 302
    after = Response.objects.get(pk=before.pk)
    assert (after.value, after.version, after.updated_at) == (
        "yes",
        before.version,
        before.updated_at,
    )
    assert (after.moderated_value, after.moderation_reason) == ("no", "No 24/7 rota was shown.")
    assert after.moderated_by == carol
    assert AuditEvent.objects.filter(assessment=submitted, action="answer_moderated").count() == 1


def test_reports_show_the_self_assessed_and_the_validated_scores(submitted, carol, alice) -> None:
    _post(logged_in(carol), submitted, {"OPS-01": ("no", "No rota.")})

    payload = _score(submitted)
    page = logged_in(alice).get(reverse("results", args=[submitted.pk]))

    # OPS validated: OPS-01 "no" -> 0, OPS-02 0.5 -> 25; overall (2 * 66.67 + 25) / 3 = 52.78.
    ops = {d["code"]: d["score"] for d in payload["result"]["domains"]}["OPS"]
    assert payload["moderated"] is True
    assert ops == pytest.approx(25.0)
    assert payload["result"]["overall_score"] == pytest.approx((2 * 200 / 3 + 25) / 3)
    assert payload["self_assessed"]["overall_score"] == pytest.approx((2 * 200 / 3 + 75) / 3)
    assert "Self-assessed" in page.content.decode()


def test_validation_freezes_the_validated_scores_that_peers_see(submitted, carol) -> None:
    _post(logged_in(carol), submitted, {"OPS-01": ("no", "No rota.")})

    validated = assessment_validate(assessment=submitted, user=carol)

    assert validated.frozen_result["scores"]["OPS"] == pytest.approx(25.0)
    assert validated.frozen_result["self"]["overall_score"] == pytest.approx((2 * 200 / 3 + 75) / 3)


def test_a_validated_answer_needs_a_reason_and_nothing_typed_is_lost(submitted, carol) -> None:
    response = _post(logged_in(carol), submitted, {"GOV-01": ("2", "")})

    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    assert 'value="2" selected' in response.content.decode()
    assert not Response.objects.get(assessment=submitted, question__code="GOV-01").is_moderated


def test_a_reason_without_a_validated_answer_is_refused(submitted, carol) -> None:
    response = _post(logged_in(carol), submitted, {"GOV-01": ("", "I disagree")})

    assert response.status_code == 400
    assert 'value="I disagree"' in response.content.decode()


def test_a_bad_validated_value_is_refused(submitted, carol) -> None:
    response = _post(logged_in(carol), submitted, {"GOV-01": ("9", "typo")})

    assert response.status_code == 400
    assert not Response.objects.get(assessment=submitted, question__code="GOV-01").is_moderated


def test_the_advisor_can_clear_a_validated_answer(submitted, carol) -> None:
    client = logged_in(carol)
    _post(client, submitted, {"OPS-01": ("no", "No rota.")})

    _post(client, submitted, {"OPS-01": ("", "")})

    stored = Response.objects.get(assessment=submitted, question__code="OPS-01")
    assert (
        not stored.is_moderated and stored.moderation_reason == "" and stored.moderated_by is None
    )


def test_na_is_offered_only_where_the_framework_allows_it(submitted, carol) -> None:
    with pytest.raises(InvalidAnswer):
        response_moderate(
            assessment=submitted,
            question=_question(submitted, "GOV-01"),
            user=carol,
            value="",
            not_applicable=True,
            reason="n/a",
        )
    response_moderate(
        assessment=submitted,
        question=_question(submitted, "GOV-02"),
        user=carol,
        value="",
        not_applicable=True,
        reason="Federal states do not apply.",
    )
    assert Response.objects.get(assessment=submitted, question__code="GOV-02").is_moderated


@pytest.mark.parametrize("who", ["alice", "bob", "olivia"])
def test_only_the_advisor_moderates(submitted, cast, who) -> None:
    response = _post(logged_in(cast[who]), submitted, {"OPS-01": ("no", "No rota.")})

    assert response.status_code == 403
    assert not Response.objects.get(assessment=submitted, question__code="OPS-01").is_moderated


def test_moderation_is_closed_once_validated(submitted, carol) -> None:
    validated = assessment_validate(assessment=submitted, user=carol)

    with pytest.raises(AssessmentLocked):
        response_moderate(
            assessment=validated,
            question=_question(validated, "OPS-01"),
            user=carol,
            value="no",
            not_applicable=False,
            reason="late",
        )
