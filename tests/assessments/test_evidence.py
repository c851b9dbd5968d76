"""Evidence files: checked by content, stored under random names, served as attachments."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Evidence, Response
from frameworks.models import Question
from tests.conftest import read_body

PNG = (
    b"\x89PNG\r\n\x1a\n"
    + b"\x00\x00\x00\rIHDR"
    + b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    + b"\x90wS\xde"
)
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def root_dir(settings) -> Path:
    return Path(settings.EVIDENCE_ROOT)


def _files(root: Path) -> set[Path]:
    return set(root.glob("*")) if root.exists() else set()


def _question(assessment: Assessment, code: str = "GOV-01") -> Question:
    return Question.objects.get(framework=assessment.framework, code=code)


def _upload(client, assessment: Assessment, name: str, content: bytes, *, htmx: bool = True):
    q = _question(assessment)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(
        reverse("evidence_upload", args=[assessment.pk, q.pk]),
        {f"q{q.pk}-file": upload},
        **(HTMX if htmx else {}),
    )


def _page(assessment: Assessment, domain_id: int, **fields: object) -> dict:
    """A plain post of a domain page with nothing answered yet, plus `fields`."""
    data: dict[str, object] = {}
    for q in Question.objects.filter(domain_id=domain_id):
        data.update({f"q{q.pk}-value": "", f"q{q.pk}-version": "0"})
    return {**data, **fields}


def _download(client, assessment: Assessment, evidence: Evidence):
    return client.get(reverse("evidence_download", args=[assessment.pk, evidence.pk]))


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("National strategy 2026.pdf", PDF, "application/pdf"),
        ("org-chart.png", PNG, "image/png"),
        ("minutes.txt", "Réunion du comité, 12 mars.\n".encode(), "text/plain"),
    ],
)
def test_a_real_small_file_is_accepted(client, bob, assessment, root_dir, name, content, mime):
    client.force_login(bob)
    r = _upload(client, assessment, name, content)
    assert r.status_code == 200
    assert name in r.content.decode()
    evidence = Evidence.objects.get()
    assert evidence.original_name == name
    assert evidence.content_type == mime
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.uploaded_by == bob
    assert evidence.response.question.code == "GOV-01"
    assert AuditEvent.objects.filter(assessment=assessment, action="evidence_added").count() == 1


def test_the_file_is_stored_under_a_random_name_in_the_evidence_root(
    client, bob, assessment, root_dir
):
    client.force_login(bob)
    _upload(client, assessment, "strategy.pdf", PDF)
    _upload(client, assessment, "strategy.pdf", PDF)
    first, second = Evidence.objects.order_by("pk")
    assert first.stored_name != second.stored_name
    for evidence in (first, second):
        path = root_dir / evidence.stored_name
        assert path.is_file()
        assert path.read_bytes() == PDF
        assert "strategy" not in evidence.stored_name
        assert not evidence.stored_name.endswith(".pdf")
        assert len(evidence.stored_name) >= 32


def test_a_path_in_the_file_name_is_dropped(client, bob, assessment, root_dir):
    client.force_login(bob)
    assert (
        _upload(client, assessment, "../../../etc/passwd.txt", b"root:x:0:0\n").status_code == 200
    )
    evidence = Evidence.objects.get()
    assert evidence.original_name == "passwd.txt"
    assert (root_dir / evidence.stored_name).is_file()


REJECTED = [
    ("setup.exe", EXE, "Files of this type are not accepted"),
    ("report.pdf.exe", EXE, "Files of this type are not accepted"),
    ("no-extension", PDF, "Files of this type are not accepted"),
    ("picture.pdf", PNG, "does not match its name (.pdf)"),
    ("notes.pdf", b"Just some plain text, not a PDF at all.\n", "does not match its name (.pdf)"),
    ("setup.pdf", EXE, "does not match its name (.pdf)"),
    ("binary.txt", b"abc\x00def", "does not match its name (.txt)"),
    ("empty.pdf", b"", "The file is empty."),
]


@pytest.mark.parametrize(("name", "content", "message"), REJECTED)
def test_a_bad_file_is_rejected_and_nothing_is_kept(
    client, bob, assessment, root_dir, name, content, message
):
    client.force_login(bob)
    before = _files(root_dir)
    r = _upload(client, assessment, name, content)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not Evidence.objects.exists()
    assert _files(root_dir) == before
    assert not AuditEvent.objects.filter(action="evidence_added").exists()


def test_a_rejected_upload_stores_no_empty_answer(client, bob, assessment):
    client.force_login(bob)
    assert _upload(client, assessment, "picture.pdf", PNG).status_code == 400
    assert not Response.objects.filter(assessment=assessment).exists()


@override_settings(EVIDENCE_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_rejected(client, bob, assessment, root_dir):
    client.force_login(bob)
    before = _files(root_dir)
    r = _upload(client, assessment, "big.pdf", PDF + b"%" * 100)
    assert r.status_code == 400
    assert "larger than the limit" in r.content.decode()
    assert not Evidence.objects.exists()
    assert _files(root_dir) == before
    # At the limit it is fine.
    assert _upload(client, assessment, "small.txt", b"x" * 100).status_code == 200


def test_a_post_without_a_file_is_rejected(client, bob, assessment):
    client.force_login(bob)
    q = _question(assessment)
    r = client.post(reverse("evidence_upload", args=[assessment.pk, q.pk]), {}, **HTMX)
    assert r.status_code == 400
    assert "Choose a file to upload." in r.content.decode()


def test_without_htmx_a_rejection_redirects_back_with_the_message(
    client, bob, assessment, root_dir
):
    client.force_login(bob)
    before = _files(root_dir)
    r = _upload(client, assessment, "picture.pdf", PNG, htmx=False)
    q = _question(assessment)
    assert r.status_code == 302
    assert r.url == reverse("questionnaire", args=[assessment.pk, q.domain_id]) + f"#q-{q.pk}"
    page = client.get(r.url)
    assert "does not match its name (.pdf)" in page.content.decode()
    assert not Evidence.objects.exists()
    assert _files(root_dir) == before


def test_a_plain_post_of_the_domain_page_can_attach_a_file(client, bob, assessment):
    q = _question(assessment)
    client.force_login(bob)
    upload = SimpleUploadedFile("strategy.pdf", PDF, content_type="application/pdf")
    r = client.post(
        reverse("questionnaire", args=[assessment.pk, q.domain_id]),
        _page(assessment, q.domain_id, **{f"q{q.pk}-value": "2", f"q{q.pk}-file": upload}),
    )
    assert r.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.response.value) == ("strategy.pdf", "2")
    page = client.get(r.url)
    assert "strategy.pdf" in page.content.decode()


def test_the_download_is_an_attachment_with_the_original_name_and_the_bytes(
    client, bob, alice, assessment
):
    client.force_login(bob)
    _upload(client, assessment, "National strategy 2026.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(alice)
    r = _download(client, assessment, evidence)
    assert r.status_code == 200
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert 'filename="National strategy 2026.pdf"' in disposition
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert read_body(r) == PDF


def test_a_non_ascii_name_survives_the_download(client, bob, assessment):
    client.force_login(bob)
    _upload(client, assessment, "Stratégie نظام.png", PNG)
    r = _download(client, assessment, Evidence.objects.get())
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''Strat%C3%A9gie%20" in r.headers["Content-Disposition"]
    assert read_body(r) == PNG


def test_the_advisor_and_the_official_can_download(client, bob, carol, olivia, assessment):
    client.force_login(bob)
    _upload(client, assessment, "strategy.pdf", PDF)
    evidence = Evidence.objects.get()
    for user in (carol, olivia):
        client.force_login(user)
        r = _download(client, assessment, evidence)
        assert r.status_code == 200
        assert read_body(r) == PDF


def test_an_outsider_gets_404_for_download_upload_and_delete(
    client, bob, charlie, assessment, root_dir
):
    client.force_login(bob)
    _upload(client, assessment, "strategy.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(charlie)
    assert _download(client, assessment, evidence).status_code == 404
    assert _upload(client, assessment, "mine.pdf", PDF).status_code == 404
    r = client.post(reverse("evidence_delete", args=[assessment.pk, evidence.pk]), **HTMX)
    assert r.status_code == 404
    assert Evidence.objects.count() == 1
    assert (root_dir / evidence.stored_name).is_file()


def test_evidence_of_another_assessment_is_404_through_this_one(
    client, alice, charlie, assessment, assessment_b
):
    client.force_login(charlie)
    _upload(client, assessment_b, "bravo.pdf", PDF)
    theirs = Evidence.objects.get()
    client.force_login(alice)
    assert _download(client, assessment, theirs).status_code == 404
    r = client.post(reverse("evidence_delete", args=[assessment.pk, theirs.pk]), **HTMX)
    assert r.status_code == 404
    assert Evidence.objects.filter(pk=theirs.pk).exists()


def test_delete_removes_the_record_and_the_file(client, bob, alice, assessment, root_dir):
    client.force_login(bob)
    _upload(client, assessment, "strategy.pdf", PDF)
    evidence = Evidence.objects.get()
    path = root_dir / evidence.stored_name
    assert path.is_file()
    client.force_login(alice)
    r = client.post(reverse("evidence_delete", args=[assessment.pk, evidence.pk]), **HTMX)
    assert r.status_code == 200
    assert "strategy.pdf" not in r.content.decode()
    assert not Evidence.objects.exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(action="evidence_deleted", user=alice).exists()
    assert _download(client, assessment, evidence).status_code == 404


def test_the_remove_button_of_the_plain_page_deletes_the_file(client, bob, assessment, root_dir):
    q = _question(assessment)
    client.force_login(bob)
    _upload(client, assessment, "strategy.pdf", PDF)
    evidence = Evidence.objects.get()
    r = client.post(
        reverse("questionnaire", args=[assessment.pk, q.domain_id]),
        _page(assessment, q.domain_id, delete_evidence=str(evidence.pk)),
    )
    assert r.status_code == 302
    assert not Evidence.objects.exists()
    assert not (root_dir / evidence.stored_name).exists()


def test_evidence_of_a_submitted_assessment_cannot_be_deleted(client, bob, assessment, root_dir):
    client.force_login(bob)
    _upload(client, assessment, "strategy.pdf", PDF)
    evidence = Evidence.objects.get()
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    r = client.post(reverse("evidence_delete", args=[assessment.pk, evidence.pk]), **HTMX)
    assert r.status_code == 403
    assert Evidence.objects.exists()
    assert (root_dir / evidence.stored_name).is_file()
    # Still downloadable, read-only.
    assert read_body(_download(client, assessment, evidence)) == PDF
