"""Evidence and cached reports through the Storage API: local folder, S3 (moto), failures."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from assessments.models import Assessment, Evidence
from assessments.questionnaire import views
from assessments.questionnaire.evidence import evidence_add
from assessments.reports.pdf import report_pdf
from assessments.services import AssessmentLocked
from frameworks.models import Question
from ops import storage as ops_storage
from tests.conftest import logged_in, read_body

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
)
BUCKET = "resilience-test"


def upload(client, assessment: Assessment, name: str = "strategy.pdf"):
    q = Question.objects.get(framework=assessment.framework, code="GOV-01")
    return client.post(
        reverse("evidence_upload", args=[assessment.pk, q.pk]),
        {f"q{q.pk}-file": SimpleUploadedFile(name, PDF, content_type="application/pdf")},
        HTTP_HX_REQUEST="true",
    )


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_full_disk_leaves_no_file_no_row_and_shows_the_maintenance_page(
    settings, assessment, alice, monkeypatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ops_storage.os, "fsync", disk_full)

    response = upload(logged_in(alice), assessment)

    assert response.status_code == 503
    assert "Saving is paused for maintenance" in response.content.decode()
    assert response["Retry-After"] == "300"
    assert files_under(Path(settings.EVIDENCE_ROOT)) == []  # not even a temporary file
    assert not Evidence.objects.exists()


def test_a_read_only_database_shows_the_maintenance_page_not_a_bare_500(
    assessment, alice, monkeypatch
) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(views, "_save_answer", read_only)
    q = Question.objects.get(framework=assessment.framework, code="GOV-01")

    response = logged_in(alice).post(
        reverse("autosave", args=[assessment.pk, q.pk]),
        {f"q{q.pk}-value": "3", f"q{q.pk}-version": "0"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 503
    assert "database is read-only" in response.content.decode()


def test_other_errors_stay_errors(assessment, alice, monkeypatch) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise OperationalError("no such column: oops")

    monkeypatch.setattr(views, "_save_answer", bug)
    q = Question.objects.get(framework=assessment.framework, code="GOV-01")
    client = logged_in(alice)
    client.raise_request_exception = False

    response = client.post(
        reverse("autosave", args=[assessment.pk, q.pk]),
        {f"q{q.pk}-value": "3", f"q{q.pk}-version": "0"},
    )

    assert response.status_code == 500


def test_a_failed_database_write_removes_the_stored_file(settings, assessment, alice) -> None:
    assessment.status = Assessment.Status.SUBMITTED  # locked after the file was written
    assessment.save()
    q = Question.objects.get(framework=assessment.framework, code="GOV-01")
    with pytest.raises(AssessmentLocked):
        evidence_add(
            assessment=assessment,
            question=q,
            upload=SimpleUploadedFile("a.pdf", PDF),
            user=alice,
        )

    assert files_under(Path(settings.EVIDENCE_ROOT)) == []


# --- S3-compatible object storage (moto's server on loopback) ------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)

    def s3_storage(folder: str) -> dict:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "location": folder,
                "default_acl": "private",
                "file_overwrite": False,
            },
        }

    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": s3_storage("evidence"),
        "reports": s3_storage("reports"),
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_evidence_goes_to_the_bucket_and_comes_back_only_through_the_checked_view(
    s3, settings, assessment, alice, charlie
) -> None:
    assert upload(logged_in(alice), assessment).status_code == 200
    evidence = Evidence.objects.get()

    assert keys(s3) == [f"evidence/{evidence.stored_name}"]
    assert files_under(Path(settings.EVIDENCE_ROOT)) == []
    acl = s3.get_object_acl(Bucket=BUCKET, Key=f"evidence/{evidence.stored_name}")
    assert all("AllUsers" not in str(g["Grantee"]) for g in acl["Grants"])

    url = reverse("evidence_download", args=[assessment.pk, evidence.pk])
    mine = logged_in(alice).get(url)
    assert mine.status_code == 200
    assert read_body(mine) == PDF
    assert logged_in(charlie).get(url).status_code == 404


def test_deleting_evidence_deletes_the_object(s3, assessment, alice) -> None:
    upload(logged_in(alice), assessment)
    evidence = Evidence.objects.get()

    response = logged_in(alice).post(
        reverse("evidence_delete", args=[assessment.pk, evidence.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert keys(s3) == []


def test_cached_reports_live_in_the_bucket(s3, assessment, monkeypatch) -> None:
    from assessments.reports import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "render_pdf", lambda html: (b"%PDF-1.7 stub", []))
    fresh = Assessment.objects.select_related("organisation", "framework", "cycle")

    first = report_pdf(fresh.get(pk=assessment.pk), tlp="AMBER", language="en")
    again = report_pdf(fresh.get(pk=assessment.pk), tlp="AMBER", language="en")

    assert (first[1], again[1]) == (False, True)
    assert again[0] == b"%PDF-1.7 stub"
    [key] = keys(s3)
    assert key.startswith(f"reports/{assessment.pk}/AMBER-en-")
    assert storages["reports"].__class__.__name__ == "S3Storage"
