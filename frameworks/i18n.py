"""Framework texts in the user's language, from the file's optional `translations`.

Translations are applied to the objects about to be shown (never saved), and
any text a translation leaves out stays in the framework's own language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language

from frameworks.models import Domain, Framework, Question

SOURCE_LANGUAGE = "en"  # the language framework files are written in


def _table(framework: Framework) -> dict:
    language = (get_language() or "").split("-")[0]
    return framework.translations.get(language, {}) if language else {}


def localize_domains(framework: Framework, domains: Iterable[Domain]) -> None:
    table = _table(framework).get("domains", {})
    for domain in domains:
        text = table.get(domain.code, {})
        domain.name = text.get("name") or domain.name
        domain.description = text.get("description") or domain.description


def localize_questions(framework: Framework, questions: Iterable[Question]) -> dict[int, set[str]]:
    """Put the user's language on the questions. Returns, per question id, the fields
    that stay in the framework's own language (English), so pages can mark them."""
    language = (get_language() or "").split("-")[0]
    foreign = bool(language) and language != SOURCE_LANGUAGE
    table = _table(framework).get("questions", {})
    fallback: dict[int, set[str]] = {}
    for question in questions:
        text = table.get(question.code, {})
        for field in ("text", "guidance", "evidence_hint", "unit"):
            if text.get(field):
                setattr(question, field, text[field])
            elif foreign and getattr(question, field):
                fallback.setdefault(question.pk, set()).add(field)
        levels = text.get("levels") or []
        if levels and len(levels) == len(question.level_descriptors):
            question.level_descriptors = [
                new or old for new, old in zip(levels, question.level_descriptors, strict=True)
            ]
        if text.get("recommendations"):
            question.recommendations = {
                **question.recommendations,
                **{str(k): v for k, v in text["recommendations"].items() if v},
            }
    return fallback


def domain_names(framework: Framework) -> dict[str, str]:
    """Localized names by domain code (only those the translation gives)."""
    return {
        code: text["name"]
        for code, text in _table(framework).get("domains", {}).items()
        if text.get("name")
    }


def framework_name(framework: Framework) -> str:
    return _table(framework).get("name") or framework.name


def practice_scale(framework: Framework) -> dict[str, dict[str, str]]:
    """The framework's practice scale (label and criteria per point) in the user's
    language, falling back to the file's own text point by point; {} if it has none."""
    local = _table(framework).get("practice_scale", {})
    return {
        key: {
            "label": (local.get(key) or {}).get("label") or point["label"],
            "criteria": (local.get(key) or {}).get("criteria") or point["criteria"],
        }
        for key, point in framework.practice_scale.items()
    }


def question_texts(framework: Framework) -> dict[str, dict[str, object]]:
    """Per question code, its text and recommendations in the user's language (only
    what the translation gives)."""
    return {
        code: {
            "text": text.get("text", ""),
            "recommendations": {
                int(level): advice for level, advice in text.get("recommendations", {}).items()
            },
        }
        for code, text in _table(framework).get("questions", {}).items()
    }
