"""Each answer kind, defined once in frameworks/kinds.py."""

from __future__ import annotations

import random
import typing

import pytest

from frameworks import kinds

LEVELS = {1: "Start-up", 2: "Formative", 3: "Established", 4: "Strategic", 5: "Dynamic"}


def test_the_schema_literal_names_exactly_the_defined_kinds():
    literal = typing.get_args(kinds.KindName.__value__)
    assert set(literal) == set(kinds.KINDS)


def test_every_kind_but_text_and_option_is_scored():
    assert kinds.SCORED_KINDS == {"maturity", "practice", "yes_no", "numeric", "choice"}


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("maturity", " 3 ", "3"),
        ("practice", "largely", "largely"),
        ("yes_no", "no", "no"),
        ("numeric", "3,50", "3.5"),
        ("numeric", "12", "12"),
        ("text", "  some words ", "some words"),
        ("maturity", "", ""),
    ],
)
def test_it_normalises_a_valid_answer(kind, raw, stored):
    assert kinds.get(kind).normalise(raw) == stored


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("maturity", "6", "Choose one of the five levels."),
        ("maturity", "0", "Choose one of the five levels."),
        ("practice", "mostly", "Choose how far the practice is implemented."),
        ("yes_no", "maybe", "Answer yes or no."),
        ("numeric", "about twenty", "Enter a number, for example 12 or 3.5."),
        ("numeric", "nan", "Enter a number, for example 12 or 3.5."),
        ("numeric", "-1", "Enter a number that is zero or more."),
        ("text", "x" * (kinds.MAX_TEXT + 1), "Keep the answer under 4000 characters."),
    ],
)
def test_it_refuses_an_invalid_answer_with_a_message_for_the_user(kind, raw, message):
    with pytest.raises(kinds.InvalidValue, match=message):
        kinds.get(kind).normalise(raw)


@pytest.mark.parametrize(
    ("kind", "value", "score"),
    [
        ("maturity", "1", 0.0),
        ("maturity", "4", 0.75),
        ("practice", "partial", 1 / 3),
        ("practice", "FULLY", 1.0),
        ("yes_no", "yes", 1.0),
        ("numeric", "7", 0.5),
        ("numeric", "1", 0.0),
        ("numeric", "100", 1.0),
        ("text", "anything", None),
        ("maturity", "9", None),
        ("numeric", "inf", None),
    ],
)
def test_it_scores_a_stored_value(kind, value, score):
    thresholds = [(5.0, 0.5), (10.0, 1.0)]
    assert kinds.get(kind).score(value, thresholds=thresholds) == (
        pytest.approx(score) if score is not None else None
    )


def test_only_largely_and_fully_meet_a_practice():
    assert [v for v in kinds.PRACTICE_CHOICES if kinds.PRACTICE.is_met(v)] == ["largely", "fully"]


def test_labels_and_export_cells_read_as_a_person_expects():
    assert kinds.MATURITY.display("3", level_names=LEVELS) == "3 · Established"
    assert kinds.PRACTICE.display("partial", level_names=LEVELS) == "Partially implemented"
    assert kinds.NUMERIC.display("12", level_names=LEVELS, unit="FTE") == "12 FTE"
    assert kinds.MATURITY.export_cell("3") == 3
    assert kinds.NUMERIC.export_cell("3.5") == 3.5
    assert kinds.YES_NO.export_cell("yes") == "yes"


def test_choice_kinds_offer_their_choices_and_free_kinds_none():
    descriptors = [f"descriptor {i}" for i in range(1, 6)]
    maturity = kinds.MATURITY.choices(kinds.Spec(levels=descriptors), LEVELS)
    assert maturity[0] == ("1", "Start-up: descriptor 1")
    assert [v for v, _ in kinds.PRACTICE.choices(kinds.Spec(), {})] == list(kinds.PRACTICE_CHOICES)
    assert kinds.NUMERIC.choices(kinds.Spec(), {}) == []
    assert {k.widget for k in kinds.KINDS.values()} == {"choice", "number", "text"}


@pytest.mark.parametrize(
    ("kind", "spec", "message"),
    [
        ("maturity", {"levels": ["a"] * 4}, "exactly 5 level descriptors"),
        ("practice", {}, "needs 'practice_level'"),
        ("numeric", {}, "needs 'thresholds'"),
        ("numeric", {"thresholds": [(5.0, 0.0), (5.0, 1.0)]}, "must increase strictly"),
        ("yes_no", {"levels": ["a"] * 5}, "only for 'maturity'"),
        ("text", {"recommendations": {2: "x"}}, "take no recommendations"),
    ],
)
def test_it_refuses_question_fields_that_do_not_fit_the_kind(kind, spec, message):
    with pytest.raises(ValueError, match=message):
        kinds.get(kind).check_spec(kinds.Spec(**spec))


def test_demo_samples_are_valid_answers_of_their_kind():
    rng = random.Random(1)
    for kind in kinds.KINDS.values():
        for maturity in (1.0, 3.0, 5.0):
            spec = kinds.Spec(practice_level=2, thresholds=[(0.0, 0.0), (5.0, 1.0)])
            value = kind.sample(spec, maturity=maturity, rng=rng)
            assert value == "" or kind.normalise(value) == value


def test_an_unknown_stored_kind_reads_as_unscored_text():
    assert kinds.get("essay") is kinds.TEXT
