"""Scoring engine tests: plain functions, no database, hand-computed expectations."""

from __future__ import annotations

import json
import math
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    MET_PRACTICE,
    PRACTICE_CHOICES,
    PRACTICE_SCORES,
    Answer,
    AssessmentResult,
    Blocker,
    DomainDef,
    DomainResult,
    FrameworkDef,
    QuestionDef,
    answer_score,
    is_answered,
    level_for_score,
    result_to_dict,
    score_assessment,
)

BANDS = ((1, 0.0), (2, 20.0), (3, 40.0), (4, 60.0), (5, 80.0))
THRESHOLDS = ((0.0, 0.0), (5.0, 0.5), (20.0, 1.0))
NA = Answer(not_applicable=True)


def q(code: str, kind: str = "maturity", domain: str = "D", **kwargs: object) -> QuestionDef:
    if kind == "numeric":
        kwargs.setdefault("thresholds", THRESHOLDS)
    if kind == "practice":
        kwargs.setdefault("practice_level", 1)
    return QuestionDef(code=code, domain=domain, kind=kind, text=f"{code}?", **kwargs)


def fw(
    *questions: QuestionDef,
    method: str = "average",
    domains: tuple[DomainDef, ...] = (DomainDef("D", "Domain"),),
    threshold: float = 0.8,
) -> FrameworkDef:
    bands = BANDS if method == "average" else ()
    return FrameworkDef(
        method=method,
        bands=bands,
        domains=domains,
        questions=questions,
        completeness_threshold=threshold,
    )


def a(value: str) -> Answer:
    return Answer(value=value)


def domain(result: AssessmentResult, code: str = "D") -> DomainResult:
    return next(d for d in result.domains if d.code == code)


# --- single answers ------------------------------------------------------------------


def test_it_exposes_the_practice_choices_and_their_scores() -> None:
    assert PRACTICE_CHOICES == ("not", "partial", "largely", "fully")
    assert set(PRACTICE_SCORES) == set(PRACTICE_CHOICES)
    assert MET_PRACTICE == {"largely", "fully"}


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 0.0), ("2", 0.25), ("3", 0.5), ("4", 0.75), ("5", 1.0)]
)
def test_it_maps_a_maturity_level_to_a_quarter_step(value: str, expected: float) -> None:
    # (L - 1) / 4
    assert answer_score(q("M"), a(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("not", 0.0), ("partial", 1 / 3), ("largely", 2 / 3), ("fully", 1.0)]
)
def test_it_maps_a_practice_answer_to_thirds(value: str, expected: float) -> None:
    assert answer_score(q("P", "practice"), a(value)) == expected


def test_it_scores_yes_as_one_and_no_as_zero() -> None:
    assert answer_score(q("Y", "yes_no"), a("yes")) == 1.0
    assert answer_score(q("Y", "yes_no"), a("no")) == 0.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-1", 0.0),  # below every threshold
        ("0", 0.0),  # exactly the first min
        ("4.99", 0.0),  # between 0 and 5: the 0 threshold
        ("5", 0.5),  # exactly a min
        ("12.5", 0.5),  # between 5 and 20
        ("20", 1.0),
        ("1e6", 1.0),  # above the last min
    ],
)
def test_it_scores_a_numeric_answer_by_the_highest_threshold_reached(
    value: str, expected: float
) -> None:
    assert answer_score(q("N", "numeric"), a(value)) == expected


def test_it_scores_zero_below_thresholds_that_start_above_zero() -> None:
    question = q("N", "numeric", thresholds=((10.0, 0.2), (20.0, 1.0)))
    assert answer_score(question, a("3")) == 0.0
    assert answer_score(question, a("10")) == 0.2


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e400"])
def test_it_refuses_numbers_that_are_not_finite(value: str) -> None:
    assert answer_score(q("N", "numeric"), a(value)) is None
    assert not is_answered(q("N", "numeric"), a(value))


def test_it_does_not_score_text_questions() -> None:
    question = q("T", "text")
    assert answer_score(question, a("Anything else")) is None
    assert is_answered(question, a("Anything else"))
    assert not is_answered(question, a("   "))


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("maturity", "0"),
        ("maturity", "6"),
        ("maturity", "3.5"),
        ("maturity", "three"),
        ("maturity", ""),
        ("practice", "sometimes"),
        ("practice", "1"),
        ("yes_no", "maybe"),
        ("yes_no", "1"),
        ("numeric", "12 staff"),
        ("numeric", "1,5"),
        ("numeric", ""),
    ],
)
def test_it_ignores_invalid_values_without_raising(kind: str, value: str) -> None:
    question = q("X", kind)
    assert answer_score(question, a(value)) is None
    assert not is_answered(question, a(value))
    result = score_assessment(fw(question), {"X": a(value)})
    assert domain(result).score is None
    assert domain(result).answered == 0


def test_it_does_not_score_or_count_a_question_of_an_unknown_kind() -> None:
    question = q("X", "essay")
    result = score_assessment(fw(question), {"X": a("3")})
    assert answer_score(question, a("3")) is None
    assert (domain(result).score, domain(result).answerable) == (None, 0)


def test_it_ignores_values_of_the_wrong_type_without_raising() -> None:
    odd = Answer(value=3)
    for kind in ("maturity", "practice", "yes_no", "numeric", "text"):
        assert answer_score(q("X", kind), odd) is None
        assert not is_answered(q("X", kind), odd)


def test_it_accepts_surrounding_spaces_and_capitals() -> None:
    assert answer_score(q("M"), a(" 4 ")) == 0.75
    assert answer_score(q("P", "practice"), a("Fully")) == 1.0
    assert answer_score(q("Y", "yes_no"), a("YES ")) == 1.0


def test_it_treats_not_applicable_as_answered_but_unscored() -> None:
    # N/A wins even over a value left in the answer.
    na_with_value = Answer(value="5", not_applicable=True)
    assert answer_score(q("M"), na_with_value) is None
    assert is_answered(q("M"), na_with_value)
    assert answer_score(q("M"), None) is None
    assert not is_answered(q("M"), None)


# --- domain and overall scores -------------------------------------------------------


def test_it_weights_question_scores() -> None:
    framework = fw(q("A", weight=3), q("B", weight=1))
    result = score_assessment(framework, {"A": a("5"), "B": a("1")})
    # (3 * 1.0 + 1 * 0.0) / (3 + 1) * 100 = 75
    assert domain(result).score == 75.0
    assert domain(result).level == 4  # 60 <= 75 < 80


def test_it_leaves_not_applicable_answers_out_of_both_sides() -> None:
    framework = fw(
        q("A", "practice", weight=2), q("B", "practice", weight=1), q("C", "practice", weight=1)
    )
    result = score_assessment(framework, {"A": a("fully"), "B": NA, "C": a("partial")})
    # (2 * 1 + 1 * 1/3) / (2 + 1) * 100 = (7/3) / 3 * 100 = 77.78
    # (counting B as zero would give (7/3) / 4 * 100 = 58.33)
    assert domain(result).score == pytest.approx(700 / 9)
    assert domain(result).answered == 3


def test_it_gives_an_all_not_applicable_domain_no_score_and_skips_it_overall() -> None:
    domains = (DomainDef("D1", "One", weight=1), DomainDef("D2", "Two", weight=3))
    framework = fw(q("A", domain="D1"), q("B", domain="D2"), domains=domains)
    result = score_assessment(framework, {"A": NA, "B": a("3")})
    assert domain(result, "D1").score is None
    assert domain(result, "D1").level is None
    assert domain(result, "D1").gap is None
    # Only D2 counts: 50, not (3 * 50 + 1 * 0) / 4 = 37.5.
    assert result.overall_score == 50.0
    assert result.overall_level == 3


def test_it_weights_domains_in_the_overall_score() -> None:
    domains = (DomainDef("D1", "One", weight=1), DomainDef("D2", "Two", weight=3))
    framework = fw(q("A", domain="D1"), q("B", domain="D2"), domains=domains)
    result = score_assessment(framework, {"A": a("5"), "B": a("1")})
    # (1 * 100 + 3 * 0) / (1 + 3) = 25
    assert result.overall_score == 25.0
    assert result.overall_level == 2  # 20 <= 25 < 40


def test_it_gives_an_empty_assessment_no_score_and_no_level() -> None:
    average = score_assessment(fw(q("A"), q("T", "text")), {})
    assert average.overall_score is None
    assert average.overall_level is None
    assert average.status == "insufficient"
    assert average.completeness == 0.0
    assert domain(average).score is None
    assert domain(average).level is None
    assert domain(average).status == "insufficient"
    assert domain(average).next_level is None
    assert (domain(average).answered, domain(average).answerable) == (0, 1)
    assert average.recommendations == ()

    gated = score_assessment(fw(q("P", "practice"), method="gated"), {})
    assert domain(gated).score is None
    assert domain(gated).level is None  # insufficient evidence, not "level 0"
    assert domain(gated).coverage == 0.0
    assert gated.overall_level is None


def test_it_scores_a_framework_without_questions_or_domains() -> None:
    result = score_assessment(fw(domains=()), {})
    assert result.domains == ()
    assert result.overall_score is None
    assert result.overall_level is None
    assert result.completeness == 0.0


def test_it_gives_the_same_score_whatever_the_question_order() -> None:
    questions = (q("A", weight=0.1), q("B", weight=0.2), q("C", weight=0.3))
    answers = {"A": a("2"), "B": a("2"), "C": a("3")}
    forward = score_assessment(fw(*questions), answers)
    backward = score_assessment(fw(*reversed(questions)), answers)
    # (0.1 * .25 + 0.2 * .25 + 0.3 * .5) / 0.6 * 100 = 37.5; plain left-to-right additions
    # (a + b + c) give 37.49999999999999 in one order and 37.5 in the other.
    assert domain(forward).score == domain(backward).score == pytest.approx(37.5)


def test_it_ignores_answers_to_unknown_questions() -> None:
    result = score_assessment(fw(q("A")), {"A": a("3"), "ZZZ": a("5")})
    assert domain(result).score == 50.0
    assert result.completeness == 1.0


# --- average bands -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, 1),
        (19.99, 1),
        (20.0, 2),  # an exact boundary belongs to the higher band
        (39.999, 2),
        (40.0, 3),
        (60.0, 4),
        (79.9, 4),
        (80.0, 5),
        (100.0, 5),
    ],
)
def test_it_puts_a_score_into_its_band(score: float, level: int) -> None:
    assert level_for_score(BANDS, score) == level


def test_it_gives_no_band_below_all_bands_or_without_a_score() -> None:
    assert level_for_score(((1, 10.0), (2, 50.0)), 5.0) is None
    assert level_for_score(BANDS, None) is None
    assert level_for_score((), 50.0) is None


def test_it_reads_bands_in_any_order() -> None:
    assert level_for_score(tuple(reversed(BANDS)), 45.0) == 3


def test_it_does_not_lose_a_band_to_float_rounding() -> None:
    framework = fw(q("A", weight=0.3), q("B", weight=0.7))
    result = score_assessment(framework, {"A": a("2"), "B": a("4")})
    # Exactly (0.3 * 0.25 + 0.7 * 0.75) / 1.0 * 100 = 60, which floats compute as 59.99999...
    assert domain(result).score == pytest.approx(60.0)
    assert domain(result).level == 4


def test_it_bands_the_overall_score_in_average_frameworks() -> None:
    domains = (DomainDef("D1", "One"), DomainDef("D2", "Two"))
    framework = fw(q("A", domain="D1"), q("B", domain="D2"), domains=domains)
    result = score_assessment(framework, {"A": a("5"), "B": a("2")})
    # D1 = 100 (level 5), D2 = 25 (level 2); overall (100 + 25) / 2 = 62.5 -> level 4
    assert result.overall_score == 62.5
    assert result.overall_level == 4
    assert [d.level for d in result.domains] == [5, 2]


def test_it_gives_average_domains_no_coverage_or_blockers() -> None:
    result = score_assessment(fw(q("P", "practice", practice_level=2)), {"P": a("not")})
    assert domain(result).coverage is None
    assert domain(result).blockers == ()
    assert domain(result).level == 1  # score 0
    assert domain(result).next_level == 2


# --- gated levels --------------------------------------------------------------------


def gated(
    *practices: tuple[str, int], extra: tuple[QuestionDef, ...] = (), threshold: float = 0.8
) -> FrameworkDef:
    """A gated framework with one domain and the given (code, practice_level) practices."""
    questions = tuple(q(code, "practice", practice_level=level) for code, level in practices)
    return fw(*questions, *extra, method="gated", threshold=threshold)


def test_it_stops_a_gated_domain_below_the_first_unmet_practice() -> None:
    framework = gated(("P1", 1), ("P2a", 2), ("P2b", 2), ("P3", 3))
    answers = {"P1": a("fully"), "P2a": a("largely"), "P2b": a("partial"), "P3": a("fully")}
    result = domain(score_assessment(framework, answers))
    # Level 1 is met; level 2 has a "partial"; P3 being fully done does not help.
    assert result.level == 1
    assert result.next_level == 2
    assert [b.code for b in result.blockers] == ["P2b"]
    assert result.blockers[0] == Blocker("P2b", "P2b?", 2, "partial")
    # score: (1 + 2/3 + 1/3 + 1) / 4 * 100 = 75
    assert result.score == pytest.approx(75.0)


def test_it_lets_an_unanswered_practice_block() -> None:
    framework = gated(("P1a", 1), ("P1b", 1), ("P2", 2), threshold=0.0)
    result = domain(score_assessment(framework, {"P1a": a("fully"), "P2": a("fully")}))
    assert result.level == 0
    assert result.next_level == 1
    assert result.blockers == (Blocker("P1b", "P1b?", 1, None),)
    # The unanswered practice counts as 0, as in the average method: (1 + 0 + 1) / 3
    assert result.score == pytest.approx(200 / 3)


def test_answered_practices_never_give_100_with_level_0() -> None:
    # Found by issue 10: with unanswered left out, this read "score 100, level 0".
    framework = gated(("P1a", 1), ("P1b", 1), ("P2", 2))
    result = domain(score_assessment(framework, {"P1a": a("fully"), "P2": a("fully")}))
    assert result.score == pytest.approx(200 / 3)
    assert result.level is None
    assert result.status == "insufficient"  # 2 of 3 answered < 80 %


def test_it_lets_an_invalid_practice_answer_block() -> None:
    result = domain(score_assessment(gated(("P1", 1), threshold=0.0), {"P1": a("sometimes")}))
    assert result.level == 0
    assert result.blockers == (Blocker("P1", "P1?", 1, "sometimes"),)


def test_it_caps_a_gated_level_at_the_highest_practice_level() -> None:
    framework = gated(("P1", 1), ("P2", 2), ("P3", 3))
    answers = {"P1": a("fully"), "P2": a("largely"), "P3": a("fully")}
    result = domain(score_assessment(framework, answers))
    assert result.level == 3  # not 5: the domain has no practices above level 3
    assert result.next_level == 4
    assert result.blockers == ()
    assert result.coverage == 1.0


def test_it_leaves_not_applicable_practices_out_of_the_gate() -> None:
    framework = gated(("P1", 1), ("P2", 2), ("P3", 3), ("P4", 4))
    answers = {"P1": a("fully"), "P2": NA, "P3": a("largely"), "P4": a("not")}
    result = domain(score_assessment(framework, answers))
    # Level 2 has no practice left, so it passes through; level 4 is blocked by P4.
    assert result.level == 3
    assert result.blockers == (Blocker("P4", "P4?", 4, "not"),)
    # coverage: P1 and P3 met out of the three non-N/A practices = 2/3
    assert result.coverage == pytest.approx(2 / 3)


def test_it_passes_through_a_level_without_practices() -> None:
    framework = gated(("P1", 1), ("P3", 3), ("P4", 4))
    answers = {"P1": a("fully"), "P3": a("largely"), "P4": a("partial")}
    # Nothing is tagged at level 2; level 4 is blocked, so the domain is at 3.
    assert domain(score_assessment(framework, answers)).level == 3


def test_an_all_na_gated_domain_is_not_assessed_with_no_gap() -> None:
    # Found by issue 10: it read "Not reached" with a full gap and nothing to do.
    framework = gated(("P1", 1), ("P2", 2))
    result = score_assessment(framework, {"P1": NA, "P2": NA}, targets={"D": 3})
    d = domain(result)
    assert d.status == "not_assessed"
    assert d.level is None
    assert d.gap is None
    assert d.coverage is None
    assert d.score is None
    assert d.blockers == ()
    assert (d.answered, d.answerable) == (2, 2)
    assert result.status == "not_assessed"
    assert result.overall_level is None
    assert result.overall_score is None


def test_it_gives_level_zero_when_the_lowest_tagged_practices_are_not_met() -> None:
    framework = gated(("P1", 1), ("P2", 2), ("P3", 3))
    answers = {"P1": NA, "P2": a("partial"), "P3": a("fully")}
    result = domain(score_assessment(framework, answers))
    # Level 1 has nothing left, but nothing has been reached either.
    assert result.level == 0
    assert result.next_level == 1
    # What stands in the way of any level is the lowest tagged practice.
    assert result.blockers == (Blocker("P2", "P2?", 2, "partial"),)


def test_it_computes_coverage_over_all_levels() -> None:
    framework = gated(("P1", 1), ("P2", 2), ("P3", 3), ("P4", 4), ("P5", 5))
    answers = {"P1": a("not"), "P2": a("fully"), "P3": a("largely"), "P5": NA}
    result = domain(score_assessment(framework, answers))
    # met: P2, P3; not met: P1, P4 (unanswered); P5 left out -> 2 / 4
    assert result.coverage == 0.5
    assert result.completeness == pytest.approx(0.8)  # 4 of 5 answered, N/A included
    assert result.level == 0  # one gap low down...
    # ...and the score still shows progress: (0 + 1 + 2/3 + 0) / 4 * 100 = 41.67
    assert result.score == pytest.approx(500 / 12)


def test_it_lists_the_blockers_of_the_next_level_in_question_order() -> None:
    framework = gated(("A", 2), ("B", 1), ("C", 1), ("D", 1), ("E", 1), ("F", 1))
    answers = {"A": a("not"), "B": a("partial"), "D": a("fully"), "E": NA, "F": a("not")}
    result = domain(score_assessment(framework, answers))
    # Level 0; blockers for level 1: unmet, non-N/A, tagged <= 1 -> B, C (unanswered), F.
    # A (level 2) is not listed yet, D is met, E is N/A.
    assert result.level == 0
    assert [(b.code, b.value) for b in result.blockers] == [
        ("B", "partial"),
        ("C", None),
        ("F", "not"),
    ]


def test_it_lists_no_blockers_at_the_top_level() -> None:
    framework = gated(*((f"P{level}", level) for level in range(1, 6)))
    result = domain(score_assessment(framework, {f"P{n}": a("largely") for n in range(1, 6)}))
    assert result.level == 5
    assert result.next_level is None
    assert result.blockers == ()


def test_it_counts_other_kinds_in_a_gated_score_but_not_in_the_level() -> None:
    framework = gated(("P1", 1), extra=(q("M"), q("Y", "yes_no"), q("T", "text")))
    answers = {"P1": a("fully"), "M": a("1"), "Y": a("no"), "T": a("notes")}
    result = domain(score_assessment(framework, answers))
    # score: (1 + 0 + 0) / 3 * 100 = 33.33; level from P1 alone
    assert result.score == pytest.approx(100 / 3)
    assert result.level == 1
    assert (result.answered, result.answerable) == (3, 3)


def test_it_takes_the_weakest_domain_as_the_overall_gated_level() -> None:
    domains = (DomainDef("D1", "One"), DomainDef("D2", "Two"))
    framework = fw(
        q("A", "practice", domain="D1", practice_level=1),
        q("B", "practice", domain="D1", practice_level=2),
        q("C", "practice", domain="D2", practice_level=1),
        method="gated",
        domains=domains,
    )
    result = score_assessment(framework, {"A": a("fully"), "B": a("fully"), "C": a("fully")})
    assert [d.level for d in result.domains] == [2, 1]
    assert result.overall_level == 1
    assert result.overall_score == 100.0


# --- gaps and recommendations --------------------------------------------------------


def test_it_computes_the_gap_against_the_target_or_the_default_target() -> None:
    domains = (
        DomainDef("D1", "One", default_target=3),
        DomainDef("D2", "Two", default_target=3),
        DomainDef("D3", "Three", default_target=4),
    )
    framework = fw(q("A", domain="D1"), q("B", domain="D2"), q("C", domain="D3"), domains=domains)
    answers = {"A": a("2"), "B": a("5"), "C": a("3")}
    result = score_assessment(framework, answers, targets={"D1": 5, "D2": 2})
    # D1: 25 -> level 2, target 5 (given) -> gap 3
    # D2: 100 -> level 5, target 2 (given) -> gap -3
    # D3: 50 -> level 3, target 4 (default) -> gap 1
    assert [(d.level, d.target, d.gap) for d in result.domains] == [
        (2, 5, 3),
        (5, 2, -3),
        (3, 4, 1),
    ]


def test_it_recommends_the_next_step_for_each_question_below_target() -> None:
    advice = tuple((level, f"advice {level}") for level in range(2, 6))
    framework = fw(
        q("Q1", weight=2, recommendations=advice),
        q("Q2", recommendations=advice),
        q("Q3", recommendations=advice),
        q("Q4", "practice", practice_level=3, recommendations=((3, "do Q4"),)),
        q("Q5", "practice", practice_level=5, recommendations=((5, "do Q5"),)),
        q("Q6", "practice", practice_level=2, recommendations=((2, "do Q6"),)),
        q("Q7", "practice", practice_level=2, recommendations=((2, "do Q7"),)),
        q("Q8", "practice", practice_level=2),
        q("Q9", "yes_no", recommendations=((2, "say yes"),)),
    )
    answers = {
        "Q1": a("2"),  # level 2 < 4: advice for 3
        # Q2 unanswered: counts as level 1, advice for 2
        "Q3": a("4"),  # at target: nothing
        "Q4": a("partial"),  # practice level 3 <= 4, not met: its advice
        "Q5": a("not"),  # practice level 5 > target 4: nothing
        "Q6": NA,  # N/A: nothing
        "Q7": a("fully"),  # met: nothing
        "Q8": a("not"),  # no advice written: nothing
        "Q9": a("no"),  # yes/no questions get their advice too (found by issue 10)
    }
    result = score_assessment(framework, answers, targets={"D": 4})
    # 8 of 9 answered (N/A counts); score over the 8 non-N/A, Q2 unanswered counting 0:
    # (2 * .25 + 0 + .75 + 1/3 + 0 + 1 + 0 + 0) / 9 * 100 = 28.70 -> level 2, gap 2
    assert domain(result).score == pytest.approx((0.5 + 0.75 + 1 / 3 + 1) / 9 * 100)
    assert domain(result).level == 2
    assert domain(result).gap == 2
    # priority = weight * gap: Q1 4, then Q2, Q4, Q9 at 2 (ties by question order)
    assert [(r.question, r.level, r.text, r.priority) for r in result.recommendations] == [
        ("Q1", 3, "advice 3", 4.0),
        ("Q2", 2, "advice 2", 2.0),
        ("Q4", 3, "do Q4", 2.0),
        ("Q9", 2, "say yes", 2.0),
    ]
    assert result.recommendations[0].domain == "D"
    assert result.recommendations[0].question_text == "Q1?"


def test_one_answer_out_of_nine_is_insufficient_evidence_not_level_5() -> None:
    # Found by issue 10: unanswered questions left the denominator, giving 100 and level 5.
    framework = fw(*(q(f"Q{i}") for i in range(9)))
    result = score_assessment(framework, {"Q0": a("5")})
    assert domain(result).score == pytest.approx(100 / 9)
    assert domain(result).level is None
    assert domain(result).status == "insufficient"
    assert result.overall_level is None
    assert result.status == "insufficient"


def test_an_unanswered_domain_counts_as_zero_in_the_overall() -> None:
    # Found by issue 10: unanswered domains left the overall.
    framework = fw(
        q("A1", domain="A"),
        q("B1", domain="B"),
        domains=(DomainDef("A", "A"), DomainDef("B", "B")),
    )
    result = score_assessment(framework, {"A1": a("5")})
    assert result.overall_score == pytest.approx(50.0)
    assert result.completeness == 0.5
    assert result.overall_level is None


def test_an_all_na_assessment_is_not_assessed_rather_than_complete() -> None:
    framework = fw(q("A"), q("B"))
    result = score_assessment(framework, {"A": NA, "B": NA})
    assert result.status == "not_assessed"
    assert result.overall_score is None
    assert result.overall_level is None


def test_the_completeness_threshold_comes_from_the_framework() -> None:
    framework = fw(*(q(f"Q{i}") for i in range(4)), threshold=0.5)
    result = score_assessment(framework, {"Q0": a("5"), "Q1": a("5")})
    assert domain(result).status == "assessed"
    assert domain(result).level == 3  # (1 + 1 + 0 + 0) / 4 = 50 -> band 40..60


def test_it_orders_recommendations_by_priority_then_domain_then_question() -> None:
    domains = (
        DomainDef("D1", "One", default_target=3),
        DomainDef("D2", "Two", default_target=4),
    )
    advice = ((2, "reach 2"), (3, "reach 3"))
    # D2's questions come first in the question list, D1 comes first among domains.
    framework = fw(
        q("B1", domain="D2", weight=1, recommendations=advice),
        q("B2", domain="D2", weight=3, recommendations=advice),
        q("A2", domain="D1", weight=2, recommendations=advice),
        q("A1", domain="D1", weight=2, recommendations=advice),
        domains=domains,
    )
    answers = {"B1": a("2"), "B2": a("2"), "A2": a("1"), "A1": a("3")}
    result = score_assessment(framework, answers)
    # D1: (2 * 0 + 2 * .5) / 4 * 100 = 25 -> level 2, target 3, gap 1
    # D2: 25 -> level 2, target 4, gap 2
    # B2: 3 * 2 = 6; B1: 1 * 2 = 2; A2: 2 * 1 = 2; A1 at target 3 -> nothing
    # B1 and A2 tie at 2: D1 comes first, whatever the question order.
    assert [(r.question, r.priority) for r in result.recommendations] == [
        ("B2", 6.0),
        ("A2", 2.0),
        ("B1", 2.0),
    ]


def test_it_makes_no_recommendations_for_a_domain_at_or_above_target() -> None:
    advice = ((4, "reach 4"), (5, "reach 5"))
    framework = fw(q("A", recommendations=advice), q("B", recommendations=advice))
    # (0.5 + 0.75) / 2 = 62.5 -> level 4 >= target 3, though A alone is at level 3
    result = score_assessment(framework, {"A": a("3"), "B": a("4")})
    assert domain(result).gap == -1
    assert result.recommendations == ()


def test_it_recommends_the_practices_that_gate_a_gated_domain() -> None:
    framework = fw(
        q("P1", "practice", practice_level=1, recommendations=((1, "do P1"),)),
        q("P2", "practice", practice_level=2, recommendations=((2, "do P2"),), weight=2),
        q("P4", "practice", practice_level=4, recommendations=((4, "do P4"),)),
        method="gated",
        threshold=0.0,
    )
    result = score_assessment(framework, {"P1": a("fully")}, targets={"D": 3})
    # level 1, target 3, gap 2: P2 (2 * 2 = 4); P4 is above the target
    assert domain(result).level == 1
    assert [(r.question, r.priority, r.blocker) for r in result.recommendations] == [
        ("P2", 4.0, True)
    ]


def test_a_level_1_practice_carries_advice() -> None:
    # Found by issue 10: level-1 practices could never carry a recommendation.
    framework = fw(
        q("P1", "practice", practice_level=1, recommendations=((1, "start P1"),)),
        q("P2", "practice", practice_level=2),
        method="gated",
    )
    result = score_assessment(framework, {"P1": a("partial"), "P2": a("fully")})
    assert [(r.question, r.level, r.text) for r in result.recommendations] == [
        ("P1", 1, "start P1")
    ]


def test_blockers_come_first_lowest_level_first_then_weight_times_gap() -> None:
    # Found by issue 10: a heavy non-gating question outranked the practice that blocks.
    framework = fw(
        q("M", weight=10, recommendations=((2, "raise M"), (3, "raise M more"))),
        q("P2", "practice", practice_level=2, recommendations=((2, "do P2"),)),
        q("P1", "practice", practice_level=1, recommendations=((1, "do P1"),)),
        q("P3", "practice", practice_level=3, recommendations=((3, "do P3"),)),
        method="gated",
        threshold=0.0,
    )
    answers = {"M": a("1"), "P1": a("not"), "P2": a("not"), "P3": a("not")}
    result = score_assessment(framework, answers, targets={"D": 3})
    assert domain(result).level == 0
    assert [b.code for b in domain(result).blockers] == ["P1"]
    assert [r.question for r in result.recommendations] == ["P1", "M", "P2", "P3"]
    assert result.recommendations[0].blocker


# --- completeness and export ---------------------------------------------------------


def test_it_measures_completeness_over_scored_questions() -> None:
    domains = (DomainDef("D1", "One"), DomainDef("D2", "Two"))
    framework = fw(
        q("A", domain="D1"),
        q("B", "yes_no", domain="D1"),
        q("C", "numeric", domain="D2"),
        q("D", "practice", domain="D2"),
        q("T", "text", domain="D2"),
        domains=domains,
    )
    answers = {"A": a("3"), "B": NA, "C": a("lots"), "T": a("notes")}
    result = score_assessment(framework, answers)
    # answered: A (value), B (N/A); not: C (invalid), D (missing); T is not scored -> 2 / 4
    assert result.completeness == 0.5
    assert [(d.answered, d.answerable) for d in result.domains] == [(2, 2), (0, 2)]


def test_it_exports_a_json_serialisable_dict_with_full_floats() -> None:
    framework = gated(("P1", 1), ("P2", 2), extra=(q("M", weight=2),))
    answers = {"P1": a("largely"), "P2": a("partial"), "M": a("4")}
    result = score_assessment(framework, answers)
    data = result_to_dict(result)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    # (2/3 + 1/3 + 2 * .75) / 4 * 100 = 62.5
    assert data["overall_score"] == pytest.approx(62.5)
    assert data["method"] == "gated"
    (d,) = data["domains"]
    assert d["level"] == 1
    assert d["blockers"] == [{"code": "P2", "text": "P2?", "practice_level": 2, "value": "partial"}]
    assert d["coverage"] == 0.5
    assert data["recommendations"] == []


def test_it_keeps_full_precision_in_the_export() -> None:
    framework = fw(q("A", "practice"), q("B", "practice"), q("C", "practice"))
    answers = {"A": a("partial"), "B": a("not"), "C": a("not")}
    data = result_to_dict(score_assessment(framework, answers))
    # (1/3 + 0 + 0) / 3 * 100 = 11.111...; not rounded to 11.11
    assert data["domains"][0]["score"] == pytest.approx(100 / 9, abs=1e-12)
    assert data["domains"][0]["score"] != round(100 / 9, 2)


# --- properties ----------------------------------------------------------------------

KINDS = ("maturity", "practice", "yes_no", "numeric", "text")
VALID = {
    "maturity": ("1", "2", "3", "4", "5"),
    "practice": PRACTICE_CHOICES,
    "yes_no": ("no", "yes"),
    "numeric": ("-3", "0", "4.5", "5", "19", "20", "250"),
    "text": ("notes",),
}
ORDERED = ("maturity", "practice", "yes_no")  # kinds with an order of better answers
Case = tuple[FrameworkDef, dict[str, Answer]]
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, database=None)


@st.composite
def assessments(draw: st.DrawFn) -> Case:
    method = draw(st.sampled_from(("average", "gated")))
    n_domains = draw(st.integers(1, 3))
    domains = tuple(
        DomainDef(f"D{i}", f"Domain {i}", weight=draw(st.floats(0.1, 10))) for i in range(n_domains)
    )
    questions: list[QuestionDef] = []
    answers: dict[str, Answer] = {}
    for d in domains:
        for _ in range(draw(st.integers(1, 6))):
            code = f"Q{len(questions)}"
            kind = draw(st.sampled_from(KINDS))
            questions.append(
                q(
                    code,
                    kind,
                    domain=d.code,
                    weight=draw(st.floats(0.1, 100)),
                    **({"practice_level": draw(st.integers(1, 5))} if kind == "practice" else {}),
                )
            )
            answer = draw(
                st.one_of(
                    st.none(),
                    st.just(NA),
                    st.sampled_from(VALID[kind]).map(a),
                    st.text(max_size=6).map(a),  # mostly garbage
                )
            )
            if answer is not None:
                answers[code] = answer
    framework = FrameworkDef(
        method=method,
        bands=BANDS if method == "average" else (),
        domains=domains,
        questions=tuple(questions),
    )
    return framework, answers


@PROPERTY_SETTINGS
@given(assessments())
def test_it_keeps_every_score_between_0_and_100_and_never_nan(case: Case) -> None:
    framework, answers = case
    result = score_assessment(framework, answers)
    scores = [d.score for d in result.domains] + [result.overall_score]
    for score in scores:
        assert score is None or (not math.isnan(score) and 0.0 <= score <= 100.0)
    assert 0.0 <= result.completeness <= 1.0
    for d in result.domains:
        assert d.coverage is None or 0.0 <= d.coverage <= 1.0
        assert d.level is None or 0 <= d.level <= 5
        if d.status != "assessed":
            assert d.level is None
    json.dumps(result_to_dict(result), allow_nan=False)
    assert score_assessment(framework, answers) == result  # deterministic


@PROPERTY_SETTINGS
@given(assessments(), st.data())
def test_it_never_lowers_a_score_when_one_answer_improves(case: Case, data: st.DataObject) -> None:
    framework, answers = case
    improvements = {
        question: better
        for question in framework.questions
        if question.kind in ORDERED
        and (current := answer_score(question, answers.get(question.code))) is not None
        and (better := [v for v in VALID[question.kind] if answer_score(question, a(v)) > current])
    }
    if not improvements:
        return
    question = data.draw(st.sampled_from(sorted(improvements, key=lambda item: item.code)))
    better = data.draw(st.sampled_from(improvements[question]))
    before = score_assessment(framework, answers)
    after = score_assessment(framework, {**answers, question.code: a(better)})

    old, new = domain(before, question.domain), domain(after, question.domain)
    assert new.score >= old.score
    assert after.overall_score >= before.overall_score
    if old.level is not None:
        assert new.level >= old.level


@PROPERTY_SETTINGS
@given(assessments(), st.randoms(use_true_random=False))
def test_it_does_not_depend_on_question_order(case: Case, random: Random) -> None:
    framework, answers = case
    shuffled = list(framework.questions)
    random.shuffle(shuffled)
    before = score_assessment(framework, answers)
    after = score_assessment(
        FrameworkDef(framework.method, framework.bands, framework.domains, tuple(shuffled)),
        answers,
    )
    assert after.overall_score == before.overall_score
    assert after.overall_level == before.overall_level
    assert after.completeness == before.completeness
    for old, new in zip(before.domains, after.domains, strict=True):
        assert (new.score, new.level, new.coverage, new.gap) == (
            old.score,
            old.level,
            old.coverage,
            old.gap,
        )
        assert sorted(new.blockers, key=repr) == sorted(old.blockers, key=repr)
    assert sorted(after.recommendations, key=repr) == sorted(before.recommendations, key=repr)


@PROPERTY_SETTINGS
@given(assessments(), st.floats(0.1, 100))
def test_it_does_not_treat_not_applicable_as_zero(case: Case, weight: float) -> None:
    framework, answers = case
    extra = q("X", "practice", domain=framework.domains[0].code, weight=weight)
    with_extra = FrameworkDef(
        framework.method, framework.bands, framework.domains, (*framework.questions, extra)
    )
    without = domain(score_assessment(framework, answers), extra.domain)
    as_na = domain(score_assessment(with_extra, {**answers, "X": NA}), extra.domain)
    as_not = domain(score_assessment(with_extra, {**answers, "X": a("not")}), extra.domain)

    # N/A is as if the question were not there...
    assert as_na.score == without.score
    # ...while "not" adds a zero to the mean: 0 alone, otherwise lower unless already 0.
    if without.score is None:
        assert as_not.score == 0.0
    else:
        assert as_not.score <= without.score
        if without.score > 0:
            assert as_not.score < without.score


def test_it_scores_a_lone_not_practice_zero_but_a_lone_na_practice_nothing() -> None:
    framework = fw(q("P", "practice"), q("M"))
    assert domain(score_assessment(framework, {"P": a("not")})).score == 0.0
    assert domain(score_assessment(framework, {"P": NA})).score is None
    # With another answer, N/A leaves the score to it: M at 4 -> 75; "not" halves it.
    assert domain(score_assessment(framework, {"P": NA, "M": a("4")})).score == 75.0
    assert domain(score_assessment(framework, {"P": a("not"), "M": a("4")})).score == 37.5
