"""A framework revision's scoring definition, built once per revision and process.

Revisions are immutable (a changed file is a new revision), so the cache is keyed on the
revision's id and content hash and never needs invalidating.
"""

from __future__ import annotations

from functools import lru_cache

from assessments import scoring
from frameworks.models import Domain, Framework, Question


@lru_cache(maxsize=64)
def _framework_def_cached(
    framework_id: int, content_hash: str, band: str = "medium"
) -> scoring.FrameworkDef:
    # Framework revisions never change, so their scoring definition is cached per process.
    framework = Framework.objects.get(pk=framework_id)
    domains = tuple(
        scoring.DomainDef(code=d.code, name=d.name, weight=d.weight, default_target=d.target_level)
        for d in Domain.objects.filter(framework=framework, parent__isnull=True).order_by(
            "position"
        )
    )
    questions = tuple(
        scoring.QuestionDef(
            code=q.code,
            domain=q.domain.code,
            kind=q.kind,
            weight=q.weight,
            text=q.text,
            practice_level=q.practice_level,
            thresholds=q.thresholds_for(band),
            recommendations=tuple((int(k), v) for k, v in sorted(q.recommendations.items())),
        )
        for q in Question.objects.filter(framework=framework)
        .select_related("domain")
        .order_by("position")
    )
    bands = tuple((b["level"], b["min_score"]) for b in framework.bands)
    return scoring.FrameworkDef(
        method=framework.scoring_method,
        bands=bands,
        domains=domains,
        questions=questions,
        completeness_threshold=framework.completeness_threshold,
    )


def framework_def(framework: Framework, band: str = "medium") -> scoring.FrameworkDef:
    """The scoring definition; numeric thresholds for a country of the given size band."""
    return _framework_def_cached(framework.pk, framework.content_hash, band)
