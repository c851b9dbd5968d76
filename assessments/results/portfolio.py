"""The portfolio view: organisations x domains of one framework and cycle.

Only assessments the user may see (`Assessment.objects.visible_to`) appear. Scores
are the validated (frozen) ones; an assessment not validated yet shows its status
and no scores. One query for all the assessments, whatever their number.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Assessment, Cycle
from frameworks.i18n import domain_names
from frameworks.models import Domain, Framework


@dataclass
class PortfolioRow:
    assessment_id: int
    organisation: str
    country: str
    region: str
    status: str
    status_label: str
    scores: list[float | None]
    overall: float | None


@dataclass
class Portfolio:
    framework: Framework | None
    cycle: Cycle | None
    domains: list[tuple[str, str]]  # (code, name)
    rows: list[PortfolioRow]


def build_portfolio(user, *, framework_key: str | None, cycle_id: int | None) -> Portfolio:
    framework = (
        Framework.objects.filter(key=framework_key).order_by("-revision").first()
        if framework_key
        else Framework.objects.latest_revisions().first()
    )
    cycle = Cycle.objects.filter(pk=cycle_id).first() if cycle_id else Cycle.objects.first()
    if framework is None or cycle is None:
        return Portfolio(framework=framework, cycle=cycle, domains=[], rows=[])
    names = domain_names(framework)
    domains = [
        (d.code, names.get(d.code, d.name))
        for d in Domain.objects.filter(framework=framework, parent__isnull=True).order_by(
            "position"
        )
    ]
    assessments = (
        Assessment.objects.visible_to(user)
        .filter(framework_key=framework.key, cycle=cycle)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    rows = []
    for a in assessments:
        scores = (a.frozen_result or {}).get("scores", {}) if a.status == a.Status.VALIDATED else {}
        rows.append(
            PortfolioRow(
                assessment_id=a.pk,
                organisation=a.organisation.name,
                country=a.organisation.country,
                region=a.organisation.region,
                status=a.status,
                status_label=str(a.get_status_display()),
                scores=[scores.get(code) for code, _name in domains],
                overall=scores.get("overall"),
            )
        )
    return Portfolio(framework=framework, cycle=cycle, domains=domains, rows=rows)


def portfolio_table(portfolio: Portfolio) -> list[list[object]]:
    """Header and rows for CSV/XLSX export (numbers stay numbers)."""
    header: list[object] = ["Organisation", "Country", "Region", "Status"]
    header += [name for _code, name in portfolio.domains] + ["Overall"]
    table: list[list[object]] = [header]
    for row in portfolio.rows:
        table.append(
            [row.organisation, row.country, row.region, row.status, *row.scores, row.overall]
        )
    return table
