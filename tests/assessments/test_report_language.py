"""Reports in the reader's language (issue 14): headings, labels and methodology in
French and Arabic, Arabic read back in logical order, right to left."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from assessments.reports.pdf import render_pdf, report_html
from assessments.review.services import assessment_submit, assessment_validate
from tests.conftest import answer_all

HEADINGS = ["Executive summary", "Domains", "Methodology"]


@pytest.fixture
def validated(assessment, alice, carol):  # type: ignore[no-untyped-def]
    answer_all(
        assessment, alice, {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}
    )
    assessment_submit(assessment=assessment, user=alice)
    return assessment_validate(assessment=assessment, user=carol)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_report_is_in_the_readers_language(validated, language):
    with translation.override(language):
        expected = [translation.gettext(h) for h in HEADINGS]
    assert all(e != h for e, h in zip(expected, HEADINGS, strict=True)), "catalogue incomplete"
    html = report_html(validated, tlp="AMBER", language=language)
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    text = _squeezed(_text(render_pdf(html)[0]))
    for heading, english in zip(expected, HEADINGS, strict=True):
        # Logical order: the words read back as written, not reversed.
        assert _squeezed(heading) in text, (language, english)
    for english in HEADINGS:
        at = text.find(_squeezed(english))
        assert at < 0, (english, text[max(0, at - 60) : at + 60])


def test_render_report_takes_a_language(validated, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("render_report", validated.pk, "-o", str(out), "--language", "ar")
    with translation.override("ar"):
        heading = translation.gettext("Executive summary")
    assert _squeezed(heading) in _squeezed(_text(out.read_bytes()))
