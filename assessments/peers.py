"""Anonymised peer statistics: quartiles and percentile rank, never a single peer.

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

from collections.abc import Mapping, Sequence
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
