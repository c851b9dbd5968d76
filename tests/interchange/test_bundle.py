"""Bundles: export_bundle / import_bundle move an assessment, checked, all or nothing.

"Another database" is simulated by wiping everything the bundle carries (the
assessment, its evidence files, the framework and the cycle) before importing.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assessments.models import Assessment, AuditEvent, Cycle, Evidence, Response, TargetLevel
from assessments.questionnaire.evidence import evidence_add, evidence_open
from assessments.review.services import assessment_submit, assessment_validate, response_moderate
from frameworks.models import Domain, Framework, Question
from interchange.bundle import BundleError, bundle_export, bundle_import
from ops.storage import evidence_storage
from tests.conftest import answer, answer_all

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {"GOV-01": "3", "GOV-02": "largely", "OPS-01": "yes", "OPS-02": "7"}


def _snapshot(assessment: Assessment) -> dict:
    rows = (
        Response.objects.filter(assessment=assessment)
        .order_by("question__code")
        .values_list(
            "question__code",
            "value",
            "not_applicable",
            "comment",
            "evidence_link",
            "version",
            "updated_by__username",
            "moderated_value",
            "moderation_reason",
        )
    )
    evidence = sorted(
        (e.response.question.code, e.original_name, _read(e))
        for e in Evidence.objects.filter(response__assessment=assessment)
    )
    return {
        "responses": list(rows),
        "evidence": evidence,
        "targets": sorted(
            TargetLevel.objects.filter(assessment=assessment).values_list("domain__code", "level")
        ),
        "status": assessment.status,
        "hash": assessment.answers_hash,
        "frozen": {k: v for k, v in (assessment.frozen_result or {}).items() if k != "framework"},
        "history": sorted(
            AuditEvent.objects.filter(assessment=assessment)
            .exclude(action="imported")
            .values_list("action", "detail__question"),
            key=str,
        ),
    }


def _read(evidence: Evidence) -> bytes:
    stored = evidence_open(evidence)
    assert stored is not None
    with stored:
        return stored.read()


def _stored_files() -> set[str]:
    return set(evidence_storage().listdir("")[1])


def _wipe(assessment: Assessment) -> None:
    for e in Evidence.objects.filter(response__assessment=assessment):
        evidence_storage().delete(e.stored_name)
    # The audit trail protects its assessment; a wiped database has neither.
    AuditEvent.objects.filter(assessment=assessment).delete()
    assessment.delete()
    Framework.objects.all().delete()
    Cycle.objects.all().delete()


@pytest.fixture
def rich(assessment, alice, carol) -> Assessment:
    answer_all(assessment, alice, ANSWERS)
    answer(
        assessment,
        alice,
        "GOV-01",
        "4",
        comment="Adopted in May",
        evidence_link="https://example.org/s",
    )
    answer(assessment, alice, "OPS-03", "Night shift is shared with the ministry.")
    question = Question.objects.get(framework=assessment.framework, code="GOV-01")
    evidence_add(
        assessment=assessment,
        question=question,
        upload=SimpleUploadedFile("strategy.pdf", PDF, content_type="application/pdf"),
        user=alice,
    )
    TargetLevel.objects.create(
        assessment=assessment,
        domain=Domain.objects.get(framework=assessment.framework, code="GOV"),
        level=4,
    )
    assessment_submit(assessment=assessment, user=alice)
    response_moderate(
        assessment=assessment,
        question=Question.objects.get(framework=assessment.framework, code="OPS-01"),
        user=carol,
        value="no",
        not_applicable=False,
        reason="No rota was shown.",
    )
    assessment_validate(assessment=assessment, user=carol)
    return Assessment.objects.get(pk=assessment.pk)


def test_a_bundle_moves_every_answer_and_evidence_file(rich, org_b):
    before = _snapshot(rich)
    content = bundle_export(assessment=rich)
    _wipe(rich)
    outcome = bundle_import(content=content, organisation=org_b)
    moved = Assessment.objects.get(pk=outcome.assessment.pk)
    assert moved.organisation == org_b
    assert outcome.framework_status == "imported"
    assert outcome.evidence == 1
    assert _snapshot(moved) == before
    assert AuditEvent.objects.filter(assessment=moved, action="imported").count() == 1
    from assessments.results.assemble import build_results

    results = build_results(moved)
    assert results.intact and results.scores.frozen
    assert moved.frozen_result["framework"]["id"] == moved.framework_id


def test_the_commands_round_trip_through_a_file(rich, org_b, tmp_path):
    path = tmp_path / "a.zip"
    call_command("export_bundle", str(rich.pk), "-o", str(path), stdout=io.StringIO())
    before = _snapshot(rich)
    _wipe(rich)
    out = io.StringIO()
    call_command("import_bundle", str(path), "--organisation", "Bravo CERT", stdout=out)
    assert "5 answers, 1 evidence files" in out.getvalue()
    assert _snapshot(Assessment.objects.get()) == before


def test_an_existing_framework_revision_is_reused(rich, org_b):
    content = bundle_export(assessment=rich)
    outcome = bundle_import(content=content, organisation=org_b)
    assert outcome.framework_status == "unchanged"
    assert outcome.assessment.framework == rich.framework
    assert Framework.objects.count() == 1


def _tamper(content: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == name else data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("member", "change", "message"),
    [
        ("assessment.json", lambda b: b.replace(b'"3"', b'"5"'), "does not match its checksum"),
        ("evidence/1", lambda b: b + b"x", "does not match its checksum"),
        ("manifest.json", lambda b: b.replace(b'"revision": 1', b'"revision": 2'), "signature"),
        ("signature", lambda b: b"0" * 64, "signature"),
    ],
)
def test_a_tampered_bundle_is_refused_with_nothing_stored(rich, org_b, member, change, message):
    content = _tamper(bundle_export(assessment=rich), member, change)
    count = Assessment.objects.count(), Evidence.objects.count(), AuditEvent.objects.count()
    files = _stored_files()
    with pytest.raises(BundleError, match=message):
        bundle_import(content=content, organisation=org_b)
    assert (
        Assessment.objects.count(),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
    ) == count
    assert _stored_files() == files


def test_a_bundle_signed_with_another_key_is_refused(rich, org_b, settings):
    content = bundle_export(assessment=rich)
    settings.BUNDLE_SIGNING_KEY = "another instance's key"
    with pytest.raises(BundleError, match="signature"):
        bundle_import(content=content, organisation=org_b)


def test_an_organisation_cannot_hold_two_assessments_of_a_cycle(rich, org_a):
    with pytest.raises(BundleError, match="already has an assessment"):
        bundle_import(content=bundle_export(assessment=rich), organisation=org_a)
    assert Assessment.objects.count() == 1


def test_a_file_that_is_not_a_bundle_is_refused(db, org_b, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not an assessment bundle.*Nothing was imported"):
        call_command("import_bundle", str(path), "--organisation", str(org_b.pk))


def test_an_oversized_bundle_is_refused(rich, org_b, settings):
    settings.BUNDLE_MAX_BYTES = 100
    with pytest.raises(BundleError, match="over the limit"):
        bundle_import(content=bundle_export(assessment=rich), organisation=org_b)


def test_an_unknown_organisation_is_refused(rich, tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(bundle_export(assessment=rich))
    with pytest.raises(CommandError, match="No organisation 'Nowhere'"):
        call_command("import_bundle", str(path), "--organisation", "Nowhere")


def test_the_manifest_lists_the_framework_revision(rich):
    archive = zipfile.ZipFile(io.BytesIO(bundle_export(assessment=rich)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["framework"]["key"] == "mini"
    assert set(manifest["files"]) == {"framework.yaml", "assessment.json", "evidence/1"}
