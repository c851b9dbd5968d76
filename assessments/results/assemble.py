"""Assemble an assessment's results from the database for pages, PDF, exports and commands.

This is the only bridge between the ORM and the pure modules: it turns rows
into `scoring` data classes, peers' frozen scores into `peers.PeerRow`s, and
returns plain data. The number of queries does not depend on the number of
peers or questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Assessment, PeerGroup, Response
from assessments.results.definition import framework_def
from assessments.results.targets import targets_of


def answers_of(responses: list[Response], *, moderated: bool) -> dict[str, scoring.Answer]:
    """The organisation's answers, or with `moderated` the advisor's where set."""
    answers = {}
    for r in responses:
        if moderated and r.is_moderated:
            answers[r.question.code] = scoring.Answer(
                value=r.moderated_value or None, not_applicable=r.moderated_not_applicable
            )
        else:
            answers[r.question.code] = scoring.Answer(
                value=r.value or None, not_applicable=r.not_applicable
            )
    return answers


@dataclass
class Scores:
    """The organisation's own scores and the validated (moderated) ones."""

    framework: scoring.FrameworkDef
    self_result: scoring.AssessmentResult
    validated_result: scoring.AssessmentResult
    moderated: bool
    targets: dict[str, int]

    def to_frozen(self) -> dict:
        validated = self.validated_result
        return {
            "scores": peer_scores(validated),
            "self": scoring.result_to_dict(self.self_result),
            "validated": scoring.result_to_dict(validated),
        }


def peer_scores(result: scoring.AssessmentResult) -> dict[str, float | None]:
    scores: dict[str, float | None] = {d.code: d.score for d in result.domains}
    scores["overall"] = result.overall_score
    return scores


def load_responses(assessment: Assessment) -> list[Response]:
    return list(
        Response.objects.filter(assessment=assessment)
        .select_related("question", "updated_by", "moderated_by")
        .prefetch_related("evidence")
        .order_by("question__position")
    )


def compute_result(assessment: Assessment, responses: list[Response] | None = None) -> Scores:
    if responses is None:
        responses = load_responses(assessment)
    fdef = framework_def(assessment.framework)
    targets = targets_of(assessment)
    own = scoring.score_assessment(fdef, answers_of(responses, moderated=False), targets)
    moderated = any(r.is_moderated for r in responses)
    validated = (
        scoring.score_assessment(fdef, answers_of(responses, moderated=True), targets)
        if moderated
        else own
    )
    return Scores(
        framework=fdef,
        self_result=own,
        validated_result=validated,
        moderated=moderated,
        targets=targets,
    )


@dataclass
class TrendEntry:
    cycle: str
    overall: float | None
    current: bool = False


@dataclass
class Results:
    assessment: Assessment
    scores: Scores
    responses: list[Response]
    groups: list  # list[peers.GroupStats]
    selected_group: object | None  # peers.GroupStats shown in charts
    trend: list[TrendEntry] = field(default_factory=list)
    min_group: int = 5

    @property
    def shown(self) -> scoring.AssessmentResult:
        """The result compared with peers: validated scores once validated."""
        return self.scores.validated_result


def peer_group_defs() -> list:
    from assessments.peers import GroupDef

    groups = [
        GroupDef(key=g.attribute or "all", label=g.name, attribute=g.attribute or None)
        for g in PeerGroup.objects.all()
    ]
    return groups or [GroupDef(key="all", label=_("All organisations"), attribute=None)]


def build_results(assessment: Assessment, *, group_key: str | None = None) -> Results:
    from assessments.peers import PeerRow, peer_statistics

    responses = load_responses(assessment)
    scores = compute_result(assessment, responses)
    min_group = settings.PEER_MIN_GROUP
    peers = (
        Assessment.objects.filter(
            framework_key=assessment.framework_key,
            cycle_id=assessment.cycle_id,
            status=Assessment.Status.VALIDATED,
        )
        .exclude(organisation_id=assessment.organisation_id)
        .values(
            "organisation_id",
            "organisation__region",
            "organisation__org_type",
            "organisation__income_group",
            "frozen_result__scores",
        )
    )
    rows = [
        PeerRow(
            organisation_id=p["organisation_id"],
            attributes={
                "region": p["organisation__region"],
                "org_type": p["organisation__org_type"],
                "income_group": p["organisation__income_group"],
            },
            scores=p["frozen_result__scores"] or {},
        )
        for p in peers
    ]
    group_defs = peer_group_defs()
    columns = [d.code for d in scores.framework.domains] + ["overall"]
    shown = peer_scores(scores.validated_result)
    groups = peer_statistics(
        rows,
        subject_id=assessment.organisation_id,
        subject_attributes=assessment.organisation.peer_attributes(),
        subject_scores=shown,
        groups=group_defs,
        columns=columns,
        min_group=min_group,
    )
    selected = next((g for g in groups if g.key == group_key), None) or (
        groups[0] if groups else None
    )
    trend = [
        TrendEntry(cycle=name, overall=(frozen or {}).get("overall"))
        for name, frozen in Assessment.objects.filter(
            organisation_id=assessment.organisation_id,
            framework_key=assessment.framework_key,
            status=Assessment.Status.VALIDATED,
            cycle__starts_on__lt=assessment.cycle.starts_on,
        )
        .order_by("cycle__starts_on")
        .values_list("cycle__name", "frozen_result__scores")
    ]
    trend.append(
        TrendEntry(
            cycle=assessment.cycle.name,
            overall=scores.validated_result.overall_score,
            current=True,
        )
    )
    return Results(
        assessment=assessment,
        scores=scores,
        responses=responses,
        groups=groups,
        selected_group=selected,
        trend=trend,
        min_group=min_group,
    )
