"""Peer releases: computed from validated frozen results, stored, and read by every page.

`peer_release_round` publishes one round for a framework revision and cycle (all groups
at once, with differential privacy, within the cycle's budget); `releases_for` is what
an assessment's results, reports and exports read. A draft is compared with the released
numbers only, and a newly validated organisation changes nothing anyone sees until the
administrator publishes the next round.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from assessments import peers
from assessments.models import Assessment, Cycle, PeerGroup, PeerRelease
from assessments.results.definition import framework_def
from frameworks.models import Framework


class BudgetSpent(Exception):
    """The cycle's privacy budget allows no further release round."""


@dataclass(frozen=True)
class ReleasedGroup:
    """One peer group as an assessment's reader sees it."""

    key: str  # the PeerGroup attribute, or "all"
    label: str
    value: str | None  # the shared value, e.g. "Africa"; None for all organisations
    status: str  # released / withheld / suppressed / unreleased
    stats: dict[str, peers.Released]
    release_id: int | None
    round: int | None

    @property
    def withheld(self) -> bool:
        return self.status != PeerRelease.Status.RELEASED


def _peer_groups() -> list[tuple[str, str]]:
    """(attribute, label) of the administrator's fixed groups; "" = all organisations."""
    groups = [(g.attribute, g.label) for g in PeerGroup.objects.all()]
    return groups or [("", _("All organisations"))]


def _columns(framework: Framework) -> list[str]:
    return [d.code for d in framework_def(framework).domains] + ["overall"]


def round_epsilon(framework: Framework) -> float:
    """What one round costs each organisation: one release per group kind it is in."""
    kinds = len(_peer_groups())
    return kinds * peers.release_epsilon(
        len(_columns(framework)), settings.PEER_EPSILON_PER_STATISTIC
    )


def peer_release_round(*, framework: Framework, cycle: Cycle, user=None) -> list[PeerRelease]:
    """Publish the next round of peer statistics for this framework revision and cycle.

    Members: validated assessments of the cycle on any version this revision declares
    comparable (its own included), read from their frozen scores.
    """
    with transaction.atomic():
        rounds = (
            PeerRelease.objects.select_for_update()
            .filter(framework=framework, cycle=cycle)
            .aggregate(last=Max("round"))["last"]
            or 0
        )
        if rounds >= settings.PEER_RELEASES_PER_CYCLE:
            raise BudgetSpent(
                _(
                    "The privacy budget of %(framework)s in cycle %(cycle)s is spent: "
                    "%(n)d release rounds already."
                )
                % {"framework": framework, "cycle": cycle.name, "n": rounds}
            )
        validated = Assessment.objects.filter(
            framework__key=framework.key,
            framework__version__in=framework.comparable_versions(),
            cycle=cycle,
            status=Assessment.Status.VALIDATED,
        ).values(
            "organisation_id",
            "organisation__region",
            "organisation__org_type",
            "organisation__income_group",
            "frozen_result__scores",
        )
        rows = [
            peers.PeerRow(
                organisation_id=v["organisation_id"],
                attributes={
                    "region": v["organisation__region"],
                    "org_type": v["organisation__org_type"],
                    "income_group": v["organisation__income_group"],
                },
                scores=v["frozen_result__scores"] or {},
            )
            for v in validated
        ]
        groups = _peer_groups()
        columns = _columns(framework)
        epsilon = peers.release_epsilon(len(columns), settings.PEER_EPSILON_PER_STATISTIC)
        released = peers.release_groups(
            rows,
            attributes=[attribute for attribute, _label in groups if attribute],
            columns=columns,
            min_group=settings.PEER_MIN_GROUP,
            epsilon_per_statistic=settings.PEER_EPSILON_PER_STATISTIC,
        )
        wanted = {attribute for attribute, _label in groups}
        return PeerRelease.objects.bulk_create(
            PeerRelease(
                framework=framework,
                cycle=cycle,
                attribute=g.attribute,
                value=g.value,
                round=rounds + 1,
                status=g.status,
                stats={
                    column: {"q1": s.q1, "median": s.median, "q3": s.q3}
                    for column, s in g.stats.items()
                },
                epsilon=epsilon if g.status == PeerRelease.Status.RELEASED else 0.0,
                released_by=user,
            )
            for g in released
            if g.attribute in wanted
        )


def releases_for(assessment: Assessment) -> list[ReleasedGroup]:
    """The latest released statistics of each of the administrator's groups that the
    assessment's organisation belongs to, in the administrator's order (two queries)."""
    organisation = assessment.organisation
    subject = {"": ""} | organisation.peer_attributes()
    groups = _peer_groups()
    releases = PeerRelease.objects.filter(
        framework_id=assessment.framework_id, cycle_id=assessment.cycle_id
    )
    latest = releases.aggregate(last=Max("round"))["last"]
    rows = {(r.attribute, r.value): r for r in releases.filter(round=latest)} if latest else {}
    shown = []
    for attribute, label in groups:
        value = subject.get(attribute) or ""
        release = rows.get((attribute, value)) if (value or not attribute) else None
        shown.append(
            ReleasedGroup(
                key=attribute or "all",
                label=label,
                value=value or None,
                status=release.status if release else "unreleased",
                stats={
                    column: peers.Released(**numbers)
                    for column, numbers in (release.stats if release else {}).items()
                },
                release_id=release.pk if release else None,
                round=release.round if release else None,
            )
        )
    return shown
