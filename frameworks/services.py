"""Storing validated framework files."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from frameworks.loader import LoadedFramework
from frameworks.models import Domain, Framework, Question
from frameworks.schema import FrameworkFile
from frameworks.schema import Question as QuestionSpec


@dataclass(frozen=True)
class ImportOutcome:
    name: str
    key: str
    revision: int
    status: str  # "created", "new revision", "unchanged"


class VersionClash(ValueError):
    """Changed content under a version label that is already stored."""


def _outcome_for(item: LoadedFramework) -> tuple[str, int]:
    """Unchanged when a stored revision has this content; else a new revision.

    A version label names one content for good: changed content under a stored label
    is refused (raise VersionClash), and re-importing an earlier file finds the
    revision it became ("unchanged"), so the newest revision stays the newest version.
    """
    stored = list(
        Framework.objects.filter(key=item.spec.id)
        .order_by("-revision")
        .values_list("revision", "version", "content_hash")
    )
    for revision, _version, content in stored:
        if content == item.content_hash:
            return "unchanged", revision
    for revision, version, _content in stored:
        if version == item.spec.version:
            raise VersionClash(
                f"{item.path.name}: version {version!r} of {item.spec.id!r} is already stored "
                f"(revision {revision}) with different content; give the changed file a new "
                "'version' label"
            )
    return ("created", 1) if not stored else ("new revision", stored[0][0] + 1)


def frameworks_import(
    *, loaded: list[LoadedFramework], dry_run: bool = False
) -> list[ImportOutcome]:
    """Store every loaded framework in one transaction; unchanged ones are skipped."""
    outcomes = []
    with transaction.atomic():
        for item in loaded:
            status, revision = _outcome_for(item)
            if status != "unchanged" and not dry_run:
                _store(item, revision)
            outcomes.append(
                ImportOutcome(
                    name=item.path.name, key=item.spec.id, revision=revision, status=status
                )
            )
    return outcomes


def _question_row(
    framework: Framework, domain: Domain, section: Domain | None, q: QuestionSpec, position: int
) -> Question:
    return Question(
        framework=framework,
        domain=domain,
        section=section,
        code=q.code,
        text=q.text,
        guidance=q.guidance,
        kind=q.kind,
        weight=q.weight,
        allow_na=q.allow_na,
        required=q.is_required,
        evidence_hint=q.evidence_hint,
        level_descriptors=list(q.levels),
        practice_level=q.practice_level,
        thresholds=[{"min": t.min, "score": t.score} for t in q.thresholds],
        thresholds_by_band={
            band: [{"min": t.min, "score": t.score} for t in thresholds]
            for band, thresholds in q.thresholds_by_band.items()
        },
        unit=q.unit,
        recommendations={str(level): text for level, text in sorted(q.recommendations.items())},
        tags=list(q.tags),
        position=position,
    )


def _store(item: LoadedFramework, revision: int) -> Framework:
    spec: FrameworkFile = item.spec
    framework = Framework.objects.create(
        key=spec.id,
        revision=revision,
        version=spec.version,
        name=spec.name,
        description=spec.description,
        licence_notice=spec.licence.notice,
        licence_source=spec.licence.source,
        redistributable=spec.licence.redistributable,
        scoring_method=spec.scoring.method,
        scale=[level.model_dump() for level in spec.scale],
        bands=[band.model_dump() for band in spec.scoring.bands],
        completeness_threshold=spec.scoring.completeness,
        comparable_with=list(spec.scoring.comparable_with),
        practice_scale={key: point.model_dump() for key, point in spec.practice_scale.items()},
        translations=spec.model_dump(mode="json")["translations"],
        tags=[tag.model_dump() for tag in spec.tags],
        content_hash=item.content_hash,
        source_name=item.path.name,
        question_count=sum(len(d.all_questions()) for d in spec.domains),
    )
    position = 0
    questions: list[Question] = []
    for d in spec.domains:
        position += 1
        domain = Domain.objects.create(
            framework=framework,
            code=d.code,
            name=d.name,
            description=d.description,
            weight=d.weight,
            target_level=d.target_level,
            position=position,
        )
        for q in d.questions:
            position += 1
            questions.append(_question_row(framework, domain, None, q, position))
        for s in d.subdomains:
            position += 1
            section = Domain.objects.create(
                framework=framework,
                parent=domain,
                code=s.code,
                name=s.name,
                description=s.description,
                weight=1.0,
                target_level=d.target_level,
                position=position,
            )
            for q in s.questions:
                position += 1
                questions.append(_question_row(framework, domain, section, q, position))
    Question.objects.bulk_create(questions)
    return framework
