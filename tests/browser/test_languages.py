"""The main pages in French and Arabic (issue 14): the right language and direction, the
navigation on the right in Arabic, and no English interface string left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page

from assessments.models import AdvisorAssignment, Cycle
from assessments.review.services import assessment_submit, assessment_validate
from assessments.services import assessment_start
from frameworks.models import Domain
from tests.conftest import _user, answer_all

pytestmark = pytest.mark.browser

FULL = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}
# Interface strings every page or one page shows; none may stay in English.
EVERYWHERE = ["Home", "Assessments", "Frameworks", "Log out"]
ON_PAGE = {
    "home": [],
    "questionnaire": [],
    "results": ["Overall score", "Domains", "Trend", "How scores are computed"],
    "review": ["Decision"],
    "portfolio": ["Portfolio"],
}


@pytest.fixture
def pages(framework, cycle, org_a, coordinator):
    advisor = _user("advisor")
    AdvisorAssignment.objects.create(advisor=advisor, organisation=org_a)
    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    before = assessment_start(
        organisation=org_a, framework=framework, cycle=earlier, user=coordinator
    )
    answer_all(before, coordinator, FULL)
    assessment_submit(assessment=before, user=coordinator)
    assessment_validate(assessment=before, user=advisor)
    now = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=coordinator)
    answer_all(now, coordinator, FULL)
    assessment_submit(assessment=now, user=coordinator)
    gov = Domain.objects.get(framework=framework, code="GOV", parent__isnull=True)
    return {
        "coordinator": [
            ("home", reverse("home")),
            ("questionnaire", reverse("questionnaire", args=[now.pk, gov.pk])),
            ("results", reverse("results", args=[before.pk])),
        ],
        "advisor": [
            ("review", reverse("review", args=[now.pk])),
            ("portfolio", reverse("portfolio")),
        ],
    }


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_main_pages_speak_the_readers_language(
    new_page: Callable[..., Page], live_server, pages, language
) -> None:
    with translation.override(language):
        local = {s: translation.gettext(s) for s in EVERYWHERE + sum(ON_PAGE.values(), [])}
    untranslated = [s for s, t in local.items() if s == t]
    assert not untranslated, f"{language} catalogue misses {untranslated}"
    for role, visits in pages.items():
        page = new_page(role)  # logs in through the English form
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        for name, path in visits:
            page.goto(live_server.url + path)
            html = page.locator("html")
            assert html.get_attribute("lang") == language, (role, name)
            assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            text = page.locator("body").inner_text()
            for english in EVERYWHERE + ON_PAGE[name]:
                assert local[english] in text, (language, name, english)
                assert english not in text.replace(local[english], ""), (language, name, english)
            if language == "ar":
                brand = page.locator(".navbar-brand").bounding_box()
                width = page.viewport_size["width"] if page.viewport_size else 1280
                assert brand is not None and brand["x"] > width / 2, "navigation not on the right"
        page.close()
