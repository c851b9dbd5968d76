"""The answers' fingerprint: what a validated assessment's frozen result was computed from.

`answers_fingerprint` hashes exactly the stored fields that scoring reads (the
organisation's and the advisor's answers, per question code), so any later change to a
validated assessment's rows, even one made directly in the database, is detected when
its result is read. The one function serves validation, every read and
`manage.py verify_integrity`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable

from assessments.models import Assessment, Response

logger = logging.getLogger("assessments.integrity")

FingerprintRow = tuple[str, str, bool, str, bool]


def fingerprint_of_rows(rows: Iterable[FingerprintRow]) -> str:
    """(question code, value, N/A, moderated value, moderated N/A) rows, in any order."""
    return hashlib.sha256(json.dumps(sorted(rows)).encode()).hexdigest()


def answers_fingerprint(responses: Iterable[Response]) -> str:
    """The fingerprint of loaded responses (their `question` must be selected)."""
    return fingerprint_of_rows(
        (
            r.question.code,
            r.value,
            r.not_applicable,
            r.moderated_value,
            r.moderated_not_applicable,
        )
        for r in responses
    )


FINGERPRINT_FIELDS = (
    "question__code",
    "value",
    "not_applicable",
    "moderated_value",
    "moderated_not_applicable",
)


def stored_fingerprint(assessment: Assessment) -> str:
    """The fingerprint of the assessment's rows as they are in the database now."""
    return fingerprint_of_rows(
        Response.objects.filter(assessment=assessment).values_list(*FINGERPRINT_FIELDS)
    )


def intact(assessment: Assessment, responses: Iterable[Response]) -> bool:
    """True unless the assessment is validated and its rows no longer match; a mismatch
    is logged, since it means someone changed a locked assessment behind the app."""
    if assessment.status != Assessment.Status.VALIDATED or not assessment.answers_hash:
        return True
    if answers_fingerprint(responses) == assessment.answers_hash:
        return True
    logger.warning(
        "integrity: validated assessment %s no longer matches its answers fingerprint",
        assessment.pk,
    )
    return False
