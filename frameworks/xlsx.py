"""Excel authoring of framework files: a `FrameworkFile` to a workbook and back.

This module owns the authoring workbook's layout, for experts who do not write
YAML. The round trip is lossless: `read_workbook(write_workbook(spec)) == spec`.

Sheets:
- ``Framework``: one row per setting (id, version, name, licence, scoring method).
- ``Scale``: the five levels, with the score band of each level (``average`` only).
- ``Domains``: domains and sub-domains (a sub-domain names its ``parent``).
- ``Questions``: one row per question; ``section`` is the domain or sub-domain code;
  ``level_1``.. hold maturity descriptors or the labels of a choice question's choices.
- ``Tags`` (optional): the tags questions may carry (e.g. implementation groups).
- ``PracticeScale`` (optional): the four practice points with their observable criteria.
- ``i18n-<lang>``: one sheet per translation: ``object``, ``code``, ``field``, the
  framework's own text (ignored on reading) and the ``translation``. A translator
  copies a sheet, renames it ``i18n-xx`` and fills the last column.

Text that a spreadsheet could read as a formula is stored as literal text
(a string cell with Excel's quote prefix), never as a formula, so the text comes
back exactly as written. Every problem found on reading names the sheet, the row
and the column.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from frameworks.kinds import MAX_CHOICES
from frameworks.schema import SCALE_SIZE, Domain, FrameworkFile, SubDomain

# Text a spreadsheet would read as a formula (the same rule as the assessment exports
# in assessments/reports/exports.py; frameworks never import assessments).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 5_000
I18N_PREFIX = "i18n-"
LANG = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")

SETTINGS = [
    ("id", "Framework id (lower-case letters, digits, hyphens)"),
    ("version", "Version as written, e.g. 1.0"),
    ("name", "Name"),
    ("description", "Description"),
    ("licence.notice", "Licence notice (copyright)"),
    ("licence.source", "Where the content comes from"),
    ("licence.redistributable", "May be redistributed: yes or no"),
    ("scoring.method", "average or gated"),
]
SCALE_COLUMNS = ["level", "name", "description", "band_min_score"]
DOMAIN_COLUMNS = ["code", "parent", "name", "description", "weight", "target_level"]
LEVEL_COLUMNS = [f"level_{n}" for n in range(1, SCALE_SIZE + 1)]
# Choice questions may list more choices than the scale has levels.
EXTRA_LEVEL_COLUMNS = [f"level_{n}" for n in range(SCALE_SIZE + 1, MAX_CHOICES + 1)]
REC_COLUMNS = [f"recommendation_{n}" for n in range(1, SCALE_SIZE + 1)]
QUESTION_COLUMNS = [
    "section",
    "code",
    "text",
    "kind",
    "weight",
    "allow_na",
    "required",
    "guidance",
    "evidence_hint",
    *LEVEL_COLUMNS,
    "practice_level",
    "thresholds",
    "unit",
    *REC_COLUMNS,
    "tags",
    "thresholds_by_band",
    *EXTRA_LEVEL_COLUMNS,
]
TAG_COLUMNS = ["code", "name", "description"]
PRACTICE_COLUMNS = ["point", "label", "criteria"]
I18N_COLUMNS = ["object", "code", "field", "original", "translation"]


class WorkbookError(ValueError):
    """A workbook that does not hold a valid framework; one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- writing --------------------------------------------------------------------------


def _put(sheet, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return
    if isinstance(value, bool):
        cell.value = "yes" if value else "no"
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # literal text, never a formula
        if value.startswith((*FORMULA_PREFIXES, "'")):
            cell.quotePrefix = True


def _table(workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(title)
    for c, name in enumerate(header, start=1):
        _put(sheet, 1, c, name)
        sheet.cell(row=1, column=c).font = Font(bold=True)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value)
            sheet.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for c, name in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=c).column_letter
        wide = name in {"text", "description", "guidance", "original", "translation"}
        sheet.column_dimensions[letter].width = 60 if wide else 18


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _thresholds_text(thresholds: list) -> str:
    return "; ".join(f"{_number(t.min)}:{_number(t.score)}" for t in thresholds)


def write_workbook(spec: FrameworkFile) -> bytes:
    """The authoring workbook of `spec`."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    settings_values = {
        "id": spec.id,
        "version": spec.version,
        "name": spec.name,
        "description": spec.description,
        "licence.notice": spec.licence.notice,
        "licence.source": spec.licence.source,
        "licence.redistributable": spec.licence.redistributable,
        "scoring.method": spec.scoring.method,
    }
    _table(
        workbook,
        "Framework",
        ["setting", "value", "help"],
        [[key, settings_values[key], help_text] for key, help_text in SETTINGS],
    )
    bands = {b.level: b.min_score for b in spec.scoring.bands}
    _table(
        workbook,
        "Scale",
        SCALE_COLUMNS,
        [
            [lv.level, lv.name, lv.description, _number(bands[lv.level]) if bands else None]
            for lv in spec.scale
        ],
    )
    domain_rows: list[list[object]] = []
    question_rows: list[list[object]] = []
    for d in spec.domains:
        domain_rows.append([d.code, None, d.name, d.description, _number(d.weight), d.target_level])
        for q in d.questions:
            question_rows.append(_question_row(d.code, q))
        for s in d.subdomains:
            domain_rows.append([s.code, d.code, s.name, s.description, None, None])
            for q in s.questions:
                question_rows.append(_question_row(s.code, q))
    _table(workbook, "Domains", DOMAIN_COLUMNS, domain_rows)
    _table(workbook, "Questions", QUESTION_COLUMNS, question_rows)
    if spec.practice_scale:
        _table(
            workbook,
            "PracticeScale",
            PRACTICE_COLUMNS,
            [[key, p.label, p.criteria] for key, p in spec.practice_scale.items()],
        )
    if spec.tags:
        _table(
            workbook,
            "Tags",
            TAG_COLUMNS,
            [[t.code, t.name, t.description] for t in spec.tags],
        )
    for lang, translation in spec.translations.items():
        _table(workbook, f"{I18N_PREFIX}{lang}"[:31], I18N_COLUMNS, _i18n_rows(spec, translation))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _question_row(section: str, q) -> list[object]:
    levels = list(q.levels) + [None] * (SCALE_SIZE - len(q.levels))
    return [
        section,
        q.code,
        q.text,
        q.kind,
        _number(q.weight),
        q.allow_na,
        q.required,
        q.guidance,
        q.evidence_hint,
        *levels[:SCALE_SIZE],
        q.practice_level,
        _thresholds_text(q.thresholds),
        q.unit,
        *[q.recommendations.get(n) for n in range(1, SCALE_SIZE + 1)],
        ", ".join(q.tags),
        " | ".join(
            f"{band}= {_thresholds_text(thresholds)}"
            for band, thresholds in q.thresholds_by_band.items()
        ),
        *levels[SCALE_SIZE:],
    ]


def _i18n_rows(spec: FrameworkFile, t) -> list[list[object]]:
    """Every translatable text, with the original beside it and the translation, if any."""
    rows: list[list[object]] = [
        ["framework", "", "name", spec.name, t.name],
        ["framework", "", "description", spec.description, t.description],
    ]
    for lv in spec.scale:
        local = t.scale.get(lv.level)
        rows.append(["scale", lv.level, "name", lv.name, local.name if local else None])
        rows.append(
            ["scale", lv.level, "description", lv.description, local.description if local else None]
        )
    for key, point in spec.practice_scale.items():
        local_point = t.practice_scale.get(key)
        for name in ("label", "criteria"):
            rows.append(
                [
                    "practice",
                    key,
                    name,
                    getattr(point, name),
                    getattr(local_point, name) if local_point else None,
                ]
            )
    for d in spec.domains:
        nodes: list[Domain | SubDomain] = [d, *d.subdomains]
        for node in nodes:
            local = t.domains.get(node.code)
            rows.append(["domain", node.code, "name", node.name, local.name if local else None])
            rows.append(
                [
                    "domain",
                    node.code,
                    "description",
                    node.description,
                    local.description if local else None,
                ]
            )
        for q in d.all_questions():
            local = t.questions.get(q.code)
            for name in ("text", "unit", "guidance", "evidence_hint"):
                rows.append(
                    ["question", q.code, name, getattr(q, name), getattr(local, name, None)]
                )
            local_levels = list(local.levels) if local else []
            for n in range(1, max(len(q.levels), len(local_levels)) + 1):
                original = q.levels[n - 1] if n <= len(q.levels) else ""
                text = local_levels[n - 1] if n <= len(local_levels) else None
                rows.append(["question", q.code, f"levels.{n}", original, text])
            local_recs = local.recommendations if local else {}
            for n in sorted({*q.recommendations, *local_recs}):
                rows.append(
                    [
                        "question",
                        q.code,
                        f"recommendations.{n}",
                        q.recommendations.get(n, ""),
                        local_recs.get(n),
                    ]
                )
    return rows


# --- reading --------------------------------------------------------------------------


@dataclass
class _Reader:
    """Reads cells, collecting problems named by sheet, row and column."""

    problems: list[str] = field(default_factory=list)
    places: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def where(self, sheet: str, row: int, column: str | None = None) -> str:
        place = f"sheet {sheet!r}, row {row}"
        return f"{place}, column {column!r}" if column else place

    def fail(self, sheet: str, row: int, column: str | None, message: str) -> None:
        self.problems.append(f"{self.where(sheet, row, column)}: {message}")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(
    sheet, header: list[str], reader: _Reader, *, required: set[str]
) -> list[tuple[int, dict]]:
    """The sheet's rows as dicts keyed by header name; columns may be in any order."""
    values = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    if not values:
        reader.fail(sheet.title, 1, None, "the sheet is empty; the first row must name the columns")
        return []
    if len(values) > MAX_ROWS:
        reader.fail(sheet.title, MAX_ROWS + 1, None, f"more than {MAX_ROWS} rows")
        return []
    names = [_text(v).strip() for v in values[0]]
    positions: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            continue
        if name not in header:
            reader.fail(sheet.title, 1, name, f"unknown column; expected {', '.join(header)}")
        elif name in positions:
            reader.fail(sheet.title, 1, name, "the column appears twice")
        else:
            positions[name] = i
    for name in sorted(required - set(positions)):
        reader.fail(sheet.title, 1, name, "missing column")
    result = []
    for number, row in enumerate(values[1:], start=2):
        if all(v is None or _text(v).strip() == "" for v in row):
            continue
        result.append(
            (number, {name: (row[i] if i < len(row) else None) for name, i in positions.items()})
        )
    return result


def _bool(reader: _Reader, sheet: str, row: int, column: str, value: object, default: bool) -> bool:
    if value is None or _text(value).strip() == "":
        return default
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in {"yes", "true", "1", "y"}:
        return True
    if text in {"no", "false", "0", "n"}:
        return False
    reader.fail(sheet, row, column, f"expected yes or no, got {_text(value)!r}")
    return default


def _num(reader: _Reader, sheet: str, row: int, column: str, value: object) -> float | None:
    if value is None or _text(value).strip() == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        return float(_text(value).strip().replace(",", "."))
    except ValueError:
        reader.fail(sheet, row, column, f"expected a number, got {_text(value)!r}")
        return None


def _int(reader: _Reader, sheet: str, row: int, column: str, value: object) -> int | None:
    number = _num(reader, sheet, row, column, value)
    if number is None:
        return None
    if not float(number).is_integer():
        reader.fail(sheet, row, column, f"expected a whole number, got {_text(value)!r}")
        return None
    return int(number)


def read_workbook(content: bytes, *, max_bytes: int | None = None) -> FrameworkFile:
    """The framework held by an authoring workbook, or WorkbookError naming each problem."""
    from openpyxl import load_workbook

    if max_bytes is not None and len(content) > max_bytes:
        raise WorkbookError(
            [f"the workbook is {len(content):,} bytes, over the limit of {max_bytes:,} bytes"]
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise WorkbookError(["the file is not an Excel workbook (.xlsx)"]) from None
    reader = _Reader()
    try:
        data = _read(workbook, reader)
    finally:
        workbook.close()
    if reader.problems:
        raise WorkbookError(reader.problems)
    try:
        return FrameworkFile.model_validate(data)
    except ValidationError as exc:
        raise WorkbookError(_placed(exc, reader)) from None


def _read(workbook, reader: _Reader) -> dict[str, Any]:
    for title in ("Framework", "Scale", "Domains", "Questions"):
        if title not in workbook.sheetnames:
            reader.problems.append(f"sheet {title!r}: missing (the workbook needs it)")
    if reader.problems:
        return {}
    settings: dict[str, object] = {}
    for row, values in _rows(
        workbook["Framework"], ["setting", "value", "help"], reader, required={"setting", "value"}
    ):
        key = _text(values.get("setting")).strip()
        if key not in dict(SETTINGS):
            reader.fail("Framework", row, "setting", f"unknown setting {key!r}")
            continue
        settings[key] = values.get("value")
        reader.places[("setting", key)] = reader.where("Framework", row, "value")
    for key, _help in SETTINGS:
        reader.places.setdefault(("setting", key), "sheet 'Framework', setting " + repr(key))
    redistributable = settings.get("licence.redistributable")
    setting_rows = {
        k: int(v.split("row ")[1].split(",")[0])
        for (t, k), v in reader.places.items()
        if t == "setting" and "row " in v
    }
    data: dict[str, Any] = {
        "id": _text(settings.get("id")).strip(),
        "version": _text(settings.get("version")).strip(),
        "name": _text(settings.get("name")),
        "description": _text(settings.get("description")),
        "licence": {
            "notice": _text(settings.get("licence.notice")),
            "source": _text(settings.get("licence.source")),
            "redistributable": None
            if redistributable is None
            else _bool(
                reader,
                "Framework",
                setting_rows.get("licence.redistributable", 0),
                "value",
                redistributable,
                False,
            ),
        },
        "scoring": {"method": _text(settings.get("scoring.method")), "bands": []},
        "scale": [],
        "domains": [],
        "translations": {},
        "tags": [],
    }
    for row, values in _rows(workbook["Scale"], SCALE_COLUMNS, reader, required={"level", "name"}):
        level = _int(reader, "Scale", row, "level", values.get("level"))
        reader.places[("scale", len(data["scale"]))] = reader.where("Scale", row)
        data["scale"].append(
            {
                "level": level,
                "name": _text(values.get("name")),
                "description": _text(values.get("description")),
            }
        )
        band = _num(reader, "Scale", row, "band_min_score", values.get("band_min_score"))
        if band is not None:
            reader.places[("band", len(data["scoring"]["bands"]))] = reader.where(
                "Scale", row, "band_min_score"
            )
            data["scoring"]["bands"].append({"level": level, "min_score": band})
    sections: dict[str, dict[str, Any]] = {}
    for row, values in _rows(
        workbook["Domains"], DOMAIN_COLUMNS, reader, required={"code", "name"}
    ):
        code = _text(values.get("code")).strip()
        parent = _text(values.get("parent")).strip()
        if code in sections:
            reader.fail("Domains", row, "code", f"duplicate code {code!r}")
            continue
        node: dict[str, Any] = {
            "code": code,
            "name": _text(values.get("name")),
            "description": _text(values.get("description")),
            "questions": [],
        }
        if parent:
            if parent not in sections or "subdomains" not in sections[parent]:
                reader.fail(
                    "Domains",
                    row,
                    "parent",
                    f"{parent!r} is not a domain listed above this row",
                )
                continue
            for column in ("weight", "target_level"):
                if _text(values.get(column)).strip():
                    reader.fail("Domains", row, column, "only top-level domains take this")
            owner = sections[parent]
            reader.places[("sub", owner["code"], len(owner["subdomains"]))] = reader.where(
                "Domains", row
            )
            owner["subdomains"].append(node)
        else:
            weight = _num(reader, "Domains", row, "weight", values.get("weight"))
            target = _int(reader, "Domains", row, "target_level", values.get("target_level"))
            node["subdomains"] = []
            if weight is not None:
                node["weight"] = weight
            if target is not None:
                node["target_level"] = target
            reader.places[("domain", len(data["domains"]))] = reader.where("Domains", row)
            data["domains"].append(node)
        reader.places[("node", code)] = reader.where("Domains", row)
        sections[code] = node
    for row, values in _rows(
        workbook["Questions"],
        QUESTION_COLUMNS,
        reader,
        required={"section", "code", "text", "kind"},
    ):
        section = _text(values.get("section")).strip()
        if section not in sections:
            reader.fail("Questions", row, "section", f"no domain or sub-domain {section!r}")
            continue
        owner = sections[section]
        reader.places[("question", section, len(owner["questions"]))] = row
        owner["questions"].append(_read_question(reader, row, values))
    if "PracticeScale" in workbook.sheetnames:
        data["practice_scale"] = {}
        for _row, values in _rows(
            workbook["PracticeScale"], PRACTICE_COLUMNS, reader, required={"point", "label"}
        ):
            data["practice_scale"][_text(values.get("point")).strip()] = {
                "label": _text(values.get("label")),
                "criteria": _text(values.get("criteria")),
            }
    if "Tags" in workbook.sheetnames:
        for row, values in _rows(workbook["Tags"], TAG_COLUMNS, reader, required={"code", "name"}):
            reader.places[("tag", len(data["tags"]))] = reader.where("Tags", row)
            data["tags"].append(
                {
                    "code": _text(values.get("code")).strip(),
                    "name": _text(values.get("name")),
                    "description": _text(values.get("description")),
                }
            )
    for title in workbook.sheetnames:
        if title.startswith(I18N_PREFIX):
            _read_translation(workbook[title], reader, data, sections)
    return data


def _parse_thresholds(text: str) -> list[dict[str, float]] | None:
    found = []
    for part in text.split(";"):
        pieces = part.split(":")
        if len(pieces) != 2:
            return None
        try:
            found.append({"min": float(pieces[0]), "score": float(pieces[1])})
        except ValueError:
            return None
    return found


def _read_question(reader: _Reader, row: int, values: dict[str, Any]) -> dict[str, Any]:
    sheet = "Questions"
    kind = _text(values.get("kind")).strip()
    q: dict[str, Any] = {
        "code": _text(values.get("code")).strip(),
        "text": _text(values.get("text")),
        "kind": kind,
        "guidance": _text(values.get("guidance")),
        "evidence_hint": _text(values.get("evidence_hint")),
        "unit": _text(values.get("unit")),
        "allow_na": _bool(reader, sheet, row, "allow_na", values.get("allow_na"), False),
        "required": _bool(reader, sheet, row, "required", values.get("required"), kind != "text"),
    }
    weight = _num(reader, sheet, row, "weight", values.get("weight"))
    if weight is not None:
        q["weight"] = weight
    levels = [_text(values.get(c)) for c in (*LEVEL_COLUMNS, *EXTRA_LEVEL_COLUMNS)]
    while levels and levels[-1] == "":
        levels.pop()
    q["levels"] = levels
    q["practice_level"] = _int(reader, sheet, row, "practice_level", values.get("practice_level"))
    thresholds = []
    raw = _text(values.get("thresholds")).strip()
    if raw:
        for part in raw.split(";"):
            pieces = part.split(":")
            try:
                if len(pieces) != 2:
                    raise ValueError
                thresholds.append({"min": float(pieces[0]), "score": float(pieces[1])})
            except ValueError:
                reader.fail(
                    sheet,
                    row,
                    "thresholds",
                    f"write thresholds as 'min:score; min:score', got {part.strip()!r}",
                )
                break
    q["thresholds"] = thresholds
    q["recommendations"] = {
        n: _text(values.get(f"recommendation_{n}"))
        for n in range(1, SCALE_SIZE + 1)
        if _text(values.get(f"recommendation_{n}")) != ""
    }
    q["tags"] = [t.strip() for t in _text(values.get("tags")).split(",") if t.strip()]
    by_band: dict[str, list[dict[str, float]]] = {}
    for part in _text(values.get("thresholds_by_band")).split("|"):
        if not part.strip():
            continue
        band, equals, text = part.partition("=")
        parsed = _parse_thresholds(text) if equals else None
        if parsed is None:
            reader.fail(
                sheet,
                row,
                "thresholds_by_band",
                f"write 'band= min:score; min:score | band= ...', got {part.strip()!r}",
            )
            break
        by_band[band.strip()] = parsed
    if by_band:
        q["thresholds_by_band"] = by_band
    return q


def _read_translation(sheet, reader: _Reader, data: dict[str, Any], sections: dict) -> None:
    title = sheet.title
    lang = title[len(I18N_PREFIX) :]
    if not LANG.match(lang):
        reader.fail(title, 1, None, f"{lang!r} is not a language code such as 'fr' or 'pt-BR'")
        return
    known_questions = {q["code"] for node in sections.values() for q in node.get("questions", [])}
    out: dict[str, Any] = {"scale": {}, "domains": {}, "questions": {}}
    for row, values in _rows(
        sheet, I18N_COLUMNS, reader, required={"object", "code", "field", "translation"}
    ):
        text = _text(values.get("translation"))
        if text == "":
            continue
        obj = _text(values.get("object")).strip()
        code = _text(values.get("code")).strip()
        name = _text(values.get("field")).strip()
        if obj == "framework" and name in {"name", "description"}:
            out[name] = text
        elif obj == "scale" and name in {"name", "description"}:
            level = _int(reader, title, row, "code", values.get("code"))
            if level is not None:
                out["scale"].setdefault(level, {})[name] = text
        elif obj == "domain" and name in {"name", "description"}:
            if code not in sections:
                reader.fail(title, row, "code", f"no domain or sub-domain {code!r}")
                continue
            out["domains"].setdefault(code, {})[name] = text
        elif obj == "practice" and name in {"label", "criteria"}:
            out.setdefault("practice_scale", {}).setdefault(code, {})[name] = text
        elif obj == "question":
            if code not in known_questions:
                reader.fail(title, row, "code", f"no question {code!r}")
                continue
            entry = out["questions"].setdefault(code, {})
            head, _dot, index = name.partition(".")
            if name in {"text", "unit", "guidance", "evidence_hint"}:
                entry[name] = text
            elif head in {"levels", "recommendations"} and index.isdigit():
                entry.setdefault(head, {})[int(index)] = text
            else:
                reader.fail(title, row, "field", f"unknown field {name!r}")
        else:
            reader.fail(title, row, "object", f"cannot translate {obj!r} {name!r}")
    for entry in out["questions"].values():
        if "levels" in entry:
            levels = entry["levels"]
            entry["levels"] = [levels.get(n, "") for n in range(1, max(levels) + 1)]
    data["translations"][lang] = {k: v for k, v in out.items() if v}


def _placed(exc: ValidationError, reader: _Reader) -> list[str]:
    """Turn the schema's locations (domains[2].questions[0].kind) into sheet, row, column."""
    problems = []
    for item in exc.errors():
        loc = [p for p in item["loc"] if not (isinstance(p, str) and "[" in p)]
        message = item["msg"].removeprefix("Value error, ")
        place = _place(loc, reader)
        if place.startswith("sheet 'Questions', row") and "column" not in place:
            place += _column_named_by(message)
        problems.append(f"{place}: {message}")
    return problems


def _place(loc: list[Any], reader: _Reader) -> str:
    places = reader.places
    if not loc:
        return "workbook"
    head = loc[0]
    if head in {"id", "version", "name", "description"}:
        return places[("setting", head)]
    if head == "licence" and len(loc) > 1:
        return places[("setting", f"licence.{loc[1]}")]
    if head == "scoring":
        if len(loc) > 2 and loc[1] == "bands" and ("band", loc[2]) in places:
            return places[("band", loc[2])]
        return places[("setting", "scoring.method")] + " (scoring)"
    if head == "scale" and len(loc) > 1 and ("scale", loc[1]) in places:
        column = f", column {loc[2]!r}" if len(loc) > 2 else ""
        return places[("scale", loc[1])] + column
    if head == "domains" and len(loc) > 1:
        domain_place = places.get(("domain", loc[1]), "sheet 'Domains'")
        rest = loc[2:]
        code = _domain_code(reader, loc[1])
        if rest and rest[0] == "subdomains" and len(rest) > 1:
            sub_place = places.get(("sub", code, rest[1]), domain_place)
            sub_code = _sub_code(reader, code, rest[1])
            rest2 = rest[2:]
            if rest2 and rest2[0] == "questions" and len(rest2) > 1:
                return _question_place(reader, sub_code, rest2[1], rest2[2:])
            return sub_place + (f", column {rest2[0]!r}" if rest2 else "")
        if rest and rest[0] == "questions" and len(rest) > 1:
            return _question_place(reader, code, rest[1], rest[2:])
        return domain_place + (f", column {rest[0]!r}" if rest else "")
    if head == "tags" and len(loc) > 1 and ("tag", loc[1]) in places:
        return places[("tag", loc[1])]
    if head == "translations" and len(loc) > 1:
        return f"sheet '{I18N_PREFIX}{loc[1]}'"
    return "workbook"


def _column_named_by(message: str) -> str:
    """A question-wide rule (from the schema) points at the column it is about."""
    for needle, column in (
        ("level descriptors", "level_1"),
        ("'levels'", "level_1"),
        ("practice_level", "practice_level"),
        ("threshold", "thresholds"),
        ("recommendations", "recommendation_1"),
        ("unknown tags", "tags"),
        ("'choice'", "thresholds"),
    ):
        if needle in message:
            return f", column {column!r}"
    return ""


def _domain_code(reader: _Reader, index: int) -> str:
    for key in reader.places:
        if key[0] == "node" and reader.places[key] == reader.places.get(("domain", index)):
            return key[1]
    return ""


def _sub_code(reader: _Reader, parent: str, index: int) -> str:
    target = reader.places.get(("sub", parent, index))
    for key in reader.places:
        if key[0] == "node" and reader.places[key] == target:
            return key[1]
    return ""


def _question_place(reader: _Reader, section: str, index: int, rest: list[Any]) -> str:
    row: int | None = reader.places.get(("question", section, index))
    if row is None:
        return "sheet 'Questions'"
    column = rest[0] if rest else None
    if column == "levels":
        column = "level_1"
    elif column == "recommendations":
        column = "recommendation_" + str(rest[1]) if len(rest) > 1 else "recommendation_1"
    return reader.where("Questions", row, column)
