"""Results, targets and the portfolio pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.security_log import security_log
from assessments.access import get_assessment_for_user
from assessments.models import Assessment, Cycle
from assessments.reports.exports import CONTENT_TYPES, write_csv, write_xlsx
from assessments.reports.marking import allowed_markings, marking_of
from assessments.reports.pdf import TLP_MARKINGS
from assessments.results.assemble import build_results, compute_result
from assessments.results.portfolio import build_portfolio, portfolio_table
from assessments.results.present import results_context
from assessments.results.targets import targets_of, targets_set
from assessments.services import AssessmentLocked, InvalidAnswer
from frameworks.models import Domain, Framework
from ops.exports import export_start
from ops.reports import in_background


@require_GET
@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, can = get_assessment_for_user(request, pk)
    data = build_results(assessment, group_key=request.GET.get("group"))
    context = results_context(data)
    context.update(
        {
            "assessment": assessment,
            "can": can,
            "tlp_markings": allowed_markings(assessment),
            "default_tlp": marking_of(assessment),
            "all_tlp_markings": TLP_MARKINGS,
            "report_in_background": in_background(),  # ops.reports
        }
    )
    return render(request, "assessments/results.html", context)


@login_required
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, can = get_assessment_for_user(request, pk, need="set_targets")
    domains = list(
        Domain.objects.filter(framework_id=assessment.framework_id, parent__isnull=True).order_by(
            "position"
        )
    )
    current = targets_of(assessment)
    level_names = assessment.framework.level_names()
    choices = [(str(level), f"{level} · {name}") for level, name in sorted(level_names.items())]
    form = forms.Form(request.POST or None)
    # The current level beside each target, so that a target is set knowingly.
    now = {d.code: d for d in compute_result(assessment).validated_result.domains}
    for d in domains:
        result = now.get(d.code)
        if result is not None and result.level is not None:
            help_text = _("Current level: %(level)s · %(name)s (score %(score)s)") % {
                "level": result.level,
                "name": level_names.get(result.level, ""),
                "score": f"{result.score:.0f}" if result.score is not None else "—",
            }
        else:
            help_text = _("Current level: not enough answers yet")
        form.fields[f"d{d.pk}"] = forms.TypedChoiceField(
            label=d.name,
            choices=choices,
            coerce=int,
            initial=str(current[d.code]),
            help_text=help_text,
        )
    if request.method == "POST" and form.is_valid():
        levels = {d.pk: form.cleaned_data[f"d{d.pk}"] for d in domains}
        try:
            targets_set(assessment=assessment, user=request.user, levels=levels)
        except (InvalidAnswer, AssessmentLocked) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Target levels saved."))
            return redirect("results", pk=pk)
    return render(
        request,
        "assessments/targets.html",
        {"assessment": assessment, "can": can, "form": form},
    )


PORTFOLIO_SORTS = ("organisation", "overall", "change")


PORTFOLIO_PAGE_SIZE = 50  # rows per page; exports take every row


@require_GET
@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    """Organisations x domains for advisors, officials and administrators."""
    cycle_id = request.GET.get("cycle", "")
    data = build_portfolio(
        request.user,
        framework_key=request.GET.get("framework") or None,
        cycle_id=int(cycle_id) if cycle_id.isdigit() else None,
    )
    # Search, filter and sort the rows (issue 16) in the database; exports take the
    # same rows, the page reads only its own.
    query = request.GET.get("q", "").strip().lower()[:100]
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "organisation")
    if sort not in PORTFOLIO_SORTS:
        sort = "organisation"
    chosen = data.select(query=query, status=status, sort=sort)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx") and data.framework and data.cycle:
        name = slugify(f"portfolio-{data.framework.key}-{data.cycle.name}")
        if in_background():  # built by the task worker (ops.exports), offered when ready
            job_id = export_start(
                request,
                framework_key=data.framework.key,
                cycle_id=data.cycle.pk,
                fmt=fmt,
                filename=f"{name}.{fmt}",
            )
            return redirect("export_status", job_id=job_id)
        table = portfolio_table(data, data.rows(list(chosen)))
        content = write_csv(table) if fmt == "csv" else write_xlsx({"Portfolio": table})
        security_log(
            "export",
            request=request,
            format=fmt,
            portfolio=data.framework.key,
            cycle=data.cycle.name,
        )
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        response["Cache-Control"] = "private, no-store"
        return response
    page = Paginator(chosen, PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = data.rows(list(page.object_list))
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "assessments/portfolio.html",
        {
            "data": data,
            "page": page,
            "keep": keep.urlencode(),
            "frameworks": Framework.objects.latest_revisions(),
            "cycles": Cycle.objects.all(),
            "q": query,
            "status": status,
            "sort": sort,
            "statuses": Assessment.Status.choices,
        },
    )
