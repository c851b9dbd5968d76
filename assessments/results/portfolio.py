"""The portfolio view: organisations x domains of one framework and cycle.

Only assessments the user may see (`Assessment.objects.visible_to`) appear. Scores
are the validated (frozen) ones; an assessment not validated yet shows its status
and no scores. The rows are filtered, sorted and paged in the database on narrow
columns (the organisation's name, `overall_score`); only the shown rows' frozen
domain scores are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower

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
    # The visible assessments of this framework and cycle, not yet read.
    assessments: QuerySet[Assessment] | None = None

    def select(self, *, query: str = "", status: str = "", sort: str = "organisation"):
        """The rows' keys, filtered and sorted in the database: a page of them is then
        read with `rows`, so the page costs the same for 50 organisations as for 5,000."""
        if self.assessments is None or self.framework is None or self.cycle is None:
            return Assessment.objects.none().values_list("pk", flat=True)
        chosen = self.assessments
        if query:
            chosen = chosen.filter(
                Q(organisation__name__icontains=query) | Q(organisation__country__iexact=query)
            )
        if status in Assessment.Status.values:
            chosen = chosen.filter(status=status)
        if sort == "change":
            chosen = chosen.annotate(
                change=F("overall_score") - _previous_overall(self.framework, self.cycle)
            ).order_by(F("change").asc(nulls_last=True), Lower("organisation__name"), "pk")
        elif sort == "overall":
            chosen = chosen.order_by(
                F("overall_score").asc(nulls_last=True), Lower("organisation__name"), "pk"
            )
        else:
            chosen = chosen.order_by(Lower("organisation__name"), "pk")
        return chosen.values_list("pk", flat=True)

    def rows(self, ids: Iterable[int]) -> list[PortfolioRow]:
        """These assessments' rows, in this order: their organisation, status, frozen
        domain scores and change since the previous validated cycle."""
        if self.framework is None or self.cycle is None:
            return []
        rows: list[PortfolioRow] = []
        batch: list[int] = []
        for pk in ids:
            batch.append(pk)
            if len(batch) == 1000:
                rows += self._read(batch)
                batch = []
        return rows + (self._read(batch) if batch else [])

    def _read(self, ids: list[int]) -> list[PortfolioRow]:
        assert self.framework is not None and self.cycle is not None
        found = {
            pk: (name, country, region, status, overall, scores, organisation_id)
            for pk, name, country, region, status, overall, scores, organisation_id in (
                Assessment.objects.filter(pk__in=ids).values_list(
                    "pk",
                    "organisation__name",
                    "organisation__country",
                    "organisation__region",
                    "status",
                    "overall_score",
                    "frozen_result__scores",
                    "organisation_id",
                )
            )
        }
        earlier: dict[int, float | None] = {}
        recency = {pk: rank for rank, pk in enumerate(_earlier_cycles(self.cycle))}
        for organisation_id, _cycle, overall in sorted(
            _earlier(self.framework, self.cycle)
            .filter(organisation_id__in=[row[6] for row in found.values()])
            .values_list("organisation_id", "cycle_id", "overall_score"),
            key=lambda row: recency[row[1]],
        ):
            earlier.setdefault(organisation_id, overall)  # the latest earlier cycle
        labels = dict(Assessment.Status.choices)
        rows = []
        for pk in ids:
            if pk not in found:
                continue
            name, country, region, status, overall, scores, organisation_id = found[pk]
            scores = (scores or {}) if status == Assessment.Status.VALIDATED else {}
            rows.append(
                PortfolioRow(
                    assessment_id=pk,
                    organisation=name,
                    country=country,
                    region=region,
                    status=status,
                    status_label=str(labels.get(status, status)),
                    scores=[scores.get(code) for code, _name in self.domains],
                    overall=overall,
                    change=_change(overall, earlier.get(organisation_id)),
                )
            )
        return rows


def _earlier(framework: Framework, cycle: Cycle) -> QuerySet[Assessment]:
    """Validated assessments of the same framework in earlier cycles (read from the
    portfolio index alone: the earlier cycles are named, not joined)."""
    return Assessment.objects.filter(
        framework_key=framework.key,
        cycle_id__in=_earlier_cycles(cycle),
        status=Assessment.Status.VALIDATED,
    )


def _earlier_cycles(cycle: Cycle) -> list[int]:
    """The cycles before this one, latest first."""
    return list(
        Cycle.objects.filter(starts_on__lt=cycle.starts_on)
        .order_by("-starts_on")
        .values_list("pk", flat=True)
    )


def _previous_overall(framework: Framework, cycle: Cycle) -> Subquery:
    """The outer row's organisation's overall score in its latest earlier cycle."""
    recency = Case(
        *(When(cycle_id=pk, then=Value(rank)) for rank, pk in enumerate(_earlier_cycles(cycle))),
        default=Value(0),
    )
    latest = (
        _earlier(framework, cycle)
        .filter(organisation_id=OuterRef("organisation_id"))
        .order_by(recency)
        .values("overall_score")
    )
    return Subquery(latest[:1])


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
            visible.filter(status=Assessment.Status.VALIDATED)
            .order_by("-cycle__starts_on")
            .values("framework_key", "cycle_id")
            .first()
            or visible.order_by("-cycle__starts_on").values("framework_key", "cycle_id").first()
        )
        if latest is not None:
            framework_key = framework_key or latest["framework_key"]
            cycle_id = cycle_id or latest["cycle_id"]
    framework = (
        Framework.objects.filter(key=framework_key).order_by("-revision").first()
        if framework_key
        else Framework.objects.latest_revisions().first()
    )
    cycle = Cycle.objects.filter(pk=cycle_id).first() if cycle_id else Cycle.objects.first()
    if framework is None or cycle is None:
        return Portfolio(framework=framework, cycle=cycle, domains=[])
    names = domain_names(framework)
    domains = [
        (d.code, names.get(d.code, d.name))
        for d in Domain.objects.filter(framework=framework, parent__isnull=True).order_by(
            "position"
        )
    ]
    assessments = Assessment.objects.visible_to(user).filter(
        framework_key=framework.key, cycle=cycle
    )
    return Portfolio(framework=framework, cycle=cycle, domains=domains, assessments=assessments)


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def portfolio_table(portfolio: Portfolio, rows: list[PortfolioRow]) -> list[list[object]]:
    """Header and rows for CSV/XLSX export (numbers stay numbers)."""
    header: list[object] = ["Organisation", "Country", "Region", "Status"]
    header += [name for _code, name in portfolio.domains] + ["Overall"]
    table: list[list[object]] = [header]
    for row in rows:
        table.append(
            [row.organisation, row.country, row.region, row.status, *row.scores, row.overall]
        )
    return table
