"""The scoring engine: plain framework data and answers in, plain numbers out.

No ORM, no request: the callers turn stored rows into the dataclasses below, so
the same code scores a live draft, a frozen validated assessment and a benchmark.

Answer scores, each in [0, 1] (`answer_score`, defined per kind in frameworks/kinds.py):
    maturity   level L in 1..5          -> (L - 1) / 4
    practice   not / partial / largely / fully -> 0, 1/3, 2/3, 1
    yes_no     yes -> 1, no -> 0
    numeric    the `score` of the threshold with the highest `min` <= value; 0 below all
    text       not scored
An answer that is missing or invalid (unknown choice, unparseable, NaN or infinite
number) is *unanswered*; invalid values never raise.

Silence is never rewarded; both methods treat unanswered questions alike:
- N/A leaves both the numerator and the denominator.
- An unanswered scored question counts as 0 in the score and as "not met" in a gate.

Domain d, over its scored questions i that are not N/A:
    S_d = 100 * sum(w_i * s_i) / sum(w_i)          (s_i = 0 when unanswered; no score
                                                    while none of them is answered)
    completeness_d = answered_d / answerable_d     (N/A counts as answered)
Status of a domain:
    not_assessed   every scored question is N/A (or there is none): no score, no level,
                   no gap, left out of the overall
    insufficient   completeness_d < the framework's threshold (default 0.8): the score is
                   shown, but no level and no gap ("insufficient evidence")
    assessed       otherwise: a level and, with a target, a gap
Level of an assessed domain, chosen by `FrameworkDef.method`:
    average  the highest band level whose min_score <= S_d. A score within
             BAND_TOLERANCE below a boundary counts as reaching it, so that float
             rounding never costs a level.
    gated    only `practice` questions count; N/A ones are left out and an
             unanswered one is not met. The level is the highest L in 1..max_level
             such that at least one practice is tagged <= L and every practice tagged
             <= L is Largely or Fully implemented; 0 if the lowest tagged practices are
             not all met. A level with no practices of its own is passed through and
             the level is capped at the highest tagged practice level.
Gated domains also report coverage = met / non-N/A practices and blockers: the unmet
practices tagged <= next_level (or, when nothing is tagged that low, <= the lowest
tagged level, since those gate every level).

Overall, over the domains that are not `not_assessed` (one nobody started counts as 0):
    S = sum(W_d * S_d) / sum(W_d);   completeness = answered / answerable (all domains)
The overall has a level only when its completeness reaches the threshold and every
such domain has a level: the band of S (average) or the lowest domain level (gated).
An assessment where everything is N/A is `not_assessed`, never 0 % or 100 %.

Gap = target - level (assessed domains only). Domains with gap > 0 get one
recommendation per question that falls short of the target:
    maturity  at level L < target (unanswered: L = 1): its advice for L + 1
    practice  unmet, non-N/A, practice_level <= target: its advice for that level
    yes_no, numeric  score < 1 (unanswered included): its advice for the lowest level
              above the domain's level, else its highest level <= target
Order: the blockers of gated domains first, lowest practice level first; then by
priority = question weight * domain gap, descending; then domain and question order.

Sums use math.fsum, so results do not depend on question order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Final

from frameworks import kinds
from frameworks.kinds import MET_PRACTICE, PRACTICE_CHOICES, PRACTICE_SCORES, SCORED_KINDS

__all__ = ["MET_PRACTICE", "PRACTICE_CHOICES", "PRACTICE_SCORES", "SCORED_KINDS"]  # re-exported

BAND_TOLERANCE: Final = 1e-9
DEFAULT_COMPLETENESS: Final = 0.8
ASSESSED: Final = "assessed"
INSUFFICIENT: Final = "insufficient"
NOT_ASSESSED: Final = "not_assessed"


@dataclass(frozen=True)
class QuestionDef:
    code: str
    domain: str  # code of the top-level domain it belongs to
    kind: str  # a name in frameworks.kinds.KINDS
    weight: float = 1.0
    text: str = ""
    practice_level: int | None = None
    thresholds: tuple[tuple[float, float], ...] = ()  # (min, score), min strictly increasing
    recommendations: tuple[tuple[int, str], ...] = ()  # (level, advice for reaching it)


@dataclass(frozen=True)
class DomainDef:
    code: str
    name: str
    weight: float = 1.0
    default_target: int = 3


@dataclass(frozen=True)
class FrameworkDef:
    method: str  # "average" | "gated"
    bands: tuple[tuple[int, float], ...]  # (level, min_score) for "average"; () for gated
    domains: tuple[DomainDef, ...]
    questions: tuple[QuestionDef, ...]
    max_level: int = 5
    completeness_threshold: float = DEFAULT_COMPLETENESS


@dataclass(frozen=True)
class Answer:
    """maturity "1".."5"; practice one of PRACTICE_CHOICES; yes_no "yes"/"no";
    numeric decimal text ("12.5"); text free text."""

    value: str | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class Blocker:
    """An unmet practice standing between a gated domain and its next level."""

    code: str
    text: str
    practice_level: int
    value: str | None


@dataclass(frozen=True)
class DomainResult:
    code: str
    name: str
    weight: float
    score: float | None
    level: int | None
    next_level: int | None
    coverage: float | None
    blockers: tuple[Blocker, ...]
    answered: int
    answerable: int
    target: int | None
    gap: int | None
    status: str = ASSESSED
    completeness: float = 0.0


@dataclass(frozen=True)
class Recommendation:
    domain: str
    question: str
    question_text: str
    level: int
    text: str
    priority: float
    blocker: bool = False


@dataclass(frozen=True)
class AssessmentResult:
    method: str
    overall_score: float | None
    overall_level: int | None
    completeness: float
    domains: tuple[DomainResult, ...]
    recommendations: tuple[Recommendation, ...]
    status: str = ASSESSED
    completeness_threshold: float = DEFAULT_COMPLETENESS


def _clamp(value: float, low: float, high: float) -> float:
    if math.isnan(value):
        return low
    return min(max(value, low), high)


def answer_score(question: QuestionDef, answer: Answer | None) -> float | None:
    """The answer's score in [0, 1]; None if unscored, unanswered, N/A or invalid."""
    if answer is None or answer.not_applicable:
        return None
    return kinds.get(question.kind).score(answer.value, thresholds=question.thresholds)


def is_answered(question: QuestionDef, answer: Answer | None) -> bool:
    """True when the answer is N/A or holds a valid value for the question's kind."""
    if answer is None:
        return False
    if answer.not_applicable:
        return True
    return kinds.get(question.kind).is_valid(answer.value, thresholds=question.thresholds)


def _is_na(answer: Answer | None) -> bool:
    return answer is not None and answer.not_applicable


def _is_met(answer: Answer | None) -> bool:
    return answer is not None and kinds.PRACTICE.is_met(answer.value)


def level_for_score(bands: Iterable[tuple[int, float]], score: float | None) -> int | None:
    """The highest band level whose min_score <= score; None below all bands or for None."""
    if score is None or math.isnan(score):
        return None
    reached = [level for level, minimum in bands if score + BAND_TOLERANCE >= minimum]
    return max(reached, default=None)


def _weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    kept = [(w, s) for w, s in pairs if math.isfinite(w) and w > 0]
    total = math.fsum(w for w, _ in kept)
    if total <= 0:
        return None
    return math.fsum(w * s for w, s in kept) / total


def _gated(
    practices: list[tuple[int, QuestionDef, Answer | None]], max_level: int
) -> tuple[int, float | None, tuple[Blocker, ...]]:
    """Level, coverage and blockers of a gated domain from its (level, question,
    answer) non-N/A practices, in question order."""
    if not practices:
        return 0, None, ()
    levels = [tag for tag, _, _ in practices]
    lowest, cap = min(levels), min(max(levels), max_level)
    unmet = [(tag, q, a) for tag, q, a in practices if not _is_met(a)]
    first_unmet = min((tag for tag, _, _ in unmet), default=None)
    if first_unmet is None:
        level = cap
    elif first_unmet == lowest:
        level = 0  # nothing has been reached yet
    else:
        level = min(first_unmet - 1, cap)
    coverage = (len(practices) - len(unmet)) / len(practices)
    if level >= max_level:
        return level, coverage, ()
    reach = max(level + 1, lowest)
    blocking = sorted((item for item in unmet if item[0] <= reach), key=lambda item: item[0])
    blockers = tuple(
        Blocker(q.code, q.text, tag, kinds.clean_text(a.value) if a is not None else None)
        for tag, q, a in blocking  # sorted() is stable: question order within a level
    )
    return level, coverage, blockers


def _score_domain(
    framework: FrameworkDef,
    domain: DomainDef,
    questions: list[QuestionDef],
    answers: Mapping[str, Answer],
    target: int | None,
) -> DomainResult:
    scored = [q for q in questions if q.kind in SCORED_KINDS]
    counted = [q for q in scored if not _is_na(answers.get(q.code))]
    answered = sum(is_answered(q, answers.get(q.code)) for q in scored)
    completeness = answered / len(scored) if scored else 0.0
    if not counted:
        status = NOT_ASSESSED
    elif completeness + BAND_TOLERANCE >= framework.completeness_threshold:
        status = ASSESSED
    else:
        status = INSUFFICIENT
    mean = _weighted_mean((q.weight, answer_score(q, answers.get(q.code)) or 0.0) for q in counted)
    started = any(answer_score(q, answers.get(q.code)) is not None for q in counted)
    score = None if mean is None or not started else _clamp(mean * 100, 0.0, 100.0)

    coverage: float | None = None
    blockers: tuple[Blocker, ...] = ()
    level: int | None = None
    if framework.method == "gated" and counted:
        practices = [
            (q.practice_level, q, answers.get(q.code))
            for q in counted
            if q.kind == "practice" and q.practice_level is not None
        ]
        gated_level, coverage, blockers = _gated(practices, framework.max_level)
        level = gated_level if status == ASSESSED else None
    elif status == ASSESSED:
        level = level_for_score(framework.bands, score)

    next_level = level + 1 if level is not None and level < framework.max_level else None
    gap = target - level if target is not None and level is not None else None
    return DomainResult(
        code=domain.code,
        name=domain.name,
        weight=domain.weight,
        score=score,
        level=level,
        next_level=next_level,
        coverage=coverage,
        blockers=blockers,
        answered=answered,
        answerable=len(scored),
        target=target,
        gap=gap,
        status=status,
        completeness=completeness,
    )


def _advice_step(question: QuestionDef, answer: Answer | None, result: DomainResult) -> int | None:
    """The level whose advice this question gets, or None when it does not fall short."""
    target, level = result.target or 0, result.level or 0
    if question.kind == "maturity":
        current = kinds.MATURITY.level(answer.value if answer else None) or 1
        return current + 1 if current < target else None
    if question.kind == "practice" and question.practice_level is not None:
        met = _is_met(answer) or question.practice_level > target
        return None if met else question.practice_level
    if question.kind in ("yes_no", "numeric"):
        if (answer_score(question, answer) or 0.0) >= 1.0:
            return None
        keys = sorted(k for k, _text in question.recommendations if k <= target)
        above = [k for k in keys if k > level]
        return above[0] if above else (keys[-1] if keys else None)
    return None


def _recommendation(
    question: QuestionDef, answer: Answer | None, result: DomainResult
) -> Recommendation | None:
    if _is_na(answer) or result.gap is None or result.gap <= 0:
        return None
    step = _advice_step(question, answer, result)
    advice = dict(question.recommendations).get(step) if step is not None else None
    if step is None or not advice:
        return None
    return Recommendation(
        domain=question.domain,
        question=question.code,
        question_text=question.text,
        level=step,
        text=advice,
        priority=question.weight * result.gap,
        blocker=any(b.code == question.code for b in result.blockers),
    )


def _overall(
    framework: FrameworkDef, domains: tuple[DomainResult, ...]
) -> tuple[float | None, int | None, float, str]:
    counted = [d for d in domains if d.status != NOT_ASSESSED]
    # A domain nobody has started counts as 0: silence never lifts the overall.
    overall = _weighted_mean((d.weight, d.score or 0.0) for d in counted)
    started = any(d.score is not None for d in counted)
    score = None if overall is None or not started else _clamp(overall, 0.0, 100.0)
    answerable = sum(d.answerable for d in domains)
    completeness = sum(d.answered for d in domains) / answerable if answerable else 0.0
    if score is None:
        return None, None, completeness, NOT_ASSESSED if not counted else INSUFFICIENT
    if completeness + BAND_TOLERANCE < framework.completeness_threshold or any(
        d.level is None for d in counted
    ):
        return score, None, completeness, INSUFFICIENT
    if framework.method == "gated":
        # The weakest domain sets the overall level.
        level: int | None = min(d.level for d in counted if d.level is not None)
    else:
        level = level_for_score(framework.bands, score)
    return score, level, completeness, ASSESSED


def score_assessment(
    framework: FrameworkDef,
    answers: Mapping[str, Answer],
    targets: Mapping[str, int] | None = None,
) -> AssessmentResult:
    """Score every domain and the whole assessment; see the module docstring."""
    targets = targets or {}
    by_domain: dict[str, list[QuestionDef]] = {d.code: [] for d in framework.domains}
    for q in framework.questions:
        if q.domain in by_domain:
            by_domain[q.domain].append(q)

    domains = tuple(
        _score_domain(
            framework, d, by_domain[d.code], answers, targets.get(d.code, d.default_target)
        )
        for d in framework.domains
    )
    overall_score, overall_level, completeness, status = _overall(framework, domains)

    ranked: list[tuple[tuple[float, ...], Recommendation]] = []
    order = {q.code: i for i, q in enumerate(framework.questions)}
    for d_index, (domain, result) in enumerate(zip(framework.domains, domains, strict=True)):
        for q in by_domain[domain.code]:
            rec = _recommendation(q, answers.get(q.code), result)
            if rec is not None:
                first = (0.0, float(rec.level)) if rec.blocker else (1.0, 0.0)
                ranked.append(((*first, -rec.priority, d_index, order[q.code]), rec))
    ranked.sort(key=lambda item: item[0])

    return AssessmentResult(
        method=framework.method,
        overall_score=overall_score,
        overall_level=overall_level,
        completeness=completeness,
        domains=domains,
        recommendations=tuple(rec for _key, rec in ranked),
        status=status,
        completeness_threshold=framework.completeness_threshold,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def result_to_dict(result: AssessmentResult) -> dict[str, Any]:
    """The result as JSON-ready dicts and lists, floats unrounded (rounding is for display)."""
    data: dict[str, Any] = _jsonable(asdict(result))
    return data


def _known(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in data.items() if key in names}


def result_from_dict(data: Mapping[str, Any]) -> AssessmentResult:
    """The inverse of `result_to_dict`, for frozen results (unknown keys are ignored)."""
    domains = tuple(
        DomainResult(
            **{
                **_known(DomainResult, d),
                "blockers": tuple(Blocker(**_known(Blocker, b)) for b in d.get("blockers", ())),
            }
        )
        for d in data["domains"]
    )
    recommendations = tuple(
        Recommendation(**_known(Recommendation, r)) for r in data.get("recommendations", ())
    )
    return AssessmentResult(
        **{**_known(AssessmentResult, data), "domains": domains, "recommendations": recommendations}
    )
