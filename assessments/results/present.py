"""Turn `Results` into what the results page and the PDF report show.

One function, one context: the page and the PDF never compute anything of
their own, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments.results.assemble import Results
from assessments.results.targets import target_score
from frameworks import kinds
from frameworks.i18n import domain_names


@dataclass
class DomainRow:
    code: str
    name: str
    weight: float
    score: float | None
    self_score: float | None
    level: int | None
    level_name: str
    target: int | None
    target_name: str
    gap: int | None
    coverage: float | None
    percentile: float | None
    median: float | None
    answered: int
    answerable: int
    blockers: list
    next_level: int | None
    next_level_name: str


def results_context(data: Results) -> dict:
    from assessments.results import charts

    assessment = data.assessment
    framework = assessment.framework
    names = framework.level_names()

    shown = data.shown
    own = {d.code: d for d in data.scores.self_result.domains}
    local_names = domain_names(framework)
    group = data.selected_group
    stats = group.stats if group is not None and not group.withheld else {}
    rows = []
    for d in shown.domains:
        stat = stats.get(d.code)
        rows.append(
            DomainRow(
                code=d.code,
                name=local_names.get(d.code, d.name),
                weight=d.weight,
                score=d.score,
                self_score=own[d.code].score,
                level=d.level,
                level_name=framework.level_name(d.level),
                target=d.target,
                target_name=names.get(d.target, "") if d.target else "",
                gap=d.gap,
                coverage=d.coverage,
                percentile=stat.percentile if stat else None,
                median=stat.median if stat else None,
                answered=d.answered,
                answerable=d.answerable,
                blockers=list(d.blockers),
                next_level=d.next_level,
                next_level_name=names.get(d.next_level, "") if d.next_level else "",
            )
        )
    overall_stat = stats.get("overall")
    axes = [r.name for r in rows]
    subject_label = assessment.organisation.name
    series = [
        charts.Series(label=subject_label, values=[r.score for r in rows], style="subject"),
    ]
    if stats:
        series.append(
            charts.Series(
                label=_("Peer median (%(group)s)") % {"group": group.label},
                values=[stats[r.code].median if r.code in stats else None for r in rows],
                style="peer",
            )
        )
    series.append(
        charts.Series(
            label=_("Target"),
            values=[
                target_score(data.scores.framework, r.target) if r.target else None for r in rows
            ],
            style="target",
        )
    )
    radar = charts.radar_chart(axes, series, title=_("Domain scores (0–100)"))
    withheld_note = _("withheld: fewer than %(k)d peers") % {"k": data.min_group}
    box_rows = []
    for r in [*rows, None]:
        code, label, subject = (
            ("overall", _("Overall"), shown.overall_score)
            if r is None
            else (r.code, r.name, r.score)
        )
        stat = stats.get(code)
        box_rows.append(
            charts.BoxRow(
                label=label,
                q1=stat.q1 if stat else None,
                median=stat.median if stat else None,
                q3=stat.q3 if stat else None,
                subject=subject,
                note="" if stat else withheld_note,
            )
        )
    distribution = charts.distribution_chart(
        box_rows,
        title=_("Peer distribution per domain"),
        subject_label=subject_label,
        peers_label=_("Peers: first to third quartile, median"),
    )
    trend = charts.trend_chart(
        [charts.TrendPoint(label=t.cycle, value=t.overall) for t in data.trend],
        title=_("Overall score by cycle"),
    )
    by_score = sorted((r for r in rows if r.score is not None), key=lambda r: -r.score)
    strengths = by_score[:3]
    priorities = sorted(
        (r for r in rows if r.gap is not None and r.gap > 0),
        key=lambda r: (-(r.gap or 0) * r.weight, r.score if r.score is not None else 0),
    )[:3]
    return {
        "result": shown,
        "self_result": data.scores.self_result,
        "moderated": data.scores.moderated,
        "provisional": assessment.status != assessment.Status.VALIDATED,
        "overall_level_name": framework.level_name(shown.overall_level),
        "overall_percentile": overall_stat.percentile if overall_stat else None,
        "overall_median": overall_stat.median if overall_stat else None,
        "rows": rows,
        "groups": data.groups,
        "group": group,
        "min_group": data.min_group,
        "radar_svg": mark_safe(radar),  # noqa: S308 - charts escape every label
        "distribution_svg": mark_safe(distribution),  # noqa: S308
        "trend_svg": mark_safe(trend),  # noqa: S308
        "trend": data.trend,
        "strengths": strengths,
        "priorities": priorities,
        "recommendations": list(shown.recommendations),
        "is_gated": shown.method == "gated",
        "scale": framework.scale,
    }


@dataclass
class AnswerRow:
    """One question and its answer, for report appendices and exports."""

    domain: str
    section: str
    code: str
    text: str
    kind: str
    weight: float
    value: str
    label: str
    not_applicable: bool
    comment: str
    evidence_link: str
    evidence: list[str]
    updated_by: str
    updated_at: object
    version: int
    moderated_value: str
    moderated_not_applicable: bool
    moderation_reason: str
    score: float | None


def answer_label(question, value: str, not_applicable: bool, level_names: dict[int, str]) -> str:
    if not_applicable:
        return _("Not applicable")
    if not value:
        return _("Not answered")
    return kinds.get(question.kind).display(value, level_names=level_names, unit=question.unit)


def answer_rows(assessment, responses: list) -> list[AnswerRow]:
    """Every question of the framework, in order, with its answer (or none)."""
    from assessments import scoring
    from assessments.results.definition import framework_def
    from frameworks.models import Question

    by_question = {r.question_id: r for r in responses}
    qdefs = {q.code: q for q in framework_def(assessment.framework).questions}
    level_names = assessment.framework.level_names()
    rows = []
    questions = (
        Question.objects.filter(framework_id=assessment.framework_id)
        .select_related("domain", "section")
        .order_by("position")
    )
    for q in questions:
        r = by_question.get(q.pk)
        value = r.value if r else ""
        na = r.not_applicable if r else False
        user = r.updated_by if r else None
        rows.append(
            AnswerRow(
                domain=q.domain.name,
                section=q.section.name if q.section else "",
                code=q.code,
                text=q.text,
                kind=q.kind,
                weight=q.weight,
                value=value,
                label=answer_label(q, value, na, level_names),
                not_applicable=na,
                comment=r.comment if r else "",
                evidence_link=r.evidence_link if r else "",
                evidence=[e.original_name for e in r.evidence.all()] if r else [],
                updated_by=(user.get_full_name() or user.username) if user else "",
                updated_at=r.updated_at if r else None,
                version=r.version if r else 0,
                moderated_value=r.moderated_value if r else "",
                moderated_not_applicable=r.moderated_not_applicable if r else False,
                moderation_reason=r.moderation_reason if r else "",
                score=scoring.answer_score(
                    qdefs[q.code], scoring.Answer(value=value or None, not_applicable=na)
                ),
            )
        )
    return rows
