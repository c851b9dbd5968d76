"""A framework revision as the questionnaire shows it, built once per revision,
language and process.

Revisions are immutable (a changed file is a new revision), so their domains,
questions and sections, with the texts already in the reader's language, never
need reading again. The key holds the revision's id, content hash and import time
(a database rebuilt with the same ids, as in tests, makes a new key) and the
language. The objects are shared between requests: read them, never change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count
from django.utils.translation import get_language

from frameworks.i18n import localize_domains, localize_questions, practice_scale
from frameworks.models import Domain, Framework, Question


@dataclass(frozen=True)
class FrameworkPages:
    domains: tuple[Domain, ...]  # top-level, in order
    questions: dict[int, tuple[Question, ...]]  # by domain id, in order, sections joined
    totals: dict[int, int]  # questions per domain id
    fallback: dict[int, frozenset[str]]  # per question id: fields still in English
    level_names: dict[int, str]
    practice_scale: dict[str, dict[str, str]]
    question_domains: tuple[tuple[int, int], ...]  # (question id, domain id), all of them

    def domain(self, pk: int) -> Domain | None:
        return next((d for d in self.domains if d.pk == pk), None)


# The large, rarely needed columns of a revision: a page reading an assessment with its
# framework leaves them in the database and takes the revision from `revision` instead.
HEAVY_FIELDS = (
    "description",
    "licence_notice",
    "licence_source",
    "scale",
    "bands",
    "comparable_with",
    "practice_scale",
    "translations",
    "tags",
)


def revision(framework: Framework) -> Framework:
    """The whole revision, read once per process (decoding its translations and scales
    cost a page about 2 ms): for a `framework` read with HEAVY_FIELDS deferred."""
    return _revision(framework.pk, framework.content_hash, framework.imported_at)


@lru_cache(maxsize=64)
def _revision(framework_id: int, content_hash: str, imported_at: dt.datetime) -> Framework:
    return Framework.objects.get(pk=framework_id)


def framework_pages(framework: Framework) -> FrameworkPages:
    language = (get_language() or "").split("-")[0]
    return _build(framework.pk, framework.content_hash, framework.imported_at, language)


@lru_cache(maxsize=64)
def _build(
    framework_id: int, content_hash: str, imported_at: dt.datetime, language: str
) -> FrameworkPages:
    framework = _revision(framework_id, content_hash, imported_at)
    domains = list(
        Domain.objects.filter(framework=framework, parent__isnull=True).order_by("position")
    )
    questions = list(
        Question.objects.filter(framework=framework).select_related("section").order_by("position")
    )
    sections = {q.section for q in questions if q.section}
    localize_domains(framework, [*domains, *sections])
    fallback = localize_questions(framework, questions)
    by_domain: dict[int, list[Question]] = {}
    for question in questions:
        by_domain.setdefault(question.domain_id, []).append(question)
    totals = dict(
        Question.objects.filter(framework=framework)
        .values("domain_id")
        .annotate(n=Count("id"))
        .values_list("domain_id", "n")
    )
    return FrameworkPages(
        domains=tuple(domains),
        questions={pk: tuple(qs) for pk, qs in by_domain.items()},
        totals=totals,
        fallback={pk: frozenset(fields) for pk, fields in fallback.items()},
        level_names=framework.level_names(),
        practice_scale=practice_scale(framework),
        question_domains=tuple((q.pk, q.domain_id) for q in questions),
    )
