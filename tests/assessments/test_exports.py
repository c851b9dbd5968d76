"""Exports of one assessment (issue #5): JSON recomputes every score, CSV and XLSX are inert."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessments import scoring
from assessments.models import Assessment, Evidence, Response
from assessments.reports.exports import (
    CONTENT_TYPES,
    FORMULA_PREFIXES,
    RESPONSE_COLUMNS,
    export_csv,
    export_json,
    export_xlsx,
)
from assessments.results.targets import targets_set
from assessments.review.services import assessment_submit, assessment_validate
from assessments.services import assessment_start
from frameworks.loader import load_file
from frameworks.models import Domain, Framework, Question
from frameworks.services import frameworks_import
from tests.conftest import answer, answer_all, logged_in

ANSWERS = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}
COLUMN = {key: index for index, (key, _label) in enumerate(RESPONSE_COLUMNS)}


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_related("organisation", "framework", "cycle").get(
        pk=assessment.pk
    )


# --- JSON: every score recomputed from the file alone --------------------------------------


def framework_from_json(framework: dict) -> scoring.FrameworkDef:
    return scoring.FrameworkDef(
        method=framework["method"],
        bands=tuple((level, minimum) for level, minimum in framework["bands"]),
        domains=tuple(
            scoring.DomainDef(
                code=d["code"],
                name=d["name"],
                weight=d["weight"],
                default_target=d["default_target"],
            )
            for d in framework["domains"]
        ),
        questions=tuple(
            scoring.QuestionDef(
                code=q["code"],
                domain=q["domain"],
                kind=q["kind"],
                weight=q["weight"],
                text=q["text"],
                practice_level=q["practice_level"],
                thresholds=tuple((minimum, score) for minimum, score in q["thresholds"]),
                recommendations=tuple(
                    sorted((int(level), text) for level, text in q["recommendations"].items())
                ),
            )
            for q in framework["questions"]
        ),
        max_level=framework["max_level"],
    )


def answers_from_json(responses: list[dict], *, moderated: bool) -> dict[str, scoring.Answer]:
    answers = {}
    for r in responses:
        if moderated and (r["moderated_value"] or r["moderated_not_applicable"]):
            value, na = r["moderated_value"], r["moderated_not_applicable"]
        else:
            value, na = r["value"], r["not_applicable"]
        answers[r["code"]] = scoring.Answer(value=value or None, not_applicable=na)
    return answers


def recomputed(payload: dict, *, moderated: bool) -> dict:
    result = scoring.score_assessment(
        framework_from_json(payload["framework"]),
        answers_from_json(payload["responses"], moderated=moderated),
        payload["targets"],
    )
    return scoring.result_to_dict(result)


def _answered(assessment: Assessment, alice, carol) -> None:
    answer_all(assessment, alice, ANSWERS)


def _partial_with_na(assessment: Assessment, alice, carol) -> None:
    answer(assessment, alice, "GOV-01", "4")
    answer(assessment, alice, "GOV-02", not_applicable=True)
    answer(assessment, alice, "OPS-02", "12.5")


def _validated(assessment: Assessment, alice, carol) -> None:
    _answered(assessment, alice, carol)
    assessment_submit(assessment=assessment, user=alice)
    assessment_validate(assessment=assessment, user=carol)


def _moderated(assessment: Assessment, alice, carol) -> None:
    _answered(assessment, alice, carol)
    assessment_submit(assessment=assessment, user=alice)
    # No service sets moderation yet; the advisor's answers as the review would store them.
    Response.objects.filter(assessment=assessment, question__code="GOV-01").update(
        moderated_value="1", moderation_reason="No adopted strategy.", moderated_by=carol
    )
    Response.objects.filter(assessment=assessment, question__code="OPS-01").update(
        moderated_value="no", moderation_reason="Office hours only.", moderated_by=carol
    )
    assessment_validate(assessment=assessment, user=carol)


def _own_targets(assessment: Assessment, alice, carol) -> None:
    _answered(assessment, alice, carol)
    domains = Domain.objects.filter(framework_id=assessment.framework_id, parent__isnull=True)
    targets_set(
        assessment=assessment,
        user=alice,
        levels={d.pk: (5 if d.code == "GOV" else 2) for d in domains},
    )


Scenario = Callable[[Assessment, object, object], None]


@pytest.mark.parametrize(
    "scenario",
    [_answered, _partial_with_na, _validated, _moderated, _own_targets],
    ids=["answered", "partial-with-na", "validated", "moderated", "own-targets"],
)
def test_the_json_export_recomputes_every_score(
    assessment: Assessment,
    alice,
    carol,
    scenario: Scenario,
) -> None:
    scenario(assessment, alice, carol)

    payload = json.loads(export_json(fresh(assessment)))
    exported = payload["scores"]["result"]
    result = recomputed(payload, moderated=True)

    assert exported["overall_score"] is not None
    assert result["overall_score"] == exported["overall_score"]
    assert result["overall_level"] == exported["overall_level"]
    assert len(result["domains"]) == len(exported["domains"]) == 2
    for mine, theirs in zip(result["domains"], exported["domains"], strict=True):
        assert mine["code"] == theirs["code"]
        assert (mine["score"], mine["level"], mine["gap"]) == (
            theirs["score"],
            theirs["level"],
            theirs["gap"],
        ), mine["code"]
    assert result == exported
    assert recomputed(payload, moderated=False) == payload["scores"]["self_assessed"]


SHIPPED = Path(__file__).resolve().parents[2] / "frameworks" / "data"


def _value_for(question: Question, index: int) -> str:
    """A valid answer of the question's kind, varied by position."""
    return {
        "maturity": str(1 + index % 5),
        "practice": scoring.PRACTICE_CHOICES[index % 4],
        "yes_no": ("yes", "no")[index % 2],
        "numeric": str(index * 7 % 40),
    }.get(question.kind, "A note.")


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_json_export_recomputes_every_score_of_a_shipped_framework(
    path: Path,
    cycle,
    org_a,
    alice,
) -> None:
    loaded = load_file(path)
    frameworks_import(loaded=[loaded])
    framework = Framework.objects.filter(key=loaded.spec.id).latest("revision")
    assessment = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=alice)
    questions = Question.objects.filter(framework=framework).order_by("position")
    for index, question in enumerate(questions):
        if index % 11 == 10:
            continue  # unanswered
        na = question.allow_na and index % 7 == 3
        answer(
            assessment,
            alice,
            question.code,
            "" if na else _value_for(question, index),
            not_applicable=na,
        )
    moderated = [q.pk for q in questions if q.kind in ("maturity", "practice")][::5]
    Response.objects.filter(assessment=assessment, question_id__in=moderated).update(
        moderated_value="2", moderation_reason="Seen on site."
    )
    Response.objects.filter(
        assessment=assessment, question_id__in=moderated, question__kind="practice"
    ).update(moderated_value="partial")

    payload = json.loads(export_json(fresh(assessment)))

    assert payload["framework"]["method"] == framework.scoring_method
    assert payload["scores"]["moderated"] is True
    assert recomputed(payload, moderated=True) == payload["scores"]["result"]
    assert recomputed(payload, moderated=False) == payload["scores"]["self_assessed"]
    assert payload["scores"]["result"] != payload["scores"]["self_assessed"]


def test_the_json_export_differs_from_self_assessment_when_moderated(
    assessment: Assessment,
    alice,
    carol,
) -> None:
    # The moderated scenario above would prove little if moderation changed nothing.
    _moderated(assessment, alice, carol)

    payload = json.loads(export_json(fresh(assessment)))

    assert payload["scores"]["moderated"] is True
    assert (
        payload["scores"]["result"]["overall_score"]
        < payload["scores"]["self_assessed"]["overall_score"]
    )


def test_the_json_export_lists_every_question_and_the_targets(
    assessment: Assessment,
    alice,
) -> None:
    answer(assessment, alice, "GOV-01", "2")

    payload = json.loads(export_json(fresh(assessment)))

    assert [r["code"] for r in payload["responses"]] == [
        "GOV-01",
        "GOV-02",
        "OPS-01",
        "OPS-02",
        "OPS-03",
    ]
    assert payload["targets"] == {"GOV": 4, "OPS": 3}
    assert payload["assessment"]["organisation"] == "Alpha Agency"
    assert payload["format"] == "resilience-assessment-export/1"


# --- CSV and XLSX: nothing a spreadsheet would evaluate ------------------------------------

HOSTILE = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx")
EVIDENCE_NAME = '=HYPERLINK("http://127.0.0.1/","x")'
USER_NAME = "@SUM(1)"


@pytest.fixture
def hostile(assessment: Assessment, alice) -> Assessment:
    """Formula-like text in comments, a moderation reason, an evidence name and a user name."""
    alice.first_name = USER_NAME
    alice.save()
    for (code, value), comment in zip(ANSWERS.items(), HOSTILE[:4], strict=True):
        answer(assessment, alice, code, value, comment=comment)
    answer(assessment, alice, "OPS-03", "Free text")
    # response_save strips comments, so a leading tab or carriage return only gets in
    # through other paths (an import, the admin): written directly here.
    Response.objects.filter(assessment=assessment, question__code="OPS-03").update(
        comment=HOSTILE[4]
    )
    Response.objects.filter(assessment=assessment, question__code="GOV-02").update(
        moderation_reason=HOSTILE[5]
    )
    Evidence.objects.create(
        response=Response.objects.get(assessment=assessment, question__code="GOV-01"),
        original_name=EVIDENCE_NAME,
        stored_name="0" * 48,
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=alice,
    )
    return fresh(assessment)


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_the_csv_export_neutralises_formula_like_cells(hostile: Assessment) -> None:
    rows = csv_rows(export_csv(hostile))
    cells = {cell for row in rows for cell in row}

    for text in (*HOSTILE, EVIDENCE_NAME, USER_NAME):
        assert "'" + text in cells, repr(text)
    # Numbers (a negative gap) are data, not formulas.
    assert [c for c in cells if c.startswith(FORMULA_PREFIXES) and not is_number(c)] == []


def test_the_csv_export_keeps_the_columns_and_the_scores(hostile: Assessment) -> None:
    rows = csv_rows(export_csv(hostile))
    payload = json.loads(export_json(hostile))

    assert rows[0] == [label for _key, label in RESPONSE_COLUMNS]
    by_code = {row[COLUMN["code"]]: row for row in rows[1:6]}
    assert by_code["GOV-01"][COLUMN["comment"]] == "'=1+1"
    assert by_code["GOV-01"][COLUMN["weight"]] == "2.0"
    assert float(by_code["GOV-01"][COLUMN["score"]]) == 0.5
    overall = next(row for row in rows if row and row[0] == "overall")
    assert float(overall[2]) == payload["scores"]["result"]["overall_score"]


def xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def test_the_xlsx_export_neutralises_formula_like_cells(hostile: Assessment) -> None:
    cells = xlsx_cells(export_xlsx(hostile))
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}

    for text in (*HOSTILE, EVIDENCE_NAME, USER_NAME):
        # The standard-library XML parser reads a stored carriage return back as a line
        # feed; lxml (installed with python-docx, and used by openpyxl when present) keeps it.
        assert {"'" + text, "'" + text.replace("\r", "\n")} & texts, repr(text)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [v for v in texts if v.startswith(FORMULA_PREFIXES)] == []
    for cell in cells:
        if isinstance(cell.value, str):
            assert cell.data_type == "s", cell.coordinate


def test_the_xlsx_export_keeps_numbers_as_numbers(hostile: Assessment) -> None:
    workbook = load_workbook(io.BytesIO(export_xlsx(hostile)))
    responses = list(workbook["Responses"].iter_rows(min_row=2, values_only=True))
    by_code = {row[COLUMN["code"]]: row for row in responses}

    for code in ANSWERS:
        weight, score = by_code[code][COLUMN["weight"]], by_code[code][COLUMN["score"]]
        assert isinstance(weight, int | float) and not isinstance(weight, bool), code
        assert isinstance(score, int | float) and not isinstance(score, bool), code
    assert by_code["GOV-01"][COLUMN["weight"]] == 2
    assert by_code["GOV-01"][COLUMN["score"]] == 0.5
    scores = {row[0]: row for row in workbook["Scores"].iter_rows(min_row=2, values_only=True)}
    payload = json.loads(export_json(hostile))
    assert scores["overall"][2] == payload["scores"]["result"]["overall_score"]
    assert isinstance(scores["GOV"][3], int)


def test_the_xlsx_export_survives_control_characters_in_a_comment(
    assessment: Assessment,
    alice,
) -> None:
    # The form and response_save accept these: only NUL is refused by Django.
    answer(assessment, alice, "GOV-01", "2", comment="Pasted from Word\x0bsecond line\x1b")

    cells = xlsx_cells(export_xlsx(fresh(assessment)))

    comment = next(c.value for c in cells if str(c.value).startswith("Pasted from Word"))
    assert "second line" in comment


# --- views ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_the_coordinator_downloads_every_format(
    assessment: Assessment,
    alice,
    fmt: str,
) -> None:
    answer(assessment, alice, "GOV-01", "2")
    response = logged_in(alice).get(reverse("export", args=[assessment.pk, fmt]))

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="alpha-agency-mini-2026.{fmt}"'
    )
    assert response["Cache-Control"] == "no-store, private"
    if fmt == "json":
        assert json.loads(response.content)["assessment"]["id"] == assessment.pk
    elif fmt == "csv":
        assert csv_rows(response.content)[1][COLUMN["code"]] == "GOV-01"
    else:
        sheet = load_workbook(io.BytesIO(response.content))["Responses"]
        assert sheet.cell(row=2, column=COLUMN["code"] + 1).value == "GOV-01"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_outsider_gets_404(assessment: Assessment, charlie, fmt: str) -> None:
    response = logged_in(charlie).get(reverse("export", args=[assessment.pk, fmt]))

    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["pdf", "xls", "txt"])
def test_an_unknown_format_gets_404(assessment: Assessment, alice, fmt: str) -> None:
    response = logged_in(alice).get(reverse("export", args=[assessment.pk, fmt]))

    assert response.status_code == 404


# --- command -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "JSON"])
def test_the_command_writes_each_format(
    assessment: Assessment,
    alice,
    tmp_path: Path,
    fmt: str,
) -> None:
    answer(assessment, alice, "GOV-01", "2", comment="=1+1")
    out = tmp_path / f"export.{fmt.lower()}"

    call_command(
        "export_assessment",
        str(assessment.pk),
        "--format",
        fmt,
        "-o",
        str(out),
        stdout=io.StringIO(),
    )

    content = out.read_bytes()
    if fmt.lower() == "json":
        assert json.loads(content)["assessment"]["id"] == assessment.pk
    elif fmt == "csv":
        assert csv_rows(content)[1][COLUMN["comment"]] == "'=1+1"
    else:
        sheet = load_workbook(io.BytesIO(content))["Responses"]
        assert sheet.cell(row=2, column=COLUMN["comment"] + 1).value == "'=1+1"


def test_the_command_refuses_an_unknown_assessment(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as excinfo:
        call_command("export_assessment", "999999", "--format", "json", "-o", str(tmp_path / "x"))

    assert excinfo.value.returncode == 1
    assert not (tmp_path / "x").exists()


def test_the_command_refuses_a_missing_folder(assessment: Assessment, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "export_assessment",
            str(assessment.pk),
            "--format",
            "csv",
            "-o",
            str(tmp_path / "missing" / "x.csv"),
        )

    assert excinfo.value.returncode == 1
