"""Report figures: the page's own figures at a chosen size, with a title and a provenance footer.

The screen and every export call the same builders (`figures_for`); this module only sizes the
result, stacks the timeline above the network when both are wanted, and adds the text a
published figure needs: what it shows, where the data came from and which filters were in force.
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go

from claimtrace import __version__, analysis, wording
from claimtrace.figures import theme
from claimtrace.figures.common import Options, esc
from claimtrace.figures.network import links_read_one_by_one, network_figure
from claimtrace.figures.timeline import timeline_figure
from claimtrace.filters import Filters, View
from claimtrace.i18n import N_, Translator
from claimtrace.model import Case
from claimtrace.wording import Hop

VIEWS = ("timeline", "network", "both")
# Layout pixels (CSS px); the PNG has scale times as many. A4 is 297 x 210 mm at 96 px per inch,
# the unit plotly lays out in: text prints at the size it has on screen, and the PDF is an A4 page.
# Print preset: two columns (175 mm) of a printed page, laid out at 0.224 mm a pixel, so that
# 11 px text (labels, ticks) prints at 7 pt; the height is the figure's own (the network grows
# rather than shrinking its text), and the legend goes beneath. (One column, 85 mm, would be
# 380 px: too narrow for lanes side by side in time; not offered yet.)
SIZES = {
    "report": (1600, 900),
    "two-columns": (780, 900),
    "slide": (1920, 1080),
    "square": (1080, 1080),
    "a4": (1123, 794),
}
SIZE_LABELS = {
    "report": N_("Report, 1600 × 900"),
    "two-columns": N_("Print, two columns (175 mm): 780 px wide, text at least 7 pt"),
    "slide": N_("Slide, 1920 × 1080"),
    "square": N_("Square for social media, 1080 × 1080"),
    "a4": N_("A4 landscape, 1123 × 794 (96 px per inch; 3× gives 288 dpi)"),
    "custom": N_("Custom"),
}
MIN_SIDE, MAX_SIDE = 300, 5000
SQUEEZED = 0.6  # below this share of their on-screen height, lane labels and names overlap

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
    case: Case,
    filters: Filters,
    *,
    inferred_shown: bool,
    now: datetime | None = None,
    lang: str = "en",
) -> list[str]:
    """The footer lines every exported image carries: case, data file and hash, filters,
    time of export (UTC), the dashed-line key when inferred links are drawn, the credit."""
    tr = Translator(lang)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    tz = case.meta.timezone
    scope = filters.describe(lang)
    if (filters.date_from or filters.date_to) and tz != "UTC":
        scope += tr(" (days in {tz})", tz=tz)
    lines = [
        tr("Case: {title}", title=case.meta.title),
        tr("Data: {file}, SHA-256 {hash}", file=case.source.name, hash=case.source.short_hash),
        tr("Filters: {scope}", scope=scope),
        tr(
            "Exported {moment} UTC with ClaimTrace {version}",
            moment=f"{moment:%Y-%m-%d %H:%M}",
            version=__version__,
        ),
    ]
    if inferred_shown:
        lines.append(tr("dashed = inferred link"))
    if case.meta.credit:
        lines.append(case.meta.credit)
    return lines


def figures_for(
    view: View,
    options: Options,
    which: str,
    now: str = "",
    basis: pd.DataFrame | None = None,
    drifts: Sequence[Hop] | None = None,
) -> list[go.Figure]:
    """The page's figures for `which` (timeline, network or both), from the page's builders;
    `now` is the time slider's instant (Filters.now), as the page passes it, and `basis` the
    events the time axis is made for (the view before the time slider; default the view's)."""
    if which not in VIEWS:
        raise ValueError(f"unknown view {which!r}; expected one of {VIEWS}")
    story = analysis.story(view.events, view.links, now)
    if drifts is None:  # the wording marks, as the page draws them (wording.drifts of the view)
        few = links_read_one_by_one(view.links) and which != "timeline"
        drifts = wording.drifts(view) if few else ()
    out = []
    if which in ("timeline", "both"):
        out.append(timeline_figure(view.events, view.links, options, story, basis=basis))
    if which in ("network", "both"):
        out.append(
            network_figure(
                view.events, view.links, view.externals, options, story, basis=basis, drifts=drifts
            )
        )
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
    gap = _gap((upper, lower))
    p_up, p_low = _plot_px(upper), _plot_px(lower)
    if height is None:
        height = round(top + p_up + gap + p_low + bottom)
    plot = max(1.0, height - top - bottom)
    k = max(0.05, (plot - gap) / (p_up + p_low))
    low_band = (0.0, min(1.0, k * p_low / plot))
    up_band = (min(1.0, (k * p_low + gap) / plot), 1.0)

    layout = upper.layout.to_plotly_json()
    for key in list(layout):
        if _AXIS_KEY.match(key) or key in ("annotations", "shapes", "images", "title"):
            layout.pop(key)
    left = max(up_m.l or 0, low_m.l or 0)
    layout.update(
        height=height, margin={**layout.get("margin", {}), "t": top, "b": bottom, "l": left}
    )
    layout.update(annotations=[], shapes=[])
    data = []
    shown = {(t.legendgroup, t.name) for t in upper.data if t.showlegend is not False}
    shift = 0
    for part, band in ((upper, up_band), (lower, low_band)):
        layout.update(_moved_axes(part, band, shift))
        for trace in part.data:
            copy = trace.to_plotly_json()
            copy["xaxis"] = _shift_ref(trace.xaxis, shift, "x")
            copy["yaxis"] = _shift_ref(trace.yaxis, shift, "y")
            # One legend for both: the network repeats the timeline's colour key, drop repeats.
            if shift and (trace.legendgroup, trace.name) in shown:
                copy["showlegend"] = False
            data.append(copy)
        layout["shapes"] += [_placed(x.to_plotly_json(), band, shift) for x in part.layout.shapes]
        layout["annotations"] += [
            _placed(x.to_plotly_json(), band, shift) for x in part.layout.annotations
        ]
        shift += sum(1 for name in _axis_names(part) if name.startswith("x"))
    # One validation of the whole figure: adding parts one by one to a make_subplots grid took
    # seconds (each add_shape re-checks every shape before it).
    return go.Figure({"data": data, "layout": layout})


def _moved_axes(part: go.Figure, band: tuple[float, float], shift: int) -> dict:
    """`part`'s axes renamed by `shift` (x2 -> x{2+shift}), their references to each other
    likewise, each x anchored to its y and back, and the y domains squeezed into `band`."""
    layout = part.layout.to_plotly_json()
    lo, hi = band
    out = {}
    for name in _axis_names(part):
        letter, number = _AXIS_KEY.match(name).groups()
        other = "y" if letter == "x" else "x"
        settings = dict(layout.get(name, {}))
        for ref in ("anchor", "matches", "overlaying", "scaleanchor"):
            if isinstance(settings.get(ref), str):
                settings[ref] = _shift_ref(settings[ref], shift, settings[ref])
        settings.setdefault("anchor", _shift_ref(f"{other}{number}", shift, other))
        if letter == "y":
            d0, d1 = settings.get("domain", (0.0, 1.0))
            settings["domain"] = (lo + d0 * (hi - lo), lo + d1 * (hi - lo))
        n = int(number or 1) + shift
        out[f"{letter}axis{'' if n == 1 else n}"] = settings
    return out


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


@dataclass(frozen=True)
class _Frame:
    """The text around the plots, and the margins it needs, at one report size."""

    title: _Block
    subtitle: _Block
    footer: _Block
    top: float  # pixels above the (first) plot: title, subtitle, the figure's own notes
    bottom: float  # pixels below the (last) plot: its date axis, then the footer


def _frame(parts: Sequence[go.Figure], report: Report, footer: Sequence[str]) -> _Frame:
    big, small = _head(report.title, report.subtitle, report.width)
    notes = _Block(pack(footer, report.width - 2 * PAD, theme.SMALL_SIZE), theme.SMALL_SIZE)
    head_px = PAD + big.px + small.px + (8 if big.px or small.px else 0)
    top = head_px + max(_above(parts[0]) + 10, 20)
    bottom = max(parts[-1].layout.margin.b or 0, AXIS_PX) + GAP_PX + notes.px + PAD
    return _Frame(big, small, notes, top, bottom)


def _gap(parts: Sequence[go.Figure]) -> float:
    """Pixels between two stacked plots: the upper one's date axis, the lower one's top margin."""
    return AXIS_PX + (parts[1].layout.margin.t or 0) if len(parts) == 2 else 0.0


def fit(parts: Sequence[go.Figure], report: Report, footer: Sequence[str]) -> tuple[float, int]:
    """(share of their on-screen height the plots get at the report's size, the report height
    at which they keep it). Below SQUEEZED, lane labels and outlet names start to overlap."""
    frame = _frame(parts, report, footer)
    plots = sum(_plot_px(p) for p in parts)
    share = (report.height - frame.top - frame.bottom - _gap(parts)) / plots
    return share, math.ceil(frame.top + frame.bottom + _gap(parts) + plots)


def report_figure(parts: Sequence[go.Figure], report: Report, footer: Sequence[str]) -> go.Figure:
    """A print copy of one figure (or of two, stacked): `report.width` x `report.height` layout
    pixels, the title and subtitle above, the provenance footer below, margins grown so that
    nothing is clipped. The figures passed in are not changed."""
    if not 1 <= len(parts) <= 2:
        raise ValueError("report_figure takes one figure, or two to stack")
    frame = _frame(parts, report, footer)
    top, bottom = frame.top, frame.bottom
    if len(parts) == 2:
        fig = stack(parts[0], parts[1], height=report.height, top=top, bottom=bottom)
    else:
        fig = go.Figure(parts[0])
        fig.update_layout(margin={"t": top, "b": bottom})
    fig.update_layout(width=report.width, height=report.height, autosize=False, title=None)
    if fig.layout.legend.orientation != "h":  # beneath the plot, a narrow figure's legend
        _fit_legend(fig, room=report.height - top - frame.footer.px - PAD)
    common = {
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "xanchor": "left",
        "xshift": PAD - (fig.layout.margin.l or 0),
        "align": "left",
        "showarrow": False,
    }
    for block, shift, colour, bold in (
        (frame.title, top - PAD, theme.TEXT, True),
        (frame.subtitle, top - PAD - frame.title.px - 2, theme.MUTED, False),
    ):
        if block.lines:
            text = "<br>".join(esc(line) for line in block.lines)
            fig.add_annotation(
                **common,
                y=1,
                yanchor="top",
                yshift=shift,
                text=f"<b>{text}</b>" if bold else text,
                font={"family": theme.FONT, "size": block.size, "color": colour},
            )
    fig.add_annotation(
        **common,
        y=0,
        yanchor="top",
        yshift=-(bottom - frame.footer.px - PAD),
        text="<br>".join(esc(line) for line in frame.footer.lines),
        font={"family": theme.FONT, "size": frame.footer.size, "color": theme.MUTED},
    )
    return fig


def _above(fig: go.Figure) -> float:
    """Pixels that the figure's own notes above the plot (the milestones) take."""
    need = 0.0
    default = fig.layout.font.size or theme.FONT_SIZE
    for note in fig.layout.annotations:
        if note.yref == "paper" and (note.y or 0) >= 1:
            lines = 1 + str(note.text or "").count("<br>")
            size = (note.font.size if note.font else None) or default
            need = max(need, (note.yshift or 0) + lines * size * LINE)
    return need


LEGEND_ROW = 1.85  # a legend entry's height, as a multiple of its font size
LEGEND_MIN_FONT = 9


def _fit_legend(fig: go.Figure, *, room: float) -> None:
    """Start the legend level with the plot and let it run down to the footer; if it would
    still not fit (plotly would cut it and add a scroll bar), make its text smaller."""
    rows, groups = 0, set()
    for trace in fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        rows += 1 + str(trace.name).count("<br>")
        groups.add(trace.legendgroup)
        if trace.legendgrouptitle and trace.legendgrouptitle.text:
            rows += 1
    legend = fig.layout.legend
    size = (legend.font.size if legend.font else None) or theme.SMALL_SIZE + 1
    gap = legend.tracegroupgap if legend.tracegroupgap is not None else 10
    needed = rows * size * LEGEND_ROW + len(groups) * gap
    settings: dict = {"yref": "paper", "y": 1, "yanchor": "top"}
    if needed > room:
        gap = 2
        size = max(LEGEND_MIN_FONT, int((room - len(groups) * gap) / (rows * LEGEND_ROW)))
        settings.update(font={"size": size}, grouptitlefont={"size": size + 1}, tracegroupgap=gap)
    settings["maxheight"] = max(room, 1.01)  # over 1: pixels, not a share
    fig.update_layout(legend=settings)
