"""Markings and input limits (issue #11)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.middleware import RequestSizeLimitMiddleware
from assessments.models import Assessment, Evidence, Response
from assessments.questionnaire.evidence import EvidenceRejected, evidence_add
from assessments.questionnaire.services import MAX_LINK
from assessments.reports.marking import allowed_markings
from assessments.services import InvalidAnswer
from frameworks.loader import MAX_DEPTH, FrameworkFileError, parse_text
from frameworks.models import Question
from tests.conftest import answer, logged_in

# --- TLP ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["alice", "carol"])
def test_the_coordinator_or_the_advisor_sets_the_marking(world, actor: str) -> None:
    response = logged_in(world.cast[actor]).post(world.url("report_marking"), {"tlp": "RED"})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=world.assessment.pk).tlp == "RED"


@pytest.mark.parametrize("actor", ["bob", "olivia"])
def test_a_respondent_or_an_official_cannot_set_the_marking(world, actor: str) -> None:
    response = logged_in(world.cast[actor]).post(world.url("report_marking"), {"tlp": "CLEAR"})
    assert response.status_code == 403
    assert Assessment.objects.get(pk=world.assessment.pk).tlp == "AMBER"


def test_a_download_may_be_stricter_but_never_looser(world, fast_pdf) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(tlp="AMBER")
    bob = logged_in(world.cast["bob"])
    url = world.url("report_pdf")
    assert bob.get(url, {"tlp": "CLEAR"}).status_code == 400
    assert bob.get(url, {"tlp": "GREEN"}).status_code == 400
    assert bob.get(url, {"tlp": "AMBER+STRICT"}).status_code == 200
    assert bob.get(url, {"tlp": "RED"}).status_code == 200
    assert bob.get(url).status_code == 200  # the set marking by default


def test_the_results_page_offers_only_the_set_marking_and_stricter(world) -> None:
    Assessment.objects.filter(pk=world.assessment.pk).update(tlp="AMBER+STRICT")
    page = logged_in(world.cast["bob"]).get(world.url("results")).content.decode()
    download = page.split('id="tlp"', 1)[1].split("</select>", 1)[0]
    assert "TLP:CLEAR" not in download and "TLP:AMBER+STRICT" in download
    assert 'id="set-tlp"' not in page  # bob cannot set it
    assert allowed_markings(Assessment.objects.get(pk=world.assessment.pk)) == (
        "AMBER+STRICT",
        "RED",
    )


# --- sizes -------------------------------------------------------------------------


class ExplodingBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readinto = read


def test_an_oversized_upload_is_refused_from_its_content_length(settings) -> None:
    from django.test import RequestFactory

    request = RequestFactory().post("/assessments/1/questions/1/evidence/")
    request.META["CONTENT_LENGTH"] = str(1024**3)  # 1 GiB announced
    request.META["wsgi.input"] = ExplodingBody()
    request._stream = ExplodingBody()
    middleware = RequestSizeLimitMiddleware(lambda r: pytest.fail("the view ran"))
    response = middleware(request)
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_an_oversized_upload_through_the_stack_changes_nothing(world, settings) -> None:
    settings.REQUEST_MAX_BYTES = 1000
    client = logged_in(world.cast["bob"])
    before = Evidence.objects.count()
    upload = SimpleUploadedFile("big.txt", b"x" * 5000, content_type="text/plain")
    response = client.post(world.url("evidence_upload"), {f"q{world.question.pk}-file": upload})
    assert response.status_code == 413
    assert Evidence.objects.count() == before


def test_the_evidence_quota_per_assessment(world, settings) -> None:
    settings.EVIDENCE_MAX_FILES_PER_ASSESSMENT = Evidence.objects.filter(
        response__assessment=world.assessment
    ).count()
    question = Question.objects.get(framework=world.assessment.framework, code="GOV-02")
    with pytest.raises(EvidenceRejected, match="the most it may hold"):
        evidence_add(
            assessment=world.assessment,
            question=question,
            upload=SimpleUploadedFile("more.txt", b"more", content_type="text/plain"),
            user=world.cast["bob"],
        )
    settings.EVIDENCE_MAX_FILES_PER_ASSESSMENT = 100
    settings.EVIDENCE_MAX_BYTES_PER_ASSESSMENT = 10
    with pytest.raises(EvidenceRejected, match="quota"):
        evidence_add(
            assessment=world.assessment,
            question=question,
            upload=SimpleUploadedFile("more.txt", b"more than ten", content_type="text/plain"),
            user=world.cast["bob"],
        )


# --- the importer ------------------------------------------------------------------


def test_a_deeply_nested_framework_file_gets_a_clear_message() -> None:
    text = "id: deep\nname: " + "[" * 100_000 + "]" * 100_000
    with pytest.raises(FrameworkFileError, match="nested more than"):
        parse_text(text, "deep.yaml")


def test_nesting_up_to_the_limit_is_parsed() -> None:
    depth = MAX_DEPTH - 2
    data = parse_text("a: " + "[" * depth + "]" * depth, "ok.yaml")
    assert isinstance(data, dict)


def test_the_import_command_reports_deep_nesting_and_imports_nothing(tmp_path, db) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / "deep.yaml"
    path.write_text("id: deep\nname: " + "[" * 5000 + "]" * 5000)
    with pytest.raises(CommandError):
        call_command("import_framework", str(path), stdout=io.StringIO(), stderr=io.StringIO())


# --- free text ---------------------------------------------------------------------


def test_every_free_text_field_is_capped_again_in_the_services(assessment, bob) -> None:
    with pytest.raises(InvalidAnswer):
        answer(assessment, bob, "OPS-03", "x" * 4001)
    with pytest.raises(InvalidAnswer):
        answer(assessment, bob, "GOV-01", "3", comment="x" * 4001)
    with pytest.raises(InvalidAnswer):
        answer(assessment, bob, "GOV-01", "3", evidence_link="https://e.org/" + "x" * MAX_LINK)
    assert not Response.objects.filter(assessment=assessment).exists()


def test_an_overlong_review_note_is_refused(assessment, carol) -> None:
    from assessments.review.services import assessment_return

    Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    assessment.refresh_from_db()
    with pytest.raises(InvalidAnswer):
        assessment_return(assessment=assessment, user=carol, note="x" * 4001)
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"


def test_the_login_form_limits_what_it_accepts(db) -> None:
    response = Client().post(reverse("account_login"), {"login": "x" * 10_000, "password": "y"})
    assert response.status_code == 200
