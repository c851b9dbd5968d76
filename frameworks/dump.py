"""Framework files written back out: a stored revision as a `FrameworkFile`, and the
canonical YAML dump of a `FrameworkFile`.

This module owns the *native* format going out. The Excel authoring workbook
(`frameworks/xlsx.py`), the CISO Assistant importer (`frameworks/ciso.py`) and
assessment bundles (`interchange/bundle.py`) all write YAML through `dump_yaml`,
so two files that hold the same framework are the same bytes.
"""

from __future__ import annotations

from typing import Any

import yaml

from frameworks.models import Domain, Framework, Question
from frameworks.schema import FrameworkFile

HEADER = "# Framework file. Format: see frameworks/README.md; validated by frameworks/schema.py.\n"


PRACTICE_POINTS = ("not", "partial", "largely", "fully")
SIZE_BANDS = ("small", "medium", "large")


def _scale_points_in_order(value: Any) -> Any:
    """Every map keyed by scale points or size bands in their order, wherever it sits."""
    if isinstance(value, list):
        return [_scale_points_in_order(v) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: _scale_points_in_order(v) for k, v in value.items()}
    for order in (PRACTICE_POINTS, SIZE_BANDS):
        if value and set(value) <= set(order):
            return {k: value[k] for k in order if k in value}
    return value


def spec_data(spec: FrameworkFile) -> dict[str, Any]:
    """The spec as plain data, without values that are the schema's defaults.

    `required` is the one default that depends on another field (False for
    'text', True otherwise), so it is written whenever leaving it out would
    read back differently.
    """
    data = spec.model_dump(mode="json", exclude_defaults=True)
    # Translations in the framework's own order, so that the order a file happened to
    # list them in is not part of its content.
    question_order = [q.code for d in spec.domains for q in d.all_questions()]
    domain_order = [d.code for d in spec.domains] + [
        s.code for d in spec.domains for s in d.subdomains
    ]
    if "translations" in data:  # languages in one order too (PostgreSQL's jsonb reorders keys)
        data["translations"] = dict(sorted(data["translations"].items()))
    data = _scale_points_in_order(data)
    for text in data.get("translations", {}).values():
        for key, order in (
            ("questions", question_order),
            ("domains", domain_order),
            ("scale", [str(n) for n in range(1, 6)]),
            ("practice_scale", ["not", "partial", "largely", "fully"]),
        ):
            if key in text:
                rank = {code: i for i, code in enumerate(order)}
                text[key] = dict(sorted(text[key].items(), key=lambda kv: rank.get(kv[0], 10**6)))
    for d_spec, d_data in zip(spec.domains, data["domains"], strict=True):
        _fix_required(d_spec.questions, d_data.get("questions", []))
        for s_spec, s_data in zip(d_spec.subdomains, d_data.get("subdomains", []), strict=True):
            _fix_required(s_spec.questions, s_data["questions"])
    return data


def _fix_required(specs: list, rows: list[dict[str, Any]]) -> None:
    for q_spec, q_data in zip(specs, rows, strict=True):
        implied = q_spec.kind != "text"
        if q_spec.required != implied:
            q_data["required"] = q_spec.required
        else:
            q_data.pop("required", None)


def dump_yaml(spec: FrameworkFile) -> str:
    """The canonical YAML text of a framework (stable key order, UTF-8, no aliases)."""

    class _NoAliasDumper(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:
            return True

    body = yaml.dump(
        spec_data(spec),
        Dumper=_NoAliasDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return HEADER + body


def spec_of(framework: Framework) -> FrameworkFile:
    """Rebuild the validated file content of one stored revision."""
    domains = list(Domain.objects.filter(framework=framework).order_by("position"))
    questions = list(Question.objects.filter(framework=framework).order_by("position"))
    by_section: dict[int, list[dict[str, Any]]] = {}
    for q in questions:
        key = q.section_id or q.domain_id
        by_section.setdefault(key, []).append(_question_data(q))
    top = []
    for d in domains:
        if d.parent_id is not None:
            continue
        item: dict[str, Any] = {
            "code": d.code,
            "name": d.name,
            "description": d.description,
            "weight": d.weight,
            "target_level": d.target_level,
            "questions": by_section.get(d.pk, []),
            "subdomains": [
                {
                    "code": s.code,
                    "name": s.name,
                    "description": s.description,
                    "questions": by_section.get(s.pk, []),
                }
                for s in domains
                if s.parent_id == d.pk
            ],
        }
        top.append(item)
    return FrameworkFile.model_validate(
        {
            "id": framework.key,
            "version": framework.version,
            "name": framework.name,
            "description": framework.description,
            "licence": {
                "notice": framework.licence_notice,
                "source": framework.licence_source,
                "redistributable": framework.redistributable,
            },
            "scale": framework.scale,
            "scoring": {"method": framework.scoring_method, "bands": framework.bands},
            "domains": top,
            "translations": framework.translations,
            "tags": framework.tags,
            "practice_scale": framework.practice_scale,
        }
    )


def _question_data(q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": q.code,
        "text": q.text,
        "guidance": q.guidance,
        "kind": q.kind,
        "weight": q.weight,
        "allow_na": q.allow_na,
        "required": q.required,
        "evidence_hint": q.evidence_hint,
        "levels": list(q.level_descriptors),
        "practice_level": q.practice_level,
        "thresholds": list(q.thresholds),
        "unit": q.unit,
        "recommendations": {int(k): v for k, v in q.recommendations.items()},
        "tags": list(q.tags),
        "thresholds_by_band": dict(q.thresholds_by_band),
    }
    return data
