"""The scoring engine: plain framework data and answers in, plain numbers out.

No ORM, no request: the callers turn stored rows into the dataclasses below, so
the same code scores a live draft, a frozen validated assessment and a benchmark.

Answer scores, each in [0, 1] (`answer_score`):
    maturity   level L in 1..5          -> (L - 1) / 4
    practice   not / partial / largely / fully -> 0, 1/3, 2/3, 1
    yes_no     yes -> 1, no -> 0
    numeric    the `score` of the threshold with the highest `min` <= value; 0 below all
    text       not scored
An answer that is missing, N/A or invalid (unknown choice, unparseable, NaN or
infinite number) has no score; invalid values never raise. Values are
compared after stripping spaces and, for choices, ignoring case.

Domain d, over its questions i that have a score (N/A, unanswered, invalid and
text answers are left out of both sums):
    S_d = 100 * sum(w_i * s_i) / sum(w_i)            (None when nothing is scored)
Overall, over the domains whose S_d is not None:
    S = sum(W_d * S_d) / sum(W_d)
Completeness = answered / answerable over the scored kinds, where N/A counts as
answered (0 when nothing is answerable).

Level of a domain, chosen by `FrameworkDef.method`:
    average  the highest band level whose min_score <= S_d (None when S_d is None).
             A score within BAND_TOLERANCE below a boundary counts as reaching it,
             so that float rounding never costs a level ((0.3 * 0.25 + 0.7 * 0.75)
             * 100 is exactly 60 but computes as 59.999...).
    gated    only `practice` questions count; N/A ones are left out and an
             unanswered one is "not met". The level is the highest L in
             1..max_level such that at least one practice is tagged <= L and every
             practice tagged <= L is Largely or Fully implemented; 0 if there is
             none. So a level with no practices of its own is passed through, the
             level is capped at the highest tagged practice level, and it is 0
             when the lowest tagged practices are not all met (or there are none).
Gated domains also report coverage = met / non-N/A practices (None without any)
and blockers: the unmet practices tagged <= next_level (or, when nothing is
tagged that low, <= the lowest tagged level, since those gate every level).

Gap = target - level. Domains with gap > 0 get one recommendation per question
that falls short of the target: a maturity question at level L < target
(unanswered counts as L = 1) gets its advice for L + 1; an unmet, non-N/A
practice with practice_level <= target gets its advice for that level. Priority
= question weight * domain gap; sorted by priority descending, then domain
order, then question order.

Sums use math.fsum, so results do not depend on question order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

from frameworks import kinds
from frameworks.kinds import MET_PRACTICE, PRACTICE_CHOICES, PRACTICE_SCORES, SCORED_KINDS

__all__ = ["MET_PRACTICE", "PRACTICE_CHOICES", "PRACTICE_SCORES", "SCORED_KINDS"]  # re-exported

BAND_TOLERANCE: Final = 1e-9


@dataclass(frozen=True)
class QuestionDef:
    code: str
    domain: str  # code of the top-level domain it belongs to
    kind: str  # "maturity" | "practice" | "yes_no" | "numeric" | "text"
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


@dataclass(frozen=True)
class Recommendation:
    domain: str
    question: str
    question_text: str
    level: int
    text: str
    priority: float


@dataclass(frozen=True)
class AssessmentResult:
    method: str
    overall_score: float | None
    overall_level: int | None
    completeness: float
    domains: tuple[DomainResult, ...]
    recommendations: tuple[Recommendation, ...]


def _clean(value: object) -> str | None:
    return kinds.clean_text(value)


def _clamp(value: float, low: float, high: float) -> float:
    if math.isnan(value):
        return low
    return min(max(value, low), high)


def _value_score(question: QuestionDef, value: object) -> float | None:
    return kinds.get(question.kind).score(value, thresholds=question.thresholds)


def answer_score(question: QuestionDef, answer: Answer | None) -> float | None:
    """The answer's score in [0, 1]; None if unscored, unanswered, N/A or invalid."""
    if answer is None or answer.not_applicable:
        return None
    return _value_score(question, answer.value)


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
        Blocker(q.code, q.text, tag, _clean(a.value) if a is not None else None)
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
    scores = [(q.weight, answer_score(q, answers.get(q.code))) for q in scored]
    mean = _weighted_mean((w, s) for w, s in scores if s is not None)
    score = None if mean is None else _clamp(mean * 100, 0.0, 100.0)

    coverage: float | None = None
    blockers: tuple[Blocker, ...] = ()
    if framework.method == "gated":
        practices = [
            (q.practice_level, q, answers.get(q.code))
            for q in questions
            if q.kind == "practice"
            and q.practice_level is not None
            and not _is_na(answers.get(q.code))
        ]
        level, coverage, blockers = _gated(practices, framework.max_level)
    else:
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
        answered=sum(is_answered(q, answers.get(q.code)) for q in scored),
        answerable=len(scored),
        target=target,
        gap=gap,
    )


def _recommendation(
    question: QuestionDef, answer: Answer | None, target: int, gap: int
) -> Recommendation | None:
    if _is_na(answer):
        return None
    if question.kind == "maturity":
        current = kinds.MATURITY.level(answer.value if answer else None) or 1
        if current >= target:
            return None
        step = current + 1
    elif question.kind == "practice" and question.practice_level is not None:
        if _is_met(answer) or question.practice_level > target:
            return None
        step = question.practice_level
    else:
        return None
    advice = dict(question.recommendations).get(step)
    if not advice:
        return None
    return Recommendation(
        domain=question.domain,
        question=question.code,
        question_text=question.text,
        level=step,
        text=advice,
        priority=question.weight * gap,
    )


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

    overall = _weighted_mean((d.weight, d.score) for d in domains if d.score is not None)
    overall_score = None if overall is None else _clamp(overall, 0.0, 100.0)
    if framework.method == "gated":
        # Gated domain levels are never None: the weakest domain sets the overall level.
        overall_level = min((d.level for d in domains if d.level is not None), default=None)
    else:
        overall_level = level_for_score(framework.bands, overall_score)

    answerable = sum(d.answerable for d in domains)
    completeness = sum(d.answered for d in domains) / answerable if answerable else 0.0

    ranked: list[tuple[float, int, int, Recommendation]] = []
    order = {q.code: i for i, q in enumerate(framework.questions)}
    for d_index, (domain, result) in enumerate(zip(framework.domains, domains, strict=True)):
        if result.gap is None or result.target is None or result.gap <= 0:
            continue
        for q in by_domain[domain.code]:
            rec = _recommendation(q, answers.get(q.code), result.target, result.gap)
            if rec is not None:
                ranked.append((-rec.priority, d_index, order[q.code], rec))
    ranked.sort(key=lambda item: item[:3])

    return AssessmentResult(
        method=framework.method,
        overall_score=overall_score,
        overall_level=overall_level,
        completeness=completeness,
        domains=domains,
        recommendations=tuple(item[3] for item in ranked),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def result_to_dict(result: AssessmentResult) -> dict[str, Any]:
    """The result as JSON-ready dicts and lists, floats unrounded (rounding is for display)."""
    return _jsonable(asdict(result))
