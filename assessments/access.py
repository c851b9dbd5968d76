"""Who may do what with an assessment.

Visibility is decided by `Assessment.objects.visible_to(user)`; these helpers
decide the actions on an object the user can already see.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import (
    AdvisorAssignment,
    Assessment,
    Membership,
    OfficialScope,
    Organisation,
)


@dataclass(frozen=True)
class Roles:
    """A user's relation to one organisation."""

    coordinator: bool = False
    respondent: bool = False
    advisor: bool = False
    official: bool = False
    admin: bool = False

    @property
    def member(self) -> bool:
        return self.coordinator or self.respondent


def roles_for(user, organisation: Organisation) -> Roles:  # type: ignore[no-untyped-def]
    if not user.is_authenticated:
        return Roles()
    role = (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )
    official = (
        OfficialScope.objects.filter(user=user).filter(all_organisations=True).exists()
        or OfficialScope.objects.filter(user=user, organisations=organisation).exists()
    )
    return Roles(
        coordinator=role == Membership.Role.COORDINATOR,
        respondent=role == Membership.Role.RESPONDENT,
        advisor=AdvisorAssignment.objects.filter(advisor=user, organisation=organisation).exists(),
        official=official,
        admin=user.is_superuser,
    )


def can_answer(roles: Roles, assessment: Assessment) -> bool:
    return roles.member and assessment.is_editable


def can_submit(roles: Roles, assessment: Assessment) -> bool:
    return roles.coordinator and assessment.is_editable


def can_set_targets(roles: Roles, assessment: Assessment) -> bool:
    # A validated assessment's gap analysis stays as it was validated.
    return roles.coordinator and assessment.status != Assessment.Status.VALIDATED


def can_review(roles: Roles, assessment: Assessment) -> bool:
    return (roles.advisor or roles.admin) and assessment.status == Assessment.Status.SUBMITTED
