"""Report figures: the page's own figures at a chosen size, with a title and a provenance footer.

The screen and every export call the same builders (`figures_for`); this module only sizes the
result, stacks the timeline above the network when both are wanted, and adds the text a
published figure needs: what it shows, where the data came from and which filters were in force.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from claimtrace import __version__, analysis
from claimtrace.figures import theme
from claimtrace.figures.common import Options, esc
from claimtrace.figures.network import network_figure
from claimtrace.figures.timeline import timeline_figure
from claimtrace.filters import Filters, View
from claimtrace.model import Case

VIEWS = ("timeline", "network", "both")
# Layout pixels (CSS px); the PNG has scale times as many. A4 is 297 x 210 mm at 96 px per inch,
# the unit plotly lays out in: text prints at the size it has on screen, and the PDF is an A4 page.
SIZES = {"report": (1600, 900), "square": (1080, 1080), "a4": (1123, 794)}
SIZE_LABELS = {
    "report": "Report, 1600 × 900",
    "square": "Square for social media, 1080 × 1080",
    "a4": "A4 landscape, 1123 × 794 (96 px per inch; 3× gives 288 dpi)",
    "custom": "Custom",
}
MIN_SIDE, MAX_SIDE = 300, 5000

PAD = 16  # pixels between the image's edge and the title or footer
AXIS_PX = 72  # below a date axis: two lines of tick labels and the axis title
GAP_PX = 24  # between the bottom figure's axis title and the footer, above the network's top
LINE = 1.35  # line height, as a multiple of the font size
CHAR = 0.56  # average character width, as a multiple of the font size (sans, a little generous)


@dataclass(frozen=True)
class Report:
    """What the user chose for an image: which figure, its size in layout pixels, its text."""

    view: str = "both"
    width: int = 1600
    height: int = 900
    title: str = ""
    subtitle: str = ""


def file_stem(case: Case) -> str:
    """A file name stem from the case title: ascii, lower case, words joined by '-'."""
    text = unicodedata.normalize("NFKD", case.meta.title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    stem = ""
    for word in words:
        if len(stem) + len(word) + 1 > 48:
            break
        stem = f"{stem}-{word}" if stem else word
    return stem or "claimtrace"


def provenance(
    case: Case, filters: Filters, *, inferred_shown: bool, now: datetime | None = None
) -> list[str]:
    """The footer lines every exported image carries: case, data file and hash, filters,
    time of export (UTC), the dashed-line key when inferred links are drawn, the credit."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    tz = case.meta.timezone
    scope = filters.describe()
    if (filters.date_from or filters.date_to) and tz != "UTC":
        scope += f" (days in {tz})"
    lines = [
        f"Case: {case.meta.title}",
        f"Data: {case.source.name}, SHA-256 {case.source.short_hash}",
        f"Filters: {scope}",
        f"Exported {moment:%Y-%m-%d %H:%M} UTC with ClaimTrace {__version__}",
    ]
    if inferred_shown:
        lines.append("dashed = inferred link")
    if case.meta.credit:
        lines.append(case.meta.credit)
    return lines


def figures_for(view: View, options: Options, which: str) -> list[go.Figure]:
    """The page's figures for `which` (timeline, network or both), from the page's builders."""
    if which not in VIEWS:
        raise ValueError(f"unknown view {which!r}; expected one of {VIEWS}")
    story = analysis.story(view.events, view.links)
    out = []
    if which in ("timeline", "both"):
        out.append(timeline_figure(view.events, view.links, options, story))
    if which in ("network", "both"):
        out.append(network_figure(view.events, view.links, view.externals, options, story))
    return out


# --- text blocks ---------------------------------------------------------------------------------


def _wrap(text: str, width_px: float, size: float) -> list[str]:
    limit = max(20, int(width_px / (size * CHAR)))
    return textwrap.wrap(text, limit, break_on_hyphens=False) or [""]


def pack(items: Sequence[str], width_px: float, size: float) -> list[str]:
    """Items joined with ' · ' into as few lines as fit `width_px`; a long item wraps."""
    limit = max(20, int(width_px / (size * CHAR)))
    lines: list[str] = []
    for item in items:
        for part in _wrap(item, width_px, size):
            if lines and len(lines[-1]) + 3 + len(part) <= limit:
                lines[-1] += " · " + part
            else:
                lines.append(part)
    return lines


@dataclass(frozen=True)
class _Block:
    lines: list[str]
    size: float

    @property
    def px(self) -> float:
        return len(self.lines) * self.size * LINE if self.lines and self.lines != [""] else 0.0


def _head(title: str, subtitle: str, width: int) -> tuple[_Block, _Block]:
    usable = width - 2 * PAD
    big = _Block(_wrap(title, usable, theme.TITLE_SIZE) if title.strip() else [], theme.TITLE_SIZE)
    small = _Block(
        _wrap(subtitle, usable, theme.FONT_SIZE) if subtitle.strip() else [], theme.FONT_SIZE
    )
    return big, small


# --- composition ---------------------------------------------------------------------------------

_AXIS_KEY = re.compile(r"^([xy])axis(\d*)$")
_REF = re.compile(r"^([xy])(\d*)( domain)?$")


def _axis_names(fig: go.Figure) -> list[str]:
    names = [k for k in fig.layout.to_plotly_json() if _AXIS_KEY.match(k)]
    return names or ["xaxis", "yaxis"]


def _shift_ref(ref: str | None, offset: int, default: str) -> str:
    """'x2' -> 'x{2+offset}', 'y domain' -> 'y{1+offset} domain'; 'paper' stays."""
    ref = ref or default
    match = _REF.match(ref)
    if not match:
        return ref
    letter, number, domain = match.groups()
    n = int(number or 1) + offset
    return f"{letter}{'' if n == 1 else n}{domain or ''}"


def _plot_px(fig: go.Figure) -> float:
    m = fig.layout.margin
    return max(1.0, (fig.layout.height or 450) - (m.t or 0) - (m.b or 0))


def stack(
    upper: go.Figure,
    lower: go.Figure,
    *,
    height: int | None = None,
    top: float | None = None,
    bottom: float | None = None,
) -> go.Figure:
    """One figure with `upper` above `lower`, each keeping its traces, shapes, annotations and
    axis settings. Rows keep the figures' own proportions (their layout heights); at a given
    `height` they shrink or grow alike. `top` and `bottom` are the outer margins in pixels."""
    up_m, low_m = upper.layout.margin, lower.layout.margin
    top = (up_m.t or 0) if top is None else top
    bottom = max(low_m.b or 0, AXIS_PX) if bottom is None else bottom
    gap = AXIS_PX + (low_m.t or 0)  # the upper figure's date axis, then the lower's top margin
    p_up, p_low = _plot_px(upper), _plot_px(lower)
    if height is None:
        height = round(top + p_up + gap + p_low + bottom)
    plot = max(1.0, height - top - bottom)
    k = max(0.05, (plot - gap) / (p_up + p_low))
    low_band = (0.0, min(1.0, k * p_low / plot))
    up_band = (min(1.0, (k * p_low + gap) / plot), 1.0)

    up_axes, low_axes = _axis_names(upper), _axis_names(lower)
    offset = sum(1 for a in up_axes if a.startswith("x"))
    rows = offset + sum(1 for a in low_axes if a.startswith("x"))
    fig = make_subplots(rows=rows, cols=1)
    base = upper.layout.to_plotly_json()
    for key in list(base):
        if _AXIS_KEY.match(key) or key in ("annotations", "shapes", "images", "title"):
            base.pop(key)
    fig.update_layout(base)
    fig.update_layout(height=height, margin={"t": top, "b": bottom})

    shown = {(t.legendgroup, t.name) for t in upper.data if t.showlegend is not False}
    for part, band, shift in ((upper, up_band, 0), (lower, low_band, offset)):
        _copy_axes(fig, part, band, shift)
        for trace in part.data:
            copy = trace.to_plotly_json()
            copy["xaxis"] = _shift_ref(trace.xaxis, shift, "x")
            copy["yaxis"] = _shift_ref(trace.yaxis, shift, "y")
            # One legend for both: the network repeats the timeline's colour key, drop repeats.
            if shift and (trace.legendgroup, trace.name) in shown:
                copy["showlegend"] = False
            fig.add_trace(copy)
        for shape in part.layout.shapes:
            fig.add_shape(_placed(shape.to_plotly_json(), band, shift))
        for note in part.layout.annotations:
            fig.add_annotation(_placed(note.to_plotly_json(), band, shift))
    return fig


def _copy_axes(fig: go.Figure, part: go.Figure, band: tuple[float, float], shift: int) -> None:
    """`part`'s axis settings onto the stacked figure's axes, renamed by `shift`; y domains
    squeezed into `band`. The anchors make_subplots set stay."""
    layout = part.layout.to_plotly_json()
    lo, hi = band
    for name in _axis_names(part):
        letter, number = _AXIS_KEY.match(name).groups()
        settings = dict(layout.get(name, {}))
        settings.pop("anchor", None)
        for ref in ("matches", "overlaying", "scaleanchor"):
            if isinstance(settings.get(ref), str):
                settings[ref] = _shift_ref(settings[ref], shift, settings[ref])
        if letter == "y":
            d0, d1 = settings.get("domain", (0.0, 1.0))
            settings["domain"] = (lo + d0 * (hi - lo), lo + d1 * (hi - lo))
        n = int(number or 1) + shift
        fig.layout[f"{letter}axis{'' if n == 1 else n}"].update(settings)


def _placed(item: dict, band: tuple[float, float], shift: int) -> dict:
    """A shape or annotation moved into its figure's band of the stacked figure."""
    out = dict(item)
    lo, hi = band
    if "xref" in out or "x" in out or "x0" in out:
        out["xref"] = _shift_ref(out.get("xref"), shift, "x")
    yref = out.get("yref") or "y"
    if yref == "paper":
        for key in ("y", "y0", "y1"):
            if isinstance(out.get(key), int | float):
                out[key] = lo + out[key] * (hi - lo)
    else:
        out["yref"] = _shift_ref(yref, shift, "y")
    return out


# --- the report copy -----------------------------------------------------------------------------


def report_figure(parts: Sequence[go.Figure], report: Report, footer: Sequence[str]) -> go.Figure:
    """A print copy of one figure (or of two, stacked): `report.width` x `report.height` layout
    pixels, the title and subtitle above, the provenance footer below, margins grown so that
    nothing is clipped. The figures passed in are not changed."""
    if not 1 <= len(parts) <= 2:
        raise ValueError("report_figure takes one figure, or two to stack")
    width, height = report.width, report.height
    big, small = _head(report.title, report.subtitle, width)
    notes = _Block(pack(footer, width - 2 * PAD, theme.SMALL_SIZE), theme.SMALL_SIZE)
    head_px = PAD + big.px + small.px + (8 if big.px or small.px else 0)
    foot_px = notes.px + PAD
    first_t = parts[0].layout.margin.t or 0
    top = first_t + head_px
    bottom = max(parts[-1].layout.margin.b or 0, AXIS_PX) + GAP_PX + foot_px
    if len(parts) == 2:
        fig = stack(parts[0], parts[1], height=height, top=top, bottom=bottom)
    else:
        fig = go.Figure(parts[0])
        fig.update_layout(margin={"t": top, "b": bottom})
    fig.update_layout(width=width, height=height, autosize=False, title=None)
    left = fig.layout.margin.l or 0
    common = {"xref": "paper", "yref": "paper", "x": 0, "xanchor": "left", "showarrow": False}
    common.update(xshift=PAD - left, align="left")
    if big.lines:
        fig.add_annotation(
            **common,
            y=1,
            yanchor="top",
            yshift=top - PAD,
            text="<b>" + "<br>".join(esc(line) for line in big.lines) + "</b>",
            font={"family": theme.FONT, "size": theme.TITLE_SIZE, "color": theme.TEXT},
        )
    if small.lines:
        fig.add_annotation(
            **common,
            y=1,
            yanchor="top",
            yshift=top - PAD - big.px - 2,
            text="<br>".join(esc(line) for line in small.lines),
            font={"family": theme.FONT, "size": theme.FONT_SIZE, "color": theme.MUTED},
        )
    fig.add_annotation(
        **common,
        y=0,
        yanchor="top",
        yshift=-(bottom - foot_px),
        text="<br>".join(esc(line) for line in notes.lines),
        font={"family": theme.FONT, "size": theme.SMALL_SIZE, "color": theme.MUTED},
    )
    return fig


def natural_height(parts: Sequence[go.Figure]) -> int:
    """The height at which the figures keep their on-screen proportions (without title/footer)."""
    if len(parts) == 1:
        return int(parts[0].layout.height or 450)
    return int(stack(parts[0], parts[1]).layout.height)
