"""Answer kinds, each defined once: what its question needs, how an answer is parsed,
normalised, scored, labelled, entered and exported.

Pure: no ORM and no request. The framework schema, the answer form, the services,
scoring, presentation, exports and the demo data all ask a kind here rather than
testing `kind == "..."` themselves, so adding a kind is adding one class below (and
its name to `KindName`) with its tests.

Stored values are text: maturity "1".."5"; practice one of `PRACTICE_CHOICES`;
yes_no "yes"/"no"; numeric a plain decimal ("12.5"); text free text; choice and
option the number ("1".."n") of one of the question's listed choices.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Final, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type KindName = Literal["maturity", "practice", "yes_no", "numeric", "text", "choice", "option"]

SCALE_SIZE: Final = 5
MAX_CHOICES: Final = 20
MAX_TEXT: Final = 4000
PRACTICE_CHOICES: Final = ("not", "partial", "largely", "fully")
PRACTICE_SCORES: Final[Mapping[str, float]] = {
    "not": 0.0,
    "partial": 1 / 3,
    "largely": 2 / 3,
    "fully": 1.0,
}
MET_PRACTICE: Final = frozenset({"largely", "fully"})
PRACTICE_LABELS: Final[Mapping[str, Promise]] = {
    "not": _("Not implemented"),
    "partial": _("Partially implemented"),
    "largely": _("Largely implemented"),
    "fully": _("Fully implemented"),
}
YES_NO_SCORES: Final[Mapping[str, float]] = {"yes": 1.0, "no": 0.0}
YES_NO_LABELS: Final[Mapping[str, Promise]] = {"yes": _("Yes"), "no": _("No")}

Threshold = tuple[float, float]  # (min, score), min strictly increasing


@dataclass(frozen=True)
class Spec:
    """The kind-specific fields of one question, whatever holds them (file or row)."""

    levels: Sequence[str] = ()  # maturity: one descriptor per level
    practice_level: int | None = None
    thresholds: Sequence[Threshold] = ()
    recommendations: Mapping[int, str] = field(default_factory=dict)
    unit: str = ""


class InvalidValue(ValueError):
    """A value that does not fit the question's kind; the message is for the user."""


def clean_text(value: object) -> str | None:
    """The stripped text of a value, or None when there is no usable text."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


class Kind:
    """One answer kind. Subclasses set the class variables and override what differs."""

    name: ClassVar[str]
    label: ClassVar[Promise]
    scored: ClassVar[bool] = True
    # How the questionnaire renders it: "choice" (radio cards), "number" or "text".
    widget: ClassVar[str] = "choice"

    # -- the framework file ------------------------------------------------------------
    # The kind-specific fields this kind takes; the others must be left empty.
    uses: ClassVar[frozenset[str]] = frozenset()
    FIELD_OWNERS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("levels", "'levels' descriptors are only for 'maturity' questions"),
        ("practice_level", "'practice_level' is only for 'practice' questions"),
        ("thresholds", "'thresholds' are only for 'numeric' questions"),
    )

    def check_spec(self, spec: Spec) -> None:
        """Raise ValueError (in English, for framework authors) when the question's
        kind-specific fields do not fit."""
        for name, message in self.FIELD_OWNERS:
            if name not in self.uses and getattr(spec, name) not in (None, (), []):
                raise ValueError(message)

    # -- answering ---------------------------------------------------------------------
    def normalise(self, raw: str) -> str:
        """The stored form of a submitted value ("" for no answer); InvalidValue if bad."""
        return (raw or "").strip()

    def choices(self, spec: Spec, level_names: Mapping[int, str]) -> list[tuple[str, str]]:
        """(value, label) pairs offered by the form; empty for free entry."""
        return []

    # -- scoring -----------------------------------------------------------------------
    def score(self, value: object, *, thresholds: Iterable[Threshold] = ()) -> float | None:
        """The answer's score in [0, 1]; None when unscored or invalid. Never raises."""
        return None

    def is_valid(self, value: object, *, thresholds: Iterable[Threshold] = ()) -> bool:
        """True when `value` is a usable stored answer of this kind."""
        if self.scored:
            return self.score(value, thresholds=thresholds) is not None
        return clean_text(value) is not None

    # -- display and export ------------------------------------------------------------
    def display(
        self,
        value: str,
        *,
        level_names: Mapping[int, str],
        unit: str = "",
        descriptors: Sequence[str] = (),
    ) -> str:
        """A stored value as a reader sees it (non-empty `value`)."""
        return value

    def export_cell(self, value: str) -> str | float | int:
        """A stored value as a spreadsheet cell: numbers stay numbers."""
        return value

    # -- demo data ---------------------------------------------------------------------
    def sample(self, spec: Spec, *, maturity: float, rng: random.Random) -> str:
        """A plausible answer for an organisation of the given maturity (1..5)."""
        return rng.choice(["", "See the attached annual report.", "Discussed with our advisor."])


class Maturity(Kind):
    name = "maturity"
    label = _("Maturity level")

    uses = frozenset({"levels"})

    def check_spec(self, spec: Spec) -> None:
        if len(spec.levels) != SCALE_SIZE:
            raise ValueError(
                f"a 'maturity' question needs exactly {SCALE_SIZE} level descriptors "
                f"(one per level), got {len(spec.levels)}"
            )
        if 1 in spec.recommendations:
            raise ValueError(
                "a 'maturity' question's advice is for reaching levels 2..5 (1 is the floor)"
            )
        super().check_spec(spec)

    def normalise(self, raw: str) -> str:
        value = super().normalise(raw)
        if value and self.level(value) is None:
            raise InvalidValue(str(_("Choose one of the five levels.")))
        return value

    def choices(self, spec: Spec, level_names: Mapping[int, str]) -> list[tuple[str, str]]:
        return [
            (str(i), f"{level_names.get(i, i)}: {text}")
            for i, text in enumerate(spec.levels, start=1)
        ]

    @staticmethod
    def level(value: object) -> int | None:
        text = clean_text(value)
        if text is None or not (text.isascii() and text.isdigit()):
            return None
        level = int(text)
        return level if 1 <= level <= SCALE_SIZE else None

    def score(self, value: object, *, thresholds: Iterable[Threshold] = ()) -> float | None:
        level = self.level(value)
        return None if level is None else (level - 1) / (SCALE_SIZE - 1)

    def display(
        self,
        value: str,
        *,
        level_names: Mapping[int, str],
        unit: str = "",
        descriptors: Sequence[str] = (),
    ) -> str:
        level = self.level(value)
        return f"{value} · {level_names.get(level, value)}" if level else value

    def export_cell(self, value: str) -> str | float | int:
        level = self.level(value)
        return value if level is None else level

    def sample(self, spec: Spec, *, maturity: float, rng: random.Random) -> str:
        return str(round(min(SCALE_SIZE, max(1, rng.gauss(maturity, 0.8)))))


class _Labelled(Kind):
    """A kind answered by one of a fixed set of labelled choices."""

    labels: ClassVar[Mapping[str, Promise]]
    scores: ClassVar[Mapping[str, float]]
    invalid_message: ClassVar[Promise]

    def normalise(self, raw: str) -> str:
        value = super().normalise(raw)
        if value and value not in self.labels:
            raise InvalidValue(str(self.invalid_message))
        return value

    def choices(self, spec: Spec, level_names: Mapping[int, str]) -> list[tuple[str, str]]:
        return [(key, str(label)) for key, label in self.labels.items()]

    def score(self, value: object, *, thresholds: Iterable[Threshold] = ()) -> float | None:
        text = clean_text(value)
        return None if text is None else self.scores.get(text.lower())

    def display(
        self,
        value: str,
        *,
        level_names: Mapping[int, str],
        unit: str = "",
        descriptors: Sequence[str] = (),
    ) -> str:
        return str(self.labels.get(value, value))


class Practice(_Labelled):
    name = "practice"
    label = _("Practice")
    labels = PRACTICE_LABELS
    scores = PRACTICE_SCORES
    invalid_message = _("Choose how far the practice is implemented.")

    uses = frozenset({"practice_level"})

    def check_spec(self, spec: Spec) -> None:
        if spec.practice_level is None:
            raise ValueError("a 'practice' question needs 'practice_level'")
        super().check_spec(spec)

    @staticmethod
    def is_met(value: object) -> bool:
        """Largely or Fully implemented: the pass mark of a gated level."""
        text = clean_text(value)
        return text is not None and text.lower() in MET_PRACTICE

    def sample(self, spec: Spec, *, maturity: float, rng: random.Random) -> str:
        x = rng.gauss(maturity - (spec.practice_level or 1), 0.9)
        return "fully" if x > 1 else "largely" if x > -0.2 else "partial" if x > -1.2 else "not"


class YesNo(_Labelled):
    name = "yes_no"
    label = _("Yes / no")
    labels = YES_NO_LABELS
    scores = YES_NO_SCORES
    invalid_message = _("Answer yes or no.")

    def sample(self, spec: Spec, *, maturity: float, rng: random.Random) -> str:
        return "yes" if rng.random() < maturity / SCALE_SIZE else "no"


class Numeric(Kind):
    name = "numeric"
    label = _("Number")
    widget = "number"
    LIMIT: ClassVar[Decimal] = Decimal("1e12")

    uses = frozenset({"thresholds"})

    def check_spec(self, spec: Spec) -> None:
        if not spec.thresholds:
            raise ValueError("a 'numeric' question needs 'thresholds'")
        minimums = [minimum for minimum, _score in spec.thresholds]
        if any(b <= a for a, b in zip(minimums, minimums[1:], strict=False)):
            raise ValueError("threshold 'min' values must increase strictly")
        super().check_spec(spec)

    def normalise(self, raw: str) -> str:
        value = super().normalise(raw)
        if not value:
            return value
        message = _("Enter a number, for example 12 or 3.5.")
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            raise InvalidValue(str(message)) from None
        if not number.is_finite() or abs(number) > self.LIMIT:
            raise InvalidValue(str(message))
        if number < 0:
            raise InvalidValue(str(_("Enter a number that is zero or more.")))
        return format(number.normalize(), "f")

    @staticmethod
    def number(value: object) -> float | None:
        text = clean_text(value)
        if text is None:
            return None
        try:
            number = float(text)
        except (ValueError, OverflowError):
            return None
        return number if math.isfinite(number) else None

    def score(self, value: object, *, thresholds: Iterable[Threshold] = ()) -> float | None:
        number = self.number(value)
        if number is None:
            return None
        reached = [(minimum, score) for minimum, score in thresholds if minimum <= number]
        if not reached:
            return 0.0
        score = max(reached)[1]
        return 0.0 if math.isnan(score) else min(max(score, 0.0), 1.0)

    def display(
        self,
        value: str,
        *,
        level_names: Mapping[int, str],
        unit: str = "",
        descriptors: Sequence[str] = (),
    ) -> str:
        return f"{value} {unit}" if unit else value

    def export_cell(self, value: str) -> str | float | int:
        number = self.number(value)
        if number is None:
            return value
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def sample(self, spec: Spec, *, maturity: float, rng: random.Random) -> str:
        top = max((minimum for minimum, _score in spec.thresholds), default=10) or 10
        return f"{max(0.0, rng.gauss(maturity / SCALE_SIZE * top, top / 4)):.0f}"


class Text(Kind):
    name = "text"
    label = _("Free text")
    scored = False
    widget = "text"

    def check_spec(self, spec: Spec) -> None:
        if spec.recommendations:
            raise ValueError("'text' questions are not scored and take no recommendations")
        super().check_spec(spec)

    def normalise(self, raw: str) -> str:
        value = super().normalise(raw)
        if len(value) > MAX_TEXT:
            raise InvalidValue(
                str(_("Keep the answer under %(max)d characters.") % {"max": MAX_TEXT})
            )
        return value


class Choice(Kind):
    """One of the question's own listed choices, each with its score.

    The question's `levels` hold the choice labels (in order) and its
    `thresholds` hold, for choice number i, the pair (i, score): so each choice's
    score lives in the framework data, as CISO Assistant's `add_score` does.
    """

    name = "choice"
    label = _("Choice")

    uses = frozenset({"levels", "thresholds"})

    def check_spec(self, spec: Spec) -> None:
        if not 2 <= len(spec.levels) <= MAX_CHOICES:
            raise ValueError(
                f"a '{self.name}' question lists 2 to {MAX_CHOICES} choices in 'levels', "
                f"got {len(spec.levels)}"
            )
        self._check_scores(spec)
        super().check_spec(spec)

    def _check_scores(self, spec: Spec) -> None:
        minimums = [minimum for minimum, _score in spec.thresholds]
        if minimums != list(range(1, len(spec.levels) + 1)):
            raise ValueError(
                "a 'choice' question gives one score per choice in 'thresholds' "
                "({min: <choice number>, score: <0..1>}, for choices 1..n in order)"
            )

    def normalise(self, raw: str) -> str:
        value = super().normalise(raw)
        if value and self.number(value) is None:
            raise InvalidValue(str(_("Choose one of the listed answers.")))
        return value

    @staticmethod
    def number(value: object) -> int | None:
        text = clean_text(value)
        if text is None or not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
        return number if 1 <= number <= MAX_CHOICES else None

    def choices(self, spec: Spec, level_names: Mapping[int, str]) -> list[tuple[str, str]]:
        return [(str(i), text) for i, text in enumerate(spec.levels, start=1)]

    def score(self, value: object, *, thresholds: Iterable[Threshold] = ()) -> float | None:
        number = self.number(value)
        if number is None:
            return None
        for index, score in thresholds:
            if index == number:
                return min(max(score, 0.0), 1.0)
        return None

    def display(
        self,
        value: str,
        *,
        level_names: Mapping[int, str],
        unit: str = "",
        descriptors: Sequence[str] = (),
    ) -> str:
        number = self.number(value)
        if number is not None and number <= len(descriptors):
            return descriptors[number - 1]
        return value

    def export_cell(self, value: str) -> str | float | int:
        number = self.number(value)
        return value if number is None else number

    def sample(self, spec: Spec, *, maturity: float, rng: random.Random) -> str:
        return str(rng.randint(1, len(spec.levels))) if spec.levels else ""


class Option(Choice):
    """One of the question's listed choices, not scored (a qualifying question)."""

    name = "option"
    label = _("Choice (not scored)")
    scored = False

    uses = frozenset({"levels"})

    def _check_scores(self, spec: Spec) -> None:
        if spec.thresholds:
            raise ValueError("an 'option' question is not scored and takes no 'thresholds'")

    def check_spec(self, spec: Spec) -> None:
        if spec.recommendations:
            raise ValueError("'option' questions are not scored and take no recommendations")
        super().check_spec(spec)

    def is_valid(self, value: object, *, thresholds: Iterable[Threshold] = ()) -> bool:
        return self.number(value) is not None


MATURITY: Final = Maturity()
PRACTICE: Final = Practice()
YES_NO: Final = YesNo()
NUMERIC: Final = Numeric()
TEXT: Final = Text()
CHOICE: Final = Choice()
OPTION: Final = Option()
KINDS: Final[Mapping[str, Kind]] = {
    k.name: k for k in (MATURITY, PRACTICE, YES_NO, NUMERIC, TEXT, CHOICE, OPTION)
}
SCORED_KINDS: Final = frozenset(name for name, kind in KINDS.items() if kind.scored)
CHOICES: Final = [(name, kind.label) for name, kind in KINDS.items()]


def get(name: str) -> Kind:
    """The kind called `name`; unknown names (never stored: the schema refuses them)
    behave as unscored text so that reading old data never raises."""
    return KINDS.get(name, TEXT)
