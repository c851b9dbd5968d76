"""The offline workbook journey in a browser: download, fill offline, upload, confirm."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessments.models import Assessment, Response
from tests.conftest import answer

pytestmark = pytest.mark.browser


def test_a_filled_workbook_is_previewed_and_only_the_confirmed_rows_are_applied(
    new_page, live_server, assessment: Assessment, tmp_path: Path
) -> None:
    page = new_page("coordinator")
    page.goto(live_server.url + reverse("workbook_upload", args=[assessment.pk]))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the workbook (XLSX)").click()
    path = tmp_path / "workbook.xlsx"
    download.value.save_as(path)

    # Offline: two answers filled; meanwhile someone answers OPS-01 online.
    workbook = load_workbook(path)
    workbook["GOV Governance"]["D2"] = "4 · Strategic"
    workbook["OPS Operations"]["D2"] = "No"
    workbook["OPS Operations"]["D3"] = 8
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    answer(assessment, assessment.created_by, "OPS-01", "yes")

    page.get_by_label("Filled workbook").set_input_files(str(path))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_text("What the workbook would change")).to_be_visible()
    expect(page.locator("tr.table-warning")).to_contain_text("OPS-01")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/workbook-preview.png", full_page=True)
    page.get_by_label("Apply the change to OPS-02").uncheck()
    page.get_by_role("button", name="Apply the selected changes").click()
    expect(page.get_by_text("1 answer from the workbook was applied.")).to_be_visible()

    stored = dict(
        Response.objects.filter(assessment=assessment).values_list("question__code", "value")
    )
    assert stored == {"GOV-01": "4", "OPS-01": "yes"}


def test_a_user_creates_a_token_and_sees_it_once(new_page, live_server, assessment) -> None:
    page = new_page("respondent")
    page.goto(live_server.url + reverse("profile"))
    page.get_by_label("Name (what the token is for)").fill("Dashboard")
    page.get_by_role("button", name="Create a token").click()
    token = page.get_by_label("Your new token").input_value()
    assert token.startswith("rsl_")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/profile.png", full_page=True)
    page.reload()
    expect(page.get_by_text(token)).to_have_count(0)
    expect(page.get_by_role("cell", name="Dashboard", exact=True)).to_have_count(1)
