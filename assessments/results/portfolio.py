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
    # Change of the overall score since the previous validated cycle (issue 16).
    change: float | None = None


@dataclass
class Portfolio:
    framework: Framework | None
    cycle: Cycle | None
    domains: list[tuple[str, str]]  # (code, name)
    rows: list[PortfolioRow]


def build_portfolio(user, *, framework_key: str | None, cycle_id: int | None) -> Portfolio:
    if not framework_key or not cycle_id:
        # Open on what this user has data for: their latest validated assessment,
        # else their latest assessment at all, rather than the first framework.
        visible = Assessment.objects.visible_to(user)
        if framework_key:
            visible = visible.filter(framework_key=framework_key)
        if cycle_id:
            visible = visible.filter(cycle_id=cycle_id)
        latest = (
            visible.filter(status=Assessment.Status.VALIDATED).order_by("-cycle__starts_on").first()
            or visible.order_by("-cycle__starts_on").first()
        )
        if latest is not None:
            framework_key = framework_key or latest.framework_key
            cycle_id = cycle_id or latest.cycle_id
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
    earlier: dict[int, float | None] = {}
    for a in (
        Assessment.objects.visible_to(user)
        .filter(
            framework_key=framework.key,
            status=Assessment.Status.VALIDATED,
            cycle__starts_on__lt=cycle.starts_on,
        )
        .order_by("organisation_id", "-cycle__starts_on")
        .only("organisation_id", "frozen_result")
    ):
        earlier.setdefault(
            a.organisation_id, (a.frozen_result or {}).get("scores", {}).get("overall")
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
                change=_change(scores.get("overall"), earlier.get(a.organisation_id)),
            )
        )
    return Portfolio(framework=framework, cycle=cycle, domains=domains, rows=rows)


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


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
