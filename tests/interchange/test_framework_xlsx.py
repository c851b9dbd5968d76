"""Excel authoring: framework_to_xlsx / framework_from_xlsx round trip and messages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from frameworks.dump import dump_yaml, spec_of
from frameworks.loader import load_file
from frameworks.models import Framework
from frameworks.services import frameworks_import
from frameworks.xlsx import WorkbookError, read_workbook, write_workbook
from tests.conftest import FIXTURES

SHIPPED = sorted((Path(__file__).parents[2] / "frameworks" / "data").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_shipped_framework_survives_the_round_trip_byte_for_byte(db, tmp_path, path):
    loaded = load_file(path)
    frameworks_import(loaded=[loaded])
    xlsx = tmp_path / "f.xlsx"
    out = tmp_path / "f.yaml"
    call_command("framework_to_xlsx", loaded.spec.id, "-o", str(xlsx), stdout=io.StringIO())
    call_command("framework_from_xlsx", str(xlsx), "-o", str(out), stdout=io.StringIO())
    assert out.read_text(encoding="utf-8") == dump_yaml(loaded.spec)
    assert load_file(out).content_hash == loaded.content_hash


def test_a_stored_revision_reads_back_as_its_file(framework):
    assert spec_of(framework) == load_file(FIXTURES / "mini.yaml").spec


def test_it_accepts_a_file_path_as_key(db, tmp_path):
    xlsx = tmp_path / "m.xlsx"
    call_command(
        "framework_to_xlsx", str(FIXTURES / "mini.yaml"), "-o", str(xlsx), stdout=io.StringIO()
    )
    assert read_workbook(xlsx.read_bytes()) == load_file(FIXTURES / "mini.yaml").spec


def test_an_unknown_key_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no framework 'nope'"):
        call_command("framework_to_xlsx", "nope", "-o", str(tmp_path / "x.xlsx"))


def test_text_that_looks_like_a_formula_stays_literal_text():
    spec = load_file(FIXTURES / "mini.yaml").spec
    data = spec.model_dump()
    data["domains"][0]["questions"][0]["guidance"] = '=HYPERLINK("http://evil")'
    data["domains"][0]["questions"][0]["evidence_hint"] = "'quoted"
    spec = type(spec).model_validate(data)
    content = write_workbook(spec)
    sheet = load_workbook(io.BytesIO(content))["Questions"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://evil")']
    assert cells and all(c.data_type == "s" for c in cells)
    assert read_workbook(content) == spec


def _edited(change) -> bytes:
    spec = load_file(FIXTURES / "mini.yaml").spec
    workbook = load_workbook(io.BytesIO(write_workbook(spec)))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_bad_kind_is_named_by_sheet_row_and_column():
    def change(wb):
        wb["Questions"]["D3"] = "maybe"

    with pytest.raises(WorkbookError) as caught:
        read_workbook(_edited(change))
    assert any(
        p.startswith("sheet 'Questions', row 3, column 'kind'") for p in caught.value.problems
    ), caught.value.problems


def test_a_weight_that_is_not_a_number_is_named():
    def change(wb):
        wb["Questions"]["E2"] = "heavy"

    with pytest.raises(
        WorkbookError, match="sheet 'Questions', row 2, column 'weight': expected a number"
    ):
        read_workbook(_edited(change))


def test_a_missing_level_descriptor_is_named():
    def change(wb):
        wb["Questions"]["N2"] = None  # level_5 of GOV-01

    with pytest.raises(WorkbookError, match="sheet 'Questions', row 2, column 'level_1'.*5 level"):
        read_workbook(_edited(change))


def test_a_question_in_an_unknown_section_is_named():
    def change(wb):
        wb["Questions"]["A4"] = "NOPE"

    with pytest.raises(WorkbookError, match="sheet 'Questions', row 4, column 'section'"):
        read_workbook(_edited(change))


def test_a_bad_domain_weight_is_named():
    def change(wb):
        wb["Domains"]["E2"] = -1

    with pytest.raises(WorkbookError, match="sheet 'Domains', row 2, column 'weight'"):
        read_workbook(_edited(change))


def test_a_missing_sheet_is_named():
    def change(wb):
        del wb["Scale"]

    with pytest.raises(WorkbookError, match="sheet 'Scale': missing"):
        read_workbook(_edited(change))


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("framework_from_xlsx", str(bad), "-o", str(tmp_path / "o.yaml"), stderr=err)
    assert "not an Excel workbook" in err.getvalue()
    assert not (tmp_path / "o.yaml").exists()


def test_a_translator_fills_a_new_language_sheet():
    def change(wb):
        sheet = wb.create_sheet("i18n-fr")
        sheet.append(["object", "code", "field", "original", "translation"])
        sheet.append(
            ["question", "GOV-01", "text", "Is there a strategy?", "Existe-t-il une stratégie ?"]
        )
        sheet.append(["domain", "GOV", "name", "Governance", "Gouvernance"])

    spec = read_workbook(_edited(change))
    assert spec.translations["fr"].questions["GOV-01"].text == "Existe-t-il une stratégie ?"
    assert spec.translations["fr"].domains["GOV"].name == "Gouvernance"


def test_the_workbook_of_an_imported_framework_is_the_stored_revision(framework):
    assert Framework.objects.count() == 1
    assert read_workbook(write_workbook(spec_of(framework))) == spec_of(framework)


def test_second_edition_fields_survive_the_round_trip(db):
    import yaml

    from frameworks.schema import FrameworkFile

    data = yaml.safe_load((FIXTURES / "mini.yaml").read_text(encoding="utf-8"))
    points = {"not": "Nothing", "partial": "Some", "largely": "Most", "fully": "All"}
    data["practice_scale"] = {
        key: {"label": label, "criteria": f"{label} of it is seen working."}
        for key, label in points.items()
    }
    data["translations"] = {"fr": {"practice_scale": {"fully": {"label": "Tout"}}}}
    staffing = data["domains"][1]["subdomains"][0]["questions"]
    staffing[1]["thresholds_by_band"] = {
        "small": [{"min": 0, "score": 0}, {"min": 2, "score": 1}],
        "large": [{"min": 0, "score": 0}, {"min": 20, "score": 0.5}, {"min": 40, "score": 1}],
    }
    spec = FrameworkFile.model_validate(data)
    back = read_workbook(write_workbook(spec))
    assert back == spec
    assert dump_yaml(back) == dump_yaml(spec)
    frameworks_import(
        loaded=[
            type(load_file(FIXTURES / "mini.yaml"))(
                path=FIXTURES / "x.yaml", spec=spec, content_hash="x" * 64
            )
        ]
    )
    assert spec_of(Framework.objects.get(key="mini")) == spec
