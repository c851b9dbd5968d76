from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment
from assessments.review.services import assessment_return, assessment_submit, assessment_validate
from ops.models import NotificationPreference, ReminderSent
from tests.conftest import answer_all, logged_in
from tests.ops.conftest import ANSWERS


@pytest.fixture
def submitted(assessment, emails, django_capture_on_commit_callbacks):
    answer_all(assessment, emails["alice"], ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, user=emails["alice"])
    return Assessment.objects.get(pk=assessment.pk)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_advisor_is_told_when_an_assessment_is_submitted(submitted) -> None:
    assert recipients() == ["carol@example.org"]
    message = mail.outbox[0]
    assert "Submitted for review" in message.subject
    assert f"/assessments/{submitted.pk}/review/" in message.body
    assert "/account/notifications/" in message.body


def test_the_coordinator_is_told_when_it_is_returned(
    submitted, emails, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_return(
            assessment=submitted, user=emails["carol"], note="Add evidence for GOV-02"
        )

    assert recipients() == ["alice@example.org"]
    assert "Add evidence for GOV-02" in mail.outbox[0].body


def test_the_coordinator_is_told_when_it_is_validated(
    submitted, emails, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_validate(assessment=submitted, user=emails["carol"])

    assert recipients() == ["alice@example.org"]
    assert "Validated" in mail.outbox[0].subject


def test_nothing_is_sent_when_the_change_rolls_back(assessment, emails) -> None:
    # Without the commit (the test transaction never commits) no e-mail leaves.
    answer_all(assessment, emails["alice"], ANSWERS)
    assessment_submit(assessment=assessment, user=emails["alice"])

    assert mail.outbox == []


def test_an_advisor_who_opted_out_gets_no_submission_mail(
    assessment, emails, django_capture_on_commit_callbacks
) -> None:
    NotificationPreference.objects.create(user=emails["carol"], submitted=False)
    answer_all(assessment, emails["alice"], ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, user=emails["alice"])

    assert mail.outbox == []


def test_the_preferences_page_saves_an_opt_out(emails) -> None:
    client = logged_in(emails["bob"])
    url = reverse("notification_preferences")
    assert client.get(url).status_code == 200

    response = client.post(url, {"submitted": "on", "reviewed": "on"})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=emails["bob"])
    assert (preference.submitted, preference.reviewed, preference.reminders) == (True, True, False)


def test_the_preferences_page_needs_a_login(client) -> None:
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 302


def _due_soon(assessment: Assessment) -> None:
    cycle = assessment.cycle
    cycle.starts_on = dt.date.today() - dt.timedelta(days=30)
    cycle.deadline = dt.date.today() + dt.timedelta(days=3)
    cycle.save()


def test_reminders_go_to_members_of_open_assessments_once(assessment, emails) -> None:
    _due_soon(assessment)

    call_command("send_reminders", stdout=io.StringIO())
    first = recipients()
    call_command("send_reminders", stdout=io.StringIO())

    assert first == ["alice@example.org", "bob@example.org"]
    assert recipients() == first  # idempotent: the second run sent nothing
    assert ReminderSent.objects.count() == 2
    assert "has not been submitted yet" in mail.outbox[0].body


def test_no_reminder_for_a_submitted_assessment_or_a_far_deadline(assessment, emails) -> None:
    call_command("send_reminders", stdout=io.StringIO())  # the deadline is far
    assert mail.outbox == []

    _due_soon(assessment)
    answer_all(assessment, emails["alice"], ANSWERS)
    assessment_submit(assessment=assessment, user=emails["alice"])
    mail.outbox.clear()
    call_command("send_reminders", stdout=io.StringIO())

    assert mail.outbox == []


def test_a_respondent_who_opted_out_gets_no_reminder(assessment, emails) -> None:
    _due_soon(assessment)
    NotificationPreference.objects.create(user=emails["bob"], reminders=False)

    call_command("send_reminders", stdout=io.StringIO())

    assert recipients() == ["alice@example.org"]
