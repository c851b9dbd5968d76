from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from frameworks.i18n import localize_domains, localize_questions
from frameworks.models import Domain, Framework, Question


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = Framework.objects.latest_revisions().prefetch_related(
        Prefetch("domains", queryset=Domain.objects.filter(parent__isnull=True), to_attr="top")
    )
    counts = dict(Framework.objects.values("key").annotate(n=Count("id")).values_list("key", "n"))
    rows = [(f, counts.get(f.key, 1)) for f in frameworks]
    return render(request, "frameworks/framework_list.html", {"rows": rows})


@login_required
def framework_detail(request: HttpRequest, key: str, revision: int | None = None) -> HttpResponse:
    qs = Framework.objects.filter(key=key)
    framework = (
        get_object_or_404(qs, revision=revision)
        if revision is not None
        else qs.order_by("-revision").first()
    )
    if framework is None:
        raise Http404
    domains = list(framework.domains.all())
    questions = list(framework.questions.all())
    localize_domains(framework, domains)
    localize_questions(framework, questions)
    by_node: dict[int, list[Question]] = {}
    for q in questions:
        by_node.setdefault(q.section_id or q.domain_id, []).append(q)
    tree = []
    for d in domains:
        if d.parent_id is None:
            subs = [(s, by_node.get(s.pk, [])) for s in domains if s.parent_id == d.pk]
            tree.append({"domain": d, "questions": by_node.get(d.pk, []), "subdomains": subs})
    other_revisions = (
        Framework.objects.filter(key=key).exclude(pk=framework.pk).order_by("-revision")
    )
    return render(
        request,
        "frameworks/framework_detail.html",
        {"framework": framework, "tree": tree, "other_revisions": other_revisions},
    )
