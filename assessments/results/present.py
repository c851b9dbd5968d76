"""Turn `Results` into what the results page and the PDF report show.

One function, one context: the page and the PDF never compute anything of
their own, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments import peers, scoring
from assessments.results.assemble import Results
from assessments.results.targets import target_score
from frameworks import kinds
from frameworks.i18n import domain_names, question_texts


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
    position: int | None  # quarter of the released peer distribution, 1..4
    position_label: str
    median: float | None  # released
    answered: int
    answerable: int
    blockers: list[scoring.Blocker]
    next_level: int | None
    next_level_name: str
    status: str
    completeness: float


def _local_blocker(
    blocker: scoring.Blocker, texts: dict[str, dict[str, object]]
) -> scoring.Blocker:
    text = texts.get(blocker.code, {}).get("text")
    return dataclasses.replace(blocker, text=str(text)) if text else blocker


def _local_recommendation(
    rec: scoring.Recommendation, texts: dict[str, dict[str, object]]
) -> scoring.Recommendation:
    """The recommendation in the reader's language where the framework translates it."""
    local = texts.get(rec.question, {})
    advice = local.get("recommendations", {})
    text = advice.get(rec.level) if isinstance(advice, dict) else None
    question = local.get("text")
    return dataclasses.replace(
        rec, text=str(text or rec.text), question_text=str(question or rec.question_text)
    )


def position_label(position: int | None) -> str:
    labels = {
        1: _("Lowest quarter"),
        2: _("Second quarter"),
        3: _("Third quarter"),
        4: _("Top quarter"),
    }
    return str(labels.get(position, "")) if position else ""


def domain_rows(data: Results) -> list[DomainRow]:
    """One row per domain of the shown result, with its released peer position."""
    framework = data.assessment.framework
    names = framework.level_names()
    own = {d.code: d for d in data.scores.self_result.domains}
    local_names = domain_names(framework)
    stats = _released(data)
    texts = question_texts(framework)
    rows = []
    for d in data.shown.domains:
        stat = stats.get(d.code)
        place = peers.position(d.score, stat) if d.status == scoring.ASSESSED else None
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
                position=place,
                position_label=position_label(place),
                median=stat.median if stat else None,
                answered=d.answered,
                answerable=d.answerable,
                blockers=[_local_blocker(b, texts) for b in d.blockers],
                next_level=d.next_level,
                next_level_name=names.get(d.next_level, "") if d.next_level else "",
                status=d.status,
                completeness=d.completeness,
            )
        )
    return rows


def _released(data: Results) -> dict[str, peers.Released]:
    group = data.selected_group
    return dict(group.stats) if group is not None and not group.withheld else {}


def charts_for(data: Results, rows: list[DomainRow]) -> dict[str, str]:
    """The radar, the peer distribution and the trend, as SVG (one code path for page
    and PDF)."""
    from assessments.results import charts

    stats = _released(data)
    group = data.selected_group
    subject_label = data.assessment.organisation.name
    series = [charts.Series(label=subject_label, values=[r.score for r in rows], style="subject")]
    if stats and group is not None:
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
    withheld_note = _("not released")
    box_rows = []
    for r in [*rows, None]:
        code, label, subject = (
            ("overall", _("Overall"), data.shown.overall_score)
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
    return {
        "radar_svg": charts.radar_chart(
            [r.name for r in rows], series, title=_("Domain scores (0–100)")
        ),
        "distribution_svg": charts.distribution_chart(
            box_rows,
            title=_("Peer distribution per domain"),
            subject_label=subject_label,
            peers_label=_("Peers: first to third quartile, median"),
        ),
        "trend_svg": charts.trend_chart(
            [charts.TrendPoint(label=t.cycle, value=t.overall) for t in data.trend],
            title=_("Overall score by cycle"),
        ),
    }


def summary(rows: list[DomainRow]) -> tuple[list[DomainRow], list[DomainRow]]:
    """Three strengths (assessed domains only) and three priorities (largest weighted gap)."""
    assessed = [r for r in rows if r.status == scoring.ASSESSED and r.score is not None]
    strengths = sorted(assessed, key=lambda r: -(r.score or 0.0))[:3]
    priorities = sorted(
        (r for r in rows if r.gap is not None and r.gap > 0),
        key=lambda r: (-(r.gap or 0) * r.weight, r.score if r.score is not None else 0),
    )[:3]
    return strengths, priorities


def results_context(data: Results) -> dict[str, object]:
    """Step 3 of 3 (present): what the results page and the PDF report show."""
    assessment = data.assessment
    framework = assessment.framework
    shown = data.shown
    rows = domain_rows(data)
    overall_stat = _released(data).get("overall")
    overall_position = (
        peers.position(shown.overall_score, overall_stat)
        if shown.status == scoring.ASSESSED
        else None
    )
    strengths, priorities = summary(rows)
    svgs = charts_for(data, rows)
    texts = question_texts(framework)
    return {
        "result": shown,
        "self_result": data.scores.self_result,
        "moderated": data.scores.moderated,
        "provisional": assessment.status != assessment.Status.VALIDATED,
        "intact": data.intact,
        "frozen": data.scores.frozen,
        "overall_level_name": framework.level_name(shown.overall_level),
        "overall_position": overall_position,
        "overall_position_label": position_label(overall_position),
        "overall_median": overall_stat.median if overall_stat else None,
        "rows": rows,
        "groups": data.groups,
        "group": data.selected_group,
        "min_group": data.min_group,
        **{key: mark_safe(svg) for key, svg in svgs.items()},  # noqa: S308 - charts escape
        "trend": data.trend,
        "strengths": strengths,
        "priorities": priorities,
        "recommendations": [_local_recommendation(r, texts) for r in shown.recommendations],
        "is_gated": shown.method == "gated",
        "scale": framework.scale,
        "completeness_threshold": shown.completeness_threshold,
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
    updated_at: datetime | None
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
    return kinds.get(question.kind).display(
        value,
        level_names=level_names,
        unit=question.unit,
        descriptors=question.level_descriptors,
    )


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
