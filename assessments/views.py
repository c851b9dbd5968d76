"""Pages across assessments: home, the list, starting one, and the detail redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments import access
from assessments.access import get_assessment_for_user
from assessments.forms import StartAssessmentForm
from assessments.models import (
    AdvisorAssignment,
    Assessment,
    Cycle,
    Membership,
    Organisation,
    Response,
)
from assessments.services import (
    assessment_start,
)
from assessments.teamwork import home as teamwork_home
from frameworks.models import Domain


def _progress_by_assessment(assessments: list[Assessment]) -> dict[int, tuple[int, int]]:
    """(answered, total) per assessment, in two queries."""
    ids = [a.pk for a in assessments]
    answered = dict(
        Response.objects.filter(assessment_id__in=ids)
        .filter(Q(not_applicable=True) | ~Q(value=""))
        .values("assessment_id")
        .annotate(n=Count("id"))
        .values_list("assessment_id", "n")
    )
    return {a.pk: (answered.get(a.pk, 0), a.framework.question_count) for a in assessments}


HOME_ROWS = 50  # the full lists are on the assessment list, with search and paging


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    uid = access.signed_in_id(user)
    # Each list is filtered and bounded in the database, so the page costs the same for
    # an administrator of thousands of organisations as for a respondent.
    visible = Assessment.objects.visible_to(user).order_by(
        "-cycle__starts_on", "organisation__name", "pk"
    )
    member_orgs = set(
        Membership.objects.filter(user_id=uid).values_list("organisation_id", flat=True)
    )
    coordinator_orgs = set(
        Membership.objects.filter(user_id=uid, role=Membership.Role.COORDINATOR).values_list(
            "organisation_id", flat=True
        )
    )
    portfolio = set(
        AdvisorAssignment.objects.filter(advisor_id=uid).values_list("organisation_id", flat=True)
    )
    to_fill = visible.filter(
        organisation_id__in=member_orgs, status__in=Assessment.EDITABLE
    ).first_rows(HOME_ROWS)
    to_submit = [a for a in to_fill if a.organisation_id in coordinator_orgs]
    submitted = visible.filter(status=Assessment.Status.SUBMITTED)
    if not user.is_superuser:
        submitted = submitted.filter(organisation_id__in=portfolio)
    # The queues, each in its own index's order: the longest waiting first, the
    # latest validated first.
    to_review = submitted.order_by("submitted_at", "pk").first_rows(HOME_ROWS)
    recent_results = (
        visible.filter(status=Assessment.Status.VALIDATED)
        .order_by("-validated_at", "-pk")
        .first_rows(10)
    )
    progress = _progress_by_assessment(to_fill)
    fill_rows = [(a, *progress[a.pk]) for a in to_fill]
    # Issue 16: assigned work first, and an official's scope (assessments/teamwork/home.py).
    assigned = teamwork_home.assigned_to(user)
    scope = teamwork_home.scope_results(user)
    scope_rows = [(a, teamwork_home.overall_score(a)) for a in scope] if scope is not None else None
    return render(
        request,
        "assessments/home.html",
        {
            "fill_rows": fill_rows,
            "to_submit": {a.pk for a in to_submit},
            "to_review": to_review,
            "recent_results": recent_results,
            "is_member": bool(member_orgs),
            "reviews": bool(portfolio) or user.is_superuser,
            "can_start": bool(coordinator_orgs),
            "assigned": assigned,
            "scope_rows": scope_rows,
        },
    )


# Sort keys offered on the list: name -> ordering (the first field is the one named).
LIST_SORTS = {
    "organisation": ("organisation__name", "-cycle__starts_on", "framework__name"),
    "framework": ("framework__name", "organisation__name", "-cycle__starts_on"),
    "cycle": ("-cycle__starts_on", "organisation__name", "framework__name"),
    "status": ("status", "organisation__name", "-cycle__starts_on"),
    # No joined tie-break: the index on updated_at gives the page without a sort.
    "updated": ("-updated_at",),
}
LIST_PAGE_SIZE = 25


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Search, filter by status and cycle, sort and page through the visible assessments."""
    visible = Assessment.objects.visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Assessment.Status.values:
        visible = visible.filter(status=status)
    # One probe per cycle (there are few), not a pass over every assessment.
    cycles = list(Cycle.objects.filter(Exists(visible.filter(cycle_id=OuterRef("pk")))))
    cycle = request.GET.get("cycle", "")
    if cycle.isdigit():
        visible = visible.filter(cycle_id=int(cycle))
    query = request.GET.get("q", "").strip()[:100]
    if query:
        visible = visible.filter(
            Q(organisation__name__icontains=query)
            | Q(framework__name__icontains=query)
            | Q(organisation__country__iexact=query)
        )
    sort = request.GET.get("sort", "cycle")
    if sort not in LIST_SORTS:
        sort = "cycle"
    # The page is chosen from the indexes, then only its rows are read.
    page = Paginator(
        visible.order_by(*LIST_SORTS[sort], "-pk" if sort == "updated" else "pk").values_list(
            "pk", flat=True
        ),
        LIST_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    assessments = Assessment.objects.in_order(list(page.object_list))
    page.object_list = assessments
    progress = _progress_by_assessment(assessments)
    rows = [(a, *progress[a.pk]) for a in assessments]
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "rows": rows,
            "statuses": Assessment.Status.choices,
            "status": status,
            "cycles": cycles,
            "cycle": cycle,
            "q": query,
            "sort": sort,
            "sorts": [
                ("cycle", _("Newest cycle")),
                ("organisation", _("Organisation")),
                ("framework", _("Framework")),
                ("status", _("Status")),
                ("updated", _("Last changed")),
            ],
            "page": page,
            "keep": keep.urlencode(),
        },
    )


@login_required
def assessment_start_view(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.filter(
        memberships__user_id=access.signed_in_id(request.user),
        memberships__role=Membership.Role.COORDINATOR,
    )
    if not organisations.exists():
        raise PermissionDenied(_("Only an organisation's coordinator can start an assessment."))
    form = StartAssessmentForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        assessment = assessment_start(
            organisation=form.cleaned_data["organisation"],
            framework=form.cleaned_data["framework"],
            cycle=form.cleaned_data["cycle"],
            user=request.user,
        )
        messages.success(request, _("Assessment started."))
        return redirect("assessment_detail", pk=assessment.pk)
    return render(request, "assessments/start.html", {"form": form})


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, can = get_assessment_for_user(request, pk)
    if can.answer:
        first = (
            Domain.objects.filter(framework_id=assessment.framework_id, parent__isnull=True)
            .order_by("position")
            .first()
        )
        if first is not None:
            return redirect("questionnaire", pk=assessment.pk, domain_pk=first.pk)
    return redirect("results", pk=assessment.pk)
