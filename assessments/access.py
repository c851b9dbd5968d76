"""Who may do what with an assessment: the one door for every view, export and report.

Visibility is decided by `Assessment.objects.visible_to(user)` (404 for anything
else); `permissions_for` then says, once, what the user may do with an assessment
they can see. Views and templates read the resulting `Permissions` object and never
test roles themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    AdvisorAssignment,
    Assessment,
    Membership,
    OfficialScope,
    Organisation,
)
from frameworks.pages import HEAVY_FIELDS, revision

type AnyUser = AbstractBaseUser | AnonymousUser


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


@dataclass(frozen=True)
class Permissions:
    """What one user may do with one assessment they can see."""

    roles: Roles
    view: bool
    answer: bool
    submit: bool
    review: bool
    set_targets: bool
    set_marking: bool
    export: bool
    download_evidence: bool
    # Teamwork (issue 16): giving domains or questions to respondents, and the
    # discussion thread per question between the organisation and its advisor.
    assign: bool = False
    discuss: bool = False


def signed_in_id(user: AnyUser) -> int:
    """The id of a signed-in user (for views behind `login_required`)."""
    if user.pk is None:
        raise PermissionDenied
    return int(user.pk)


def roles_for(user: AnyUser, organisation: Organisation) -> Roles:
    """The user's roles on the organisation, read in one query."""
    if not user.is_authenticated:
        return Roles()
    here = OuterRef("pk")
    found = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            role=Subquery(
                Membership.objects.filter(user_id=user.pk, organisation=here)
                .order_by("pk")
                .values("role")[:1]
            ),
            advisor=Exists(AdvisorAssignment.objects.filter(advisor_id=user.pk, organisation=here)),
            official=Exists(OfficialScope.objects.covering(here).filter(user_id=user.pk)),
        )
        .values_list("role", "advisor", "official")
        .first()
    )
    role, advisor, official = found or (None, False, False)
    return Roles(
        coordinator=role == Membership.Role.COORDINATOR,
        respondent=role == Membership.Role.RESPONDENT,
        advisor=bool(advisor),
        official=bool(official),
        admin=bool(getattr(user, "is_superuser", False)),
    )


def permissions_of(roles: Roles, assessment: Assessment) -> Permissions:
    """The rules, in one place, for a user with `roles` on a visible assessment."""
    editable = assessment.is_editable
    validated = assessment.status == Assessment.Status.VALIDATED
    return Permissions(
        roles=roles,
        view=True,
        answer=roles.member and editable,
        submit=roles.coordinator and editable,
        review=(roles.advisor or roles.admin) and assessment.status == Assessment.Status.SUBMITTED,
        # A validated assessment's gap analysis stays as it was validated.
        set_targets=roles.coordinator and not validated,
        set_marking=roles.coordinator or roles.advisor or roles.admin,
        # Everyone who may see an assessment may download its reports and exports.
        export=True,
        download_evidence=True,
        assign=roles.coordinator and editable,
        discuss=roles.member or roles.advisor or roles.admin,
    )


def permissions_for(user: AnyUser, assessment: Assessment) -> Permissions:
    return permissions_of(roles_for(user, assessment.organisation), assessment)


def get_assessment_for_user(
    request: HttpRequest, pk: int, *, need: str | None = None
) -> tuple[Assessment, Permissions]:
    """The assessment if the user may see it (404 otherwise), and what they may do.

    With `need`, the user must also hold that permission now (403 otherwise).
    """
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user)
        .select_related("organisation", "framework", "cycle")
        .defer(*(f"framework__{name}" for name in HEAVY_FIELDS)),
        pk=pk,
    )
    # The revision never changes: its texts and scales come from the process's copy.
    assessment.framework = revision(assessment.framework)
    can = permissions_for(request.user, assessment)
    if need is not None and not getattr(can, need):
        raise PermissionDenied(str(DENIED.get(need, DENIED["answer"])))
    return assessment, can


DENIED = {
    "answer": _("You cannot change this assessment."),
    "submit": _("Only the coordinator can submit a draft assessment."),
    "review": _("Only the organisation's advisor can review a submitted assessment."),
    "set_targets": _("Only the coordinator sets target levels."),
    "set_marking": _("Only the coordinator or the advisor can set the report's marking."),
    "assign": _("Only the coordinator assigns questions, while the assessment is a draft."),
    "discuss": _("Only the organisation and its advisor take part in the discussion."),
}
