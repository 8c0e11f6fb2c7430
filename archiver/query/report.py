"""Pictures of the archive: articles per month as an SVG bar chart, and beside it the weekly
monitoring's statuses per month (better / worse / unchanged, stacked), alone or in an HTML page.

Pure functions of the month counts (``Archive.articles_by_month()``, ``Archive.status_by_month()``);
the output is self-contained (no scripts, no external files, no dependencies) and the same for the
same input. Each month with articles is one ``<rect class="bar">`` with ``data-month`` and
``data-articles`` and a ``<title>`` tooltip; each status of a month is one
``<rect class="status status-better">`` (or ``-worse``, ``-unchanged``) with ``data-month`` and
``data-count``; months without any are gaps on a continuous time axis.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Final

from archiver.store import MonthCount, StatusCount

PLOT_SUFFIXES: Final = (".svg", ".html", ".htm")
"""The file name endings ``write_plot`` knows (case-insensitive)."""

WIDTH: Final = 960
HEIGHT: Final = 360
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 44
"""Margins around the plot area, in SVG user units."""

BAR_COLOUR: Final = "#3b6ea5"
GRID_COLOUR: Final = "#d9d9d9"
TEXT_COLOUR: Final = "#333333"
MIN_LABEL_GAP: Final = 36.0
"""The least horizontal room for one x-axis label, in SVG user units."""
STATUS_COLOURS: Final = (("better", "#2e8b57"), ("worse", "#c0392b"), ("unchanged", "#9e9e9e"))
"""The statuses, bottom to top of a stacked bar, and their colours."""
STATUS_TITLE: Final = "Trend status per month (weeks better / worse / unchanged)"
_MONTH: Final = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included (empty when last < first)."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def nice_step(maximum: int, ticks: int = 5) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` steps."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _num(value: float) -> str:
    """A coordinate as short text: at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg_head(title: str) -> list[str]:
    """The opening of a chart's SVG document: the <svg> element, its <title> and the heading."""
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
            f'font-family="sans-serif" font-size="11" fill="{TEXT_COLOUR}">'
        ),
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]


def bar_chart_svg(months: Sequence[MonthCount], *, title: str = "Articles per month") -> str:
    """An SVG document: one bar per month with articles, a y axis of articles, years below."""
    out = _svg_head(title)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    ordered = [m for m in sorted(months) if _MONTH.fullmatch(m.month)]  # others: no place on the axis
    if not ordered:
        return _empty_chart(out, plot_h)
    axis = month_range(ordered[0].month, ordered[-1].month)
    slot = plot_w / len(axis)
    scale = _y_axis(out, max(m.articles for m in ordered), plot_h, base, "articles")
    out.extend(_x_labels(axis, slot, base))
    position = {month: index for index, month in enumerate(axis)}
    width = max(slot * 0.8, 0.5)
    for entry in ordered:
        x = LEFT + position[entry.month] * slot + (slot - width) / 2
        height = entry.articles * scale
        plural = "s" * (entry.articles != 1)
        tip = f"{entry.month}: {entry.articles:,} article{plural}, {entry.words:,} words"
        out.append(
            f'<rect class="bar" data-month="{escape(entry.month)}" data-articles="{entry.articles}" '
            f'x="{_num(x)}" y="{_num(base - height)}" width="{_num(width)}" '
            f'height="{_num(height)}" fill="{BAR_COLOUR}"><title>{escape(tip)}</title></rect>'
        )
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}" '
               f'stroke="{TEXT_COLOUR}" stroke-width="1"/>')
    out.append("</svg>")
    return "\n".join(out)


def status_chart_svg(statuses: Sequence[StatusCount], *, title: str = STATUS_TITLE) -> str:
    """An SVG document: per month, one stacked bar of the weeks better, worse and unchanged
    (``Archive.status_by_month()``), a y axis of weeks, years below, a legend."""
    out = _svg_head(title)
    for n, (name, colour) in enumerate(STATUS_COLOURS):
        key_x = WIDTH - RIGHT - 270 + n * 90
        out.append(f'<rect x="{key_x}" y="12" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{key_x + 14}" y="21">{name}</text>')
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    ordered = [m for m in sorted(statuses) if _MONTH.fullmatch(m.month)
               and m.better + m.worse + m.unchanged > 0]
    if not ordered:
        out.append(f'<text x="{WIDTH / 2}" y="{TOP + plot_h / 2}" text-anchor="middle">'
                   "no trend statuses</text>")
        out.append("</svg>")
        return "\n".join(out)
    axis = month_range(ordered[0].month, ordered[-1].month)
    slot = plot_w / len(axis)
    scale = _y_axis(out, max(m.better + m.worse + m.unchanged for m in ordered), plot_h, base, "weeks")
    out.extend(_x_labels(axis, slot, base))
    position = {month: index for index, month in enumerate(axis)}
    width = max(slot * 0.8, 0.5)
    for entry in ordered:
        x = LEFT + position[entry.month] * slot + (slot - width) / 2
        bottom = float(base)
        for name, colour in STATUS_COLOURS:
            value = int(getattr(entry, name))
            if not value:
                continue
            height = value * scale
            bottom -= height
            tip = f"{entry.month}: {value:,} {name}"
            out.append(
                f'<rect class="status status-{name}" data-month="{escape(entry.month)}" '
                f'data-count="{value}" x="{_num(x)}" y="{_num(bottom)}" width="{_num(width)}" '
                f'height="{_num(height)}" fill="{colour}"><title>{escape(tip)}</title></rect>'
            )
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}" '
               f'stroke="{TEXT_COLOUR}" stroke-width="1"/>')
    out.append("</svg>")
    return "\n".join(out)


def charts_svg(
    months: Sequence[MonthCount], statuses: Sequence[StatusCount], *, title: str = "Articles per month"
) -> str:
    """The articles chart alone (no statuses), or one SVG of twice the height holding it and the
    status chart below it."""
    chart = bar_chart_svg(months, title=title)
    if not statuses:
        return chart
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {2 * HEIGHT}" '
        f'width="{WIDTH}" height="{2 * HEIGHT}" role="img" '
        f'aria-label="{escape(title)}; {escape(STATUS_TITLE)}">\n{chart}\n'
        f'<g transform="translate(0 {HEIGHT})">\n{status_chart_svg(statuses)}\n</g>\n</svg>'
    )


def _x_labels(axis: Sequence[str], slot: float, base: float) -> list[str]:
    """Labels under the bars: every month when there is room, else years (every k-th)."""
    if slot >= MIN_LABEL_GAP * 1.3:
        marks = list(enumerate(axis))
    else:
        every = max(1, math.ceil(MIN_LABEL_GAP / (slot * 12)))
        starts = [(i, m[:4]) for i, m in enumerate(axis) if m.endswith("-01") or i == 0]
        if len(starts) > 1 and starts[0][0] == 0 and starts[1][0] * slot < MIN_LABEL_GAP:
            starts = starts[1:]  # a partial first year too narrow for its label
        marks = [mark for n, mark in enumerate(starts) if n % every == 0]
    centre = slot / 2 if len(marks) == len(axis) else 0.0  # months centred, years at January
    anchor = "middle" if centre else "start"
    out = []
    for index, label in marks:
        x = _num(LEFT + index * slot + centre)
        out.append(f'<line x1="{x}" x2="{x}" y1="{base}" y2="{base + 5}" stroke="{TEXT_COLOUR}"/>')
        out.append(f'<text x="{x}" y="{base + 18}" text-anchor="{anchor}">{escape(label)}</text>')
    return out


def _empty_chart(out: list[str], plot_h: float) -> str:
    """Close ``out`` (the chart's opening) with a note instead of bars."""
    out.append(f'<text x="{WIDTH / 2}" y="{TOP + plot_h / 2}" text-anchor="middle">'
               "no dated articles</text>")
    out.append("</svg>")
    return "\n".join(out)


def html_page(
    months: Sequence[MonthCount],
    *,
    title: str = "Articles per month",
    statuses: Sequence[StatusCount] = (),
) -> str:
    """A self-contained HTML page: the chart inline (and the status chart after it when there are
    ``statuses``), a summary line and the numbers in tables."""
    ordered = sorted(months)
    if ordered:
        total = sum(m.articles for m in ordered)
        busiest = max(ordered, key=lambda m: (m.articles, m.month))
        summary = (
            f"{total:,} dated articles from {ordered[0].month} to {ordered[-1].month}; "
            f"busiest month {busiest.month} ({busiest.articles:,})."
        )
    else:
        summary = "No dated articles."
    rows = "\n".join(
        f"<tr><td>{escape(m.month)}</td><td>{m.articles:,}</td><td>{m.words:,}</td></tr>" for m in ordered
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: {TEXT_COLOUR}; }}
svg {{ max-width: 100%; height: auto; }}
rect.bar:hover {{ fill: #f08a24; }}
table {{ border-collapse: collapse; }}
td, th {{ padding: 0.15em 0.8em; text-align: right; border-bottom: 1px solid {GRID_COLOUR}; }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p>{escape(summary)}</p>
<figure>
{charts_svg(ordered, statuses, title=title)}
</figure>
<details>
<summary>The numbers</summary>
<table>
<thead><tr><th>month</th><th>articles</th><th>words</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</details>
{_status_section(statuses)}</body>
</html>
"""


def _status_section(statuses: Sequence[StatusCount]) -> str:
    """The status chart and its numbers as HTML, or nothing when there are no statuses."""
    ordered = sorted(statuses)
    if not ordered:
        return ""
    rows = "\n".join(
        f"<tr><td>{escape(m.month)}</td><td>{m.better:,}</td><td>{m.worse:,}</td>"
        f"<td>{m.unchanged:,}</td></tr>"
        for m in ordered
    )
    return f"""<details>
<summary>The status numbers</summary>
<table>
<thead><tr><th>month</th><th>better</th><th>worse</th><th>unchanged</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</details>
"""


def check_plot_path(path: Path) -> None:
    """Raise ValueError unless ``path`` ends in one of PLOT_SUFFIXES."""
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        hint = " (convert the SVG, e.g. `rsvg-convert -o plot.png plot.svg`)" if suffix == ".png" else ""
        raise ValueError(f"cannot plot to {path.name}: the plot is written as .svg or .html{hint}")


def write_plot(
    path: Path,
    months: Sequence[MonthCount],
    *,
    title: str = "Articles per month",
    statuses: Sequence[StatusCount] = (),
) -> None:
    """Write the chart to ``path``: ``.svg`` an SVG file, ``.html``/``.htm`` a page around it.

    statuses: ``Archive.status_by_month()``; when any, the status chart is drawn beside the
    articles chart (below it: in the SVG file, both charts in one SVG of twice the height).
    Raises ValueError for any other ending (PNG included: convert the SVG, e.g. with
    ``rsvg-convert``), OSError when the file cannot be written.
    """
    check_plot_path(path)
    if path.suffix.lower() == ".svg":
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + charts_svg(months, statuses, title=title) + "\n"
    else:
        text = html_page(months, title=title, statuses=statuses)
    path.write_text(text, encoding="utf-8")


def _y_axis(out: list[str], highest: int, plot_h: float, base: float, label: str) -> float:
    """Append the grid lines, tick labels and the axis ``label`` for bars up to ``highest`` (a
    count) to ``out``; return the scale in pixels per unit."""
    step = nice_step(highest)
    top = max(step, math.ceil(highest / step) * step)
    scale = plot_h / top
    for tick in range(0, top + 1, step):
        y = _num(base - tick * scale)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" '
                   f'stroke="{GRID_COLOUR}" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" dy="0.35em">{tick}</text>')
    out.append(f'<text transform="translate(14 {TOP + plot_h / 2}) rotate(-90)" '
               f'text-anchor="middle">{label}</text>')
    return scale
