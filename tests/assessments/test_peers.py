"""Peer statistics: hand-computed cases, no database."""

from __future__ import annotations

import dataclasses
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.peers import GroupDef, GroupStats, PeerRow, Stat, peer_statistics

ALL = GroupDef(key="all", label="All organisations", attribute=None)
REGION = GroupDef(key="region", label="Same region", attribute="region")
ORG_TYPE = GroupDef(key="org_type", label="Same type", attribute="org_type")
SUBJECT_ID = 1


def _rows(values, *, region="Africa", org_type="csirt", column="D1", first_id=100):
    """One peer per value, ids counting up from first_id."""
    return [
        PeerRow(
            organisation_id=first_id + i,
            attributes={"region": region, "org_type": org_type},
            scores={column: v},
        )
        for i, v in enumerate(values)
    ]


def _stats(peers, *, subject_score=None, groups=(ALL,), columns=("D1",), min_group=5, **kw):
    return peer_statistics(
        peers,
        subject_id=kw.get("subject_id", SUBJECT_ID),
        subject_attributes=kw.get("subject_attributes", {"region": "Africa", "org_type": "csirt"}),
        subject_scores=kw.get("subject_scores", {"D1": subject_score}),
        groups=list(groups),
        columns=list(columns),
        min_group=min_group,
    )


def test_it_computes_quartiles_by_linear_interpolation():
    # Sorted peers x = [10, 20, 40, 50, 70, 100], m = 6; position h = (m - 1) * q = 5q.
    # q1:     h = 1.25 -> x[1] + 0.25 * (x[2] - x[1]) = 20 + 0.25 * 20 = 25
    # median: h = 2.5  -> x[2] + 0.5  * (x[3] - x[2]) = 40 + 0.5  * 10 = 45
    # q3:     h = 3.75 -> x[3] + 0.75 * (x[4] - x[3]) = 50 + 0.75 * 20 = 65
    [group] = _stats(_rows([70, 10, 100, 40, 20, 50]), subject_score=45)
    stat = group.stats["D1"]
    assert (stat.n, stat.q1, stat.median, stat.q3) == (6, 25.0, 45.0, 65.0)


def test_it_computes_quartiles_of_an_odd_count_on_order_statistics():
    # x = [0, 10, 20, 30, 40], h = 4q: q1 at h = 1 -> 10, median h = 2 -> 20, q3 h = 3 -> 30.
    [group] = _stats(_rows([40, 30, 20, 10, 0]))
    stat = group.stats["D1"]
    assert (stat.q1, stat.median, stat.q3) == (10.0, 20.0, 30.0)


def test_it_counts_ties_as_half_in_the_percentile_rank():
    # Peers [10, 20, 40, 40, 40, 70], subject 40: 2 strictly below, 3 equal.
    # 100 * (2 + 0.5 * 3) / 6 = 100 * 3.5 / 6 = 58.33...
    [group] = _stats(_rows([10, 20, 40, 40, 40, 70]), subject_score=40)
    assert group.stats["D1"].percentile == pytest.approx(100 * 3.5 / 6)


def test_it_ranks_a_subject_above_or_below_every_peer_at_100_or_0():
    peers = _rows([10, 20, 30, 40, 50])
    [top] = _stats(peers, subject_score=90)
    [bottom] = _stats(peers, subject_score=5)
    assert top.stats["D1"].percentile == 100.0
    assert bottom.stats["D1"].percentile == 0.0


def test_it_gives_no_percentile_when_the_subject_has_no_score():
    [group] = _stats(_rows([10, 20, 30, 40, 50]), subject_score=None)
    assert group.stats["D1"].percentile is None
    assert group.stats["D1"].median == 30.0


def test_it_withholds_a_group_of_k_minus_one_peers():
    [group] = _stats(_rows([10, 20, 30, 40]), subject_score=50, min_group=5)
    assert group.withheld is True
    # Not even the count is given away.
    assert group.n == 0
    assert group.stats == {}


def test_it_shows_a_group_of_exactly_k_peers():
    [group] = _stats(_rows([10, 20, 30, 40, 50]), subject_score=50, min_group=5)
    assert group.withheld is False
    assert group.n == 5
    assert group.stats["D1"].n == 5


def test_it_never_counts_the_subject_among_its_own_peers():
    # Five real peers plus the subject's own row, with an extreme score.
    peers = _rows([10, 20, 30, 40, 50]) + _rows([100], first_id=SUBJECT_ID)
    [group] = _stats(peers, subject_score=100)
    stat = group.stats["D1"]
    assert group.n == 5
    # Quartiles of [10, 20, 30, 40, 50] alone; 100 is above all five real peers.
    assert (stat.q1, stat.median, stat.q3, stat.percentile) == (20.0, 30.0, 40.0, 100.0)


def test_it_withholds_a_group_that_only_reaches_k_by_counting_the_subject():
    peers = _rows([10, 20, 30, 40]) + _rows([50], first_id=SUBJECT_ID)
    [group] = _stats(peers, subject_score=50)
    assert group.withheld is True


def test_it_groups_peers_by_the_subjects_attribute_value():
    africa = _rows([10, 20, 30, 40, 50], region="Africa", first_id=100)
    europe = _rows([60, 70, 80, 90, 95, 99], region="Europe", first_id=200)
    all_, region = _stats(africa + europe, subject_score=35, groups=(ALL, REGION))

    assert (all_.key, all_.label, all_.value, all_.n) == ("all", "All organisations", None, 11)
    assert (region.key, region.label, region.value, region.n) == (
        "region",
        "Same region",
        "Africa",
        5,
    )
    # Within Africa [10, 20, 30, 40, 50]: median 30, and 35 is above 3 of 5 -> 60.
    assert region.stats["D1"].median == 30.0
    assert region.stats["D1"].percentile == 60.0


def test_it_withholds_only_the_group_that_is_too_small():
    peers = _rows([10, 20, 30, 40, 50], org_type="csirt") + _rows(
        [60, 70], org_type="regulator", first_id=200
    )
    all_, org_type = _stats(
        peers,
        subject_score=35,
        groups=(ALL, ORG_TYPE),
        subject_attributes={"region": "Africa", "org_type": "regulator"},
    )
    assert all_.withheld is False and all_.n == 7
    assert org_type.withheld is True and org_type.value == "regulator"


def test_it_withholds_an_attribute_group_when_the_subject_has_no_value():
    peers = _rows([10, 20, 30, 40, 50], region="")
    missing, blank = (
        _stats(peers, groups=(REGION,), subject_attributes=attrs)[0]
        for attrs in ({"org_type": "csirt"}, {"region": "", "org_type": "csirt"})
    )
    assert missing.withheld and missing.value is None
    # Blank is "unset", not a region that all unset organisations share.
    assert blank.withheld and blank.value is None


def test_it_omits_columns_with_fewer_than_k_peer_scores():
    peers = [
        PeerRow(100 + i, {"region": "Africa"}, {"D1": d1, "D2": d2, "overall": 50.0})
        for i, (d1, d2) in enumerate(
            [(10, 10), (20, None), (30, 30), (40, None), (50, 50), (60, 60)]
        )
    ]
    [group] = _stats(
        peers,
        columns=("D1", "D2", "D3", "overall"),
        subject_scores={"D1": 35, "D2": 35, "D3": 35, "overall": 50},
    )
    # D2 has 4 scores and D3 none: both left out; D1 has 6, overall 6.
    assert set(group.stats) == {"D1", "overall"}
    assert group.n == 6


def test_it_keeps_a_column_with_exactly_k_peer_scores_and_ignores_the_missing_ones():
    # D1 scored by 5 of 6 peers: [10, 20, 30, 40, 50] (the None is neither below nor equal).
    [group] = _stats(_rows([10, None, 20, 30, 40, 50]), subject_score=30)
    stat = group.stats["D1"]
    assert stat.n == 5
    assert stat.median == 30.0
    # 2 below, 1 equal: 100 * 2.5 / 5 = 50.
    assert stat.percentile == 50.0


def test_it_computes_every_column_of_a_group_independently():
    peers = [
        PeerRow(100 + i, {}, {"D1": float(v), "D2": float(100 - v), "overall": 50.0})
        for i, v in enumerate([0, 25, 50, 75, 100])
    ]
    [group] = _stats(
        peers,
        columns=("D1", "D2", "overall"),
        subject_scores={"D1": 80, "D2": 20, "overall": 50},
    )
    # D1 = D2 = [0, 25, 50, 75, 100]: q1 25, median 50, q3 75; overall is five 50s.
    assert [(s.q1, s.median, s.q3) for s in group.stats.values()] == [
        (25.0, 50.0, 75.0),
        (25.0, 50.0, 75.0),
        (50.0, 50.0, 50.0),
    ]
    # 80 is above 4 of 5 in D1; 20 above 1 of 5 in D2; 50 ties all 5 in overall.
    assert [s.percentile for s in group.stats.values()] == [80.0, 20.0, 50.0]


def test_it_returns_plain_python_numbers():
    [group] = _stats(_rows([10, 20, 30, 40, 50]), subject_score=25)
    stat = group.stats["D1"]
    assert type(group.n) is int and type(stat.n) is int
    assert {type(v) for v in (stat.q1, stat.median, stat.q3, stat.percentile)} == {float}


def test_it_has_no_field_for_a_minimum_maximum_or_organisation():
    assert [f.name for f in dataclasses.fields(Stat)] == ["n", "q1", "median", "q3", "percentile"]
    assert [f.name for f in dataclasses.fields(GroupStats)] == [
        "key",
        "label",
        "value",
        "n",
        "withheld",
        "stats",
    ]


def test_it_reveals_neither_the_extremes_nor_the_peer_ids():
    peers = _rows([11, 23, 41, 53, 71, 97], first_id=987650)
    [group] = _stats(peers, subject_score=50)
    stat = group.stats["D1"]
    assert {11.0, 97.0}.isdisjoint({stat.q1, stat.median, stat.q3})
    assert "98765" not in repr(group)


def test_it_reads_an_infinite_score_as_no_score():
    [group] = _stats(_rows([10, 20, 30, 40, 50, float("inf")]), subject_score=float("nan"))
    assert group.stats["D1"].n == 5
    assert group.stats["D1"].percentile is None


def test_it_handles_no_peers_at_all():
    [group] = _stats([], subject_score=50, min_group=1)
    assert group.withheld is True and group.stats == {}


@pytest.mark.parametrize(
    ("peers", "kw", "message"),
    [
        (_rows([10]), {"min_group": 0}, "min_group"),
        (_rows([10, 20]) + _rows([30]), {}, "only once"),
        (_rows([10]), {"columns": ("D1", "D1")}, "columns"),
    ],
)
def test_it_rejects_bad_arguments(peers, kw, message):
    with pytest.raises(ValueError, match=message):
        _stats(peers, **kw)


def test_it_imports_pandas_only_when_computing():
    code = "import sys, assessments.peers; print('pandas' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["False", "False"]


scores = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))


@settings(deadline=None, max_examples=150)
@given(
    values=st.lists(scores, max_size=40),
    subject=scores,
    min_group=st.integers(min_value=1, max_value=6),
)
def test_its_statistics_agree_with_a_plain_reference(values, subject, min_group):
    [group] = _stats(_rows(values), subject_score=subject, min_group=min_group)
    present = sorted(v for v in values if v is not None)

    if len(values) < min_group:
        assert group.withheld and group.n == 0 and group.stats == {}
        return
    assert group.n == len(values)
    if len(present) < min_group:
        assert group.stats == {}
        return

    stat = group.stats["D1"]
    assert stat.n == len(present)
    assert present[0] <= stat.q1 <= stat.median <= stat.q3 <= present[-1]
    if len(present) >= 2:
        # statistics' "inclusive" method is the same linear interpolation.
        q1, median, q3 = statistics.quantiles(present, n=4, method="inclusive")
        assert (stat.q1, stat.median, stat.q3) == pytest.approx((q1, median, q3))
    if subject is None:
        assert stat.percentile is None
    else:
        assert 0.0 <= stat.percentile <= 100.0
        below = sum(v < subject for v in present)
        equal = sum(v == subject for v in present)
        assert stat.percentile == pytest.approx(100 * (below + 0.5 * equal) / len(present))
