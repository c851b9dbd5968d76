"""Read and validate framework files, without touching the database.

Parsing is deliberately paranoid: the size is checked before a byte is parsed,
YAML aliases and anchors are refused (an alias bomb would otherwise expand
into gigabytes) and so are tags such as ``!!python/object``. Every problem is
reported as ``file: path.inside.file: message``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from frameworks.schema import FrameworkFile

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A framework file is a handful of levels deep (framework, domains, sections,
# questions, thresholds); anything far deeper is refused before it can exhaust
# the parser's recursion (issue #11).
MAX_DEPTH = 32
SUFFIXES = (".yaml", ".yml")
INTERNAL_LABEL = re.compile(
    r"^(function-(after|before|wrap|plain)|constrained-\w+|nullable|union)\["
)


class FrameworkFileError(Exception):
    """A framework file that cannot be imported; the message names file and place."""


@dataclass(frozen=True)
class LoadedFramework:
    path: Path
    spec: FrameworkFile
    content_hash: str


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases, explicit tags and deep nesting."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return self._compose_checked(parent, index)
        finally:
            self._depth -= 1

    def _compose_checked(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "YAML aliases are not allowed",
                event.start_mark,  # type: ignore[arg-type]  # stubs: two Mark classes
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "YAML anchors are not allowed", event.start_mark
            )
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", None)
        explicit_tag = (
            tag is not None
            and tag != "!"
            and (
                implicit is None
                or not (implicit is True or (isinstance(implicit, tuple) and implicit[0]))
            )
        )
        if explicit_tag:
            raise yaml.constructor.ConstructorError(
                None, None, f"YAML tags are not allowed ({tag})", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        keys = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


def _format_location(loc: tuple[object, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def _clean_message(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    replacements = {
        "Extra inputs are not permitted": "unknown key",
        "Field required": "missing required field",
        "Input should be greater than 0": "must be > 0",
    }
    return replacements.get(message, message)


def _describe(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        # Drop pydantic's internal validator labels (e.g. "function-after[...]").
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and INTERNAL_LABEL.match(p)))
        where = _format_location(loc)
        message = _clean_message(item["msg"])
        lines.append(f"{where}: {message}" if where else message)
    return lines


def parse_text(text: str, name: str) -> object:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict SafeLoader subclass
    except RecursionError:
        raise FrameworkFileError(
            f"{name}: the file is nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrameworkFileError(f"{name}: {where}not valid YAML: {problem}") from None


def validate_data(data: object, name: str) -> FrameworkFile:
    if data is None:
        raise FrameworkFileError(f"{name}: the file is empty")
    if not isinstance(data, dict):
        raise FrameworkFileError(
            f"{name}: the file must be a YAML mapping (key: value), not a {type(data).__name__}"
        )
    try:
        return FrameworkFile.model_validate(data)
    except ValidationError as exc:
        details = _describe(exc)
        raise FrameworkFileError("\n".join(f"{name}: {line}" for line in details)) from None


def content_hash(spec: FrameworkFile) -> str:
    """Hash of the validated content, so reformatting a file is not a new version."""
    canonical = json.dumps(
        spec.model_dump(mode="json", exclude_defaults=True), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedFramework:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FrameworkFileError(f"{path}: cannot read the file ({exc.strerror})") from None
    if size > max_bytes:
        raise FrameworkFileError(
            f"{name}: the file is {size:,} bytes, over the limit of {max_bytes:,} bytes"
        )
    raw = path.read_bytes()
    if not raw.strip():
        raise FrameworkFileError(f"{name}: the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FrameworkFileError(f"{name}: the file is not UTF-8 text") from None
    spec = validate_data(parse_text(text, name), name)
    return LoadedFramework(path=path, spec=spec, content_hash=content_hash(spec))


def collect_paths(paths: list[Path]) -> list[Path]:
    """Expand folders into their framework files, sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
        else:
            found.append(path)
    return found


def load_many(
    paths: list[Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[LoadedFramework], list[str]]:
    """Load every file; return the good ones and one message per bad one."""
    loaded: list[LoadedFramework] = []
    errors: list[str] = []
    for path in collect_paths(paths):
        try:
            loaded.append(load_file(path, max_bytes=max_bytes))
        except FrameworkFileError as exc:
            errors.append(str(exc))
    ids: dict[str, Path] = {}
    for item in loaded:
        other = ids.get(item.spec.id)
        if other is not None:
            errors.append(
                f"{item.path.name}: framework id {item.spec.id!r} is also in {other.name}"
            )
        ids[item.spec.id] = item.path
    return loaded, errors
