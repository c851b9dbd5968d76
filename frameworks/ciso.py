"""CISO Assistant framework libraries, mapped onto our native framework format.

This module owns the mapping (our own YAML stays the native format; a library is
translated into a `FrameworkFile` and then validated and stored like any file):

- the library's ``ref_id`` becomes the framework id, its ``version`` our version,
  its ``copyright`` the licence notice; ``provider``, ``packager``, ``urn`` and
  publication date go into the licence source. Libraries carry no redistribution
  flag, so imported frameworks are marked not redistributable.
- ``requirement_nodes`` form a tree through ``parent_urn``: top-level nodes become
  domains, non-assessable nodes under them sub-domains, deeper non-assessable
  nodes only group (their questions go to the nearest domain or sub-domain), and
  every assessable node becomes questions.
- an assessable node without ``questions`` becomes one question answered on the
  library's scale: ``scores_definition`` with five scores maps onto our maturity
  scale (one descriptor per score); another number of scores becomes a ``choice``
  question whose choices are the scores, scored (score - min) / (max - min); no
  score definition gives a ``practice`` question (Not .. Fully implemented).
- a node's ``questions``: ``unique_choice`` with ``add_score`` becomes a ``choice``
  question (scores normalised over the question's choices), without scores an
  ``option`` question; a choice named N/A becomes our explicit N/A;
  ``multiple_choice`` becomes one yes/no question per choice, weighted by its
  ``add_score``; ``text`` becomes a ``text`` question. When a whole library has no
  score at all, every node with questions also gets a practice question for how
  far the requirement is met (CISO Assistant's own compliance result).
- ``implementation_groups_definition`` become our tags, and each question carries
  its node's implementation groups.
- ``translations`` (library, nodes, scores, questions) become our translations.

What cannot be mapped is refused with a message naming the node (its ref_id or urn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.text import slugify
from pydantic import ValidationError

from frameworks import kinds
from frameworks.loader import (
    FrameworkFileError,
    LoadedFramework,
    _describe,
    collect_paths,
    content_hash,
    parse_text,
)
from frameworks.schema import SCALE_SIZE, FrameworkFile

MAX_TEXT = 2_000
MAX_LONG = 8_000
CODE_BAD = re.compile(r"[^A-Za-z0-9._-]+")
LANG = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
NA_VALUES = {"n/a", "na", "not applicable", "non applicable", "sans objet"}
# Our own names for a five-level scale, used when the library defines no five scores.
DEFAULT_SCALE = [
    ("Initial", "Little is in place; what exists is ad hoc."),
    ("Developing", "First elements exist but are partial or informal."),
    ("Defined", "Arrangements are documented, adopted and applied."),
    ("Managed", "Arrangements are measured and steered from results."),
    ("Optimised", "Arrangements are reviewed and improved continuously."),
]
DEFAULT_BANDS = [0, 20, 40, 60, 80]
QUESTION_TYPES = {"unique_choice", "multiple_choice", "text"}


class LibraryError(FrameworkFileError):
    """A library that cannot be mapped; the message names the node."""


@dataclass
class _Section:
    code: str
    name: str
    description: str
    questions: list[dict[str, Any]] = field(default_factory=list)
    subdomains: list[_Section] = field(default_factory=list)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


def _clip(text: object, limit: int) -> str:
    value = str(text or "").strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _score_label(score: dict[str, Any], local: dict[str, str] | None = None) -> str:
    """A score of the library's scale as an answer: "name: description"."""
    name = (local or {}).get("name") or score.get("name") or str(score["score"])
    description = (local or {}).get("description") or score.get("description") or ""
    return _clip(f"{name}: {description}" if description else name, MAX_TEXT)


def _node_label(node: dict[str, Any]) -> str:
    return str(node.get("ref_id") or node.get("urn") or node.get("name") or "?")


class _Mapper:
    def __init__(self, library: dict[str, Any], name: str) -> None:
        self.library = library
        self.name = name
        self.codes: set[str] = set()
        self.question_codes: set[str] = set()
        self.translations: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []

    def fail(self, node: dict[str, Any] | None, message: str) -> LibraryError:
        where = f"requirement node {_node_label(node)!r}: " if node is not None else ""
        return LibraryError(f"{self.name}: {where}{message}")

    # -- codes -------------------------------------------------------------------------
    def _code(self, node: dict[str, Any], registry: set[str], suffix: str = "") -> str:
        raw = str(node.get("ref_id") or "").strip()
        if not raw:
            raw = str(node.get("urn") or "").rsplit(":", 1)[-1]
        base = CODE_BAD.sub("-", raw).strip("-._") or "node"
        base = (base + suffix)[:32]
        code, n = base, 2
        while code in registry:
            tail = f"-{n}"
            code = base[: 32 - len(tail)] + tail
            n += 1
        registry.add(code)
        return code

    # -- translations ------------------------------------------------------------------
    def _local(self, node: dict[str, Any]) -> dict[str, dict[str, str]]:
        found = {}
        for lang, text in (node.get("translations") or {}).items():
            if isinstance(text, dict) and LANG.match(str(lang)):
                found[str(lang)] = {k: str(v) for k, v in text.items() if isinstance(v, str)}
        return found

    def _translate(self, lang: str) -> dict[str, Any]:
        return self.translations.setdefault(lang, {"domains": {}, "questions": {}, "scale": {}})

    # -- the mapping -------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        lib = self.library
        framework = (lib.get("objects") or {}).get("framework")
        if not isinstance(framework, dict):
            raise self.fail(None, "no 'objects.framework' (is this a CISO Assistant library?)")
        nodes = framework.get("requirement_nodes")
        if not isinstance(nodes, list) or not nodes:
            raise self.fail(None, "the framework has no 'requirement_nodes'")
        for node in nodes:
            if not isinstance(node, dict) or not node.get("urn"):
                raise self.fail(None, "every requirement node needs a 'urn'")
        scale, scoring = self._scale(framework)
        tags = self._tags(framework)
        self.tag_codes = {t["code"] for t in tags}
        domains = self._tree(nodes)
        for lang, text in self._local(lib).items():
            entry = self._translate(lang)
            if text.get("name"):
                entry["name"] = _clip(text["name"], 200)
            if text.get("description"):
                entry["description"] = _clip(text["description"], MAX_LONG)
        ref = str(lib.get("ref_id") or framework.get("ref_id") or "").strip()
        key = slugify(ref.replace(".", "-").replace("_", "-"))[:63].strip("-")
        if len(key) < 2:
            raise self.fail(None, "the library has no usable 'ref_id' for the framework id")
        version = str(lib.get("version") or "1").strip()
        notice = str(lib.get("copyright") or "").strip()
        if not notice:
            provider = str(lib.get("provider") or "").strip()
            notice = f"Copyright not stated in the library (provider: {provider or 'unknown'})."
        source = "; ".join(
            part
            for part in (
                f"CISO Assistant library {lib.get('urn')}",
                f"provider {lib['provider']}" if lib.get("provider") else "",
                f"packaged by {lib['packager']}" if lib.get("packager") else "",
                f"published {lib['publication_date']}" if lib.get("publication_date") else "",
                f"locale {lib['locale']}" if lib.get("locale") else "",
            )
            if part
        )
        translations = {
            lang: {k: v for k, v in entry.items() if v}
            for lang, entry in self.translations.items()
            if lang != str(lib.get("locale") or "")
        }
        return {
            "id": key,
            "version": CODE_BAD.sub("-", version)[:32],
            "name": _clip(lib.get("name") or framework.get("name") or key, 200),
            "description": _clip(lib.get("description") or framework.get("description"), MAX_LONG),
            "licence": {
                "notice": _clip(notice, 2_000),
                "source": _clip(source, 2_000),
                "redistributable": False,
            },
            "scale": scale,
            "scoring": scoring,
            "domains": domains,
            "tags": tags,
            "translations": {k: v for k, v in translations.items() if v},
        }

    def _scale(self, framework: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Our five-level scale, and how a node without questions is answered."""
        scores = framework.get("scores_definition") or []
        self.scores: list[dict[str, Any]] = []
        for item in scores:
            if not isinstance(item, dict) or not isinstance(item.get("score"), int | float):
                raise self.fail(None, "every 'scores_definition' entry needs a numeric 'score'")
            self.scores.append(item)
        self.scores.sort(key=lambda s: s["score"])
        values = [s["score"] for s in self.scores]
        if len(set(values)) != len(values):
            raise self.fail(None, "'scores_definition' lists a score twice")
        low = framework.get("min_score", values[0] if values else None)
        high = framework.get("max_score", values[-1] if values else None)
        if self.scores and (low is None or high is None or high <= low):
            raise self.fail(None, "'min_score' must be below 'max_score'")
        self.low: float = float(low) if low is not None else 0.0
        self.high: float = float(high) if high is not None else 1.0
        if self.scores and not 2 <= len(self.scores) <= kinds.MAX_CHOICES:
            raise self.fail(None, f"'scores_definition' must list 2 to {kinds.MAX_CHOICES} scores")
        five = len(self.scores) == SCALE_SIZE
        scale = []
        for level in range(1, SCALE_SIZE + 1):
            if five:
                item = self.scores[level - 1]
                scale.append(
                    {
                        "level": level,
                        "name": _clip(item.get("name") or f"{item['score']}", 200),
                        "description": _clip(item.get("description"), MAX_TEXT),
                    }
                )
                for lang, text in self._local(item).items():
                    self._translate(lang)["scale"][level] = {
                        "name": _clip(text.get("name"), 200),
                        "description": _clip(text.get("description"), MAX_TEXT),
                    }
            else:
                name, description = DEFAULT_SCALE[level - 1]
                scale.append({"level": level, "name": name, "description": description})
        if five:
            self.node_kind = "maturity"
        elif self.scores:
            self.node_kind = "choice"
        else:
            self.node_kind = "practice"
        bands = [{"level": i + 1, "min_score": b} for i, b in enumerate(DEFAULT_BANDS)]
        return scale, {"method": "average", "bands": bands}

    def _tags(self, framework: dict[str, Any]) -> list[dict[str, Any]]:
        tags = []
        seen: set[str] = set()
        for group in framework.get("implementation_groups_definition") or []:
            if not isinstance(group, dict) or not group.get("ref_id"):
                raise self.fail(None, "every implementation group needs a 'ref_id'")
            code = CODE_BAD.sub("-", str(group["ref_id"]).strip())[:32]
            if code in seen:
                raise self.fail(None, f"implementation group {code!r} is defined twice")
            seen.add(code)
            tags.append(
                {
                    "code": code,
                    "name": _clip(group.get("name") or code, 200),
                    "description": _clip(group.get("description"), MAX_TEXT),
                }
            )
        return tags

    def _tree(self, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        by_urn = {n["urn"]: n for n in nodes}
        if len(by_urn) != len(nodes):
            raise self.fail(None, "two requirement nodes share a urn")
        children: dict[str | None, list[dict[str, Any]]] = {}
        for node in nodes:
            parent = node.get("parent_urn")
            if parent is not None and parent not in by_urn:
                raise self.fail(node, f"its parent_urn {parent!r} is not a node of the library")
            children.setdefault(parent, []).append(node)
        self.unscored_library = self.node_kind == "practice" and not any(
            "add_score" in (c or {})
            for n in nodes
            for q in (n.get("questions") or {}).values()
            if isinstance(q, dict)
            for c in (q.get("choices") or [])
        )
        domains = []
        visited: set[str] = set()
        for top in children.get(None, []):
            domain = _Section(
                code=self._code(top, self.codes),
                name=_clip(top.get("name") or top.get("ref_id") or top.get("description"), 200),
                description=_clip(top.get("description") if top.get("name") else "", MAX_TEXT),
                translations=self._local(top),
            )
            if top.get("assessable"):
                domain.questions.extend(self._questions(top))
            self._walk(top, domain, domain, children, visited, depth=1)
            domain.subdomains = [s for s in domain.subdomains if s.questions]
            if not domain.questions and not domain.subdomains:
                self.warnings.append(
                    f"{self.name}: node {_node_label(top)!r} has no assessable requirement; "
                    "left out"
                )
                continue
            domains.append(domain)
        unreachable = set(by_urn) - visited - {n["urn"] for n in children.get(None, [])}
        if unreachable:
            node = by_urn[sorted(unreachable)[0]]
            raise self.fail(node, "it is not reachable from a top-level node (a cycle?)")
        if not domains:
            raise self.fail(None, "no requirement node is assessable")
        if len(domains) > 50:
            raise self.fail(None, f"{len(domains)} top-level nodes; at most 50 domains fit")
        return [self._domain_data(d) for d in domains]

    def _walk(
        self,
        node: dict[str, Any],
        domain: _Section,
        section: _Section,
        children: dict[str | None, list[dict[str, Any]]],
        visited: set[str],
        depth: int,
    ) -> None:
        for child in children.get(node["urn"], []):
            if child["urn"] in visited:
                raise self.fail(child, "it appears twice in the tree")
            visited.add(child["urn"])
            target = section
            if child.get("assessable"):
                target.questions.extend(self._questions(child))
            elif section is domain:
                sub = _Section(
                    code=self._code(child, self.codes),
                    name=_clip(
                        child.get("name") or child.get("ref_id") or child.get("description"), 200
                    ),
                    description=_clip(
                        child.get("description") if child.get("name") else "", MAX_TEXT
                    ),
                    translations=self._local(child),
                )
                domain.subdomains.append(sub)
                target = sub
            self._walk(child, domain, target, children, visited, depth + 1)

    def _domain_data(self, d: _Section) -> dict[str, Any]:
        for section in [d, *d.subdomains]:
            for lang, text in section.translations.items():
                entry = {
                    k: _clip(text.get(k), 200 if k == "name" else MAX_TEXT)
                    for k in ("name", "description")
                    if text.get(k)
                }
                if entry:
                    self._translate(lang)["domains"][section.code] = entry
        for section in [d, *d.subdomains]:
            if len(section.questions) > 200:
                raise LibraryError(
                    f"{self.name}: node {section.code!r} holds {len(section.questions)} "
                    "requirements; at most 200 fit in one domain or sub-domain"
                )
        if len(d.subdomains) > 30:
            raise LibraryError(
                f"{self.name}: node {d.code!r} has {len(d.subdomains)} groups; at most 30 fit"
            )
        return {
            "code": d.code,
            "name": d.name,
            "description": d.description,
            "questions": d.questions,
            "subdomains": [
                {
                    "code": s.code,
                    "name": s.name,
                    "description": s.description,
                    "questions": s.questions,
                }
                for s in d.subdomains
            ],
        }

    # -- questions ---------------------------------------------------------------------
    def _text(self, node: dict[str, Any]) -> tuple[str, str]:
        """(question text, guidance) of a node: its description or name, and annotation."""
        name = str(node.get("name") or "").strip()
        description = str(node.get("description") or "").strip()
        text = f"{name}: {description}" if name and description else description or name
        if not text:
            raise self.fail(node, "an assessable node needs a 'name' or a 'description'")
        guidance_parts = []
        if len(text) > MAX_TEXT:
            guidance_parts.append(text)
        if node.get("annotation"):
            guidance_parts.append(str(node["annotation"]).strip())
        return _clip(text, MAX_TEXT), _clip("\n\n".join(guidance_parts), MAX_LONG)

    def _node_tags(self, node: dict[str, Any]) -> list[str]:
        tags = []
        for group in node.get("implementation_groups") or []:
            code = CODE_BAD.sub("-", str(group).strip())[:32]
            if code not in self.tag_codes:
                raise self.fail(
                    node,
                    f"implementation group {group!r} is not in implementation_groups_definition",
                )
            tags.append(code)
        return tags

    def _questions(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        tags = self._node_tags(node)
        questions = node.get("questions") or {}
        if not isinstance(questions, dict):
            raise self.fail(node, "'questions' must map question urns to questions")
        text, guidance = (
            self._text(node)
            if (node.get("name") or node.get("description"))
            else (
                "",
                "",
            )
        )
        out: list[dict[str, Any]] = []
        if not questions or self.unscored_library:
            if not text:
                first: object = next(iter(questions.values()), {}) if questions else {}
                text = _clip(first.get("text"), MAX_TEXT) if isinstance(first, dict) else ""
                if not text:
                    raise self.fail(node, "an assessable node needs a 'name' or a 'description'")
            out.append(self._scored_node(node, text, guidance, tags))
        for index, (urn, q) in enumerate(questions.items(), start=1):
            if not isinstance(q, dict):
                raise self.fail(node, f"question {urn!r} is not a mapping")
            out.extend(self._question(node, urn, q, index, len(questions), tags))
        return out

    def _scored_node(
        self, node: dict[str, Any], text: str, guidance: str, tags: list[str]
    ) -> dict[str, Any]:
        code = self._code(node, self.question_codes)
        q: dict[str, Any] = {
            "code": code,
            "text": text,
            "guidance": guidance,
            "kind": self.node_kind,
            "tags": tags,
        }
        if self.node_kind == "maturity":
            q["levels"] = [_score_label(s) for s in self.scores]
        elif self.node_kind == "choice":
            q["levels"] = [_score_label(s) for s in self.scores]
            q["thresholds"] = [
                {"min": i, "score": self._normalised(s["score"], self.low, self.high)}
                for i, s in enumerate(self.scores, start=1)
            ]
        else:
            q["practice_level"] = 1
        for lang, local in self._local(node).items():
            name, description = local.get("name", ""), local.get("description", "")
            local_text = f"{name}: {description}" if name and description else description or name
            if local_text:
                self._translate(lang)["questions"][code] = {"text": _clip(local_text, MAX_TEXT)}
        if "levels" in q:
            for lang in {lang for s in self.scores for lang in self._local(s)}:
                labels = [_score_label(s, self._local(s).get(lang)) for s in self.scores]
                entry = self._translate(lang)["questions"].setdefault(code, {})
                entry["levels"] = labels
        return q

    @staticmethod
    def _normalised(value: float, low: float, high: float) -> float:
        return round(min(max((value - low) / (high - low), 0.0), 1.0), 6)

    def _question(
        self,
        node: dict[str, Any],
        urn: str,
        q: dict[str, Any],
        index: int,
        count: int,
        tags: list[str],
    ) -> list[dict[str, Any]]:
        kind = q.get("type")
        label = f"question {urn!r}"
        if kind not in QUESTION_TYPES:
            raise self.fail(
                node,
                f"{label} has type {kind!r}; supported: {', '.join(sorted(QUESTION_TYPES))}",
            )
        text = _clip(q.get("text"), MAX_TEXT)
        if not text:
            raise self.fail(node, f"{label} has no 'text'")
        suffix = (
            f".q{index}" if count > 1 or self.unscored_library or not node.get("questions") else ""
        )
        base = {"tags": tags}
        local_texts = self._local(q)
        if kind == "text":
            code = self._code(node, self.question_codes, suffix)
            self._question_translations(code, local_texts)
            return [{**base, "code": code, "text": text, "kind": "text"}]
        choices = q.get("choices") or []
        if not isinstance(choices, list) or not choices:
            raise self.fail(node, f"{label} is a {kind} question without 'choices'")
        values = []
        for choice in choices:
            if not isinstance(choice, dict) or not str(choice.get("value") or "").strip():
                raise self.fail(node, f"{label}: every choice needs a 'value'")
            values.append(choice)
        # A choice named N/A becomes our explicit N/A and needs no score.
        na = [c for c in values if str(c["value"]).strip().lower() in NA_VALUES]
        kept = [c for c in values if c not in na]
        scored = [c for c in kept if "add_score" in c]
        if scored and len(scored) != len(kept):
            raise self.fail(node, f"{label}: some choices have 'add_score' and others not")
        for c in scored:
            if not isinstance(c["add_score"], int | float):
                raise self.fail(node, f"{label}: 'add_score' must be a number")
        if kind == "multiple_choice":
            return self._multiple(node, q, values, bool(scored), text, suffix, base, label)
        if len(kept) < 2:
            raise self.fail(node, f"{label}: a choice question needs at least two answers")
        if len(kept) > kinds.MAX_CHOICES:
            raise self.fail(node, f"{label}: more than {kinds.MAX_CHOICES} choices")
        code = self._code(node, self.question_codes, suffix)
        out = {
            **base,
            "code": code,
            "text": text,
            "levels": [_clip(c["value"], MAX_TEXT) for c in kept],
            "allow_na": bool(na),
        }
        if scored:
            points = [c["add_score"] for c in kept]
            low, high = min(points), max(points)
            if high == low:
                raise self.fail(node, f"{label}: every choice has the same 'add_score'")
            out["kind"] = "choice"
            out["thresholds"] = [
                {"min": i, "score": self._normalised(p, low, high)}
                for i, p in enumerate(points, start=1)
            ]
        else:
            out["kind"] = "option"
        self._question_translations(code, local_texts)
        return [out]

    def _multiple(
        self,
        node: dict[str, Any],
        q: dict[str, Any],
        values: list[dict[str, Any]],
        scored: bool,
        text: str,
        suffix: str,
        base: dict[str, Any],
        label: str,
    ) -> list[dict[str, Any]]:
        out = []
        for i, choice in enumerate(values, start=1):
            weight = float(choice.get("add_score", 1)) if scored else 1.0
            if weight <= 0 or weight > 100:
                raise self.fail(
                    node, f"{label}: a multiple-choice 'add_score' must be above 0 and at most 100"
                )
            code = self._code(node, self.question_codes, f"{suffix}.{i}")
            out.append(
                {
                    **base,
                    "code": code,
                    "text": _clip(f"{text} — {choice['value']}", MAX_TEXT),
                    "kind": "yes_no",
                    "weight": weight,
                    "required": False,
                }
            )
        return out

    def _question_translations(self, code: str, local: dict[str, dict[str, str]]) -> None:
        for lang, text in local.items():
            if text.get("text"):
                self._translate(lang)["questions"][code] = {"text": _clip(text["text"], MAX_TEXT)}


@dataclass(frozen=True)
class MappedLibrary:
    spec: FrameworkFile
    warnings: list[str]


def map_library(text: str, name: str) -> MappedLibrary:
    """Parse a CISO Assistant library and map it onto a validated `FrameworkFile`."""
    data = parse_text(text, name)
    if not isinstance(data, dict):
        raise LibraryError(f"{name}: a library is a YAML mapping with 'urn' and 'objects'")
    mapper = _Mapper(data, name)
    mapped = mapper.run()
    try:
        spec = FrameworkFile.model_validate(mapped)
    except ValidationError as exc:
        raise LibraryError(
            "\n".join(f"{name}: {line}" for line in _named(_describe(exc), mapped))
        ) from None
    return MappedLibrary(spec=spec, warnings=mapper.warnings)


def _named(lines: list[str], mapped: dict[str, Any]) -> list[str]:
    """Say which library node a schema location (domains[i].questions[j]) came from."""
    out = []
    for line in lines:
        match = re.match(
            r"domains\[(\d+)\](?:\.subdomains\[(\d+)\])?(?:\.questions\[(\d+)\])?", line
        )
        if match:
            d = mapped["domains"][int(match[1])]
            node = d["code"]
            if match[2] is not None:
                d = d["subdomains"][int(match[2])]
                node = d["code"]
            if match[3] is not None:
                node = d["questions"][int(match[3])]["code"]
            line = f"requirement node {node!r}: {line}"
        out.append(line)
    return out


def load_library(path: Path, *, max_bytes: int) -> tuple[LoadedFramework, list[str]]:
    """Read, size-check and map one library file; (loaded framework, warnings)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LibraryError(f"{path}: cannot read the file ({exc.strerror})") from None
    if size > max_bytes:
        raise LibraryError(
            f"{path.name}: the file is {size:,} bytes, over the limit of {max_bytes:,} bytes"
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise LibraryError(f"{path.name}: the file is not UTF-8 text") from None
    if not text.strip():
        raise LibraryError(f"{path.name}: the file is empty")
    mapped = map_library(text, path.name)
    loaded = LoadedFramework(path=path, spec=mapped.spec, content_hash=content_hash(mapped.spec))
    return loaded, mapped.warnings


def load_libraries(
    paths: list[Path], *, max_bytes: int
) -> tuple[list[LoadedFramework], list[str], list[str]]:
    """Every library under `paths`: (loaded, errors, warnings)."""
    loaded, errors, warnings = [], [], []
    for path in collect_paths(paths):
        try:
            item, notes = load_library(path, max_bytes=max_bytes)
        except FrameworkFileError as exc:
            errors.append(str(exc))
        else:
            loaded.append(item)
            warnings.extend(notes)
    return loaded, errors, warnings
