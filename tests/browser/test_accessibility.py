"""Every page, for every role, checked by axe-core (WCAG 2.2 AA rules) in Chromium, and
at 390 px without sideways scrolling. Screenshots of each page at 1280 and 390 px go
to /tmp/shots/pages for review.

axe-core is vendored in tests/browser/vendor (see its README); it is injected into
each page, so the contexts bypass the page's Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from assessments.models import AdvisorAssignment, Assessment, Cycle, OfficialScope
from assessments.review.services import assessment_submit, assessment_validate
from assessments.services import assessment_start
from assessments.teamwork.services import assignment_set, comment_post
from frameworks.models import Domain, Question
from tests.conftest import _user, answer_all

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path("/tmp/shots/pages")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
            "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
        }
        for v in result["violations"]
    ]


# Elements reaching past the screen's edge that no scrolling container clips.
WIDE_ELEMENTS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.getBoundingClientRect().right <= window.innerWidth + 0.5) continue;
    let p = el.parentElement;
    while (p && getComputedStyle(p).overflowX === "visible") p = p.parentElement;
    if (!p || p === document.body || p === document.documentElement) {
      out.push(el.tagName.toLowerCase() + "." + el.className);
    }
  }
  return out.slice(0, 6);
}"""


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the phone's screen."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def world(framework, cycle, org_a, coordinator, respondent):
    advisor = _user("advisor")
    AdvisorAssignment.objects.create(advisor=advisor, organisation=org_a)
    official = _user("official")
    OfficialScope.objects.create(user=official).organisations.add(org_a)
    earlier = Cycle.objects.create(
        name="2025", starts_on=dt.date(2025, 1, 1), deadline=dt.date(2025, 12, 31)
    )
    before = assessment_start(
        organisation=org_a, framework=framework, cycle=earlier, user=coordinator
    )
    answer_all(before, coordinator, {**ANSWERS, "GOV-01": "2", "GOV-02": "partial"})
    assessment_submit(assessment=before, user=coordinator)
    assessment_validate(assessment=before, user=advisor)
    now = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=coordinator)
    answer_all(now, respondent, {"GOV-01": "3", "OPS-02": "5"})
    ops = Domain.objects.get(framework=framework, code="OPS", parent__isnull=True)
    assignment_set(assessment=now, domain=ops, assignee=respondent, user=coordinator)
    gov_01 = Question.objects.get(framework=framework, code="GOV-01")
    comment_post(assessment=now, question=gov_01, user=respondent, body="Is the draft enough?")
    return {"now": now, "before": before, "ops": ops, "gov_01": gov_01}


def test_every_page_for_every_role_has_no_axe_violations_and_fits_a_phone(
    new_page: Callable[..., Page], browser, live_server, world, framework
) -> None:
    now: Assessment = world["now"]
    gov = Domain.objects.get(framework=framework, code="GOV", parent__isnull=True)
    url = lambda name, *args: reverse(name, args=args)  # noqa: E731
    draft_pages = {
        "coordinator": [
            url("home"),
            url("assessment_list"),
            url("assessment_start"),
            url("framework_list"),
            url("framework_detail", framework.key),
            url("questionnaire", now.pk, gov.pk),
            url("questionnaire", now.pk, world["ops"].pk),
            url("submit", now.pk),
            url("targets", now.pk),
            url("results", now.pk),
            url("results", world["before"].pk),
            url("assignments", now.pk),
            url("discussion", now.pk, world["gov_01"].pk),
            "/assessments/999999/",
            # Issue 11's pages, as a coordinator sees them.
            "/people/",
            reverse("account_change_password"),
            reverse("mfa_index"),
        ],
        "respondent": [
            url("home"),
            url("questionnaire", now.pk, world["ops"].pk),
            url("assignments", now.pk),
        ],
        "advisor": [url("home"), url("portfolio"), url("results", world["before"].pk)],
        "official": [url("home"), url("portfolio"), url("questionnaire", now.pk, gov.pk)],
    }
    found: dict[str, list[dict]] = {}
    wide: dict[str, tuple] = {}
    SHOTS.mkdir(parents=True, exist_ok=True)

    def check(role: str, paths: list[str]) -> None:
        desktop = new_page(role, viewport=DESKTOP, bypass_csp=True)
        phone = new_page(role, viewport=PHONE, bypass_csp=True)
        for path in paths:
            name = f"{role}{path.replace('/', '_')}"
            desktop.goto(live_server.url + path)
            desktop.screenshot(path=SHOTS / f"{name}-1280.png", full_page=True)
            problems = axe_violations(desktop)
            if problems:
                found[f"{role} {path}"] = problems
            phone.goto(live_server.url + path)
            phone.screenshot(path=SHOTS / f"{name}-390.png", full_page=True)
            overflow = sideways_overflow(phone)
            if overflow > 0:
                wide[f"{role} {path}"] = (overflow, phone.evaluate(WIDE_ELEMENTS))

    for role, paths in draft_pages.items():
        check(role, paths)
    # The login page, as nobody.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    if problems := axe_violations(page):
        found["anonymous login"] = problems
    context.close()
    # Submitted: the advisor's review; then validated: the official's results.
    answer_all(now, world["before"].created_by, ANSWERS)
    assessment_submit(assessment=now, user=now.created_by)
    check("advisor", [url("review", now.pk), url("results", now.pk)])
    check("respondent", [url("results", now.pk)])
    assessment_validate(assessment=now, user=world["before"].validated_by)
    check("official", [url("home"), url("results", now.pk), url("portfolio")])

    assert not found, json.dumps(found, indent=1)
    assert not wide, f"wider than 390 px: {wide}"
