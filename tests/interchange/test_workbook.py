"""The offline workbook: download, fill offline, upload, preview, confirm."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Assessment, AuditEvent, Response
from assessments.review.services import assessment_submit
from interchange.workbook import (
    SIGNATURE_SHEET,
    WorkbookRefused,
    workbook_apply,
    workbook_export,
    workbook_preview,
)
from tests.conftest import answer, logged_in


def _rows(content: bytes) -> dict[str, tuple]:
    wb = load_workbook(io.BytesIO(content))
    found = {}
    for sheet in wb.worksheets:
        if sheet.title.startswith("_") or sheet.max_column < 6:
            continue
        for row in sheet.iter_rows(min_row=2):
            found[row[0].value] = (sheet.title, row[0].row)
    return found


def _fill(content: bytes, cells: dict[str, dict[str, object]]) -> bytes:
    """Set Answer (D), N/A (E) or Comment (F) of questions by code, as a user would."""
    places = _rows(content)
    wb = load_workbook(io.BytesIO(content))
    for code, values in cells.items():
        title, row = places[code]
        for column, value in values.items():
            wb[title][f"{column}{row}"] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _state(assessment: Assessment) -> list[tuple]:
    return sorted(
        Response.objects.filter(assessment=assessment).values_list(
            "question__code", "value", "not_applicable", "comment", "version"
        )
    )


def test_the_workbook_has_a_sheet_per_domain_with_locked_structure(assessment, alice):
    answer(assessment, alice, "GOV-01", "3", comment="=1+1")
    wb = load_workbook(io.BytesIO(workbook_export(assessment=assessment)))
    titles = [s.title for s in wb.worksheets if s.sheet_state == "visible"]
    assert titles[1:] == ["GOV Governance", "OPS Operations"]
    assert wb[SIGNATURE_SHEET].sheet_state == "veryHidden"
    gov = wb["GOV Governance"]
    assert gov.protection.sheet is True
    assert gov["D2"].value == "3 · Established"
    assert gov["F2"].value == "=1+1" and gov["F2"].data_type == "s"
    assert gov["D2"].protection.locked is False and gov["A2"].protection.locked is True
    lists = [dv.formula1 for dv in gov.data_validations.dataValidation]
    assert any("_lists" in f for f in lists) and '"N/A"' in lists
    assert wb.security.lockStructure


def test_a_round_trip_changes_exactly_the_cells_filled(assessment, alice, bob):
    answer(assessment, alice, "GOV-01", "2", comment="Draft only")
    content = workbook_export(assessment=assessment)
    untouched = workbook_preview(assessment=assessment, content=content)
    assert untouched == []
    filled = _fill(
        content,
        {
            "GOV-01": {"D": "4 · Strategic"},
            "GOV-02": {"E": "N/A"},
            "OPS-02": {"D": 12},
            "OPS-03": {"F": "Shared rota"},
        },
    )
    changes = workbook_preview(assessment=assessment, content=filled)
    assert {c.code: c.status for c in changes} == {
        "GOV-01": "changed",
        "GOV-02": "added",
        "OPS-02": "added",
        "OPS-03": "added",
    }
    applied = workbook_apply(
        assessment=assessment, changes=changes, selected={c.code for c in changes}, user=bob
    )
    assert applied == 4
    assert _state(assessment) == [
        ("GOV-01", "4", False, "Draft only", 2),
        ("GOV-02", "", True, "", 1),
        ("OPS-02", "12", False, "", 1),
        ("OPS-03", "", False, "Shared rota", 1),
    ]
    saved = AuditEvent.objects.filter(assessment=assessment, action="answer_saved")
    assert saved.filter(user=bob).count() == 4
    assert AuditEvent.objects.filter(action="workbook_applied").count() == 1


def test_only_the_confirmed_changes_are_applied(assessment, bob):
    filled = _fill(
        workbook_export(assessment=assessment), {"GOV-01": {"D": "1"}, "OPS-01": {"D": "Yes"}}
    )
    changes = workbook_preview(assessment=assessment, content=filled)
    workbook_apply(assessment=assessment, changes=changes, selected={"OPS-01"}, user=bob)
    assert _state(assessment) == [("OPS-01", "yes", False, "", 1)]


def test_a_conflicting_online_edit_is_shown_and_not_overwritten(assessment, alice, bob):
    content = workbook_export(assessment=assessment)
    answer(assessment, alice, "GOV-01", "5")  # online, after the download
    filled = _fill(content, {"GOV-01": {"D": "2"}, "OPS-01": {"D": "No"}})
    changes = workbook_preview(assessment=assessment, content=filled)
    conflict = next(c for c in changes if c.code == "GOV-01")
    assert conflict.status == "conflict"
    assert conflict.online.startswith("5") and conflict.offline.startswith("2")
    workbook_apply(assessment=assessment, changes=changes, selected={"GOV-01", "OPS-01"}, user=bob)
    assert ("GOV-01", "5", False, "", 1) in _state(assessment)
    assert ("OPS-01", "no", False, "", 1) in _state(assessment)


def test_an_edit_between_preview_and_confirmation_applies_nothing(assessment, alice, bob):
    filled = _fill(
        workbook_export(assessment=assessment), {"GOV-01": {"D": "2"}, "OPS-01": {"D": "No"}}
    )
    changes = workbook_preview(assessment=assessment, content=filled)
    answer(assessment, alice, "OPS-01", "yes")
    with pytest.raises(Exception, match="OPS-01"):
        workbook_apply(
            assessment=assessment, changes=changes, selected={"GOV-01", "OPS-01"}, user=bob
        )
    assert _state(assessment) == [("OPS-01", "yes", False, "", 1)]


def test_a_tampered_workbook_is_refused(assessment):
    content = workbook_export(assessment=assessment)
    wb = load_workbook(io.BytesIO(content))
    meta = wb[SIGNATURE_SHEET]
    meta["A2"] = meta["A2"].value.replace('"version":0', '"version":7', 1)
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(WorkbookRefused, match="signature does not match"):
        workbook_preview(assessment=assessment, content=out.getvalue())


def test_a_workbook_with_moved_rows_is_refused(assessment):
    content = workbook_export(assessment=assessment)
    wb = load_workbook(io.BytesIO(content))
    sheet = wb["GOV Governance"]
    sheet["A2"], sheet["A3"] = sheet["A3"].value, sheet["A2"].value
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(WorkbookRefused, match="no longer holds question"):
        workbook_preview(assessment=assessment, content=out.getvalue())


def test_a_foreign_workbook_is_refused(assessment, assessment_b):
    with pytest.raises(WorkbookRefused, match="another assessment"):
        workbook_preview(assessment=assessment, content=workbook_export(assessment=assessment_b))


def test_a_stale_workbook_is_refused(assessment, alice, settings):
    from tests.conftest import answer_all

    content = workbook_export(assessment=assessment)
    answer_all(
        assessment, alice, {"GOV-01": "3", "GOV-02": "fully", "OPS-01": "yes", "OPS-02": "3"}
    )
    assessment_submit(assessment=assessment, user=alice)
    with pytest.raises(WorkbookRefused, match="no longer open"):
        workbook_preview(assessment=assessment, content=content)
    settings.WORKBOOK_MAX_AGE_DAYS = -1
    with pytest.raises(WorkbookRefused, match="older than"):
        workbook_preview(assessment=assessment, content=content)


def test_a_bad_cell_is_named_and_nothing_is_applied(assessment):
    filled = _fill(
        workbook_export(assessment=assessment), {"OPS-02": {"D": "many"}, "OPS-01": {"D": "yes"}}
    )
    with pytest.raises(WorkbookRefused) as caught:
        workbook_preview(assessment=assessment, content=filled)
    assert any("OPS Operations, row 3" in p and "OPS-02" in p for p in caught.value.problems)


def test_not_a_workbook_and_oversized_files_are_refused(assessment, settings):
    with pytest.raises(WorkbookRefused, match="not an Excel workbook"):
        workbook_preview(assessment=assessment, content=b"PK nope")
    settings.WORKBOOK_MAX_BYTES = 10
    with pytest.raises(WorkbookRefused, match="over the limit"):
        workbook_preview(assessment=assessment, content=b"x" * 11)


# --- the pages ------------------------------------------------------------------------


def test_the_page_previews_then_applies_what_is_confirmed(assessment, alice):
    client = logged_in(alice)
    content = client.get(reverse("workbook_xlsx", args=[assessment.pk])).content
    filled = _fill(content, {"GOV-01": {"D": "3 · Established"}, "OPS-01": {"D": "Yes"}})
    url = reverse("workbook_upload", args=[assessment.pk])
    preview = client.post(url, {"workbook": SimpleUploadedFile("w.xlsx", filled)})
    assert preview.status_code == 200
    assert Response.objects.count() == 0
    proposal = preview.context["proposal"]
    done = client.post(url, {"proposal": proposal, "apply": ["GOV-01"]}, follow=True)
    assert "1 answer from the workbook was applied." in done.content.decode()
    assert _state(assessment) == [("GOV-01", "3", False, "", 1)]


def test_an_altered_proposal_is_refused(assessment, alice):
    url = reverse("workbook_upload", args=[assessment.pk])
    response = logged_in(alice).post(url, {"proposal": "forged", "apply": ["GOV-01"]})
    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_a_refused_upload_shows_why(assessment, alice):
    url = reverse("workbook_upload", args=[assessment.pk])
    response = logged_in(alice).post(url, {"workbook": SimpleUploadedFile("w.xlsx", b"nope")})
    assert response.status_code == 400
    assert "nothing was applied" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("bob", 200), ("carol", 403), ("olivia", 403), ("charlie", 404)],
)
def test_who_may_use_the_workbook(cast, assessment, who, status):
    client = logged_in(cast[who])
    assert client.get(reverse("workbook_xlsx", args=[assessment.pk])).status_code == status
    assert client.get(reverse("workbook_upload", args=[assessment.pk])).status_code == status


def test_choice_questions_each_get_their_own_answer_list(db, cycle, org_a, alice, bob):
    from django.core.management import call_command

    from assessments.services import assessment_start
    from frameworks.models import Framework
    from tests.conftest import FIXTURES

    call_command(
        "import_framework",
        "--from",
        "ciso-assistant",
        str(FIXTURES / "ciso" / "questions.yaml"),
        stdout=io.StringIO(),
    )
    framework = Framework.objects.get(key="supplier-check")
    a = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=alice)
    content = workbook_export(assessment=a)
    wb = load_workbook(io.BytesIO(content))
    lists = wb["_lists"]
    columns = [[c.value for c in col if c.value] for col in lists.iter_cols()]
    assert ["Yes", "In progress", "No"] in columns and ["In the country", "Abroad"] in columns
    filled = _fill(content, {"1.1.q1": {"D": "In progress"}, "1.3": {"D": "Abroad"}})
    changes = workbook_preview(assessment=a, content=filled)
    workbook_apply(assessment=a, changes=changes, selected={c.code for c in changes}, user=bob)
    assert ("1.1.q1", "2", False, "", 1) in _state(a) and ("1.3", "2", False, "", 1) in _state(a)
