"""The review table: one row per scored question with everything the advisor weighs.

The organisation's answer and comment, its evidence files and link, the answer it
gave in the previous cycle, and the advisor's validated answer and reason.
"""

from __future__ import annotations

from django.db.models import Prefetch

from assessments.models import Assessment, Evidence, Response
from assessments.questionnaire.forms import answer_choices
from frameworks import kinds
from frameworks.models import Question


def previous_assessment(assessment: Assessment, user) -> Assessment | None:
    """The same organisation's assessment of the same framework in the cycle before."""
    return (
        Assessment.objects.visible_to(user)
        .filter(
            organisation_id=assessment.organisation_id,
            framework_key=assessment.framework_key,
            cycle__starts_on__lt=assessment.cycle.starts_on,
        )
        .select_related("framework", "cycle")
        .order_by("-cycle__starts_on")
        .first()
    )


def _previous_labels(previous: Assessment | None) -> dict[str, str]:
    """Question code -> the label of the answer given in the previous cycle."""
    from assessments.results.present import answer_label

    if previous is None:
        return {}
    level_names = previous.framework.level_names()
    labels = {}
    for r in Response.objects.filter(assessment=previous).select_related("question"):
        if r.moderated_value or r.moderated_not_applicable:
            value, na = r.moderated_value, r.moderated_not_applicable
        else:
            value, na = r.value, r.not_applicable
        if value or na:
            labels[r.question.code] = answer_label(r.question, value, na, level_names)
    return labels


def moderation_rows(
    assessment: Assessment,
    data: dict | None,
    errors: dict[int, str],
    *,
    user=None,
) -> list[dict]:
    """One row per scored question; with `data` (a re-shown post) the advisor's input is kept."""
    from assessments.results.present import answer_label

    level_names = assessment.framework.level_names()
    responses = {
        r.question_id: r
        for r in Response.objects.filter(assessment=assessment).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at"))
        )
    }
    previous = previous_assessment(assessment, user) if user is not None else None
    before = _previous_labels(previous)
    questions = (
        Question.objects.filter(framework_id=assessment.framework_id)
        .filter(kind__in=kinds.SCORED_KINDS)
        .select_related("domain")
        .order_by("position")
    )
    rows = []
    for q in questions:
        r = responses.get(q.pk)
        stored = "na" if r and r.moderated_not_applicable else (r.moderated_value if r else "")
        stored_reason = r.moderation_reason if r else ""
        # What the reviewer posted for this question, when they posted it.
        posted = data if data is not None and f"m{q.pk}-value" in data else None
        rows.append(
            {
                "question": q,
                "answer": answer_label(
                    q, r.value if r else "", r.not_applicable if r else False, level_names
                ),
                "comment": r.comment if r else "",
                "evidence": list(r.evidence.all()) if r else [],
                "evidence_link": r.evidence_link if r else "",
                "previous": before.get(q.code, ""),
                "choices": answer_choices(q, level_names),
                "value": posted.get(f"m{q.pk}-value", "") if posted is not None else stored,
                "reason": (
                    posted.get(f"m{q.pk}-reason", "") if posted is not None else stored_reason
                ),
                "stored": stored,
                "stored_reason": stored_reason,
                "error": errors.get(q.pk, ""),
            }
        )
    return rows
