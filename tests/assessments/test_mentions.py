"""A discussion message that mentions @username e-mails that person (issue 16)."""

from __future__ import annotations

from django.core import mail

from assessments.teamwork.services import comment_post
from frameworks.models import Question
from ops.models import NotificationPreference


def _post(assessment, user, body):
    question = Question.objects.get(framework=assessment.framework, code="GOV-01")
    comment_post(assessment=assessment, question=question, user=user, body=body)


def test_a_mention_emails_the_person_mentioned_once(
    assessment, alice, bob, carol, charlie, django_capture_on_commit_callbacks
):
    for person in (alice, bob, carol, charlie):
        person.email = f"{person.username}@example.org"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        _post(assessment, alice, "@bob @bob can you check? @carol too. @charlie sees nothing.")
    sent = sorted(m.to[0] for m in mail.outbox)
    # charlie belongs to another organisation: not told, and not told it exists.
    assert sent == ["bob@example.org", "carol@example.org"]
    assert "GOV-01" in mail.outbox[0].subject


def test_a_person_can_turn_mention_emails_off(
    assessment, alice, bob, django_capture_on_commit_callbacks
):
    bob.email = "bob@example.org"
    bob.save()
    NotificationPreference.objects.create(user=bob, mentions=False)
    with django_capture_on_commit_callbacks(execute=True):
        _post(assessment, alice, "@bob please look")
    assert mail.outbox == []
