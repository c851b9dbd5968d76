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
def validated(assessment, alice, carol):
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


def test_a_bilingual_report_sets_the_second_language_beside_the_first(validated):
    with translation.override("fr"):
        french = translation.gettext("Executive summary")
    with translation.override("ar"):
        arabic = translation.gettext("Executive summary")
    html = report_html(validated, tlp="AMBER", language="fr+ar")
    assert '<html lang="fr" dir="ltr">' in html
    assert 'lang="ar" dir="rtl"' in html, "the Arabic column keeps its own direction"
    text = _squeezed(_text(render_pdf(html)[0]))
    assert _squeezed(french) in text and _squeezed(arabic) in text
    # The rest of the report stays in the first language only.
    with translation.override("ar"):
        methodology_ar = translation.gettext("Methodology")
    assert _squeezed(methodology_ar) not in text


def test_report_language_refuses_what_we_do_not_ship():
    from assessments.reports.pdf import UnknownLanguage, report_language

    assert report_language("fr", "ar") == "fr+ar"
    assert report_language("fr", "fr") == "fr"
    assert report_language("en-gb", None) == "en"
    with pytest.raises(UnknownLanguage):
        report_language("fr", "xx")


def test_the_download_takes_a_second_language(validated, carol):
    from django.urls import reverse

    from tests.conftest import logged_in, read_body

    client = logged_in(carol)
    url = reverse("report_pdf", args=[validated.pk])
    response = client.get(url, {"tlp": "AMBER", "also": "ar"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    with translation.override("ar"):
        arabic = translation.gettext("Executive summary")
    text = _squeezed(_text(read_body(response)))
    assert _squeezed(arabic) in text and "Executivesummary" in text
    refused = client.get(url, {"tlp": "AMBER", "also": "xx"})
    assert refused.status_code == 400
    assert b"not available" in refused.content


def test_render_report_refuses_an_unknown_second_language(validated, tmp_path):
    from django.core.management import CommandError

    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="unknown language"):
        call_command("render_report", validated.pk, "-o", str(out), "--bilingual", "xx")
    assert not out.exists()
