"""The report as a briefing, and trends per domain on the results page (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Assessment, Cycle, Response
from assessments.reports.pdf import report_html
from assessments.review.services import assessment_submit, assessment_validate, response_moderate
from assessments.services import assessment_start
from assessments.templatetags.briefing import country_name, horizon, tlp_rule
from frameworks.models import Question
from tests.conftest import answer_all, logged_in

ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


@pytest.fixture(autouse=True)
def _own_report_cache(settings, tmp_path) -> None:
    settings.REPORT_CACHE_ROOT = tmp_path / "reports"


@pytest.fixture
def two_cycles(framework, org_a, alice, carol, assessment) -> Assessment:
    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    before = assessment_start(organisation=org_a, framework=framework, cycle=earlier, user=alice)
    answer_all(before, alice, {**ANSWERS, "GOV-01": "1", "GOV-02": "not"})
    assessment_submit(assessment=before, user=alice)
    assessment_validate(assessment=before, user=carol)
    answer_all(assessment, alice, ANSWERS)
    assessment_submit(assessment=assessment, user=alice)
    q = Question.objects.get(framework=framework, code="OPS-01")
    response_moderate(
        assessment=assessment,
        question=q,
        user=carol,
        value="no",
        not_applicable=False,
        reason="No 24/7 rota was shown.",
    )
    return assessment_validate(assessment=assessment, user=carol)


def test_country_codes_become_names_in_the_readers_language():
    assert country_name("KE") == "Kenya"
    assert country_name("ZZ") == "Unknown Region" or country_name("ZZ")


def test_each_marking_has_its_own_sharing_rule():
    assert "not limited" in tlp_rule("CLEAR")
    assert "only within the organisation" in tlp_rule("AMBER+STRICT")
    assert tlp_rule("RED") != tlp_rule("AMBER")


def test_a_larger_gap_suggests_a_longer_horizon():
    assert [horizon(1), horizon(2), horizon(4)] == [
        "within 12 months",
        "12 to 24 months",
        "24 to 36 months",
    ]


def test_the_cover_names_the_country_who_validated_and_the_marking(two_cycles):
    html = report_html(two_cycles, tlp="CLEAR", language="en")
    assert "Kenya · Africa" in html
    assert "Validated by" in html and "Carol" in html
    assert "TLP:CLEAR — disclosure is not limited." in html
    assert "Confidential self-assessment" not in html
    # The fingerprint is in the methodology, not on the cover.
    assert html.index("Answers fingerprint") > html.index('id="method"')


def test_the_summary_tells_the_story_and_the_appendix_the_advisors_reason(two_cycles):
    html = report_html(two_cycles, tlp="AMBER", language="en")
    assert "reaches an overall maturity of" in html or "scores" in html
    assert "since 2025" in html
    assert "Advisor&#x27;s reason" in html or "Advisor's reason" in html
    assert "No 24/7 rota was shown." in html
    assert "Validated: <strong>No</strong>" in html
    assert 'class="data trend-domains"' in html


def test_the_results_page_shows_the_change_per_domain_since_the_previous_cycle(
    client, alice, two_cycles
):
    client.force_login(alice)
    html = client.get(reverse("results", args=[two_cycles.pk])).content.decode()
    assert "Are we improving?" in html
    assert "trend-up" in html  # governance went from level 1 to 3


def test_the_portfolio_shows_the_change_since_the_previous_cycle(carol, two_cycles):
    html = logged_in(carol).get(reverse("portfolio")).content.decode()
    assert "Change since the previous cycle" in html
    assert "&#9650; +" in html or "&#9660;" in html
    assert Response.objects.filter(assessment=two_cycles).exists()


def test_the_portfolio_searches_filters_and_sorts(carol, two_cycles):
    client = logged_in(carol)
    assert "Alpha Agency" in client.get(reverse("portfolio"), {"q": "alpha"}).content.decode()
    missing = client.get(reverse("portfolio"), {"q": "nobody"}).content.decode()
    assert "Alpha Agency" not in missing.split("<tbody>")[-1]
    only_drafts = client.get(reverse("portfolio"), {"status": "draft"}).content.decode()
    assert "Alpha Agency</a>" not in only_drafts
    assert client.get(reverse("portfolio"), {"sort": "change"}).status_code == 200
