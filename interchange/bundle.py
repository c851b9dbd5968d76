"""Assessment bundles: one assessment, moved between instances as a signed ZIP.

This module owns the bundle format (``resilience-assessment-bundle/1``):

- ``framework.yaml``: the framework revision the assessment is pinned to, in the
  native format (`frameworks.dump`), so the other instance can import it.
- ``assessment.json``: status and dates, review note, frozen result and answers
  fingerprint, targets, every response (value, N/A, comment, link, version,
  moderation, who and when), every evidence file's metadata, and the history
  (audit trail).
- ``evidence/<n>``: the evidence files, byte for byte.
- ``manifest.json``: the format, the source and the SHA-256 of every other file.
- ``signature``: HMAC-SHA256 of ``manifest.json`` with ``BUNDLE_SIGNING_KEY``
  (shared by the instances that exchange bundles; defaults to SECRET_KEY).

Import checks size, member names and counts, the signature, every checksum, the
framework content hash and (for a validated assessment) the answers fingerprint
before it stores anything, then stores everything in one transaction. People are
matched by username; someone unknown here is kept by name in the history.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from assessments.models import (
    Assessment,
    AuditEvent,
    Cycle,
    Evidence,
    Organisation,
    Response,
    TargetLevel,
)
from frameworks.dump import dump_yaml, spec_of
from frameworks.loader import (
    FrameworkFileError,
    LoadedFramework,
    content_hash,
    parse_text,
    validate_data,
)
from frameworks.models import Domain, Framework, Question
from frameworks.services import VersionClash, frameworks_import

FORMAT = "resilience-assessment-bundle/1"
SALT = "interchange.bundle"
MAX_MEMBERS = 5_000


class BundleError(ValueError):
    """A bundle that cannot be imported; nothing was stored."""


def _key() -> str:
    return getattr(settings, "BUNDLE_SIGNING_KEY", "") or settings.SECRET_KEY


def sign(manifest: bytes) -> str:
    return salted_hmac(SALT, manifest, secret=_key(), algorithm="sha256").hexdigest()


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def _who(user) -> str | None:
    return user.get_username() if user else None


# --- export ---------------------------------------------------------------------------


def bundle_export(*, assessment: Assessment) -> bytes:
    """The signed bundle of one assessment."""
    from assessments.questionnaire.evidence import evidence_open

    framework = assessment.framework
    responses = list(
        Response.objects.filter(assessment=assessment)
        .select_related("question", "updated_by", "moderated_by")
        .prefetch_related("evidence__uploaded_by")
        .order_by("question__position")
    )
    files: dict[str, bytes] = {}
    response_rows = []
    for r in responses:
        evidence_rows = []
        for e in r.evidence.all():
            member = f"evidence/{len(files) + 1}"
            stored = evidence_open(e)
            if stored is None:
                raise BundleError(
                    _("Evidence file %(name)s is missing from storage.") % {"name": e.original_name}
                )
            with stored:
                files[member] = stored.read()
            evidence_rows.append(
                {
                    "file": member,
                    "name": e.original_name,
                    "content_type": e.content_type,
                    "size": e.size,
                    "sha256": e.sha256,
                    "uploaded_by": _who(e.uploaded_by),
                    "uploaded_at": _iso(e.uploaded_at),
                }
            )
        response_rows.append(
            {
                "question": r.question.code,
                "value": r.value,
                "not_applicable": r.not_applicable,
                "comment": r.comment,
                "evidence_link": r.evidence_link,
                "version": r.version,
                "updated_by": _who(r.updated_by),
                "updated_at": _iso(r.updated_at),
                "moderated_value": r.moderated_value,
                "moderated_not_applicable": r.moderated_not_applicable,
                "moderation_reason": r.moderation_reason,
                "moderated_by": _who(r.moderated_by),
                "evidence": evidence_rows,
            }
        )
    history = [
        {"action": e.action, "user": _who(e.user), "at": _iso(e.at), "detail": e.detail}
        for e in AuditEvent.objects.filter(assessment=assessment)
        .select_related("user")
        .order_by("at", "pk")
    ]
    cycle = assessment.cycle
    body = {
        "organisation": {
            "name": assessment.organisation.name,
            "country": assessment.organisation.country,
        },
        "cycle": {
            "name": cycle.name,
            "starts_on": _iso(cycle.starts_on),
            "deadline": _iso(cycle.deadline),
        },
        "status": assessment.status,
        "created_by": _who(assessment.created_by),
        "created_at": _iso(assessment.created_at),
        "submitted_at": _iso(assessment.submitted_at),
        "validated_at": _iso(assessment.validated_at),
        "validated_by": _who(assessment.validated_by),
        "review_note": assessment.review_note,
        "frozen_result": assessment.frozen_result,
        "answers_hash": assessment.answers_hash,
        "targets": {
            t.domain.code: {"level": t.level, "set_by": _who(t.set_by)}
            for t in assessment.targets.select_related("domain", "set_by")
        },
        "responses": response_rows,
        "history": history,
    }
    spec = spec_of(framework)
    members = {
        "framework.yaml": dump_yaml(spec).encode("utf-8"),
        "assessment.json": json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"),
        **files,
    }
    manifest = json.dumps(
        {
            "format": FORMAT,
            "framework": {
                "key": framework.key,
                "version": framework.version,
                "revision": framework.revision,
                "content_hash": content_hash(spec),
            },
            "source_assessment": assessment.pk,
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
        },
        indent=1,
    ).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest)
        archive.writestr("signature", sign(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedBundle:
    assessment: Assessment
    responses: int
    evidence: int
    framework_status: str


def _read(content: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Check the archive and its signature; return the manifest and the members."""
    limit = settings.BUNDLE_MAX_BYTES
    if len(content) > limit:
        raise BundleError(
            _("The bundle is %(size)s bytes, over the limit of %(max)s bytes.")
            % {"size": f"{len(content):,}", "max": f"{limit:,}"}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise BundleError(_("The file is not an assessment bundle (not a ZIP archive).")) from None
    if len(infos) > MAX_MEMBERS:
        raise BundleError(_("The bundle holds too many files."))
    if sum(i.file_size for i in infos) > limit * 4:
        raise BundleError(_("The bundle expands to more than the size limit."))
    names = {i.filename for i in infos}
    if not {"manifest.json", "signature"} <= names:
        raise BundleError(_("The bundle has no manifest or no signature."))
    manifest_bytes = archive.read("manifest.json")
    signature = archive.read("signature").decode("ascii", "replace").strip()
    if not hmac.compare_digest(signature, sign(manifest_bytes)):
        raise BundleError(
            _(
                "The bundle's signature does not match: it was changed after export, or it "
                "was signed with another bundle key."
            )
        )
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise BundleError(_("Unknown bundle format %(f)r.") % {"f": manifest.get("format")})
    members: dict[str, bytes] = {}
    for name, digest in manifest["files"].items():
        if name not in names:
            raise BundleError(_("The bundle lacks %(name)s.") % {"name": name})
        data = archive.read(name)
        if hashlib.sha256(data).hexdigest() != digest:
            raise BundleError(_("%(name)s does not match its checksum.") % {"name": name})
        members[name] = data
    return manifest, members


def _resolve_framework(manifest: dict[str, Any], text: bytes) -> tuple[Framework, str]:
    try:
        spec = validate_data(parse_text(text.decode("utf-8"), "framework.yaml"), "framework.yaml")
    except (FrameworkFileError, UnicodeDecodeError) as exc:
        raise BundleError(str(exc)) from None
    digest = content_hash(spec)
    if digest != manifest["framework"]["content_hash"]:
        raise BundleError(_("The bundle's framework does not match its manifest."))
    existing = Framework.objects.filter(key=spec.id, content_hash=digest).first()
    if existing is not None:
        return existing, "unchanged"
    loaded = LoadedFramework(path=Path("bundle-framework.yaml"), spec=spec, content_hash=digest)
    try:
        frameworks_import(loaded=[loaded])
    except VersionClash as exc:
        raise BundleError(str(exc)) from None
    return Framework.objects.get(key=spec.id, content_hash=digest), "imported"


def _when(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None


def _local_frozen(frozen: dict[str, Any] | None, framework: Framework) -> dict[str, Any] | None:
    """The frozen result, naming this instance's row of the same framework content."""
    if not frozen or not isinstance(frozen.get("framework"), dict):
        return frozen
    return {
        **frozen,
        "framework": {**frozen["framework"], "id": framework.pk, "revision": framework.revision},
    }


def find_organisation(code: str) -> Organisation:
    """An organisation by id or by exact name."""
    found = None
    if code.isdigit():
        found = Organisation.objects.filter(pk=int(code)).first()
    found = found or Organisation.objects.filter(name=code).first()
    if found is None:
        raise BundleError(
            _("No organisation %(code)r here (give its id or exact name).") % {"code": code}
        )
    return found


def bundle_import(*, content: bytes, organisation: Organisation, user=None) -> ImportedBundle:
    """Store a bundle as an assessment of `organisation`; all or nothing."""
    from assessments.questionnaire.evidence import safe_name
    from assessments.results.integrity import stored_fingerprint
    from ops.storage import evidence_storage

    manifest, members = _read(content)
    try:
        body = json.loads(members["assessment.json"])
    except (KeyError, ValueError):
        raise BundleError(_("The bundle's assessment.json is missing or unreadable.")) from None
    users = {u.get_username(): u for u in get_user_model().objects.all().only("pk", "username")}
    written: list[str] = []
    storage = evidence_storage()
    try:
        with transaction.atomic():
            framework, framework_status = _resolve_framework(manifest, members["framework.yaml"])
            c = body["cycle"]
            cycle, _created = Cycle.objects.get_or_create(
                name=c["name"],
                defaults={
                    "starts_on": date.fromisoformat(c["starts_on"]),
                    "deadline": date.fromisoformat(c["deadline"]),
                    "is_open": False,
                },
            )
            if Assessment.objects.filter(
                organisation=organisation, framework_key=framework.key, cycle=cycle
            ).exists():
                raise BundleError(
                    _("%(org)s already has an assessment of %(fw)s in cycle %(cycle)s.")
                    % {"org": organisation.name, "fw": framework.name, "cycle": cycle.name}
                )
            assessment = Assessment.objects.create(
                organisation=organisation,
                framework=framework,
                framework_key=framework.key,
                cycle=cycle,
                status=body["status"],
                created_by=users.get(body.get("created_by") or ""),
                submitted_at=_when(body.get("submitted_at")),
                validated_at=_when(body.get("validated_at")),
                validated_by=users.get(body.get("validated_by") or ""),
                review_note=body.get("review_note", ""),
                frozen_result=_local_frozen(body.get("frozen_result"), framework),
                answers_hash=body.get("answers_hash", ""),
            )
            questions = {q.code: q for q in Question.objects.filter(framework=framework)}
            domains = {d.code: d for d in Domain.objects.filter(framework=framework)}
            evidence_count = 0
            for row in body["responses"]:
                question = questions.get(row["question"])
                if question is None:
                    raise BundleError(
                        _("Answer to unknown question %(code)s.") % {"code": row["question"]}
                    )
                response = Response.objects.create(
                    assessment=assessment,
                    question=question,
                    value=row["value"],
                    not_applicable=row["not_applicable"],
                    comment=row["comment"],
                    evidence_link=row["evidence_link"],
                    version=row["version"],
                    updated_by=users.get(row.get("updated_by") or ""),
                    moderated_value=row["moderated_value"],
                    moderated_not_applicable=row["moderated_not_applicable"],
                    moderation_reason=row["moderation_reason"],
                    moderated_by=users.get(row.get("moderated_by") or ""),
                )
                if row.get("updated_at"):
                    Response.objects.filter(pk=response.pk).update(
                        updated_at=_when(row["updated_at"])
                    )
                for e in row["evidence"]:
                    data = members.get(e["file"])
                    if data is None or hashlib.sha256(data).hexdigest() != e["sha256"]:
                        raise BundleError(
                            _("Evidence file %(name)s is missing or altered.") % {"name": e["name"]}
                        )
                    stored = storage.save(secrets.token_hex(24), ContentFile(data))
                    written.append(stored)
                    evidence = Evidence.objects.create(
                        response=response,
                        original_name=safe_name(e["name"]),
                        stored_name=stored,
                        content_type=e["content_type"],
                        size=len(data),
                        sha256=e["sha256"],
                        uploaded_by=users.get(e.get("uploaded_by") or ""),
                    )
                    if e.get("uploaded_at"):
                        Evidence.objects.filter(pk=evidence.pk).update(
                            uploaded_at=_when(e["uploaded_at"])
                        )
                    evidence_count += 1
            for code, target in body.get("targets", {}).items():
                if code not in domains:
                    raise BundleError(_("Target for unknown domain %(code)s.") % {"code": code})
                TargetLevel.objects.create(
                    assessment=assessment,
                    domain=domains[code],
                    level=target["level"],
                    set_by=users.get(target.get("set_by") or ""),
                )
            events = [
                AuditEvent(
                    assessment=assessment,
                    user=users.get(h.get("user") or ""),
                    action=h["action"],
                    detail={**h["detail"], "by": h.get("user")},
                )
                for h in body.get("history", [])
            ]
            created = AuditEvent.objects.bulk_create(events)
            for event, h in zip(created, body.get("history", []), strict=True):
                if h.get("at"):
                    AuditEvent.objects.filter(pk=event.pk).update(at=_when(h["at"]))
            AuditEvent.objects.create(
                assessment=assessment,
                user=user,
                action="imported",
                detail={
                    "format": FORMAT,
                    "source_assessment": manifest.get("source_assessment"),
                    "framework": framework.key,
                    "revision": framework.revision,
                },
            )
            if body.get("answers_hash") and stored_fingerprint(assessment) != body["answers_hash"]:
                raise BundleError(_("The answers do not match the validated fingerprint."))
            Assessment.objects.filter(pk=assessment.pk).update(
                created_at=_when(body.get("created_at")) or assessment.created_at
            )
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return ImportedBundle(
        assessment=assessment,
        responses=len(body["responses"]),
        evidence=evidence_count,
        framework_status=framework_status,
    )
