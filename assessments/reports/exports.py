"""Exports of one assessment: JSON (complete, recomputable), CSV and XLSX (safe).

CSV and XLSX cells that a spreadsheet would read as a formula (text starting
with `=`, `+`, `-`, `@`, a tab or a carriage return) are neutralised by a
leading apostrophe and stored as text; numbers stay numbers in XLSX.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from django.utils import timezone

from assessments import scoring
from assessments.models import Assessment
from assessments.results.assemble import build_results
from assessments.results.present import AnswerRow, answer_rows
from frameworks import kinds

FORMATS = ("json", "csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

RESPONSE_COLUMNS = [
    ("domain", "Domain"),
    ("section", "Sub-domain"),
    ("code", "Question code"),
    ("text", "Question"),
    ("kind", "Kind"),
    ("weight", "Weight"),
    ("value", "Answer value"),
    ("label", "Answer"),
    ("not_applicable", "N/A"),
    ("score", "Answer score (0-1)"),
    ("comment", "Comment"),
    ("evidence", "Evidence files"),
    ("evidence_link", "Evidence link"),
    ("updated_by", "Answered by"),
    ("updated_at", "Answered at"),
    ("version", "Version"),
    ("moderated_value", "Validated answer"),
    ("moderation_reason", "Moderation reason"),
]


def neutralise(value: object) -> object:
    """Text a spreadsheet would evaluate becomes inert text; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(row: AnswerRow, key: str) -> object:
    value = getattr(row, key)
    if key == "evidence":
        return "; ".join(value)
    if key == "updated_at":
        return value.isoformat() if value else ""
    if key == "not_applicable":
        return "yes" if value else ""
    if key in ("value", "moderated_value") and value:
        return kinds.get(row.kind).export_cell(value)
    return "" if value is None else value


def export_payload(assessment: Assessment) -> dict:
    """Everything needed to recompute every score without this application."""
    return _collect(assessment)[0]


def _collect(assessment: Assessment) -> tuple[dict, list[AnswerRow]]:
    data = build_results(assessment, with_peers=False)
    framework = data.scores.framework
    rows = answer_rows(assessment, data.responses)
    payload = {
        "format": "resilience-assessment-export/1",
        "exported_at": timezone.now().isoformat(),
        "assessment": {
            "id": assessment.pk,
            "organisation": assessment.organisation.name,
            "country": assessment.organisation.country,
            "cycle": assessment.cycle.name,
            "status": assessment.status,
            "answers_hash": assessment.answers_hash or None,
            "frozen": data.scores.frozen,
            "intact": data.intact,
        },
        "framework": {
            "id": assessment.framework.key,
            "version": assessment.framework.version,
            "revision": assessment.framework.revision,
            "method": framework.method,
            "bands": [list(b) for b in framework.bands],
            "max_level": framework.max_level,
            "scale": assessment.framework.scale,
            "domains": [asdict(d) for d in framework.domains],
            "questions": [
                {
                    **asdict(q),
                    "thresholds": [list(t) for t in q.thresholds],
                    "recommendations": {str(k): v for k, v in q.recommendations},
                }
                for q in framework.questions
            ],
        },
        "targets": data.scores.targets,
        "responses": [
            {**asdict(r), "updated_at": r.updated_at.isoformat() if r.updated_at else None}
            for r in rows
        ],
        "scores": {
            "result": scoring.result_to_dict(data.shown),
            "self_assessed": scoring.result_to_dict(data.scores.self_result),
            "moderated": data.scores.moderated,
        },
    }
    return payload, rows


def _score_rows(payload: dict) -> list[list[object]]:
    result = payload["scores"]["result"]
    rows: list[list[object]] = [
        ["Domain code", "Domain", "Score", "Level", "Target", "Gap", "Coverage"]
    ]
    for d in result["domains"]:
        rows.append(
            [d["code"], d["name"], d["score"], d["level"], d["target"], d["gap"], d["coverage"]]
        )
    rows.append(
        ["overall", "Overall", result["overall_score"], result["overall_level"], None, None, None]
    )
    return rows


def export_json(assessment: Assessment) -> bytes:
    return json.dumps(export_payload(assessment), ensure_ascii=False, indent=2).encode("utf-8")


def _response_table(rows: list[AnswerRow]) -> list[list[object]]:
    table: list[list[object]] = [[label for _key, label in RESPONSE_COLUMNS]]
    table += [[_cell(row, key) for key, _label in RESPONSE_COLUMNS] for row in rows]
    return table


def export_csv(assessment: Assessment) -> bytes:
    payload, rows = _collect(assessment)
    return write_csv([*_response_table(rows), [], *_score_rows(payload)])


def export_xlsx(assessment: Assessment) -> bytes:
    payload, rows = _collect(assessment)
    return write_xlsx({"Responses": _response_table(rows), "Scores": _score_rows(payload)})


def write_csv(table: list[list[object]]) -> bytes:
    """UTF-8 CSV (with a BOM for spreadsheet programs), formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table:
        writer.writerow([neutralise("" if v is None else v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """One worksheet per table; text never becomes a formula, numbers stay numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, table in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        for row in table:
            _append(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet, values: list[object]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value: object) -> object:
        # XLSX cannot hold control characters that a pasted comment may carry.
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        return None if value is None else neutralise(value)

    sheet.append([clean(v) for v in values])
    # Address the appended row directly: `sheet[sheet.max_row]` rescans every written
    # cell, which made large exports quadratic.
    row = sheet._current_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row=row, column=column).data_type = "s"  # never a formula


def export(assessment: Assessment, fmt: str) -> bytes:
    if fmt == "json":
        return export_json(assessment)
    if fmt == "csv":
        return export_csv(assessment)
    if fmt == "xlsx":
        return export_xlsx(assessment)
    raise ValueError(f"unknown export format {fmt!r}")
