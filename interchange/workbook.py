"""The offline fieldwork workbook: download, fill in offline, upload, preview, apply.

This module owns the workbook's layout and its checks:

- one sheet per domain, one row per question: code, question, guidance (locked),
  then the answer (a data-validation list for choice kinds), N/A and comment
  (unlocked); the sheet structure is protected;
- a very hidden ``_signature`` sheet holding the assessment id, organisation,
  framework key, revision and content hash, the time of export, and for every
  question its row, the version of its answer and a digest of the answer as
  exported; all signed with an HMAC of SECRET_KEY.

Reading refuses a workbook whose signature does not match (tampered or from
another instance), that belongs to another assessment (foreign), or that is
stale (another framework revision, older than ``WORKBOOK_MAX_AGE_DAYS``, or an
assessment no longer open for answers). A cell is a *change* only when it
differs from what was exported; a change is a *conflict* when the online answer
has a newer version than the exported one. Conflicts are shown, never applied.
`workbook_apply` applies the confirmed changes in one transaction through
`response_save` (versions, audit), and applies nothing if any of them fails.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from assessments.models import Assessment, AuditEvent, Response
from frameworks import kinds
from frameworks.models import Domain, Question

SALT = "interchange.workbook"
FORMAT = "resilience-workbook/1"
SIGNATURE_SHEET = "_signature"
LISTS_SHEET = "_lists"
CHUNK = 30_000  # characters per cell (Excel holds 32,767)
COLUMNS = ["code", "question", "guidance", "answer", "not_applicable", "comment"]
ANSWER_COL, NA_COL, COMMENT_COL = 4, 5, 6
NA_MARK = "N/A"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookRefused(ValueError):
    """The upload cannot be used; nothing was applied. One message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _sign(payload: str) -> str:
    return salted_hmac(SALT, payload, algorithm="sha256").hexdigest()


def answer_digest(value: str, not_applicable: bool, comment: str) -> str:
    return hashlib.sha256(json.dumps([value, not_applicable, comment]).encode()).hexdigest()[:20]


def _choice_labels(question: Question, level_names: dict[int, str]) -> list[tuple[str, str]]:
    """(stored value, short label) of a choice question, for the dropdown."""
    kind = kinds.get(question.kind)
    if kind.name == "maturity":
        return [(str(n), f"{n} · {level_names.get(n, n)}") for n in range(1, kinds.SCALE_SIZE + 1)]
    return kind.choices(question.spec(), level_names)


def _sheet_title(domain: Domain, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", f"{domain.code} {domain.name}").strip()[:28]
    title, n = base, 2
    while title.lower() in used or title.startswith("_"):
        title = f"{base[:25]} {n}"
        n += 1
    used.add(title.lower())
    return title


def _put(sheet, row: int, column: int, value: object) -> None:
    from frameworks.xlsx import _put as put_text

    put_text(sheet, row, column, value)


def _questions(assessment: Assessment) -> list[Question]:
    from frameworks.i18n import localize_questions

    questions = list(
        Question.objects.filter(framework_id=assessment.framework_id)
        .select_related("domain")
        .order_by("position")
    )
    localize_questions(assessment.framework, questions)
    return questions


def workbook_export(*, assessment: Assessment) -> bytes:
    """The signed workbook of the assessment's current answers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    from frameworks.i18n import domain_names, framework_name

    framework = assessment.framework
    level_names = framework.level_names()
    local_domains = domain_names(framework)
    questions = _questions(assessment)
    responses = {r.question_id: r for r in Response.objects.filter(assessment=assessment)}
    workbook = Workbook()
    about = workbook.active
    about.title = _("About")[:31]
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 80
    info = [
        (_("Organisation"), assessment.organisation.name),
        (_("Framework"), f"{framework_name(framework)} v{framework.version}"),
        (_("Cycle"), assessment.cycle.name),
        (_("Exported at"), timezone.now().strftime("%Y-%m-%d %H:%M UTC")),
        (
            _("How to use"),
            _(
                "Fill in the Answer, N/A and Comment columns of each domain sheet, save, and "
                "upload the file on the assessment's workbook page. Only the cells you change "
                "are applied, after you confirm them. Do not rename sheets or move rows."
            ),
        ),
    ]
    for line, (label, value) in enumerate(info, start=1):
        _put(about, line, 1, str(label))
        _put(about, line, 2, str(value))
        about.cell(row=line, column=1).font = Font(bold=True)
        about.cell(row=line, column=2).alignment = Alignment(wrap_text=True, vertical="top")

    lists = workbook.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    list_keys: dict[tuple[str, ...], str] = {}
    by_domain: dict[int, list[Question]] = {}
    for q in questions:
        by_domain.setdefault(q.domain_id, []).append(q)
    entries: dict[str, list] = {}
    used: set[str] = {about.title.lower()}
    header = [_("Code"), _("Question"), _("Guidance"), _("Answer"), _("N/A"), _("Comment")]
    domains = Domain.objects.filter(framework=framework, parent__isnull=True).order_by("position")
    for domain in domains:
        domain.name = local_domains.get(domain.code, domain.name)
        sheet = workbook.create_sheet(_sheet_title(domain, used))
        for c, name in enumerate(header, start=1):
            _put(sheet, 1, c, str(name))
            sheet.cell(row=1, column=c).font = Font(bold=True)
        for letter, width in zip("ABCDEF", (12, 60, 50, 28, 8, 50), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "D2"
        for row, q in enumerate(by_domain.get(domain.pk, []), start=2):
            r = responses.get(q.pk)
            value = r.value if r else ""
            na = r.not_applicable if r else False
            comment = r.comment if r else ""
            labels = _choice_labels(q, level_names)
            guidance = q.guidance
            if q.kind == "maturity":
                guidance = "\n".join(
                    f"{n} · {level_names.get(n, n)}: {text}"
                    for n, text in enumerate(q.level_descriptors, start=1)
                )
            elif q.kind == "numeric" and q.unit:
                guidance = f"({q.unit}) {guidance}".strip()
            shown: str | float | int = dict(labels).get(value, value) if labels else value
            if q.kind == "numeric" and value:
                shown = kinds.get(q.kind).export_cell(value)
            for c, v in enumerate(
                [q.code, q.text, guidance, shown, NA_MARK if na else "", comment], start=1
            ):
                _put(sheet, row, c, v)
                sheet.cell(row=row, column=c).alignment = Alignment(wrap_text=True, vertical="top")
            for c in (ANSWER_COL, NA_COL, COMMENT_COL):
                sheet.cell(row=row, column=c).protection = Protection(locked=False)
            if labels:
                # One list per distinct set of answers (choice questions each have their own).
                key = list_keys.setdefault(
                    tuple(label for _v, label in labels), f"L{len(list_keys)}"
                )
                if key not in list_ranges:
                    col = len(list_ranges) + 1
                    letter = lists.cell(row=1, column=col).column_letter
                    for i, (_v, label) in enumerate(labels, start=1):
                        _put(lists, i, col, label)
                    list_ranges[key] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(labels)}"
                entries.setdefault(f"{sheet.title}|{key}", []).append(f"D{row}")
            if q.allow_na:
                entries.setdefault(f"{sheet.title}|na", []).append(f"E{row}")
            entries.setdefault("__meta__", []).append(
                {
                    "code": q.code,
                    "sheet": sheet.title,
                    "row": row,
                    "version": r.version if r else 0,
                    "digest": answer_digest(value, na, comment),
                }
            )
        sheet.protection.sheet = True
        sheet.protection.formatRows = False
        sheet.protection.formatColumns = False
    for key, cells in entries.items():
        if key == "__meta__":
            continue
        title, kind = key.split("|")
        if kind == "na":
            validation = DataValidation(type="list", formula1=f'"{NA_MARK}"', allow_blank=True)
        else:
            validation = DataValidation(type="list", formula1=list_ranges[kind], allow_blank=True)
        validation.error = _("Choose one of the listed answers.")
        validation.showErrorMessage = True
        workbook[title].add_data_validation(validation)
        for cell in cells:
            validation.add(cell)
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    framework_hash = framework.content_hash
    payload = json.dumps(
        {
            "format": FORMAT,
            "assessment": assessment.pk,
            "organisation": assessment.organisation_id,
            "framework": framework.key,
            "revision": framework.revision,
            "framework_hash": framework_hash,
            "exported_at": timezone.now().isoformat(),
            "questions": entries.get("__meta__", []),
        },
        separators=(",", ":"),
    )
    meta = workbook.create_sheet(SIGNATURE_SHEET)
    _put(meta, 1, 1, _sign(payload))
    for i in range(0, len(payload), CHUNK):
        _put(meta, 2 + i // CHUNK, 1, payload[i : i + CHUNK])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    workbook.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading an upload ----------------------------------------------------------------


@dataclass
class Change:
    code: str
    question: str
    domain: str
    status: str  # "added", "changed" or "conflict"
    base_version: int
    online_version: int
    online: str
    offline: str
    value: str
    not_applicable: bool
    comment: str
    online_comment: str


def _open(content: bytes):
    from openpyxl import load_workbook

    limit = settings.WORKBOOK_MAX_BYTES
    if len(content) > limit:
        raise WorkbookRefused(
            [
                _("The file is %(size)s MB, over the limit of %(max)s MB.")
                % {"size": f"{len(content) / 1_048_576:.1f}", "max": f"{limit / 1_048_576:.0f}"}
            ]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(i.file_size for i in archive.infolist())
        if expanded > limit * 20:
            raise WorkbookRefused([_("The workbook expands to more than the size limit.")])
        return load_workbook(io.BytesIO(content), data_only=False)
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise WorkbookRefused([_("The file is not an Excel workbook (.xlsx).")]) from None


def _verified_payload(workbook, assessment: Assessment) -> dict:
    if SIGNATURE_SHEET not in workbook.sheetnames:
        raise WorkbookRefused(
            [_("This is not a workbook downloaded from this assessment (no signature).")]
        )
    meta = workbook[SIGNATURE_SHEET]
    cells = [c[0] for c in meta.iter_rows(min_col=1, max_col=1, values_only=True)]
    signature = str(cells[0] or "")
    payload = "".join(str(c or "") for c in cells[1:])
    if not hmac.compare_digest(signature, _sign(payload)):
        raise WorkbookRefused(
            [
                _(
                    "The workbook's signature does not match: it was altered outside its "
                    "answer cells, or it comes from another installation."
                )
            ]
        )
    data = json.loads(payload)
    framework = assessment.framework
    if data.get("assessment") != assessment.pk or data.get("organisation") != (
        assessment.organisation_id
    ):
        raise WorkbookRefused([_("This workbook belongs to another assessment.")])
    if (data.get("framework"), data.get("revision"), data.get("framework_hash")) != (
        framework.key,
        framework.revision,
        framework.content_hash,
    ):
        raise WorkbookRefused(
            [_("This workbook was made for another revision of the framework; download a new one.")]
        )
    exported = datetime.fromisoformat(data["exported_at"])
    max_age = timedelta(days=getattr(settings, "WORKBOOK_MAX_AGE_DAYS", 90))
    if timezone.now() - exported > max_age:
        raise WorkbookRefused(
            [
                _("This workbook is older than %(days)d days; download a new one.")
                % {"days": max_age.days}
            ]
        )
    if not Assessment.objects.get(pk=assessment.pk).is_editable:
        raise WorkbookRefused(
            [_("This assessment is no longer open for answers; nothing can be applied.")]
        )
    return data


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _labels_any_language(assessment: Assessment, question: Question) -> dict[str, str]:
    """Dropdown label -> stored value, in every offered language (a workbook may be
    downloaded in one language and uploaded in another)."""
    from django.utils import translation

    found: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names = assessment.framework.level_names()
            for value, label in _choice_labels(question, names):
                found[label] = value
    return found


def workbook_preview(*, assessment: Assessment, content: bytes) -> list[Change]:
    """What the upload would change; WorkbookRefused (with every problem) if unusable."""
    from assessments.results.present import answer_label

    workbook = _open(content)
    data = _verified_payload(workbook, assessment)
    level_names = assessment.framework.level_names()
    questions = {q.code: q for q in _questions(assessment)}
    responses = {
        r.question.code: r
        for r in Response.objects.filter(assessment=assessment).select_related("question")
    }
    problems: list[str] = []
    changes: list[Change] = []
    for entry in data["questions"]:
        q = questions.get(entry["code"])
        if q is None or entry["sheet"] not in workbook.sheetnames:
            problems.append(_("The workbook's structure was changed; download a new one."))
            break
        sheet = workbook[entry["sheet"]]
        row = entry["row"]
        place = _("sheet %(sheet)s, row %(row)d") % {"sheet": sheet.title, "row": row}
        if _cell_text(sheet.cell(row=row, column=1).value).strip() != q.code:
            problems.append(
                _("%(place)s: the row no longer holds question %(code)s; do not move rows.")
                % {"place": place, "code": q.code}
            )
            continue
        raw = _cell_text(sheet.cell(row=row, column=ANSWER_COL).value).strip()
        na_text = _cell_text(sheet.cell(row=row, column=NA_COL).value).strip()
        comment = _cell_text(sheet.cell(row=row, column=COMMENT_COL).value).strip()
        na = na_text.upper() in {NA_MARK, "NA", "YES", "X", "TRUE"}
        if na_text and not na:
            problems.append(
                _("%(place)s, column N/A: write %(mark)s or leave it empty.")
                % {"place": place, "mark": NA_MARK}
            )
            continue
        value = _labels_any_language(assessment, q).get(raw, raw)
        try:
            if na:
                if not q.allow_na:
                    raise kinds.InvalidValue(_("This question cannot be marked not applicable."))
                value = ""
            else:
                value = kinds.get(q.kind).normalise(value)
        except kinds.InvalidValue as exc:
            problems.append(
                _("%(place)s, column Answer (%(code)s): %(message)s")
                % {"place": place, "code": q.code, "message": exc}
            )
            continue
        if len(comment) > kinds.MAX_TEXT:
            problems.append(
                _("%(place)s, column Comment: keep it under %(max)d characters.")
                % {"place": place, "max": kinds.MAX_TEXT}
            )
            continue
        if answer_digest(value, na, comment) == entry["digest"]:
            continue  # untouched offline
        current = responses.get(q.code)
        online_version = current.version if current else 0
        if current and (current.value, current.not_applicable, current.comment) == (
            value,
            na,
            comment,
        ):
            continue  # the same change was already made online
        if online_version != entry["version"]:
            status = "conflict"
        elif current is None or not current.is_answered:
            status = "added"
        else:
            status = "changed"
        changes.append(
            Change(
                code=q.code,
                question=q.text,
                domain=q.domain.name,
                status=status,
                base_version=entry["version"],
                online_version=online_version,
                online=answer_label(
                    q,
                    current.value if current else "",
                    current.not_applicable if current else False,
                    level_names,
                ),
                offline=answer_label(q, value, na, level_names),
                value=value,
                not_applicable=na,
                comment=comment,
                online_comment=current.comment if current else "",
            )
        )
    if problems:
        raise WorkbookRefused(problems)
    return changes


def changes_to_data(changes: list[Change]) -> list[dict]:
    return [asdict(c) for c in changes]


def changes_from_data(rows: list[dict]) -> list[Change]:
    return [Change(**row) for row in rows]


class StaleChanges(Exception):
    """An answer changed online between the preview and the confirmation."""


def workbook_apply(
    *, assessment: Assessment, changes: list[Change], selected: set[str], user
) -> int:
    """Apply the selected non-conflicting changes in one transaction; all or nothing."""
    from assessments.questionnaire.services import response_save
    from assessments.services import Conflict

    chosen = [c for c in changes if c.code in selected and c.status != "conflict"]
    if not chosen:
        return 0
    questions = {
        q.code: q
        for q in Question.objects.filter(
            framework_id=assessment.framework_id, code__in=[c.code for c in chosen]
        )
    }
    with transaction.atomic():
        for change in chosen:
            current = Response.objects.filter(
                assessment=assessment, question=questions[change.code]
            ).first()
            try:
                response_save(
                    assessment=assessment,
                    question=questions[change.code],
                    user=user,
                    base_version=change.base_version,
                    value=change.value,
                    not_applicable=change.not_applicable,
                    comment=change.comment,
                    evidence_link=current.evidence_link if current else "",
                )
            except Conflict:
                raise StaleChanges(change.code) from None
        AuditEvent.objects.create(
            assessment=assessment,
            user=user,
            action="workbook_applied",
            detail={"questions": [c.code for c in chosen]},
        )
    return len(chosen)
