"""The Traffic Light Protocol marking of an assessment's reports (issue #11).

The organisation's coordinator or its advisor (or an administrator) sets the
marking; anyone who downloads a report may choose that marking or a stricter
one, never a looser one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import Assessment, AuditEvent
from assessments.reports.pdf import DEFAULT_TLP, TLP_MARKINGS


class MarkingRefused(ValueError):
    pass


def marking_of(assessment: Assessment) -> str:
    return assessment.tlp if assessment.tlp in TLP_MARKINGS else DEFAULT_TLP


def allowed_markings(assessment: Assessment) -> tuple[str, ...]:
    """The set marking and every stricter one, loosest first."""
    return TLP_MARKINGS[TLP_MARKINGS.index(marking_of(assessment)) :]


def download_marking(assessment: Assessment, requested: str | None) -> str:
    """The marking for one download: the set one by default; refuses a looser one."""
    tlp = (requested or marking_of(assessment)).upper()
    if tlp not in TLP_MARKINGS:
        raise MarkingRefused(_("Choose a Traffic Light Protocol marking."))
    if tlp not in allowed_markings(assessment):
        raise MarkingRefused(
            _("This report is marked TLP:%(set)s; a download may be as strict or stricter.")
            % {"set": marking_of(assessment)}
        )
    return tlp


def marking_set(*, assessment: Assessment, user: Any, tlp: str) -> Assessment:
    tlp = tlp.upper()
    if tlp not in TLP_MARKINGS:
        raise MarkingRefused(_("Choose a Traffic Light Protocol marking."))
    with transaction.atomic():
        before = marking_of(assessment)
        Assessment.objects.filter(pk=assessment.pk).update(tlp=tlp)
        assessment.tlp = tlp
        AuditEvent.objects.create(
            assessment=assessment, user=user, action="tlp_set", detail={"from": before, "to": tlp}
        )
    return assessment
