"""Assignments, the discussion per question, and the home page's next steps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Assignment, AuditEvent, QuestionComment
from assessments.review.services import assessment_submit, assessment_validate
from assessments.services import InvalidAnswer
from assessments.teamwork.services import assignment_set, comment_post
from frameworks.models import Domain, Question
from tests.conftest import answer, answer_all, logged_in

ANSWERS = {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "7"}


def _domain(assessment, code: str) -> Domain:
    return Domain.objects.get(framework=assessment.framework, code=code, parent__isnull=True)


def test_the_coordinator_assigns_a_domain_with_a_due_date(client, alice, bob, assessment):
    gov = _domain(assessment, "GOV")
    client.force_login(alice)
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    r = client.post(
        reverse("assignments", args=[assessment.pk]),
        {"item": f"d-{gov.pk}", "assignee": bob.pk, "due_on": due},
    )
    assert r.status_code == 302
    a = Assignment.objects.get(assessment=assessment)
    assert (a.domain, a.assignee, a.due_on.isoformat()) == (gov, bob, due)
    assert AuditEvent.objects.filter(assessment=assessment, action="assigned").exists()


def test_assigning_again_replaces_the_assignee(alice, bob, assessment):
    gov = _domain(assessment, "GOV")
    assignment_set(assessment=assessment, domain=gov, assignee=bob, user=alice)
    assignment_set(assessment=assessment, domain=gov, assignee=alice, user=alice)
    assert list(Assignment.objects.values_list("assignee__username", flat=True)) == ["alice"]


def test_only_members_can_be_given_questions(alice, carol, assessment):
    with pytest.raises(InvalidAnswer):
        assignment_set(
            assessment=assessment, domain=_domain(assessment, "GOV"), assignee=carol, user=alice
        )


def test_a_due_date_in_the_past_is_refused_with_a_message(client, alice, bob, assessment):
    client.force_login(alice)
    r = client.post(
        reverse("assignments", args=[assessment.pk]),
        {"item": f"d-{_domain(assessment, 'GOV').pk}", "assignee": bob.pk, "due_on": "2000-01-01"},
    )
    assert r.status_code == 400
    assert "not in the past" in r.content.decode()
    assert not Assignment.objects.exists()


def test_the_respondent_sees_assigned_work_first_on_home_and_in_the_questionnaire(
    alice, bob, assessment
):
    ops = _domain(assessment, "OPS")
    q = Question.objects.get(framework=assessment.framework, code="GOV-02")
    assignment_set(assessment=assessment, domain=ops, assignee=bob, user=alice)
    assignment_set(assessment=assessment, question=q, assignee=alice, user=alice)
    client = logged_in(bob)
    home = client.get(reverse("home")).content.decode()
    assert home.index("Assigned to you") < home.index("Assessments to fill in")
    assert "OPS · " in home
    page = client.get(reverse("questionnaire", args=[assessment.pk, ops.pk])).content.decode()
    assert "Assigned to you" in page
    assert "yours" in page  # the domain in the side navigation
    gov = client.get(reverse("questionnaire", args=[assessment.pk, q.domain_id])).content.decode()
    assert "Assigned to Alice" in gov


def test_the_last_domain_tells_a_respondent_to_tell_the_coordinator(alice, bob, assessment):
    ops = _domain(assessment, "OPS")
    assignment_set(assessment=assessment, domain=ops, assignee=bob, user=alice)
    for q in Question.objects.filter(domain=ops):
        answer(
            assessment,
            bob,
            q.code,
            "yes" if q.kind == "yes_no" else "5" if q.kind != "text" else "x",
        )
    last = (
        Domain.objects.filter(framework=assessment.framework, parent__isnull=True)
        .order_by("position")
        .last()
    )
    html = (
        logged_in(bob).get(reverse("questionnaire", args=[assessment.pk, last.pk])).content.decode()
    )
    assert "questions answered in the whole assessment" in html
    assert "Tell your coordinator" in html or "questions are still open" in html


def test_a_discussion_message_is_posted_and_kept_in_the_audit_trail(client, bob, carol, assessment):
    q = Question.objects.get(framework=assessment.framework, code="GOV-01")
    url = reverse("discussion", args=[assessment.pk, q.pk])
    client.force_login(bob)
    assert client.post(url, {"body": "Is the 2024 draft enough?"}).status_code == 302
    client.force_login(carol)
    r = client.post(url, {"body": "Attach the adopted version, please."}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Is the 2024 draft enough?" in html and "Attach the adopted version" in html
    assert QuestionComment.objects.count() == 2
    trail = AuditEvent.objects.filter(assessment=assessment, action="comment_posted")
    assert [e.detail["body"] for e in trail.order_by("at")] == [
        "Is the 2024 draft enough?",
        "Attach the adopted version, please.",
    ]


def test_an_empty_message_is_refused(client, bob, assessment):
    q = Question.objects.get(framework=assessment.framework, code="GOV-01")
    client.force_login(bob)
    r = client.post(reverse("discussion", args=[assessment.pk, q.pk]), {"body": "  "})
    assert r.status_code == 400
    assert "Write a message first." in r.content.decode()
    with pytest.raises(InvalidAnswer):
        comment_post(assessment=assessment, question=q, user=bob, body="")


def test_the_official_home_lists_validated_results_with_a_report_link(
    alice, carol, olivia, assessment
):
    answer_all(assessment, alice, ANSWERS)
    assessment_submit(assessment=assessment, user=alice)
    assessment_validate(assessment=assessment, user=carol)
    html = logged_in(olivia).get(reverse("home")).content.decode()
    assert "Latest validated results in your scope" in html
    assert reverse("report_pdf", args=[assessment.pk]) in html
    assert "Carol" in html  # who validated


def test_the_list_searches_sorts_and_pages(client, alice, assessment, assessment_b, root):
    client.force_login(root)
    r = client.get(reverse("assessment_list"), {"q": "bravo", "sort": "organisation"})
    html = r.content.decode()
    assert "Bravo CERT" in html and "Alpha Agency" not in html
    assert "1 assessment" in html
    r = client.get(reverse("assessment_list"), {"sort": "organisation", "page": "99"})
    html = r.content.decode()
    assert html.index("Alpha Agency") < html.index("Bravo CERT")


def test_the_targets_page_shows_the_current_level_beside_each(client, alice, assessment):
    answer_all(assessment, alice, ANSWERS)
    client.force_login(alice)
    html = client.get(reverse("targets", args=[assessment.pk])).content.decode()
    assert "Current level: " in html


def test_starting_a_duplicate_links_to_the_existing_assessment(client, alice, assessment):
    client.force_login(alice)
    page = client.get(reverse("assessment_start")).content.decode()
    assert "selected>Alpha Agency</option>" in page  # one organisation: filled in
    r = client.post(
        reverse("assessment_start"),
        {
            "organisation": assessment.organisation_id,
            "framework": assessment.framework_id,
            "cycle": assessment.cycle_id,
        },
    )
    assert r.status_code == 200
    assert reverse("assessment_detail", args=[assessment.pk]) in r.content.decode()
