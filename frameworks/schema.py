"""The framework file format, as a strict pydantic schema.

A framework file is YAML (see `frameworks/README.md` for an annotated example).
Unknown keys are rejected everywhere, strings and lists are bounded, and the
cross-field rules (unique codes, one descriptor per level, practice levels
inside the scale, increasing thresholds...) are checked here so that the
importer only ever stores a framework that scoring can rely on.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from frameworks import kinds
from frameworks.kinds import SCALE_SIZE

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
LANG_PATTERN = r"^[a-z]{2}(-[A-Za-z]{2,4})?$"

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=8_000)]
Weight = Annotated[float, Field(gt=0, le=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Licence(Strict):
    notice: Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
    source: Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
    redistributable: bool


class Level(Strict):
    level: Annotated[int, Field(ge=1, le=SCALE_SIZE)]
    name: Name
    description: ShortText = ""


class Band(Strict):
    level: Annotated[int, Field(ge=1, le=SCALE_SIZE)]
    min_score: Annotated[float, Field(ge=0, le=100)]


class Scoring(Strict):
    method: Literal["average", "gated"]
    bands: Annotated[list[Band], Field(max_length=SCALE_SIZE)] = []
    # Share of a domain's scored questions that must be answered (N/A counts) before it
    # gets a level; below it the domain reads "insufficient evidence".
    completeness: Annotated[float, Field(ge=0.0, le=1.0)] = 0.8
    # Earlier version labels of this framework whose validated results may be compared
    # with this one's as peers (same questions and weights in substance).
    comparable_with: Annotated[
        list[Annotated[str, StringConstraints(max_length=32)]], Field(max_length=20)
    ] = []

    @model_validator(mode="after")
    def _bands_fit_method(self) -> Scoring:
        if self.method == "gated":
            if self.bands:
                raise ValueError("bands are only used by the 'average' method")
            return self
        levels = [band.level for band in self.bands]
        if levels != list(range(1, SCALE_SIZE + 1)):
            raise ValueError(
                f"'average' scoring needs one band per level 1..{SCALE_SIZE}, in order"
            )
        minimums = [band.min_score for band in self.bands]
        if minimums[0] != 0:
            raise ValueError("the band of level 1 must start at min_score 0")
        if any(b <= a for a, b in zip(minimums, minimums[1:], strict=False)):
            raise ValueError("band min_score values must increase strictly")
        return self


class Threshold(Strict):
    min: Annotated[float, Field(allow_inf_nan=False)]
    score: Annotated[float, Field(ge=0, le=1)]


PracticeKey = Literal["not", "partial", "largely", "fully"]
SizeBand = Literal["small", "medium", "large"]


class PracticePoint(Strict):
    """One point of the practice scale, with the observable criteria that earn it."""

    label: Name
    criteria: ShortText


class Question(Strict):
    code: Code
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]
    guidance: LongText = ""
    kind: kinds.KindName
    weight: Weight = 1.0
    allow_na: bool = False
    required: bool = True  # default filled in by `_default_required`: False for 'text'
    evidence_hint: ShortText = ""
    levels: Annotated[list[ShortText], Field(max_length=kinds.MAX_CHOICES)] = []
    practice_level: Annotated[int, Field(ge=1, le=SCALE_SIZE)] | None = None
    thresholds: Annotated[list[Threshold], Field(max_length=20)] = []
    # 'numeric' only: thresholds for countries of another size band, replacing
    # `thresholds` (which hold for "medium") so that small and large countries are not
    # scored on one absolute ruler.
    thresholds_by_band: dict[
        SizeBand, Annotated[list[Threshold], Field(min_length=1, max_length=20)]
    ] = {}
    unit: Annotated[str, StringConstraints(max_length=40)] = ""
    recommendations: dict[Annotated[int, Field(ge=1, le=SCALE_SIZE)], LongText] = {}
    # Codes of the framework's `tags` (e.g. implementation groups) this question belongs to.
    tags: Annotated[list[Code], Field(max_length=20)] = []

    @model_validator(mode="before")
    @classmethod
    def _default_required(cls, data: object) -> object:
        # Resolve the default here, so that writing it out is not a change of content.
        if isinstance(data, dict) and data.get("required") is None:
            return {**data, "required": data.get("kind") != "text"}
        return data

    @model_validator(mode="after")
    def _bands_fit_kind(self) -> Question:
        if self.thresholds_by_band and self.kind != "numeric":
            raise ValueError("'thresholds_by_band' is only for 'numeric' questions")
        for band, thresholds in self.thresholds_by_band.items():
            minimums = [t.min for t in thresholds]
            if any(b <= a for a, b in zip(minimums, minimums[1:], strict=False)):
                raise ValueError(f"thresholds_by_band.{band}: 'min' values must increase strictly")
        return self

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Question:
        kinds.get(self.kind).check_spec(
            kinds.Spec(
                levels=self.levels,
                practice_level=self.practice_level,
                thresholds=[(t.min, t.score) for t in self.thresholds],
                recommendations=self.recommendations,
            )
        )
        return self

    @property
    def is_required(self) -> bool:
        return self.required


class Tag(Strict):
    """A label questions can carry, e.g. an implementation group or a profile."""

    code: Code
    name: Name
    description: ShortText = ""


class SubDomain(Strict):
    code: Code
    name: Name
    description: ShortText = ""
    questions: Annotated[list[Question], Field(min_length=1, max_length=200)]


class Domain(Strict):
    code: Code
    name: Name
    description: ShortText = ""
    weight: Weight = 1.0
    target_level: Annotated[int, Field(ge=1, le=SCALE_SIZE)] = 3
    questions: Annotated[list[Question], Field(max_length=200)] = []
    subdomains: Annotated[list[SubDomain], Field(max_length=30)] = []

    @model_validator(mode="after")
    def _has_questions(self) -> Domain:
        if not self.questions and not self.subdomains:
            raise ValueError("a domain needs 'questions' or 'subdomains'")
        return self

    def all_questions(self) -> list[Question]:
        return [*self.questions, *(q for sub in self.subdomains for q in sub.questions)]


class QuestionText(Strict):
    text: ShortText = ""
    unit: Annotated[str, StringConstraints(max_length=40)] = ""
    guidance: LongText = ""
    evidence_hint: ShortText = ""
    levels: Annotated[list[ShortText], Field(max_length=kinds.MAX_CHOICES)] = []
    recommendations: dict[Annotated[int, Field(ge=1, le=SCALE_SIZE)], LongText] = {}


class NodeText(Strict):
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    description: ShortText = ""


class PracticeText(Strict):
    label: Annotated[str, StringConstraints(max_length=200)] = ""
    criteria: ShortText = ""


class Translation(Strict):
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    description: LongText = ""
    practice_scale: dict[PracticeKey, PracticeText] = {}
    scale: dict[Annotated[int, Field(ge=1, le=SCALE_SIZE)], NodeText] = {}
    domains: dict[Code, NodeText] = {}
    questions: dict[Code, QuestionText] = {}


class FrameworkFile(Strict):
    id: Annotated[str, StringConstraints(pattern=ID_PATTERN)]
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$")]
    name: Name
    description: LongText = ""
    licence: Licence
    scale: Annotated[list[Level], Field(min_length=SCALE_SIZE, max_length=SCALE_SIZE)]
    scoring: Scoring
    # The practice scale's four points defined with observable criteria (shown beside
    # the answers); optional, but then all four.
    practice_scale: dict[PracticeKey, PracticePoint] = {}
    domains: Annotated[list[Domain], Field(min_length=1, max_length=50)]
    translations: dict[Annotated[str, StringConstraints(pattern=LANG_PATTERN)], Translation] = {}
    tags: Annotated[list[Tag], Field(max_length=50)] = []

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        # `version: 1.0` in YAML is a float; accept it as the text the author wrote.
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )

    @field_validator("scale")
    @classmethod
    def _scale_in_order(cls, scale: list[Level]) -> list[Level]:
        if [level.level for level in scale] != list(range(1, SCALE_SIZE + 1)):
            raise ValueError(f"the scale must list levels 1..{SCALE_SIZE} in order")
        return scale

    @model_validator(mode="after")
    def _codes_are_unique(self) -> FrameworkFile:
        seen: dict[str, str] = {}
        questions: dict[str, str] = {}

        def claim(registry: dict[str, str], code: str, place: str, what: str) -> None:
            if code in registry:
                raise ValueError(
                    f"{place}.code: duplicate {what} code {code!r} (first at {registry[code]})"
                )
            registry[code] = place

        for i, domain in enumerate(self.domains):
            claim(seen, domain.code, f"domains[{i}]", "domain")
            for j, sub in enumerate(domain.subdomains):
                claim(seen, sub.code, f"domains[{i}].subdomains[{j}]", "domain")
        for i, domain in enumerate(self.domains):
            for j, question in enumerate(domain.questions):
                claim(questions, question.code, f"domains[{i}].questions[{j}]", "question")
            for j, sub in enumerate(domain.subdomains):
                for k, question in enumerate(sub.questions):
                    place = f"domains[{i}].subdomains[{j}].questions[{k}]"
                    claim(questions, question.code, place, "question")
        for domain in self.domains:
            if self.scoring.method != "gated":
                continue
            tagged = [q.practice_level for q in domain.all_questions() if q.kind == "practice"]
            if not tagged:
                raise ValueError(
                    f"domain {domain.code!r}: 'gated' scoring needs a 'practice' question"
                )
            if domain.target_level > max(t for t in tagged if t is not None):
                raise ValueError(
                    f"domain {domain.code!r}: target_level {domain.target_level} is above its "
                    f"highest practice level {max(t for t in tagged if t is not None)}, "
                    "so it could never be reached"
                )
        if self.practice_scale and set(self.practice_scale) != set(kinds.PRACTICE_CHOICES):
            raise ValueError(
                "practice_scale: define all four points (not, partial, largely, fully)"
            )
        if not any(kinds.get(q.kind).scored for d in self.domains for q in d.all_questions()):
            raise ValueError("the framework has no scored question")
        tag_codes = [t.code for t in self.tags]
        if len(set(tag_codes)) != len(tag_codes):
            raise ValueError("tags: duplicate tag codes")
        for domain in self.domains:
            for q in domain.all_questions():
                unknown_tags = set(q.tags) - set(tag_codes)
                if unknown_tags:
                    raise ValueError(
                        f"question {q.code!r}: unknown tags {sorted(unknown_tags)} "
                        "(list them under 'tags')"
                    )
        for lang, translation in self.translations.items():
            unknown = set(translation.questions) - set(questions)
            if unknown:
                raise ValueError(f"translations.{lang}: unknown question codes {sorted(unknown)}")
            unknown = set(translation.domains) - set(seen)
            if unknown:
                raise ValueError(f"translations.{lang}: unknown domain codes {sorted(unknown)}")
        return self
