"""`score ID [--json]`: the same numbers as the results page, checked by hand."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessments.models import Assessment, Response
from tests.conftest import answer, answer_all

# mini.yaml: GOV (weight 2) = GOV-01 maturity (weight 2) + GOV-02 practice (weight 1);
# OPS (weight 1) = OPS-01 yes/no + OPS-02 numeric (0 -> 0, 5 -> 0.5, 10 -> 1) + OPS-03 text.
ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}
GOV = (2 * 0.5 + 1 * 1.0) / 3 * 100  # 66.67
OPS = (1.0 + 0.5) / 2 * 100  # 75
OVERALL = (2 * GOV + 1 * OPS) / 3  # 69.44


def _score_json(assessment: Assessment) -> dict:
    out = io.StringIO()
    call_command("score", str(assessment.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def _domain_scores(result: dict) -> dict[str, float | None]:
    return {d["code"]: d["score"] for d in result["domains"]}


@pytest.fixture
def answered(assessment, alice) -> Assessment:
    answer_all(assessment, alice, ANSWERS)
    return assessment


def test_the_hand_computed_case(answered):
    payload = _score_json(answered)
    result = payload["result"]
    assert GOV == pytest.approx(66.6667, abs=1e-4)
    assert OVERALL == pytest.approx(69.4444, abs=1e-4)
    assert _domain_scores(result) == {
        "GOV": pytest.approx(GOV, abs=1e-9),
        "OPS": pytest.approx(OPS, abs=1e-9),
    }
    assert result["overall_score"] == pytest.approx(OVERALL, abs=1e-9)
    assert result["completeness"] == pytest.approx(1.0)  # the text question is not answerable
    levels = {d["code"]: d["level"] for d in result["domains"]}
    assert levels == {"GOV": 4, "OPS": 4}  # bands: 60 -> level 4
    assert payload["assessment"]["framework"] == "mini"
    assert payload["assessment"]["framework_revision"] == 1
    assert payload["assessment"]["status"] == "draft"
    assert payload["targets"] == {"GOV": 4, "OPS": 3}


def test_not_applicable_leaves_numerator_and_denominator(answered, alice):
    answer(answered, alice, "GOV-02", not_applicable=True)
    result = _score_json(answered)["result"]
    assert _domain_scores(result)["GOV"] == pytest.approx(50.0)  # GOV-01 alone: (3-1)/4
    assert result["overall_score"] == pytest.approx((2 * 50 + 75) / 3)


def test_the_json_equals_what_the_results_page_shows(client, alice, answered):
    payload = _score_json(answered)
    client.force_login(alice)
    page = client.get(reverse("results", args=[answered.pk]))
    shown = page.context["result"]
    assert payload["result"]["overall_score"] == shown.overall_score
    assert payload["result"]["overall_level"] == shown.overall_level
    assert _domain_scores(payload["result"]) == {d.code: d.score for d in shown.domains}
    assert payload["self_assessed"]["overall_score"] == page.context["self_result"].overall_score


def test_moderated_answers_change_the_validated_result_but_not_the_self_assessed_one(
    client, alice, carol, answered
):
    Response.objects.filter(assessment=answered, question__code="OPS-01").update(
        moderated_value="no", moderation_reason="No 24/7 roster was shown.", moderated_by=carol
    )
    payload = _score_json(answered)
    assert payload["moderated"] is True
    assert _domain_scores(payload["result"])["OPS"] == pytest.approx(25.0)
    assert payload["result"]["overall_score"] == pytest.approx((2 * GOV + 25) / 3)
    assert payload["self_assessed"]["overall_score"] == pytest.approx(OVERALL)
    client.force_login(alice)
    page = client.get(reverse("results", args=[answered.pk]))
    assert page.context["result"].overall_score == payload["result"]["overall_score"]
    assert page.context["self_result"].overall_score == payload["self_assessed"]["overall_score"]


def test_the_text_output_summarises_the_scores(answered):
    out = io.StringIO()
    call_command("score", str(answered.pk), stdout=out)
    text = out.getvalue()
    assert "overall: 69.4" in text
    assert "completeness: 100%" in text
    assert "GOV" in text and "score  66.7" in text
    assert "OPS" in text and "score  75.0" in text


def test_an_empty_assessment_has_no_scores(assessment):
    result = _score_json(assessment)["result"]
    assert result["overall_score"] is None
    assert result["completeness"] == 0


def test_an_unknown_id_exits_with_1_and_a_message(db):
    with pytest.raises(CommandError, match="no assessment with id 999999") as excinfo:
        call_command("score", "999999", "--json", stdout=io.StringIO())
    assert excinfo.value.returncode == 1


def test_a_non_numeric_id_is_refused(db):
    with pytest.raises(CommandError, match="invalid int value"):
        call_command("score", "abc", stdout=io.StringIO())
