"""Shared helpers of the assessments management commands."""

from __future__ import annotations

from django.core.management.base import CommandError


def get_assessment_or_fail(assessment_id: int):
    """The assessment with its organisation, framework and cycle, or exit status 1."""
    from assessments.models import Assessment

    assessment = (
        Assessment.objects.select_related("organisation", "framework", "cycle")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise CommandError(f"no assessment with id {assessment_id}", returncode=1)
    return assessment
