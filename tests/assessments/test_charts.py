"""SVG charts: well-formed, accessible, self-contained, and never showing min or max."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.results.charts import (
    PEER_COLOUR,
    STYLES,
    SUBJECT_COLOUR,
    BoxRow,
    Series,
    TrendPoint,
    distribution_chart,
    radar_chart,
    trend_chart,
)

SVG_NS = "http://www.w3.org/2000/svg"
NS = {"svg": SVG_NS}
EVIL = '<script>alert("x")</script> R&D'
AXES = ["Governance", "Critical infrastructure", "Legal", "Cooperation", "Awareness", "Review"]


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{{{SVG_NS}}}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    """The visible text of every <text> element, tspans joined."""
    return ["".join(t.itertext()) for t in root.iterfind(".//svg:text", NS)]


def _radar(values=(62, 48, 71, 35, 55, 40), axes=AXES, **kw):
    return radar_chart(
        axes,
        [
            Series("Organisation", list(values), "subject"),
            Series("Peer median", [55, 52, 60, 45, 50, 38][: len(axes)], "peer"),
            Series("Target", [80, 70, 80, 60, 70, 65][: len(axes)], "target"),
        ],
        title="Maturity by domain",
        **kw,
    )


def _distribution(rows=None, **kw):
    rows = rows or [
        BoxRow("Governance", 40, 55, 70, 62),
        BoxRow("Legal", None, None, None, 35, "withheld: fewer than 5 peers"),
        BoxRow("Overall", 41, 52, 64, 52),
    ]
    return distribution_chart(
        rows,
        title="Peer distribution",
        subject_label="Organisation",
        peers_label="Peers",
        **kw,
    )


def _trend(points=None, **kw):
    if points is None:
        points = [TrendPoint("2024", 41), TrendPoint("2025", 49.5), TrendPoint("2026", 62)]
    return trend_chart(points, title="Overall by cycle", **kw)


ALL_CHARTS = {
    "radar": _radar,
    "distribution": _distribution,
    "trend": _trend,
    "empty trend": lambda: _trend([]),
    "no axes": lambda: radar_chart([], [], title="Nothing to show"),
}


@pytest.mark.parametrize("make", ALL_CHARTS.values(), ids=ALL_CHARTS.keys())
def test_it_is_an_accessible_image_with_title_and_description(make):
    root = _parse(make())
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    # The text alternative comes first, as screen readers expect.
    first, second = list(root)[:2]
    assert (first.tag, first.get("id")) == (f"{{{SVG_NS}}}title", title_id)
    assert (second.tag, second.get("id")) == (f"{{{SVG_NS}}}desc", desc_id)
    assert first.text and second.text


@pytest.mark.parametrize("make", ALL_CHARTS.values(), ids=ALL_CHARTS.keys())
def test_it_scales_and_names_its_fonts(make):
    root = _parse(make())
    width, height = root.get("width"), root.get("height")
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root.get("font-family") == "Noto Sans, DejaVu Sans, sans-serif"


@pytest.mark.parametrize("make", ALL_CHARTS.values(), ids=ALL_CHARTS.keys())
def test_it_references_nothing_outside_itself(make):
    svg = make()
    body = svg.replace(f'xmlns="{SVG_NS}"', "", 1)
    for forbidden in ("http", "url(", "href", "<script", "<style", " class=", " style=", "<image"):
        assert forbidden not in body


def test_it_escapes_every_label():
    radar = radar_chart(
        [EVIL, "B", "C"],
        [Series(EVIL, [10, 20, 30], "subject")],
        title=EVIL,
    )
    distribution = distribution_chart(
        [BoxRow(EVIL, 10, 20, 30, 15), BoxRow("x", None, None, None, 5, EVIL)],
        title=EVIL,
        subject_label=EVIL,
        peers_label=EVIL,
    )
    trend = trend_chart([TrendPoint(EVIL, 10)], title=EVIL)
    empty = trend_chart([], title=EVIL)
    for svg in (radar, distribution, trend, empty):
        root = _parse(svg)
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg and "R&amp;D" in svg
        assert root.find("svg:title", NS).text == EVIL


def test_it_drops_characters_that_xml_forbids():
    svg = radar_chart(["a\x00b", "c\x1fd", "e"], [], title="t\x08")
    root = _parse(svg)
    assert root.find("svg:title", NS).text == "t"


def test_the_radar_describes_each_axis_in_words():
    desc = _parse(_radar()).find("svg:desc", NS).text
    assert desc.startswith("Governance: Organisation 62, Peer median 55, Target 80; ")
    assert "Review: Organisation 40, Peer median 38, Target 65" in desc


@pytest.mark.parametrize("n", range(3, 13))
def test_each_radar_polygon_has_one_point_per_axis(n):
    axes = [f"Domain {i}" for i in range(n)]
    svg = radar_chart(
        axes,
        [
            Series("Organisation", [50.0] * n, "subject"),
            Series("Peer median", [40.0] * n, "peer"),
            Series("Target", [90.0] * n, "target"),
        ],
        title="t",
    )
    polygons = _parse(svg).findall(".//svg:polygon", NS)
    series = [p for p in polygons if p.get("stroke") in {s.colour for s in STYLES.values()}]
    assert len(series) == 3
    assert all(len(p.get("points").split()) == n for p in series)
    # The five rings are polygons of n points too.
    rings = [p for p in polygons if p.get("stroke") == "#cccccc"]
    assert len(rings) == 5 and all(len(p.get("points").split()) == n for p in rings)


def test_the_radar_tells_series_apart_without_colour():
    root = _parse(_radar())
    by_colour = {p.get("stroke"): p for p in root.iterfind(".//svg:polygon", NS)}
    subject, peer, target = (by_colour[STYLES[k].colour] for k in ("subject", "peer", "target"))
    assert subject.get("stroke-dasharray") is None and subject.get("fill-opacity")
    assert peer.get("stroke-dasharray") != target.get("stroke-dasharray")
    assert peer.get("fill") == target.get("fill") == "none"
    # Markers: circles for the subject, squares for peers, diamonds (4-point polygons) for target.
    assert len(root.findall(f".//svg:circle[@fill='{SUBJECT_COLOUR}']", NS)) == 6 + 1  # + legend
    assert len(root.findall(f".//svg:rect[@fill='{PEER_COLOUR}']", NS)) == 6 + 1
    diamonds = root.findall(f".//svg:polygon[@fill='{STYLES['target'].colour}']", NS)
    assert len(diamonds) == 6 + 1 and all(len(d.get("points").split()) == 4 for d in diamonds)
    assert {"Organisation", "Peer median", "Target"} <= set(_texts(root))


def test_the_radar_draws_a_series_with_gaps_as_lines_between_present_values():
    svg = _radar(values=(62, None, 71, 35, float("nan"), 40))
    root = _parse(svg)
    subject = [
        e
        for e in root.iter()
        if e.get("stroke") == SUBJECT_COLOUR and e.tag.endswith(("polygon", "polyline"))
    ]
    # Runs 2-3 and 5-0 (wrapping round): no fill, no made-up zero.
    assert [e.tag.split("}")[1] for e in subject] == ["polyline", "polyline"]
    assert [len(e.get("points").split()) for e in subject] == [2, 2]
    desc = root.find("svg:desc", NS).text
    assert "Critical infrastructure: Organisation –, Peer median 52" in desc
    assert "Awareness: Organisation –, Peer median 50" in desc


def test_the_radar_uses_the_given_missing_text():
    svg = _radar(values=(62, None, 71, 35, 55, 40), missing_text="no score")
    assert "Critical infrastructure: Organisation no score" in svg


def test_the_radar_wraps_long_axis_labels_to_three_short_lines():
    label = "Detection and monitoring including coordinated vulnerability disclosure programmes"
    svg = radar_chart([label, "B", "C"], [], title="t")
    root = _parse(svg)
    [text] = [t for t in root.iterfind(".//svg:text", NS) if "Detection" in "".join(t.itertext())]
    lines = [span.text for span in text.iterfind("svg:tspan", NS)]
    assert len(lines) == 3 and all(len(line) <= 18 for line in lines)
    assert lines[-1].endswith("…")
    # The description keeps the whole label.
    assert label in root.find("svg:desc", NS).text


@pytest.mark.parametrize("n", [0, 1, 2])
def test_the_radar_renders_fewer_than_three_axes(n):
    axes = AXES[:n]
    svg = radar_chart(axes, [Series("Organisation", [50.0] * n, "subject")], title="Few axes")
    root = _parse(svg)
    assert root.find("svg:title", NS).text == "Few axes"
    assert not root.findall(".//svg:polyline", NS)


def test_the_radar_rejects_a_series_of_the_wrong_length_or_style():
    with pytest.raises(ValueError, match="values"):
        radar_chart(AXES, [Series("x", [1, 2], "subject")], title="t")
    with pytest.raises(ValueError, match="style"):
        radar_chart(AXES, [Series("x", [1] * 6, "bold")], title="t")


def test_the_distribution_draws_a_box_from_q1_to_q3_and_nothing_beyond():
    root = _parse(_distribution([BoxRow("Governance", 40, 55, 70, 62)]))
    grid = [
        float(line.get("x1"))
        for line in root.iterfind("svg:line", NS)
        if line.get("stroke") == "#cccccc"
    ]
    assert len(grid) == 5  # gridlines at 0, 25, 50, 75, 100
    x0, x100 = grid[0], grid[-1]

    def value(x):
        return (float(x) - x0) / (x100 - x0) * 100

    [box] = [r for r in root.iterfind("svg:rect", NS) if r.get("height") == "16"]
    left, width = float(box.get("x")), float(box.get("width"))
    assert value(left) == pytest.approx(40, abs=0.2)
    assert value(left + width) == pytest.approx(70, abs=0.2)
    # Lines: 5 gridlines, the median tick, the legend's median tick. No whiskers.
    lines = root.findall(".//svg:line", NS)
    assert len(lines) == 7
    assert value(lines[5].get("x1")) == pytest.approx(55, abs=0.2)


def test_the_distribution_has_no_place_for_a_minimum_or_maximum():
    assert [f.name for f in dataclasses.fields(BoxRow)] == [
        "label",
        "q1",
        "median",
        "q3",
        "subject",
        "note",
    ]
    svg = _distribution().lower()
    assert "min" not in svg and "max" not in svg


def test_the_distribution_shows_the_note_instead_of_a_withheld_box():
    root = _parse(_distribution())
    boxes = [r for r in root.iterfind("svg:rect", NS) if r.get("height") == "16"]
    assert len(boxes) == 2  # Governance and Overall; Legal is withheld
    assert "withheld: fewer than 5 peers" in _texts(root)
    desc = root.find("svg:desc", NS).text
    assert desc == (
        "Governance: Organisation 62; Peers 40, 55, 70; "
        "Legal: Organisation 35; Peers withheld: fewer than 5 peers; "
        "Overall: Organisation 52; Peers 41, 52, 64"
    )


def test_the_distribution_marks_the_subject_with_a_diamond_and_its_value():
    root = _parse(_distribution([BoxRow("Governance", 40, 55, 70, 62.4)]))
    diamonds = root.findall(f"svg:polygon[@fill='{SUBJECT_COLOUR}']", NS)
    assert len(diamonds) == 2  # the row and the legend
    assert "62" in _texts(root)


def test_the_distribution_survives_missing_values():
    rows = [
        BoxRow("No subject", 40, 55, 70, None),
        BoxRow("Half withheld", 40, None, 70, 50),
        BoxRow("Nothing", None, None, None, None),
        BoxRow("Out of range", -5, 50, 120, float("inf")),
    ]
    root = _parse(_distribution(rows, missing_text="n/a"))
    desc = root.find("svg:desc", NS).text
    assert "No subject: Organisation n/a; Peers 40, 55, 70" in desc
    assert "Half withheld: Organisation 50; Peers n/a" in desc
    assert "Nothing: Organisation n/a; Peers n/a" in desc


def test_the_trend_draws_a_labelled_line_through_every_point():
    root = _parse(_trend())
    [line] = root.findall("svg:polyline", NS)
    assert len(line.get("points").split()) == 3
    texts = _texts(root)
    # 49.5 rounds half up to 50.
    assert {"2024", "2025", "2026", "41", "50", "62"} <= set(texts)
    assert root.find("svg:desc", NS).text == "2024: 41; 2025: 50; 2026: 62"


def test_the_trend_renders_a_single_point_without_a_line():
    root = _parse(_trend([TrendPoint("2026", 62)]))
    assert not root.findall("svg:polyline", NS)
    assert len(root.findall("svg:circle", NS)) == 1


def test_the_trend_breaks_the_line_at_a_missing_value():
    points = [TrendPoint("a", 10), TrendPoint("b", 20), TrendPoint("c", None), TrendPoint("d", 30)]
    root = _parse(_trend(points))
    assert [len(p.get("points").split()) for p in root.findall("svg:polyline", NS)] == [2]
    assert len(root.findall("svg:circle", NS)) == 3
    assert root.find("svg:desc", NS).text == "a: 10; b: 20; c: –; d: 30"


def test_an_empty_trend_is_a_small_chart_saying_its_title():
    root = _parse(trend_chart([], title="No earlier cycles", width=300))
    assert _texts(root) == ["No earlier cycles"]
    assert float(root.get("height")) < 60


def test_the_output_is_deterministic_and_ids_differ_between_charts():
    assert _radar() == _radar()
    ids = {_parse(svg).get("aria-labelledby") for svg in (_radar(), _distribution(), _trend())}
    assert len(ids) == 3


labels = st.text(max_size=40)
values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


@settings(deadline=None, max_examples=60)
@given(
    axes=st.lists(labels, max_size=12),
    data=st.data(),
    title=labels,
)
def test_any_radar_is_well_formed(axes, data, title):
    series = [
        Series(label, data.draw(st.lists(values, min_size=len(axes), max_size=len(axes))), style)
        for label, style in zip(data.draw(st.lists(labels, min_size=3, max_size=3)), STYLES)
    ]
    _parse(radar_chart(axes, series, title=title))


@settings(deadline=None, max_examples=60)
@given(
    rows=st.lists(st.builds(BoxRow, labels, values, values, values, values, labels), max_size=8),
    points=st.lists(st.builds(TrendPoint, labels, values), max_size=8),
    title=labels,
)
def test_any_distribution_and_trend_is_well_formed(rows, points, title):
    _parse(distribution_chart(rows, title=title, subject_label=title, peers_label=title))
    _parse(trend_chart(points, title=title))
