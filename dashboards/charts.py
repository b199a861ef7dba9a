"""Small server-side SVG charts for the dashboard and the PDF pack.

No JavaScript and nothing remote: each function returns a complete, self-contained `<svg>` string
(marked safe) that a template prints as `{{ chart }}` and WeasyPrint renders as is.

Accessibility: every chart has role="img", a <title> and a <desc> (pass a `desc` that states
the finding in words), and every series is told apart by a fill pattern and a text label as well
as its colour, so nothing depends on colour alone. Values are printed beside bars.
Only presentation attributes are used (no style attributes), so the portal's Content-Security-
Policy needs no exception.

API (all keyword-only; values are numbers or None for "no value"):

    bar_chart(title=, desc=, categories=[...], series=[Series(label, values), ...], unit="")
        grouped horizontal bars, e.g. budget against actual/forecast per party
    stacked_bar_chart(title=, desc=, categories=[...], series=[Series(...), ...])
        horizontal stacked bars with segment counts, e.g. RAG counts by forum
    slippage_chart(title=, desc=, items=[SlipItem(label, baseline, forecast), ...])
        baseline (circle) against forecast (diamond) dates per milestone, with slip in days
    line_chart(title=, desc=, x_labels=[...], series=[Series(...), ...], unit="")
        values over time (e.g. monthly spend), markers differ per series
    progress_chart(title=, desc=, items=[ProgressItem(label, done, total), ...])
        "done of total" bars with the fraction and percent written out
    gantt_chart(title=, desc=, items=[GanttItem(lane, label, start, end, kind), ...],
                start=, end=, today=)
        a plan timeline: week columns headed "week commencing", lanes, bars, milestone
        diamonds, decision circles, a reporting-date line and the kinds' key

`RAG_SERIES_STYLE` gives the fixed style for R/A/G/C series so RAG charts match the tables.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from textwrap import wrap

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = 12
ROW = 22
LABEL_WIDTH = 190
PALETTE = ["#1f4e99", "#b35900", "#1d6b34", "#5c2d91", "#4a4a4a", "#8a0c3c"]
PATTERNS = ["solid", "hatch", "dots", "cross", "vertical", "solid"]
RAG_SERIES_STYLE = {
    "R": ("#b3261e", "cross"),
    "A": ("#b37400", "hatch"),
    "G": ("#1d6b34", "solid"),
    "C": ("#1f4e99", "dots"),
}


@dataclass(frozen=True)
class Series:
    label: str
    values: list
    colour: str | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class SlipItem:
    label: str
    baseline: date | None
    forecast: date | None


@dataclass(frozen=True)
class ProgressItem:
    label: str
    done: float
    total: float
    text: str = ""  # written beside the bar instead of "done/total (pct%)"


def _label(text: str, limit: int = 30) -> str:
    """A category label cut to fit the label column; the full text goes in a <title>."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{escape(short)}<title>{escape(text)}</title>"


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    number = float(value)
    text = f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"
    return f"{unit}{text}" if unit in ("£", "$") else f"{text}{unit}"


def _id(*parts) -> str:
    """A stable id prefix, unique per chart content, so several charts share a page safely."""
    return "c" + hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def _style(index: int, series: Series) -> tuple[str, str]:
    colour = series.colour or PALETTE[index % len(PALETTE)]
    pattern = series.pattern or PATTERNS[index % len(PATTERNS)]
    return colour, pattern


def _pattern_def(pid: str, colour: str, pattern: str) -> str:
    if pattern == "solid":
        return ""
    marks = {
        "hatch": '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
        "cross": '<path d="M0,8 L8,0 M0,0 L8,8" stroke="#fff" stroke-width="1.5"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
        "vertical": '<path d="M4,0 L4,8" stroke="#fff" stroke-width="2"/>',
    }[pattern]
    return (
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
    )


def _fill(pid: str, colour: str, pattern: str) -> str:
    return colour if pattern == "solid" else f"url(#{pid})"


def _frame(uid: str, title: str, desc: str, width: int, height: int, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{uid}-t {uid}-d" font-size="{FONT}">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _legend(uid: str, styles: list[tuple[str, str, str]], y: int, width: int) -> tuple[list, int]:
    """Swatch + text per series; wraps to more lines if needed. Returns (elements, height)."""
    parts, x, line = [], 0, 0
    for index, (label, colour, pattern) in enumerate(styles):
        item_width = 24 + len(label) * 7 + 16
        if x and x + item_width > width:
            x, line = 0, line + 1
        pid = f"{uid}-p{index}"
        parts.append(
            f'<rect x="{x}" y="{y + line * ROW}" width="16" height="12" '
            f'fill="{_fill(pid, colour, pattern)}" stroke="{colour}"/>'
            f'<text x="{x + 22}" y="{y + line * ROW + 10}">{escape(label)}</text>'
        )
        x += item_width
    return parts, (line + 1) * ROW


def _empty(uid, title, desc, width) -> SafeString:
    return _frame(
        uid,
        title,
        desc,
        width,
        40,
        ['<text x="0" y="24" fill="#4a4a4a">No data to chart.</text>'],
    )


def bar_chart(
    *,
    title: str,
    desc: str,
    categories: list[str],
    series: list[Series],
    unit: str = "",
    width: int = 640,
) -> SafeString:
    """Grouped horizontal bars: one group per category, one bar per series, value labels."""
    uid = _id("bar", title, categories, [(s.label, s.values) for s in series])
    if not categories or not series:
        return _empty(uid, title, desc, width)
    styles = [(s.label, *_style(i, s)) for i, s in enumerate(series)]
    values = [float(v) for s in series for v in s.values if v is not None]
    top = max(values, default=0) or 1
    plot = width - LABEL_WIDTH - 70
    bar_h, gap = 14, 10
    group_h = len(series) * (bar_h + 2) + gap
    body = (
        ["<defs>"]
        + [
            _pattern_def(f"{uid}-p{i}", colour, pattern)
            for i, (_, colour, pattern) in enumerate(styles)
        ]
        + ["</defs>"]
    )
    legend, legend_h = _legend(uid, styles, 0, width)
    body += legend
    y0 = legend_h + 6
    for c_index, category in enumerate(categories):
        gy = y0 + c_index * group_h
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{gy + group_h / 2 - gap / 2 + 4}" '
            f'text-anchor="end">{_label(category)}</text>'
        )
        for s_index, s in enumerate(series):
            value = s.values[c_index] if c_index < len(s.values) else None
            _, colour, pattern = styles[s_index]
            y = gy + s_index * (bar_h + 2)
            length = 0 if value is None else max(float(value), 0) / top * plot
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{bar_h}" '
                f'fill="{_fill(f"{uid}-p{s_index}", colour, pattern)}" stroke="{colour}">'
                f"<title>{escape(s.label)}, {escape(category)}: {_fmt(value, unit)}</title></rect>"
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + bar_h - 3}">'
                f"{_fmt(value, unit)}</text>"
            )
    height = y0 + len(categories) * group_h
    return _frame(uid, title, desc, width, height, body)


def stacked_bar_chart(
    *, title: str, desc: str, categories: list[str], series: list[Series], width: int = 640
) -> SafeString:
    """Horizontal stacked bars (counts); each segment carries its count, each row its total."""
    uid = _id("stack", title, categories, [(s.label, s.values) for s in series])
    if not categories or not series:
        return _empty(uid, title, desc, width)
    styles = [(s.label, *_style(i, s)) for i, s in enumerate(series)]
    totals = [
        sum(float(s.values[i] or 0) for s in series if i < len(s.values))
        for i in range(len(categories))
    ]
    top = max(totals, default=0) or 1
    plot = width - LABEL_WIDTH - 50
    body = (
        ["<defs>"]
        + [
            _pattern_def(f"{uid}-p{i}", colour, pattern)
            for i, (_, colour, pattern) in enumerate(styles)
        ]
        + ["</defs>"]
    )
    legend, legend_h = _legend(uid, styles, 0, width)
    body += legend
    y0 = legend_h + 6
    for c_index, category in enumerate(categories):
        y = y0 + c_index * ROW
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end">{_label(category)}</text>'
        )
        x = LABEL_WIDTH
        for s_index, s in enumerate(series):
            value = float(s.values[c_index] or 0) if c_index < len(s.values) else 0
            if not value:
                continue
            _, colour, pattern = styles[s_index]
            length = value / top * plot
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="16" '
                f'fill="{_fill(f"{uid}-p{s_index}", colour, pattern)}" stroke="#fff">'
                f"<title>{escape(category)}: {escape(s.label)} {_fmt(value)}</title></rect>"
            )
            if length >= 18:
                body.append(
                    f'<rect x="{x + length / 2 - 8:.1f}" y="{y + 2}" width="16" height="12" '
                    f'fill="#fff" opacity="0.85"/>'
                    f'<text x="{x + length / 2:.1f}" y="{y + 12}" text-anchor="middle" '
                    f'font-weight="bold">{_fmt(value)}</text>'
                )
            x += length
        body.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{_fmt(totals[c_index])}</text>')
    return _frame(uid, title, desc, width, y0 + len(categories) * ROW, body)


def slippage_chart(*, title: str, desc: str, items: list[SlipItem], width: int = 640) -> SafeString:
    """Per milestone: baseline (hollow circle) to forecast (filled diamond), slip in days."""
    dated = [i for i in items if i.baseline or i.forecast]
    uid = _id("slip", title, [(i.label, i.baseline, i.forecast) for i in dated])
    if not dated:
        return _empty(uid, title, desc, width)
    days = [d for i in dated for d in (i.baseline, i.forecast) if d]
    start, end = min(days), max(days)
    span = max((end - start).days, 1)
    plot = width - LABEL_WIDTH - 90

    def x_of(day: date) -> float:
        return LABEL_WIDTH + (day - start).days / span * plot

    body = [
        '<circle cx="6" cy="8" r="5" fill="#fff" stroke="#1f4e99" stroke-width="2"/>'
        '<text x="16" y="12">Baseline</text>'
        '<path d="M110,2 L116,8 L110,14 L104,8 Z" fill="#b35900"/>'
        '<text x="122" y="12">Forecast</text>'
        '<text x="200" y="12">(+n d = days late)</text>',
        f'<text x="{LABEL_WIDTH}" y="34">{start:%d %b %y}</text>'
        f'<text x="{LABEL_WIDTH + plot}" y="34" text-anchor="end">{end:%d %b %y}</text>',
    ]
    y0 = 44
    for index, item in enumerate(dated):
        y = y0 + index * ROW + 8
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4}" text-anchor="end">{_label(item.label)}</text>'
        )
        if item.baseline and item.forecast:
            body.append(
                f'<line x1="{x_of(item.baseline):.1f}" y1="{y}" x2="{x_of(item.forecast):.1f}" '
                f'y2="{y}" stroke="#4a4a4a" stroke-width="2" stroke-dasharray="4 2"/>'
            )
        if item.baseline:
            body.append(
                f'<circle cx="{x_of(item.baseline):.1f}" cy="{y}" r="5" fill="#fff" '
                f'stroke="#1f4e99" stroke-width="2"/>'
            )
        if item.forecast:
            fx = x_of(item.forecast)
            body.append(
                f'<path d="M{fx:.1f},{y - 6} L{fx + 6:.1f},{y} L{fx:.1f},{y + 6} '
                f'L{fx - 6:.1f},{y} Z" fill="#b35900"/>'
            )
        slip = (item.forecast - item.baseline).days if item.baseline and item.forecast else None
        text = "no baseline" if slip is None else ("on baseline" if slip == 0 else f"{slip:+d} d")
        body.append(f'<text x="{LABEL_WIDTH + plot + 10}" y="{y + 4}">{text}</text>')
    return _frame(uid, title, desc, width, y0 + len(dated) * ROW + 4, body)


def line_chart(
    *,
    title: str,
    desc: str,
    x_labels: list[str],
    series: list[Series],
    unit: str = "",
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """Values over time; each series has its own marker shape and dash as well as colour."""
    uid = _id("line", title, x_labels, [(s.label, s.values) for s in series])
    values = [float(v) for s in series for v in s.values if v is not None]
    if not x_labels or not values:
        return _empty(uid, title, desc, width)
    styles = [(s.label, *_style(i, s)) for i, s in enumerate(series)]
    legend, legend_h = _legend(
        uid, [(label, colour, "solid") for label, colour, _ in styles], 0, width
    )
    top = max(values) or 1
    left, bottom = 50, height - 24
    plot_w, plot_h = width - left - 10, bottom - legend_h - 10
    step = plot_w / max(len(x_labels) - 1, 1)
    body = list(legend)
    body.append(
        f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="#4a4a4a"/>'
        f'<text x="{left - 4}" y="{bottom - plot_h + 4}" text-anchor="end">{_fmt(top, unit)}</text>'
        f'<text x="{left - 4}" y="{bottom}" text-anchor="end">0</text>'
    )
    for index, label in enumerate(x_labels):
        body.append(
            f'<text x="{left + index * step:.1f}" y="{height - 6}" text-anchor="middle" '
            f'font-size="10">{escape(label)}</text>'
        )
    dashes = ["", "6 3", "2 2", "8 2 2 2"]
    for s_index, s in enumerate(series):
        _, colour, _ = styles[s_index]
        points = [
            (left + i * step, bottom - float(v) / top * plot_h, v)
            for i, v in enumerate(s.values)
            if v is not None
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
        dash = dashes[s_index % len(dashes)]
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        for x, y, v in points:
            marker = (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                if s_index % 2 == 0
                else f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" '
                f'fill="{colour}">'
            )
            closing = "</circle>" if s_index % 2 == 0 else "</rect>"
            body.append(f"{marker}<title>{escape(s.label)}: {_fmt(v, unit)}</title>{closing}")
    return _frame(uid, title, desc, width, height, body)


def progress_chart(
    *, title: str, desc: str, items: list[ProgressItem], width: int = 640
) -> SafeString:
    """One bar per item: the done part filled, the rest outlined, 'done/total (pct%)' written."""
    uid = _id("progress", title, [(i.label, i.done, i.total) for i in items])
    if not items:
        return _empty(uid, title, desc, width)
    plot = width - LABEL_WIDTH - 120
    body = [
        "<defs>",
        _pattern_def(f"{uid}-p0", "#1d6b34", "hatch"),
        "</defs>",
    ]
    for index, item in enumerate(items):
        y = index * ROW + 4
        share = (float(item.done) / float(item.total)) if item.total else 0
        written = item.text or f"{_fmt(item.done)}/{_fmt(item.total)} ({round(share * 100)}%)"
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 12}" text-anchor="end">'
            f"{_label(item.label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{plot}" height="16" fill="#fff" '
            f'stroke="#4a4a4a"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{share * plot:.1f}" height="16" '
            f'fill="url(#{uid}-p0)" stroke="#1d6b34"/>'
            f'<text x="{LABEL_WIDTH + plot + 6}" y="{y + 12}">{escape(written)}</text>'
        )
    return _frame(uid, title, desc, width, len(items) * ROW + 8, body)


# --- plan timeline (Gantt) ----------------------------------------------------------------

# Kinds of item, in the order of the real pack's key; points are drawn on their start day.
GANTT_KINDS = {
    "review": ("Iterative review / engagement", "#1d6b34", "hatch"),
    "decision": ("Decision / Approval / Meeting", "#b35900", "point"),
    "milestone": ("Milestone", "#111111", "point"),
    "dependency": ("Dependency", "#5c2d91", "dots"),
    "activity": ("Key Activity", "#1f4e99", "solid"),
}
GANTT_ROW, GANTT_LANE_WIDTH, GANTT_LABEL_WIDTH = 18, 118, 252


@dataclass(frozen=True)
class GanttItem:
    """One row of a timeline. `end` None: runs on past the window (bars); points use `start`.
    `status` (a RAG letter) colours a register milestone's diamond and is written after it;
    `baseline` draws where it was due (hollow circle) when that differs from `start`."""

    lane: str
    label: str
    start: date
    end: date | None = None
    kind: str = "activity"
    approximate: bool = False
    note: str = ""
    status: str = ""
    baseline: date | None = None

    @property
    def is_point(self) -> bool:
        return GANTT_KINDS.get(self.kind, GANTT_KINDS["activity"])[2] == "point"


def _gantt_key(uid, kinds, approximate: bool, today: date | None, width: int):
    """The key, wrapped to the width: (elements, height)."""
    entries = [(kind, GANTT_KINDS[kind][0]) for kind in kinds]
    entries += [("approximate", "≈ dates approximate")] if approximate else []
    entries += [("today", f"Reporting date {today:%d/%m/%y}")] if today else []
    parts, x, y = [], 0.0, 0
    for kind, label in entries:
        step = 40 + len(label) * 7
        if x and x + step > width:
            x, y = 0.0, y + 18
        colour, pattern = GANTT_KINDS.get(kind, ("", "#4a4a4a", "solid"))[1:]
        if kind == "milestone":
            mark = _diamond(x + 7, y + 7, 6, colour)
        elif kind == "decision":
            mark = f'<circle cx="{x + 7}" cy="{y + 7}" r="5.5" fill="{colour}"/>'
        elif kind == "today":
            mark = f'<line x1="{x + 7}" y1="{y}" x2="{x + 7}" y2="{y + 14}" stroke="#a4002a" '
            mark += 'stroke-width="2" stroke-dasharray="4 2"/>'
        else:  # a bar's swatch; empty and dashed for "approximate"
            approx = kind == "approximate"
            fill = "#fff" if approx else _fill(f"{uid}-{kind}", colour, pattern)
            mark = f'<rect x="{x}" y="{y + 1}" width="16" height="12" stroke="{colour}" '
            mark += f'fill="{fill}"' + (' stroke-dasharray="3 2"/>' if approx else "/>")
        parts.append(f'{mark}<text x="{x + 21}" y="{y + 11}">{escape(label)}</text>')
        x += step
    return parts, y + 18


def gantt_chart(
    *,
    title: str,
    desc: str,
    items: list[GanttItem],
    start: date,
    end: date,
    today: date | None = None,
    width: int = 1000,
) -> SafeString:
    """A timeline of `items` from the Monday of `start`'s week to the end of `end`'s week.

    Lanes keep the order in which items first name them, each item on its own row with its
    label on the left (≈ and a dashed outline mark approximate dates). Bars cut by the window
    end in an arrow; items wholly outside it are left out.
    """
    first = start - timedelta(days=start.weekday())
    last = end - timedelta(days=end.weekday()) + timedelta(days=7)
    weeks = max((last - first).days // 7, 1)
    shown = [
        i
        for i in items
        if i.start < last and (first <= i.start if i.is_point else (i.end or last) >= first)
    ]
    uid = _id("gantt", title, first, weeks, [(i.lane, i.label, i.start, i.end) for i in shown])
    if not shown:
        return _empty(uid, title, desc, width)
    left = GANTT_LANE_WIDTH + GANTT_LABEL_WIDTH
    day_w = (width - left - 24) / (weeks * 7)

    def x_of(day: date) -> float:
        return left + (day - first).days * day_w

    kinds = [k for k in GANTT_KINDS if any(i.kind == k for i in shown)]
    key, key_h = _gantt_key(uid, kinds, any(i.approximate for i in shown), today, width)
    body = ["<defs>"]
    body += [_pattern_def(f"{uid}-{k}", *GANTT_KINDS[k][1:]) for k in kinds if k in PATTERNED]
    body += ["</defs>", *key]
    lanes: dict[str, list[GanttItem]] = {}
    for item in shown:
        lanes.setdefault(item.lane, []).append(item)
    # A lane is as tall as its rows, or its wrapped name if that is taller.
    bands = {lane: (rows, wrap(lane, 13, break_long_words=False)) for lane, rows in lanes.items()}
    grid, top = key_h + 6, key_h + 26
    height = top + 4 + GANTT_ROW * sum(max(len(r), len(n)) for r, n in bands.values())
    body.append(
        f'<text x="{left - 6}" y="{grid + 12}" text-anchor="end" font-weight="bold">'
        "Week commencing</text>"
    )
    for w in range(weeks):
        x = left + w * 7 * day_w
        if w % 2:
            body.append(
                f'<rect x="{x:.1f}" y="{grid}" width="{7 * day_w:.1f}" height="{height - grid}" '
                f'fill="#f2f4f7"/>'
            )
        body.append(
            f'<text x="{x + 3.5 * day_w:.1f}" y="{grid + 12}" text-anchor="middle" '
            f'font-size="10">{first + timedelta(weeks=w):%d/%m}</text><line x1="{x:.1f}" '
            f'y1="{grid}" x2="{x:.1f}" y2="{height}" stroke="#c8ccd2" stroke-width="0.5"/>'
        )
    y0 = top
    for rows, lines in bands.values():
        band = GANTT_ROW * max(len(rows), len(lines))
        body.append(
            f'<rect x="0" y="{y0}" width="{width}" height="{band}" fill="none" stroke="#4a4a4a" '
            f'stroke-width="0.75"/>'
        )
        for n, text in enumerate(lines):
            ty = y0 + band / 2 + (n - (len(lines) - 1) / 2) * 12 + 4
            body.append(f'<text x="6" y="{ty:.1f}" font-weight="bold">{escape(text)}</text>')
        for index, item in enumerate(rows):
            mid = y0 + index * GANTT_ROW + GANTT_ROW / 2
            text = item.label + (" ≈" if item.approximate else "")
            body.append(f'<text x="{GANTT_LANE_WIDTH + 4}" y="{mid + 4}">{_label(text, 39)}</text>')
            body.append(_gantt_mark(uid, item, mid, x_of, day_w, first, last))
        y0 += band
    if today is not None and first <= today < last:
        tx = x_of(today) + day_w / 2
        body.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{height}" stroke="#a4002a" '
            f'stroke-width="2" stroke-dasharray="4 2"><title>Reporting date '
            f"{today:%d/%m/%y}</title></line>"
        )
    return _frame(uid, title, desc, width, height, body)


PATTERNED = [k for k, (_, _, pattern) in GANTT_KINDS.items() if pattern != "point"]


def _diamond(x: float, y: float, r: float, fill: str, attrs: str = "", inner: str = "") -> str:
    return (
        f'<path d="M{x:.1f},{y - r} L{x + r:.1f},{y} L{x:.1f},{y + r} L{x - r:.1f},{y} Z" '
        f'fill="{fill}"{attrs}>{inner}</path>'
    )


def _gantt_mark(uid, item: GanttItem, mid: float, x_of, day_w, first, last) -> str:
    label, colour, pattern = GANTT_KINDS.get(item.kind, GANTT_KINDS["activity"])
    until = "" if item.is_point else f" to {item.end:%d/%m/%y}" if item.end else " onwards"
    about, note = "about " if item.approximate else "", f"; {item.note}" if item.note else ""
    tip = f"<title>{escape(f'{item.label}: {label}, {about}{item.start:%d/%m/%y}{until}{note}')}"
    tip += "</title>"
    if item.is_point:
        x = x_of(item.start) + day_w / 2
        colour = RAG_SERIES_STYLE.get(item.status, (colour,))[0] if item.status else colour
        dash = ' stroke="#fff" stroke-dasharray="2 1"' if item.approximate else ""
        extra = ""
        if item.baseline and item.baseline != item.start and first <= item.baseline < last:
            bx = x_of(item.baseline) + day_w / 2
            extra = (
                f'<line x1="{bx:.1f}" y1="{mid}" x2="{x:.1f}" y2="{mid}" stroke="#4a4a4a" '
                f'stroke-dasharray="3 2"/><circle cx="{bx:.1f}" cy="{mid}" r="4" fill="#fff" '
                f'stroke="#4a4a4a" stroke-width="1.5"><title>Baseline '
                f"{item.baseline:%d/%m/%y}</title></circle>"
            )
        if item.status:  # the RAG in words as well as colour
            extra += f'<text x="{x + 10:.1f}" y="{mid + 4}" font-weight="bold">'
            extra += f"{escape(item.status)}</text>"
        if item.kind == "milestone":
            return extra + _diamond(x, mid, 7, colour, dash, tip)
        return extra + f'<circle cx="{x:.1f}" cy="{mid}" r="6" fill="{colour}"{dash}>{tip}</circle>'
    end = item.end + timedelta(days=1) if item.end else last
    x1, x2 = x_of(max(item.start, first)), x_of(min(end, last))
    dash = ' stroke-dasharray="3 2" stroke-width="1.5"' if item.approximate else ""
    parts = [
        f'<rect x="{x1:.1f}" y="{mid - 6}" width="{max(x2 - x1, 2):.1f}" height="12" '
        f'fill="{_fill(f"{uid}-{item.kind}", colour, pattern)}" stroke="{colour}"{dash}>'
        f"{tip}</rect>"
    ]
    # A chevron where a bar runs on beyond the window's edge.
    right = item.end is None or end > last
    for edge, direction, beyond in ((x1, -1, item.start < first), (x2, 1, right)):
        if beyond:
            parts.append(
                f'<path d="M{edge:.1f},{mid - 7} L{edge + 6 * direction:.1f},{mid} '
                f'L{edge:.1f},{mid + 7} Z" fill="{colour}"/>'
            )
    return "".join(parts)
