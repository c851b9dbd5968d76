"""E-mail notifications: who is told what, and when.

- submitted -> the organisation's advisors (review is waiting);
- returned or validated -> the organisation's coordinators;
- someone writes @username in a question's discussion -> that person, when they
  belong to the organisation or advise it;
- a cycle's deadline approaches -> the members of organisations whose assessment
  in that cycle is still open (`manage.py send_reminders`, once per person,
  assessment and deadline, so running it daily from cron is safe).

Each kind can be turned off per person (`ops.NotificationPreference`, page
`/account/notifications/`). E-mails are queued as tasks (`ops.tasks.send_email`)
after the change is committed, so a slow mail server never slows a request and
a rolled-back change sends nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models import AdvisorAssignment, Assessment, Membership
from ops.models import NotificationPreference, ReminderSent
from ops.tasks import send_email

User = get_user_model()


def _wanted(users: Iterable[Any], kind: str) -> list[Any]:
    """Users with an address who have not turned this kind of e-mail off."""
    users = [u for u in users if u.email and u.is_active]
    off = set(
        NotificationPreference.objects.filter(user__in=users, **{kind: False}).values_list(
            "user_id", flat=True
        )
    )
    return [u for u in users if u.pk not in off]


def _link(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _footer() -> str:
    return "\n\n-- \n" + _(
        "You receive this because of your role on the Resilience platform. "
        "Choose which e-mails you get: %(url)s"
    ) % {"url": _link("notification_preferences")}


def _send(users: list[Any], subject: str, body: str) -> int:
    for user in users:
        send_email.enqueue([user.email], subject, body + _footer())
    return len(users)


def _assessment(assessment_id: int) -> Assessment:
    return Assessment.objects.select_related("organisation", "framework", "cycle").get(
        pk=assessment_id
    )


def assessment_submitted(*, assessment_id: int) -> int:
    """Tell the organisation's advisors that a review is waiting; returns the number told."""
    assessment = _assessment(assessment_id)
    advisors = User.objects.filter(
        pk__in=AdvisorAssignment.objects.filter(organisation=assessment.organisation).values(
            "advisor_id"
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Submitted for review: %(assessment)s") % {"assessment": assessment}
        body = _(
            "%(organisation)s submitted its assessment “%(framework)s” (cycle %(cycle)s) "
            "for your review.\n\nReview it here: %(url)s"
        ) % {
            "organisation": assessment.organisation,
            "framework": assessment.framework.name,
            "cycle": assessment.cycle,
            "url": _link("review", assessment.pk),
        }
        return _send(_wanted(advisors, "submitted"), subject, body)


def _coordinators(assessment: Assessment) -> list[Any]:
    return _wanted(
        User.objects.filter(
            memberships__organisation=assessment.organisation,
            memberships__role=Membership.Role.COORDINATOR,
        ),
        "reviewed",
    )


def assessment_returned(*, assessment_id: int) -> int:
    assessment = _assessment(assessment_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Returned for revision: %(assessment)s") % {"assessment": assessment}
        body = _(
            "Your advisor returned the assessment “%(framework)s” (cycle %(cycle)s) for "
            "revision.\n\nAdvisor's note:\n%(note)s\n\nOpen it here: %(url)s"
        ) % {
            "framework": assessment.framework.name,
            "cycle": assessment.cycle,
            "note": assessment.review_note or "-",
            "url": _link("assessment_detail", assessment.pk),
        }
        return _send(_coordinators(assessment), subject, body)


def assessment_validated(*, assessment_id: int) -> int:
    assessment = _assessment(assessment_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Validated: %(assessment)s") % {"assessment": assessment}
        body = _(
            "Your advisor validated the assessment “%(framework)s” (cycle %(cycle)s). "
            "Its scores are frozen and its report is ready.\n\nResults and report: %(url)s"
        ) % {
            "framework": assessment.framework.name,
            "cycle": assessment.cycle,
            "url": _link("results", assessment.pk),
        }
        return _send(_coordinators(assessment), subject, body)


def reminders_send(*, today: dt.date | None = None, days: int | None = None) -> int:
    """Remind members of open assessments whose cycle ends within `days`; returns e-mails queued.

    Idempotent: a reminder is recorded (ops.ReminderSent) in the same transaction
    that queues its e-mail, and never sent twice for the same deadline.
    """
    today = today or timezone.localdate()
    days = settings.REMINDER_DAYS if days is None else days
    open_assessments = Assessment.objects.filter(
        status__in=Assessment.EDITABLE,
        cycle__deadline__gte=today,
        cycle__deadline__lte=today + dt.timedelta(days=days),
    ).select_related("organisation", "framework", "cycle")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for assessment in open_assessments:
            members = User.objects.filter(memberships__organisation=assessment.organisation)
            deadline = assessment.cycle.deadline
            subject = _("Deadline %(date)s: %(assessment)s") % {
                "date": deadline.isoformat(),
                "assessment": assessment,
            }
            body = _(
                "The assessment “%(framework)s” of %(organisation)s (cycle %(cycle)s) is due "
                "on %(date)s and has not been submitted yet.\n\nContinue here: %(url)s"
            ) % {
                "framework": assessment.framework.name,
                "organisation": assessment.organisation,
                "cycle": assessment.cycle,
                "date": deadline.isoformat(),
                "url": _link("assessment_detail", assessment.pk),
            }
            for user in _wanted(members, "reminders"):
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            user=user, assessment=assessment, deadline=deadline
                        )
                        sent += _send([user], subject, body)
                except IntegrityError:
                    continue  # reminded already
    return sent


MENTION = re.compile(r"(?<![\w.@])@([\w.+-]{1,150})")


def comment_mentioned(*, comment_id: int) -> int:
    """E-mail the people a discussion message mentions (@username), once each."""
    from assessments.models import QuestionComment

    comment = QuestionComment.objects.select_related(
        "assessment__organisation", "assessment__framework", "question", "author"
    ).get(pk=comment_id)
    names = {name.rstrip(".") for name in MENTION.findall(comment.body)}
    writer = comment.author
    if not names or writer is None:
        return 0
    assessment = comment.assessment
    org_id = assessment.organisation_id
    people = User.objects.filter(username__in=names).exclude(pk=writer.pk)
    people = people.filter(
        Q(memberships__organisation_id=org_id) | Q(portfolio__organisation_id=org_id)
    ).distinct()
    author = writer.get_full_name() or writer.get_username()
    subject = _("%(author)s mentioned you on %(code)s") % {
        "author": author,
        "code": comment.question.code,
    }
    body = _(
        "%(author)s wrote on question %(code)s of %(organisation)s's %(framework)s "
        "assessment:\n\n%(body)s\n\nReply: %(url)s"
    ) % {
        "author": author,
        "code": comment.question.code,
        "organisation": assessment.organisation.name,
        "framework": assessment.framework.name,
        "body": comment.body[:1000],
        "url": _link("discussion", assessment.pk, comment.question_id),
    }
    return _send(_wanted(people, "mentions"), subject, body)
