"""The editable Word report: same content and language as the PDF, same access door."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document

from assessments.models import Assessment
from assessments.reports.pdf import report_html
from assessments.review.services import assessment_submit, assessment_validate
from interchange.docx_report import report_docx
from tests.conftest import answer, answer_all, logged_in

ANSWERS = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    parts += [s.header.paragraphs[0].text for s in doc.sections]
    return "\n".join(parts)


@pytest.fixture
def validated(assessment, alice, carol) -> Assessment:
    answer_all(assessment, alice, ANSWERS)
    answer(assessment, alice, "OPS-03", "=cmd|' /C calc'!A0", comment="Our <b>note</b>")
    assessment_submit(assessment=assessment, user=alice)
    assessment_validate(assessment=assessment, user=carol)
    return Assessment.objects.get(pk=assessment.pk)


def test_it_holds_the_pdf_content(validated):
    text = text_of(report_docx(validated, tlp="AMBER", language="en"))
    html = report_html(validated, tlp="AMBER", language="en")
    for needle in (
        "Alpha Agency",
        "Mini framework",
        "TLP:AMBER",
        "Executive summary",
        "Governance",
        "Operations",
        "Gap analysis and recommendations",
        "Appendix: every answer",
        "Is there a 24/7 desk?",
        "Our <b>note</b>",
        "Methodology",
        validated.answers_hash,
    ):
        assert needle in text, needle
    assert "Alpha Agency" in html
    assert "DRAFT" not in text


def test_a_draft_says_its_scores_are_provisional(assessment, alice):
    answer(assessment, alice, "GOV-01", "2")
    text = text_of(report_docx(assessment, tlp="RED", language="en"))
    assert "Draft: this assessment is not validated" in text
    assert "TLP:RED" in text


def test_it_follows_the_requested_language(validated):
    with translation.override("fr"):
        expected = translation.gettext("Executive summary")
    text = text_of(report_docx(validated, tlp="AMBER", language="fr"))
    assert expected in text
    doc = Document(io.BytesIO(report_docx(validated, tlp="AMBER", language="ar")))
    assert doc.core_properties.language == "ar"
    assert doc.styles["Normal"].element.pPr.xml.count("w:bidi") == 1


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "olivia", "root"])
def test_everyone_who_sees_the_assessment_downloads_it(cast, validated, who):
    response = logged_in(cast[who]).get(reverse("report_docx", args=[validated.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.docx"')
    assert "Alpha Agency" in text_of(response.content)


def test_outsider_gets_404(cast, validated):
    response = logged_in(cast["charlie"]).get(reverse("report_docx", args=[validated.pk]))
    assert response.status_code == 404


def test_an_unknown_marking_is_refused(cast, validated):
    response = logged_in(cast["alice"]).get(
        reverse("report_docx", args=[validated.pk]), {"tlp": "PURPLE"}
    )
    assert response.status_code == 400


def test_anonymous_is_sent_to_login(client, validated):
    response = client.get(reverse("report_docx", args=[validated.pk]))
    assert response.status_code == 302


def test_a_gated_framework_lists_its_blockers(db, cycle, org_a, alice):
    from pathlib import Path

    from assessments.services import assessment_start
    from frameworks.loader import load_file
    from frameworks.models import Framework, Question
    from frameworks.services import frameworks_import

    path = Path(__file__).parents[2] / "frameworks" / "data" / "incident-response.yaml"
    frameworks_import(loaded=[load_file(path)])
    framework = Framework.objects.get(key="incident-response")
    assessment = assessment_start(organisation=org_a, framework=framework, cycle=cycle, user=alice)
    practice = Question.objects.filter(framework=framework, kind="practice").first()
    answer(assessment, alice, practice.code, "partial")
    text = text_of(report_docx(assessment, tlp="GREEN", language="en"))
    assert "Blockers" in text and "Coverage" in text
    assert "Partially implemented" in text
