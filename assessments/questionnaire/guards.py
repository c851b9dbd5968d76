"""Why a save was refused, and when a version mismatch is not a conflict at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assessments.models import Assessment, AuditEvent
from frameworks.models import Question

# The workflow step that locked an assessment, per status.
LOCKING_ACTION: dict[str, str] = {
    Assessment.Status.SUBMITTED: "submitted",
    Assessment.Status.VALIDATED: "validated",
}


@dataclass(frozen=True)
class Lock:
    """Who locked an assessment and when (both may be unknown for old data)."""

    status: str
    who: str
    when: datetime | None


def lock_of(assessment: Assessment) -> Lock:
    """The latest submit or validate event of a locked assessment."""
    action = LOCKING_ACTION.get(assessment.status)
    event = (
        AuditEvent.objects.filter(assessment=assessment, action=action)
        .select_related("user")
        .order_by("-at")
        .first()
        if action
        else None
    )
    who = ""
    if event is not None and event.user is not None:
        who = event.user.get_full_name() or event.user.get_username()
    when = event.at if event is not None else (assessment.validated_at or assessment.submitted_at)
    return Lock(status=assessment.get_status_display().lower(), who=who, when=when)


def only_own_saves_since(
    *,
    assessment: Assessment,
    question: Question,
    user,
    base_version: int,
) -> bool:
    """True when every save after `base_version` was this user's own.

    The page-level save of a domain carries the versions the page was loaded with;
    an autosave of the same page may have landed a moment before. Those saves are
    the user's own typing, not someone else's answer, so they never conflict.
    """
    saves = AuditEvent.objects.filter(
        assessment=assessment, action="answer_saved", detail__question=question.code
    ).values_list("user_id", "detail")
    newer = [uid for uid, detail in saves if int(detail.get("version", 0)) > base_version]
    return bool(newer) and all(uid == user.pk for uid in newer)
