"""How much of a framework file each of its translations covers.

Every text a reader sees counts once: the framework's name and description, each scale
level's name and description, each practice-scale point's label and criteria, each
domain's and sub-domain's name and description, and each question's text, guidance,
evidence hint, unit, level descriptors and recommendations. Empty texts do not count.
"""

from __future__ import annotations

from collections.abc import Iterator

from frameworks.schema import Domain, FrameworkFile, SubDomain, Translation

Place = tuple[str, ...]


def _texts(spec: FrameworkFile) -> Iterator[tuple[Place, str]]:
    """(place, English text) of every text a reader sees."""
    yield ("name",), spec.name
    yield ("description",), spec.description
    for step in spec.scale:
        yield ("scale", str(step.level), "name"), step.name
        yield ("scale", str(step.level), "description"), step.description
    for key, point in spec.practice_scale.items():
        yield ("practice_scale", key, "label"), point.label
        yield ("practice_scale", key, "criteria"), point.criteria
    for domain in spec.domains:
        nodes: list[Domain | SubDomain] = [domain, *domain.subdomains]
        for node in nodes:
            yield ("domains", node.code, "name"), node.name
            yield ("domains", node.code, "description"), node.description
        for q in domain.all_questions():
            for name in ("text", "guidance", "evidence_hint", "unit"):
                yield ("questions", q.code, name), getattr(q, name)
            for i, text in enumerate(q.levels, start=1):
                yield ("questions", q.code, "levels", str(i)), text
            for advice_level, text in q.recommendations.items():
                yield ("questions", q.code, "recommendations", str(advice_level)), text


def _translated(translation: Translation, place: Place) -> str:
    head = place[0]
    if head in ("name", "description"):
        return str(getattr(translation, head))
    if head == "scale":
        node = translation.scale.get(int(place[1]))
        return str(getattr(node, place[2])) if node else ""
    if head == "practice_scale":
        point = next((v for k, v in translation.practice_scale.items() if k == place[1]), None)
        return str(getattr(point, place[2])) if point else ""
    if head == "domains":
        domain = translation.domains.get(place[1])
        return str(getattr(domain, place[2])) if domain else ""
    question = translation.questions.get(place[1])
    if question is None:
        return ""
    if place[2] == "levels":
        index = int(place[3]) - 1
        return question.levels[index] if index < len(question.levels) else ""
    if place[2] == "recommendations":
        return question.recommendations.get(int(place[3]), "")
    return str(getattr(question, place[2]))


def missing_texts(spec: FrameworkFile, language: str) -> list[str]:
    """Places (dotted, for messages) of the texts the `language` translation leaves out."""
    translation = spec.translations.get(language)
    places = [place for place, text in _texts(spec) if text]
    if translation is not None:
        places = [place for place in places if not _translated(translation, place)]
    return [".".join(place) for place in places]


def coverage(spec: FrameworkFile) -> dict[str, tuple[int, int]]:
    """(translated, total) texts per language of the file's translations."""
    total = sum(1 for _place, text in _texts(spec) if text)
    return {
        language: (total - len(missing_texts(spec, language)), total)
        for language in sorted(spec.translations)
    }
