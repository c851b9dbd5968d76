"""The parts of a question card that only the framework decides, rendered once.

A question's legend, guidance and answer labels depend on the framework revision and
the reader's language alone, never on the assessment: they are rendered once per
revision, language, domain and process and kept as HTML (issue 13). The card template
adds what is live (the answer, its errors, assignments, evidence, the save status).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from assessments.questionnaire.forms import answer_choices
from frameworks.models import Framework
from frameworks.pages import framework_pages


@dataclass(frozen=True)
class QuestionStatic:
    head: SafeString  # the legend: code, text, "shown in English", "required"
    guidance: SafeString  # guidance, evidence hint, the practice's level
    # (value, label HTML, position from 1 as text) for choice kinds
    choices: tuple[tuple[str, SafeString, str], ...]


_CACHE: dict[tuple, dict[int, QuestionStatic]] = {}
_CACHE_SIZE = 512  # revisions x languages x domains; cleared whole beyond it


def question_fragments(framework: Framework, domain_id: int) -> dict[int, QuestionStatic]:
    """By question id, the static parts of the domain's question cards."""
    language = (get_language() or "").split("-")[0]
    key = (framework.pk, framework.content_hash, framework.imported_at, language, domain_id)
    found = _CACHE.get(key)
    if found is None:
        found = _render(framework, domain_id)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = found
    return found


def _render(framework: Framework, domain_id: int) -> dict[int, QuestionStatic]:
    pages = framework_pages(framework)
    out = {}
    for q in pages.questions.get(domain_id, ()):
        labels = tuple(
            (
                value,
                mark_safe(  # noqa: S308 (a rendered template: escaped there)
                    render_to_string(
                        "assessments/_choice_label.html",
                        {
                            "q": q,
                            "value": value,
                            "label": label,
                            "practice_scale": pages.practice_scale,
                        },
                    ).strip()
                ),
                str(position),
            )
            for position, (value, label) in enumerate(answer_choices(q, pages.level_names), 1)
        )
        out[q.pk] = QuestionStatic(
            head=render_to_string(
                "assessments/_question_head.html",
                {"q": q, "fallback": pages.fallback.get(q.pk, frozenset())},
            ),
            guidance=render_to_string("assessments/_question_guidance.html", {"q": q}),
            choices=labels,
        )
    return out
