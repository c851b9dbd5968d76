"""Server-side SVG charts for the results page and the PDF report.

One code path serves both the browser and WeasyPrint, so the output keeps to the
SVG subset both render the same way:

- Pure functions: plain data in, an SVG string out. Every caller-supplied text is
  escaped with `html.escape` (and characters XML forbids are dropped), so callers
  may mark the result safe.
- Self-contained: no external resource, no script, no CSS class or ``<style>``;
  only presentation attributes. Baselines are computed, not left to
  ``dominant-baseline``, which WeasyPrint ignores.
- Accessible: ``role="img"`` and ``aria-labelledby`` naming a ``<title>`` and a
  ``<desc>`` that carries every number drawn, so the chart has a full text
  alternative. Series are told apart by dash pattern and marker shape as well as
  colour, and a legend names them in text.
- Scalable: ``width``/``height`` plus a ``viewBox``.
- Numbers are drawn rounded to whole points (0..100), so no decimal separator has
  to be localised. Values outside 0..100 are drawn clamped; None and non-finite
  values are "missing" and are drawn as gaps, never as zero. The text shown for a
  missing value is ``missing_text`` (pass a translated word if you like).
- ``direction="ltr"`` on the root keeps the geometry fixed inside right-to-left
  pages (text-anchor "start" would otherwise flip); labels in Arabic script still
  read right to left within themselves.
- Peer distributions show quartiles and the median only: no whiskers, minimum or
  maximum, because a single extreme value identifies an organisation.

Element ids are derived from a hash of the chart's content, so output is
deterministic and two different charts on one page do not share ids.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

FONT_FAMILY = "Noto Sans, DejaVu Sans, sans-serif"
INK = "#1a1a1a"
MUTED = "#555555"  # 7.5:1 on white
GRID = "#cccccc"
BOX_FILL = "#dcdcdc"
SUBJECT_COLOUR = "#1f4e79"  # dark blue
PEER_COLOUR = "#666666"  # grey, 5.7:1 on white
TARGET_COLOUR = "#c55a11"  # dark orange, 4.6:1 on white
FONT_SIZE = 11
SMALL_FONT_SIZE = 10
LINE_HEIGHT = 1.25
PAD = 8
DEFAULT_MISSING = "–"
Swatch = Callable[[float, float], str]  # draws a legend sample at (x, centre y)
# Characters XML 1.0 forbids even when escaped; dropped from every label.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    """One polygon of a radar chart."""

    label: str
    values: Sequence[float | None]  # 0..100 per axis, None = missing
    style: str  # "subject" | "peer" | "target"


@dataclass(frozen=True)
class BoxRow:
    """One row of a distribution chart; q1, median, q3 None = withheld."""

    label: str
    q1: float | None
    median: float | None
    q3: float | None
    subject: float | None
    note: str = ""  # shown instead of the box when withheld, e.g. "fewer than 5 peers"


@dataclass(frozen=True)
class TrendPoint:
    """One cycle of a trend chart."""

    label: str  # cycle name
    value: float | None


@dataclass(frozen=True)
class _Style:
    colour: str
    dash: str | None
    fill_opacity: float  # 0 = no fill
    marker: str
    marker_size: float  # half-width of the marker
    width: float


# Larger markers are drawn first, so that equal values still show every shape.
STYLES = {
    "subject": _Style(SUBJECT_COLOUR, None, 0.18, "circle", 3.6, 2.5),
    "peer": _Style(PEER_COLOUR, "7 4", 0.0, "square", 3.8, 2.0),
    "target": _Style(TARGET_COLOUR, "1 4.5", 0.0, "diamond", 5.2, 2.5),
}


def radar_chart(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    size: int = 420,
    missing_text: str = DEFAULT_MISSING,
) -> str:
    """A radar (spider) chart of 0..100 scores, one spoke per axis.

    Spokes start at the top and run clockwise. Rings at 20, 40, 60, 80 and 100
    carry small labels along the first spoke; axis labels wrap at about 18
    characters, three lines at most (the ``<desc>`` keeps the full text). The
    radius is the largest that keeps every label inside ``size`` pixels of width;
    if at that radius labels would overlap each other, the radius and the chart
    grow until they do not. The height follows from the labels and the legend.
    Styles: "subject" solid dark blue, filled translucent, circle markers; "peer"
    dashed grey, squares; "target" dotted orange, no fill, diamonds. A series with missing values is
    drawn as the runs between its present values, unfilled. Fewer than three axes
    still render, as circles for rings and markers without lines; no axes gives a
    small chart showing ``title``.
    """
    for s in series:
        if s.style not in STYLES:
            raise ValueError(f"unknown series style {s.style!r}")
        if len(s.values) != len(axes):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(axes)} axes")
    if not axes:
        return _message_svg(title, size)

    n = len(axes)
    directions = [
        (math.cos(-math.pi / 2 + 2 * math.pi * i / n), math.sin(-math.pi / 2 + 2 * math.pi * i / n))
        for i in range(n)
    ]
    labels = [_wrap(axis, 18, 3) for axis in axes]
    half = size / 2 - PAD

    # The largest radius at which every side label still fits across the width...
    radius = half - _LABEL_GAP - FONT_SIZE
    for (dx, _), lines in zip(directions, labels, strict=True):
        if abs(dx) > 0.2:
            width_left = half - _LABEL_GAP - _block_width(lines, FONT_SIZE)
            radius = min(radius, width_left / abs(dx))
    radius = max(radius, size * 0.2)
    # ...but never so small that two labels overlap: then the chart grows instead.
    blocks = _axis_label_blocks(directions, labels, radius)
    while _any_overlap([b[4] for b in blocks]) and radius < 2 * size:
        radius += 4
        blocks = _axis_label_blocks(directions, labels, radius)

    left = min([-radius] + [b[4][0] for b in blocks])
    right = max([radius] + [b[4][2] for b in blocks])
    top = min([-radius - 4] + [b[4][1] for b in blocks])
    bottom = max([radius + 4] + [b[4][3] for b in blocks])

    width = max(size, right - left + 2 * PAD)
    cx, cy = width / 2 - (left + right) / 2, PAD - top
    legend, legend_height = _legend(
        [(s.label, _line_swatch(STYLES[s.style])) for s in series],
        y=cy + bottom + 10,
        width=width,
        centre=True,
    )
    height = cy + bottom + 10 + legend_height + PAD

    def point(i: int, value: float) -> tuple[float, float]:
        r = radius * _clamp(value) / 100
        return cx + r * directions[i][0], cy + r * directions[i][1]

    parts = []
    for level in (20, 40, 60, 80, 100):
        r = radius * level / 100
        if n >= 3:
            ring = [(cx + r * dx, cy + r * dy) for dx, dy in directions]
            parts.append(
                f'<polygon points="{_points(ring)}" fill="none" stroke="{GRID}" stroke-width="1"/>'
            )
        else:
            parts.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" '
                f'stroke="{GRID}" stroke-width="1"/>'
            )
    for dx, dy in directions:
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(cx + radius * dx)}" '
            f'y2="{_n(cy + radius * dy)}" stroke="{GRID}" stroke-width="1"/>'
        )
    for level in (20, 40, 60, 80, 100):
        parts.append(
            _text(
                cx + 3,
                cy - radius * level / 100 - 2,
                [str(level)],
                size=SMALL_FONT_SIZE - 1,
                fill=MUTED,
            )
        )
    for x, first, anchor, lines, _ in blocks:
        parts.append(_text(cx + x, cy + first, lines, size=FONT_SIZE, anchor=anchor, fill=INK))

    for s in series if n >= 3 else ():  # below three axes a line means nothing: markers only
        style = STYLES[s.style]
        present = [_finite(v) for v in s.values]
        stroke = _stroke_attrs(style)
        if all(v is not None for v in present):
            fill = (
                f'fill="{style.colour}" fill-opacity="{style.fill_opacity}"'
                if style.fill_opacity
                else 'fill="none"'
            )
            pts = [point(i, v) for i, v in enumerate(present) if v is not None]
            parts.append(f'<polygon points="{_points(pts)}" {fill} {stroke}/>')
        else:
            for run in _runs(present, wrap=True):
                pts = [point(i, v) for i in run if (v := present[i]) is not None]
                parts.append(f'<polyline points="{_points(pts)}" fill="none" {stroke}/>')
    for s in sorted(series, key=lambda s: -STYLES[s.style].marker_size):
        style = STYLES[s.style]
        for i, v in enumerate(s.values):
            if (v := _finite(v)) is not None:
                parts.append(_marker(style.marker, *point(i, v), style.marker_size, style.colour))
    parts.append(legend)

    desc = "; ".join(
        f"{axis}: " + ", ".join(f"{s.label} {_value(s.values[i], missing_text)}" for s in series)
        for i, axis in enumerate(axes)
    )
    return _svg(width, height, title, desc, parts)


_LABEL_GAP = 8  # between a spoke's end and its label

Box = tuple[float, float, float, float]  # left, top, right, bottom


def _axis_label_blocks(
    directions: Sequence[tuple[float, float]], labels: Sequence[list[str]], radius: float
) -> list[tuple[float, float, str, list[str], Box]]:
    """Where each axis label goes, relative to the centre: x, first baseline, anchor, box.

    Labels right of the centre start at the spoke's end, those left of it end
    there, and those near the vertical are centred. Blocks above the centre sit
    on the spoke's end, blocks below hang from it, side blocks are centred on it.
    """
    line_step = FONT_SIZE * LINE_HEIGHT
    blocks = []
    for (dx, dy), lines in zip(directions, labels, strict=True):
        x, y = (radius + _LABEL_GAP) * dx, (radius + _LABEL_GAP) * dy
        anchor = "start" if dx > 0.2 else "end" if dx < -0.2 else "middle"
        height = (len(lines) - 1) * line_step
        if dy < -0.2:
            first = y - height - 0.3 * FONT_SIZE - 4  # clear of the ring labels
        elif dy > 0.2:
            first = y + 0.8 * FONT_SIZE
        else:
            first = y - height / 2 + 0.35 * FONT_SIZE
        width = _block_width(lines, FONT_SIZE)
        start = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
        box = (start, first - 0.8 * FONT_SIZE, start + width, first + height + 0.3 * FONT_SIZE)
        blocks.append((x, first, anchor, lines, box))
    return blocks


def _any_overlap(boxes: Sequence[Box], margin: float = 3) -> bool:
    return any(
        a[0] < b[2] + margin
        and b[0] < a[2] + margin
        and a[1] < b[3] + margin
        and b[1] < a[3] + margin
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
    )


def distribution_chart(
    rows: Sequence[BoxRow],
    *,
    title: str,
    subject_label: str,
    peers_label: str,
    width: int = 640,
    missing_text: str = DEFAULT_MISSING,
) -> str:
    """Peer distribution per row on a horizontal 0..100 scale.

    Gridlines at 0, 25, 50, 75 and 100 with labels above. Each row has its label
    at the start (left) side, a box from q1 to q3 with a median tick, and the
    subject as a filled dark-blue diamond with its value above it. No whiskers:
    minimum and maximum are never shown. A row whose q1, median or q3 is None is
    withheld and shows its ``note`` (or ``missing_text``) instead of a box, on the
    side away from the subject's marker. ``peers_label`` names the box in the
    legend and the text alternative, which lists q1, median and q3 in that order
    (e.g. "Peers: quartiles and median").
    """
    label_width = min(max(width * 0.28, 100), 220)
    x0 = PAD + label_width + 12
    x1 = width - PAD - 14
    row_height = 40
    top = PAD + 16  # room for the scale labels
    line_chars = max(8, int(label_width / (FONT_SIZE * 0.56)))

    def x(value: float) -> float:
        return x0 + (x1 - x0) * _clamp(value) / 100

    bottom = top + row_height * len(rows)
    parts = []
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{_n(x(tick))}" y1="{_n(top)}" x2="{_n(x(tick))}" y2="{_n(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(x(tick), top - 5, [str(tick)], size=SMALL_FONT_SIZE, anchor="middle", fill=MUTED)
        )

    lines_desc = []
    for i, row in enumerate(rows):
        cy = top + row_height * i + row_height / 2
        lines = _wrap(row.label, line_chars, 2)
        first = cy - (len(lines) - 1) * FONT_SIZE * LINE_HEIGHT / 2 + 0.35 * FONT_SIZE
        parts.append(_text(PAD, first, lines, size=FONT_SIZE, fill=INK))

        subject = _finite(row.subject)
        q1, median, q3 = (_finite(v) for v in (row.q1, row.median, row.q3))
        if q1 is not None and median is not None and q3 is not None:
            left, right = sorted((x(q1), x(q3)))
            parts.append(
                f'<rect x="{_n(left)}" y="{_n(cy - 8)}" width="{_n(max(right - left, 1))}" '
                f'height="16" fill="{BOX_FILL}" stroke="{PEER_COLOUR}" stroke-width="1"/>'
            )
            parts.append(
                f'<line x1="{_n(x(median))}" y1="{_n(cy - 11)}" x2="{_n(x(median))}" '
                f'y2="{_n(cy + 11)}" stroke="{INK}" stroke-width="2.5"/>'
            )
            peers_text = f"{peers_label} {_value(q1)}, {_value(median)}, {_value(q3)}"
        else:
            note = row.note or missing_text
            # Keep the note clear of the subject's marker: the other half of the scale.
            at_end = subject is not None and subject < 50
            half_chars = int(((x1 - x0) / 2 - 12) / (SMALL_FONT_SIZE * 0.56))
            parts.append(
                _text(
                    x1 if at_end else x0 + 2,
                    cy + 0.35 * SMALL_FONT_SIZE,
                    [_truncate(note, half_chars)],
                    size=SMALL_FONT_SIZE,
                    anchor="end" if at_end else "start",
                    fill=MUTED,
                    italic=True,
                )
            )
            peers_text = f"{peers_label} {note}"
        if subject is not None:
            parts.append(_marker("diamond", x(subject), cy, 6, SUBJECT_COLOUR))
            parts.append(
                _text(
                    x(subject),
                    cy - 14,
                    [_value(subject)],
                    size=SMALL_FONT_SIZE,
                    anchor="middle",
                    fill=SUBJECT_COLOUR,
                    bold=True,
                )
            )
        lines_desc.append(
            f"{row.label}: {subject_label} {_value(subject, missing_text)}; {peers_text}"
        )

    legend, legend_height = _legend(
        [
            (subject_label, lambda lx, ly: _marker("diamond", lx + 12, ly, 6, SUBJECT_COLOUR)),
            (peers_label, _box_swatch),
        ],
        y=bottom + 10,
        width=width,
    )
    parts.append(legend)
    height = bottom + 10 + legend_height + PAD
    return _svg(width, height, title, "; ".join(lines_desc), parts)


def trend_chart(
    points: Sequence[TrendPoint],
    *,
    title: str,
    width: int = 480,
    height: int = 220,
    missing_text: str = DEFAULT_MISSING,
) -> str:
    """A line over 0..100 through one point per cycle, each labelled with its value.

    Cycles are spaced evenly, in the order given, with their names (up to two
    lines) below the axis; gridlines at 0, 25, 50, 75 and 100. A missing value
    breaks the line and shows ``missing_text`` at the foot of its column. A single
    point renders as a lone marker. No points gives a small chart whose visible
    text is ``title`` (pass the "nothing to show" message there).
    """
    if not points:
        return _message_svg(title, width)

    x0, x1 = PAD + 26, width - PAD - 4
    y0, y1 = PAD + 16, height - PAD - 2 * SMALL_FONT_SIZE * LINE_HEIGHT - 6
    slot = (x1 - x0) / len(points)
    line_chars = max(4, int(slot / (SMALL_FONT_SIZE * 0.56)))

    def y(value: float) -> float:
        return y1 - (y1 - y0) * _clamp(value) / 100

    xs = [x0 + slot * (i + 0.5) for i in range(len(points))]
    values = [_finite(p.value) for p in points]

    parts = []
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{_n(x0)}" y1="{_n(y(tick))}" x2="{_n(x1)}" y2="{_n(y(tick))}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(
                x0 - 5,
                y(tick) + 0.35 * SMALL_FONT_SIZE,
                [str(tick)],
                size=SMALL_FONT_SIZE,
                anchor="end",
                fill=MUTED,
            )
        )
    for run in _runs(values, wrap=False):
        if len(run) > 1:
            pts = [(xs[i], y(v)) for i in run if (v := values[i]) is not None]
            parts.append(
                f'<polyline points="{_points(pts)}" fill="none" '
                f"{_stroke_attrs(STYLES['subject'])}/>"
            )
    for i, (point, value) in enumerate(zip(points, values, strict=True)):
        if value is None:
            parts.append(
                _text(
                    xs[i],
                    y1 - 5,
                    [missing_text],
                    size=SMALL_FONT_SIZE,
                    anchor="middle",
                    fill=MUTED,
                    italic=True,
                )
            )
        else:
            parts.append(_marker("circle", xs[i], y(value), 4, SUBJECT_COLOUR))
            parts.append(
                _text(
                    xs[i],
                    y(value) - 9,
                    [_value(value)],
                    size=SMALL_FONT_SIZE,
                    anchor="middle",
                    fill=SUBJECT_COLOUR,
                    bold=True,
                )
            )
        parts.append(
            _text(
                xs[i],
                y1 + 6 + 0.8 * SMALL_FONT_SIZE,
                _wrap(point.label, line_chars, 2),
                size=SMALL_FONT_SIZE,
                anchor="middle",
                fill=INK,
            )
        )

    desc = "; ".join(f"{p.label}: {_value(p.value, missing_text)}" for p in points)
    return _svg(width, height, title, desc, parts)


# --- Building blocks -------------------------------------------------------------


def _svg(width: float, height: float, title: str, desc: str, parts: Sequence[str]) -> str:
    """The root element, with the text alternative first and content-derived ids."""
    body = "".join(parts)
    digest = hashlib.sha256(f"{title}\0{desc}\0{body}".encode()).hexdigest()[:12]
    uid = f"chart-{digest}"
    w, h = _n(math.ceil(width)), _n(math.ceil(height))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{uid}-title {uid}-desc" '
        f'font-family="{FONT_FAMILY}" direction="ltr">'
        f'<title id="{uid}-title">{_e(title)}</title>'
        f'<desc id="{uid}-desc">{_e(desc)}</desc>'
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>'
        f"{body}</svg>"
    )


def _message_svg(message: str, width: float) -> str:
    """A small chart that only says ``message`` (e.g. "nothing to show")."""
    lines = _wrap(message, max(10, int((width - 2 * PAD) / (FONT_SIZE * 0.56))), 3)
    height = 2 * PAD + len(lines) * FONT_SIZE * LINE_HEIGHT + 8
    text = _text(width / 2, PAD + 4 + FONT_SIZE, lines, size=FONT_SIZE, anchor="middle", fill=MUTED)
    return _svg(width, height, message, message, [text])


def _text(
    x: float,
    y: float,
    lines: Sequence[str],
    *,
    size: float,
    anchor: str = "start",
    fill: str = INK,
    bold: bool = False,
    italic: bool = False,
) -> str:
    """A text element; ``y`` is the first line's baseline, later lines follow below."""
    attrs = f'font-size="{_n(size)}" text-anchor="{anchor}" fill="{fill}"'
    if bold:
        attrs += ' font-weight="bold"'
    if italic:
        attrs += ' font-style="italic"'
    if len(lines) == 1:
        return f'<text x="{_n(x)}" y="{_n(y)}" {attrs}>{_e(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(y + i * size * LINE_HEIGHT)}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f"<text {attrs}>{spans}</text>"


def _marker(shape: str, x: float, y: float, r: float, colour: str) -> str:
    """A filled marker centred on (x, y), r being its half-width, outlined in white."""
    outline = f'fill="{colour}" stroke="#ffffff" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {outline}/>'
    if shape == "square":
        return (
            f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" '
            f'height="{_n(2 * r)}" {outline}/>'
        )
    if shape == "diamond":
        pts = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
        return f'<polygon points="{_points(pts)}" {outline}/>'
    raise ValueError(f"unknown marker {shape!r}")


def _stroke_attrs(style: _Style) -> str:
    attrs = (
        f'stroke="{style.colour}" stroke-width="{_n(style.width)}" stroke-linejoin="round" '
        f'stroke-linecap="round"'
    )
    if style.dash:
        attrs += f' stroke-dasharray="{style.dash}"'
    return attrs


def _line_swatch(style: _Style) -> Swatch:
    """A legend sample: a short stroke in the series' dash with its marker in the middle."""

    def draw(x: float, y: float) -> str:
        line = (
            f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 24)}" y2="{_n(y)}" '
            f"{_stroke_attrs(style)}/>"
        )
        return line + _marker(style.marker, x + 12, y, style.marker_size, style.colour)

    return draw


def _box_swatch(x: float, y: float) -> str:
    return (
        f'<rect x="{_n(x + 2)}" y="{_n(y - 6)}" width="20" height="12" fill="{BOX_FILL}" '
        f'stroke="{PEER_COLOUR}" stroke-width="1"/>'
        f'<line x1="{_n(x + 12)}" y1="{_n(y - 8)}" x2="{_n(x + 12)}" y2="{_n(y + 8)}" '
        f'stroke="{INK}" stroke-width="2.5"/>'
    )


def _legend(
    items: Sequence[tuple[str, Swatch]], *, y: float, width: float, centre: bool = False
) -> tuple[str, float]:
    """Legend entries (label, swatch drawer) flowed into rows; returns markup and height."""
    row_height = 20
    rows: list[list[tuple[str, Swatch, float]]] = [[]]
    used = 0.0
    for label, swatch in items:
        text = _truncate(label, 60)
        item_width = 30 + _text_width(text, FONT_SIZE) + 18
        if rows[-1] and used + item_width > width - 2 * PAD:
            rows.append([])
            used = 0.0
        rows[-1].append((text, swatch, item_width))
        used += item_width
    parts = []
    for r, row in enumerate(rows):
        row_width = sum(w for _, _, w in row) - 18
        x = max(PAD, (width - row_width) / 2) if centre else PAD
        cy = y + r * row_height + row_height / 2
        for text, swatch, item_width in row:
            parts.append(swatch(x, cy))
            parts.append(_text(x + 30, cy + 0.35 * FONT_SIZE, [text], size=FONT_SIZE, fill=INK))
            x += item_width
    return "".join(parts), len(rows) * row_height if items else 0


def _runs(values: Sequence[float | None], *, wrap: bool) -> list[list[int]]:
    """Indices of maximal runs of present values; with ``wrap`` the last joins the first."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    if wrap and len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == len(values) - 1:
        runs[0] = runs.pop() + runs[0]
    return runs


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Wrap at ``width`` characters; past ``max_lines`` the last line ends in an ellipsis."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _truncate(lines[-1] + "…", width)
    return lines


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _text_width(text: str, size: float) -> float:
    """Estimated advance width of ``text`` in a humanist sans such as Noto Sans."""
    em = 0.0
    for ch in text:
        if ch in "iljtfI.,:;'!|()[] ":
            em += 0.3
        elif ch in "mwMW":
            em += 0.85
        elif ch.isupper() or ch.isdigit():
            em += 0.66
        else:
            em += 0.56
    return em * size


def _block_width(lines: Sequence[str], size: float) -> float:
    return max(_text_width(line, size) for line in lines)


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 100.0)


def _value(value: float | None, missing_text: str = DEFAULT_MISSING) -> str:
    """A score as a whole number, halves rounded up; ``missing_text`` when missing."""
    value = _finite(value)
    return missing_text if value is None else str(math.floor(value + 0.5))


def _e(text: str) -> str:
    """Text made safe for SVG/HTML: markup escaped, XML-illegal characters dropped."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
