"""Evidence files: checked by content, stored under random names outside web roots."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment, AuditEvent, Evidence, Response
from assessments.services import AssessmentLocked, touch
from frameworks.models import Question
from ops.storage import evidence_storage

# extension -> MIME type; the content must agree with the extension.
ALLOWED = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "csv": "text/csv",
}
TEXT_EXTENSIONS = {"txt", "csv"}
MAX_EVIDENCE_PER_RESPONSE = 20


class EvidenceRejected(ValueError):
    pass


def _detect(head: bytes, extension: str) -> str | None:
    """The MIME type the content shows, if it is one we accept for this extension."""
    import filetype

    if extension in TEXT_EXTENSIONS:
        if b"\x00" in head:
            return None
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is fine.
            if exc.start < len(head) - 4:
                return None
        return ALLOWED[extension]
    kind = filetype.guess(head)
    if kind is None:
        return None
    mime = kind.mime
    if extension in {"odt", "ods"} and mime.startswith("application/vnd.oasis.opendocument"):
        return ALLOWED[extension]
    if extension in {"docx", "xlsx", "pptx"} and mime in {ALLOWED[extension], "application/zip"}:
        return ALLOWED[extension]
    return mime if mime == ALLOWED.get(extension) else None


def safe_name(name: str) -> str:
    cleaned = "".join(ch for ch in Path(name).name if ch.isprintable() and ch not in '<>:"/\\|?*')
    return cleaned.strip()[:200] or "evidence"


def evidence_add(
    *, assessment: Assessment, question: Question, upload: UploadedFile, user
) -> Evidence:
    """Check and store a file for one question's answer (created only if the file is kept)."""
    name = safe_name(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise EvidenceRejected(
            _("Files of this type are not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(ALLOWED))}
        )
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_BYTES:
        raise EvidenceRejected(
            _("The file is larger than the limit of %(mb).0f MB.")
            % {"mb": settings.EVIDENCE_MAX_BYTES / 1_048_576}
        )
    if upload.size == 0:
        raise EvidenceRejected(_("The file is empty."))
    head = upload.read(8192)
    upload.seek(0)
    mime = _detect(head, extension)
    if mime is None:
        raise EvidenceRejected(
            _("The file's content does not match its name (.%(ext)s).") % {"ext": extension}
        )
    # Stored through the Storage API (ops.storage: a private folder or S3); a write
    # that fails part-way (disk full) leaves nothing behind.
    storage = evidence_storage()
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored = storage.save(secrets.token_hex(24), upload)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
            if not assessment.is_editable:
                raise AssessmentLocked(_("This assessment cannot be changed any more."))
            response, _created = Response.objects.get_or_create(
                assessment=assessment, question=question
            )
            if response.evidence.count() >= MAX_EVIDENCE_PER_RESPONSE:
                raise EvidenceRejected(_("This answer already has the maximum number of files."))
            _check_assessment_quota(assessment, upload.size)
            evidence = Evidence.objects.create(
                response=response,
                original_name=name,
                stored_name=stored,
                content_type=mime,
                size=upload.size,
                sha256=digest.hexdigest(),
                uploaded_by=user,
            )
            touch(assessment)
            AuditEvent.objects.create(
                assessment=assessment,
                user=user,
                action="evidence_added",
                detail={"question": question.code, "name": name},
            )
            return evidence
    except BaseException:
        storage.delete(stored)
        raise


def _check_assessment_quota(assessment: Assessment, size: int) -> None:
    """Evidence quota per assessment (files and bytes), issue #11."""
    from django.db.models import Count, Sum

    used = Evidence.objects.filter(response__assessment=assessment).aggregate(
        files=Count("id"), size=Sum("size")
    )
    if used["files"] >= settings.EVIDENCE_MAX_FILES_PER_ASSESSMENT:
        raise EvidenceRejected(
            _("This assessment already has %(n)d files, the most it may hold.")
            % {"n": settings.EVIDENCE_MAX_FILES_PER_ASSESSMENT}
        )
    if (used["size"] or 0) + size > settings.EVIDENCE_MAX_BYTES_PER_ASSESSMENT:
        raise EvidenceRejected(
            _("This file would take the assessment's evidence over its quota of %(mb).0f MB.")
            % {"mb": settings.EVIDENCE_MAX_BYTES_PER_ASSESSMENT / 1_048_576}
        )


def evidence_delete(*, evidence: Evidence, user) -> None:
    response = evidence.response
    with transaction.atomic():
        assessment = (
            type(response.assessment).objects.select_for_update().get(pk=response.assessment_id)
        )
        if not assessment.is_editable:
            raise AssessmentLocked(_("This assessment cannot be changed any more."))
        touch(assessment)
        AuditEvent.objects.create(
            assessment=assessment,
            user=user,
            action="evidence_deleted",
            detail={"question": response.question.code, "name": evidence.original_name},
        )
        stored = evidence.stored_name
        evidence.delete()
    evidence_storage().delete(stored)


def evidence_open(evidence: Evidence) -> File | None:
    """The stored file, opened for reading, or None when it is missing."""
    storage = evidence_storage()
    if not storage.exists(evidence.stored_name):
        return None
    return storage.open(evidence.stored_name, "rb")
