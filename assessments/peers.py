"""Anonymised peer statistics: exact group statistics and their private releases.

Pages, reports and exports never read exact statistics: they read *releases*
(`release_groups`, at the end of this module), computed once with differential
privacy and stored by `assessments/results/releases.py`. `peer_statistics` (exact
quartiles and percentile ranks) remains for measuring the releases' utility and for
tests.

This is the one module that uses pandas. pandas is imported inside the function
that needs it, so that management commands which never compare peers start fast,
and no DataFrame leaves this module: callers get frozen dataclasses of plain
floats.

The rules (PRODUCT.md, "Scoring", peer comparison):

- The subject organisation is never one of its own peers: rows whose
  ``organisation_id`` equals ``subject_id`` are dropped before anything is counted.
- A peer group is the set of peers that share the subject's value of the group's
  attribute (``GroupDef.attribute``), or every peer when the attribute is ``None``.
  Values match exactly. A subject without a value for the attribute (missing or
  blank) has no peers in that group, so the group is withheld.
- k-anonymity: a group with fewer than ``min_group`` peers is *withheld*. A withheld
  group reports ``n == 0`` and no statistics at all, so that not even its true size
  leaks (a count of 3 against a count of 4 elsewhere is enough to identify someone).
- Per column (a domain code, or ``"overall"``), statistics are given only when at
  least ``min_group`` peers have a score for that column; other columns are left out
  of ``GroupStats.stats``.
- Quartiles use linear interpolation between order statistics (pandas'
  ``quantile(..., interpolation="linear")``): for sorted values ``x[0..m-1]`` the
  q-quantile is at position ``h = (m - 1) * q``, i.e.
  ``x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])``.
- Percentile rank of the subject, with ties counted half:
  ``100 * (peers strictly below + 0.5 * peers equal) / peers with a score``.
  It is ``None`` when the subject has no score for the column.
- Minimum, maximum and any per-organisation value or id are never computed or
  returned: a single extreme value identifies an agency.

Peers are identified by ``organisation_id`` and each organisation may appear only
once; a duplicate would be counted twice and is refused with ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for real inside the functions, to keep start-up fast
    import numpy as np
    import pandas as pd

QUANTILES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class PeerRow:
    """One peer organisation's validated scores, as fed to `peer_statistics`."""

    organisation_id: int
    attributes: Mapping[str, str]  # e.g. {"region": "Africa", "org_type": "csirt"}
    scores: Mapping[str, float | None]  # column code -> 0..100, None = no score


@dataclass(frozen=True)
class GroupDef:
    """A peer group from the administrator's fixed list."""

    key: str  # e.g. "all", "region", "org_type"
    label: str  # human label, already translated by the caller
    attribute: str | None  # None = all organisations; else peers share the subject's value


@dataclass(frozen=True)
class Stat:
    """Distribution of one column among a group's peers (no min, no max)."""

    n: int  # peers with a score in this column
    q1: float
    median: float
    q3: float
    percentile: float | None  # subject's percentile rank, 0..100; None if no subject score


@dataclass(frozen=True)
class GroupStats:
    """Statistics of one peer group; see the module docstring for the rules."""

    key: str
    label: str
    value: str | None  # the shared attribute value (e.g. "Africa"); None for all
    n: int  # peers in the group, subject excluded; 0 when withheld
    withheld: bool  # True when fewer than min_group peers: then n == 0, stats == {}
    stats: Mapping[str, Stat]  # per column with at least min_group peer scores


def peer_statistics(
    peers: Sequence[PeerRow],
    *,
    subject_id: int,
    subject_attributes: Mapping[str, str],
    subject_scores: Mapping[str, float | None],
    groups: Sequence[GroupDef],
    columns: Sequence[str],
    min_group: int,
) -> list[GroupStats]:
    """Return one `GroupStats` per group, in the order of ``groups``.

    All columns of a group are computed in one vectorised pass over a single
    DataFrame (one boolean mask per group); there is no Python loop over
    organisations beyond reading the input rows once.
    """
    import numpy as np
    import pandas as pd

    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    if len(set(columns)) != len(columns):
        raise ValueError("columns must not repeat")

    rows = [p for p in peers if p.organisation_id != subject_id]
    if len(rows) != len({p.organisation_id for p in rows}):
        raise ValueError("each peer organisation may appear only once")

    # One float matrix, organisations x columns; None (and inf) become NaN.
    matrix = _to_float_matrix([[p.scores.get(c) for c in columns] for p in rows], len(columns))
    scores = pd.DataFrame(matrix, columns=list(columns), copy=False)
    subject = _to_float_matrix([[subject_scores.get(c) for c in columns]], len(columns))[0]

    attribute_names = {g.attribute for g in groups if g.attribute is not None}
    attributes = {
        name: pd.Series([p.attributes.get(name) for p in rows], dtype=object)
        for name in attribute_names
    }

    result = []
    for group in groups:
        value = None if group.attribute is None else subject_attributes.get(group.attribute) or None
        if group.attribute is None:
            mask = np.ones(len(rows), dtype=bool)
        elif value is None:
            mask = np.zeros(len(rows), dtype=bool)
        else:
            mask = (attributes[group.attribute] == value).to_numpy()
        n = int(mask.sum())
        withheld = n < min_group
        result.append(
            GroupStats(
                key=group.key,
                label=group.label,
                value=value,
                n=0 if withheld else n,
                withheld=withheld,
                stats={} if withheld else _column_stats(scores[mask], subject, min_group),
            )
        )
    return result


def _column_stats(scores: pd.DataFrame, subject: np.ndarray, min_group: int) -> dict[str, Stat]:
    """Quartiles and percentile rank for every column of one group, at once.

    ``scores`` is the group's DataFrame (peers x columns, NaN = no score) and
    ``subject`` an array of the subject's scores over the same columns. NaN
    compares false with everything, so peers without a score count neither as
    below nor as equal, and a NaN subject gives no percentile.
    """
    import numpy as np

    values = scores.to_numpy()
    counts = (~np.isnan(values)).sum(axis=0)
    shown = counts >= min_group
    if not shown.any():
        return {}
    if not shown.all():
        scores = scores.iloc[:, np.flatnonzero(shown)]
    quartiles = scores.quantile(list(QUANTILES), interpolation="linear").to_numpy()
    below = (values[:, shown] < subject[shown]).sum(axis=0)
    equal = (values[:, shown] == subject[shown]).sum(axis=0)
    percentile = 100.0 * (below + 0.5 * equal) / counts[shown]
    has_subject = ~np.isnan(subject[shown])

    return {
        column: Stat(
            n=n,
            q1=q1,
            median=median,
            q3=q3,
            percentile=pct if has else None,
        )
        for column, n, q1, median, q3, pct, has in zip(
            scores.columns,
            counts[shown].tolist(),
            *quartiles.tolist(),
            percentile.tolist(),
            has_subject.tolist(),
            strict=True,
        )
    }


def _to_float_matrix(cells: list[list[float | None]], width: int) -> np.ndarray:
    """A 2-D float array of the given width; None and non-finite values become NaN."""
    import numpy as np

    matrix = np.array(cells, dtype=float).reshape(len(cells), width)
    matrix[~np.isfinite(matrix)] = np.nan
    return matrix


# --- Released peer statistics (differential privacy) ------------------------------------
#
# What pages and reports show is a *release*: quartiles computed once, from validated
# frozen scores, with OpenDP's private quantile mechanism (the exponential mechanism
# over a grid of candidate scores, bounded to 0..100, under the symmetric distance: one
# organisation added or removed). Each released statistic costs `epsilon_per_statistic`;
# a group release with C columns costs 3 * C times that. Releases are stored, so viewing
# them costs nothing more, and everyone sees the same numbers until the next release.
# The subject's own position is read against the released quartiles only, so moving
# one's own draft answers reveals nothing that is not already published.

RELEASED, WITHHELD, SUPPRESSED = "released", "withheld", "suppressed"
CANDIDATES = tuple(i / 2 for i in range(0, 201))  # 0, 0.5, ..., 100


@dataclass(frozen=True)
class Released:
    """One column's released quartiles (never a minimum, maximum or count)."""

    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class GroupRelease:
    """A released group: everyone whose `attribute` equals `value` ("" and "" = all)."""

    attribute: str
    value: str
    status: str  # RELEASED, WITHHELD (fewer than min_group) or SUPPRESSED (overlap)
    stats: Mapping[str, Released]  # per column with at least min_group scores


# An OpenDP measurement as this module uses it: scores in, one released number out.
Measurement = Callable[[list[float]], float]


def _quantile_measurement(alpha: float, epsilon: float) -> Measurement:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    domain = dp.vector_domain(dp.atom_domain(bounds=(0.0, 100.0), nan=False))
    make = dp.m.make_private_quantile
    scale = dp.binary_search_param(
        lambda s: make(
            domain,
            dp.symmetric_distance(),
            dp.max_divergence(),
            candidates=list(CANDIDATES),
            alpha=alpha,
            scale=s,
        ),
        d_in=1,
        d_out=epsilon,
    )
    return make(
        domain,
        dp.symmetric_distance(),
        dp.max_divergence(),
        candidates=list(CANDIDATES),
        alpha=alpha,
        scale=scale,
    )


_MEASUREMENTS: dict[tuple[float, float], Measurement] = {}


def quantile_measurement(alpha: float, epsilon: float) -> Measurement:
    """The OpenDP measurement releasing the `alpha` quantile with privacy loss `epsilon`
    for one organisation added or removed (cached: building it searches for the scale)."""
    key = (alpha, epsilon)
    if key not in _MEASUREMENTS:
        _MEASUREMENTS[key] = _quantile_measurement(alpha, epsilon)
    return _MEASUREMENTS[key]


def private_quartiles(values: Sequence[float], *, epsilon_per_statistic: float) -> Released:
    """Q1, median and Q3 of `values` (scores 0..100), each with its own noise.

    The three are sorted afterwards (post-processing keeps the guarantee), so a
    release never reads Q1 > median.
    """
    clean = [min(max(float(v), 0.0), 100.0) for v in values]
    released = sorted(
        float(quantile_measurement(alpha, epsilon_per_statistic)(clean)) for alpha in QUANTILES
    )
    return Released(q1=released[0], median=released[1], q3=released[2])


def release_groups(
    rows: Sequence[PeerRow],
    *,
    attributes: Sequence[str],
    columns: Sequence[str],
    min_group: int,
    epsilon_per_statistic: float,
) -> list[GroupRelease]:
    """Every group of one round: all organisations, then one per value of each attribute.

    - A group with fewer than `min_group` organisations is withheld (no statistics).
    - A group contained in another released group that differs from it by fewer than
      `min_group` organisations (identical groups included) is suppressed: the
      difference of the two would single out those few.
    - Within a released group, a column with fewer than `min_group` scores is left out.
    """
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    if len(rows) != len({r.organisation_id for r in rows}):
        raise ValueError("each organisation may appear only once")
    groups: list[tuple[str, str, frozenset[int]]] = [
        ("", "", frozenset(r.organisation_id for r in rows))
    ]
    for attribute in attributes:
        values = sorted({r.attributes.get(attribute) or "" for r in rows} - {""})
        for value in values:
            members = frozenset(
                r.organisation_id for r in rows if r.attributes.get(attribute) == value
            )
            groups.append((attribute, value, members))

    status = {
        (attribute, value): (WITHHELD if len(members) < min_group else RELEASED)
        for attribute, value, members in groups
    }
    # Larger groups first, so a subgroup is compared with the groups it could be cut from.
    by_size = sorted(groups, key=lambda g: -len(g[2]))
    for i, (attr_b, value_b, members_b) in enumerate(by_size):
        if status[(attr_b, value_b)] != RELEASED:
            continue
        for attr_a, value_a, members_a in by_size[:i]:
            if status[(attr_a, value_a)] != RELEASED or not members_b <= members_a:
                continue
            if len(members_a - members_b) < min_group:
                status[(attr_b, value_b)] = SUPPRESSED
                break

    by_id = {r.organisation_id: r for r in rows}
    releases = []
    for attribute, value, members in groups:
        state = status[(attribute, value)]
        stats: dict[str, Released] = {}
        if state == RELEASED:
            for column in columns:
                scores = [
                    s
                    for s in (by_id[m].scores.get(column) for m in sorted(members))
                    if s is not None and math.isfinite(s)
                ]
                if len(scores) >= min_group:
                    stats[column] = private_quartiles(
                        scores, epsilon_per_statistic=epsilon_per_statistic
                    )
        releases.append(GroupRelease(attribute, value, state, stats))
    return releases


def release_epsilon(columns: int, epsilon_per_statistic: float) -> float:
    """Privacy loss of one group release: three quartiles per column."""
    return 3 * columns * epsilon_per_statistic


def position(score: float | None, released: Released | None) -> int | None:
    """Which quarter of the released distribution a score falls in: 1 (below Q1) .. 4
    (above Q3); None without a score or a release. Read against released numbers only."""
    if score is None or released is None:
        return None
    if score < released.q1:
        return 1
    if score < released.median:
        return 2
    if score < released.q3:
        return 3
    return 4


def utility(
    sizes: Sequence[int] = (5, 10, 20, 50),
    *,
    epsilon_per_statistic: float,
    trials: int = 100,
    seed: int = 7,
) -> dict[int, float]:
    """Mean absolute error of released quartiles against the true ones (linear
    interpolation), per group size, on synthetic scores drawn like the demo data."""
    import random

    import numpy as np

    rng = random.Random(seed)
    errors: dict[int, float] = {}
    for n in sizes:
        total = []
        for _ in range(trials):
            values = [min(100.0, max(0.0, rng.gauss(55, 18))) for _ in range(n)]
            true = np.quantile(values, QUANTILES)
            released = private_quartiles(values, epsilon_per_statistic=epsilon_per_statistic)
            got = (released.q1, released.median, released.q3)
            total += [abs(a - b) for a, b in zip(got, true, strict=True)]
        errors[n] = float(np.mean(total))
    return errors
