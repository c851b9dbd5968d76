"""Assemble an assessment's results from the database for pages, PDF, exports and commands.

This is the only bridge between the ORM and the pure modules: it turns rows
into `scoring` data classes, peers' frozen scores into `peers.PeerRow`s, and
returns plain data. The number of queries does not depend on the number of
peers or questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from assessments import scoring
from assessments.models import Assessment, Response
from assessments.results.definition import framework_def
from assessments.results.integrity import answers_fingerprint, intact
from assessments.results.releases import ReleasedGroup, releases_for
from assessments.results.targets import targets_of
from frameworks.models import Framework


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
class TrendEntry:
    cycle: str
    overall: float | None
    current: bool = False


FROZEN_FORMAT = 2


@dataclass
class Scores:
    """The organisation's own scores and the validated (moderated) ones."""

    framework: scoring.FrameworkDef
    self_result: scoring.AssessmentResult
    validated_result: scoring.AssessmentResult
    moderated: bool
    targets: dict[str, int]
    frozen: bool = False  # read from the result stored at validation

    def to_frozen(
        self,
        *,
        framework: Framework,
        answers_hash: str,
        trend: list[TrendEntry] | None = None,
        reason: str = "",
    ) -> dict:
        """What validation stores: everything a validated report shows, so that it never
        changes when targets, other cycles or the framework change later."""
        validated = self.validated_result
        return {
            "format": FROZEN_FORMAT,
            "scores": peer_scores(validated),
            "self": scoring.result_to_dict(self.self_result),
            "validated": scoring.result_to_dict(validated),
            "moderated": self.moderated,
            "targets": dict(self.targets),
            "framework": {
                "id": framework.pk,
                "key": framework.key,
                "version": framework.version,
                "revision": framework.revision,
                "content_hash": framework.content_hash,
            },
            "answers_hash": answers_hash,
            "trend": [[t.cycle, t.overall] for t in trend or [] if not t.current],
            "validation_reason": reason,
        }

    @classmethod
    def from_frozen(cls, frozen: dict, framework: scoring.FrameworkDef) -> Scores:
        return cls(
            framework=framework,
            self_result=scoring.result_from_dict(frozen["self"]),
            validated_result=scoring.result_from_dict(frozen["validated"]),
            moderated=bool(frozen.get("moderated")),
            targets=dict(frozen.get("targets", {})),
            frozen=True,
        )


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
    """Score today's rows (drafts, and validation itself)."""
    if responses is None:
        responses = load_responses(assessment)
    fdef = framework_def(assessment.framework, assessment.organisation.size_band)
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


def freeze(assessment: Assessment, *, reason: str = "") -> tuple[str, dict, Scores]:
    """(answers fingerprint, frozen result, live scores): what validation stores."""
    responses = load_responses(assessment)
    scores = compute_result(assessment, responses)
    fingerprint = answers_fingerprint(responses)
    frozen = scores.to_frozen(
        framework=assessment.framework,
        answers_hash=fingerprint,
        trend=trend_of(assessment, scores),
        reason=reason,
    )
    return fingerprint, frozen, scores


def scores_of(assessment: Assessment, responses: list[Response]) -> Scores:
    """What is shown for the assessment: the frozen result once validated, else live."""
    frozen = assessment.frozen_result or {}
    if assessment.status == Assessment.Status.VALIDATED and frozen.get("format") == FROZEN_FORMAT:
        return Scores.from_frozen(
            frozen, framework_def(assessment.framework, assessment.organisation.size_band)
        )
    return compute_result(assessment, responses)


@dataclass
class Results:
    assessment: Assessment
    scores: Scores
    responses: list[Response]
    groups: list[ReleasedGroup]
    selected_group: ReleasedGroup | None  # the group shown in charts
    trend: list[TrendEntry] = field(default_factory=list)
    min_group: int = 5
    intact: bool = True  # False: a validated assessment's rows no longer match its result

    @property
    def shown(self) -> scoring.AssessmentResult:
        """The result compared with peers: validated scores once validated."""
        return self.scores.validated_result


def trend_of(assessment: Assessment, scores: Scores) -> list[TrendEntry]:
    """Earlier validated cycles on the same framework, then this one (frozen once
    validated, so a later validation of an earlier cycle does not change this report)."""
    frozen = assessment.frozen_result or {}
    if scores.frozen and "trend" in frozen:
        earlier = [TrendEntry(cycle=c, overall=o) for c, o in frozen["trend"]]
    else:
        earlier = [
            TrendEntry(cycle=name, overall=(scores_ or {}).get("overall"))
            for name, scores_ in Assessment.objects.filter(
                organisation_id=assessment.organisation_id,
                framework_key=assessment.framework_key,
                status=Assessment.Status.VALIDATED,
                cycle__starts_on__lt=assessment.cycle.starts_on,
            )
            .order_by("cycle__starts_on")
            .values_list("cycle__name", "frozen_result__scores")
        ]
    current = TrendEntry(
        cycle=assessment.cycle.name, overall=scores.validated_result.overall_score, current=True
    )
    return [*earlier, current]


def build_results(
    assessment: Assessment, *, group_key: str | None = None, with_peers: bool = True
) -> Results:
    """Step 1 of 3 (assemble): the database as plain data for `present`.

    A validated assessment is read from its frozen result and checked against its
    answers' fingerprint; peers are the stored releases, never recomputed here.
    """
    responses = load_responses(assessment)
    scores = scores_of(assessment, responses)
    groups = releases_for(assessment) if with_peers else []
    selected = next((g for g in groups if g.key == group_key), None) or next(
        (g for g in groups if not g.withheld), groups[0] if groups else None
    )
    return Results(
        assessment=assessment,
        scores=scores,
        responses=responses,
        groups=groups,
        selected_group=selected,
        trend=trend_of(assessment, scores) if with_peers else [],
        min_group=settings.PEER_MIN_GROUP,
        intact=intact(assessment, responses),
    )
