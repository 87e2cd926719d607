"""What both charts share: options, lanes, colours, stacking within a lane, hover text."""

from __future__ import annotations

import functools
import heapq
import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claimtrace import lookup, schema
from claimtrace.dates import format_intervals
from claimtrace.figures import theme, timescale
from claimtrace.figures.textwidth import text_px
from claimtrace.figures.timescale import TimeScale
from claimtrace.i18n import N_, Translator, country_name, language_name

DIMENSIONS = ("outlet_type", "country", "language", "stance", "evidence")
DIMENSION_LABELS = {
    "outlet_type": N_("Outlet type"),
    "country": N_("Country"),
    "language": N_("Language"),
    "stance": N_("Stance"),
    "evidence": N_("Evidence"),
}


PAGE_WIDTH = 1000  # the page's charts: about the main column of a 1440 px wide browser
MARGIN_LEFT = 150  # lane names
LEGEND_PX = 210  # the legend, right of the plot (on wide figures)
NARROW = 900  # below this width the legend goes beneath the plot


def margins(width: int) -> tuple[int, int]:
    """(left, right) margins of both charts at `width`: fixed, so that both plots are equally
    wide and the same moment stands at the same x in both."""
    if width < NARROW:
        return min(MARGIN_LEFT, max(90, int(width * 0.22))), 16
    return MARGIN_LEFT, LEGEND_PX


def legend_beneath(fig: Spec, width: int) -> int:
    """On a narrow figure, the legend goes in rows beneath the plot (a print column has no
    room beside it): the layout settings, and the pixels it needs below the axis."""
    if width >= NARROW:
        return 0
    entries = [t for t in fig.data if t.get("showlegend") is not False and t.get("name")]
    groups = len({t.get("legendgroup") for t in entries})
    per_row = max(1, int((width - 20) // 150))
    rows = -(-len(entries) // per_row) + groups
    need = rows * 19 + 12
    fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0,
                              "yanchor": "bottom", "yref": "container", "xref": "container",
                              "entrywidth": 140, "tracegroupgap": 4})  # fmt: skip
    return need


def fit_lines(text: str, room: float, size: float, bold: bool = False) -> str:
    """`text` escaped, in as many lines (<br>) as it takes to fit `room` pixels at font `size`:
    on a narrow figure a lane name or a note wraps rather than being cut."""
    lines, line = [], ""
    for word in str(text).split():
        trial = f"{line} {word}" if line else word
        if line and text_px(trial, size, bold) > room:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    return "<br>".join(esc(x) for x in lines)


def lane_names(column: str, values: list[str], width: int, lang: str = "en") -> list[str]:
    """The lanes' tick labels (in `lang`), wrapped to the left margin at `width`."""
    room = margins(width)[0] - 12
    return [fit_lines(value_label(column, v, lang), room, theme.FONT_SIZE) for v in values]


def plot_width(width: int) -> float:
    left, right = margins(width)
    return float(width - left - right)


@dataclass(frozen=True)
class Options:
    """The user's choices for both charts; hashable, so figures can be cached by them."""

    lanes: str = "outlet_type"  # one lane per value of this column
    colour: str = "language"  # marker colour by this column
    timezone: str = "UTC"
    labels: bool = True  # outlet names beside network nodes
    selected: tuple[str, ...] = ()  # event ids the user picked: ringed
    highlight: tuple[str, ...] = ()  # ids kept bright (the picked and their paths); the rest fades
    x_range: tuple[str, str] | tuple[()] = ()  # zoom: wall-clock ISO bounds of the time axis
    time_scale: str = "auto"  # timescale.SCALES: auto, calendar or compressed
    width: int = PAGE_WIDTH  # layout pixels the figure is laid out for (labels are placed for it)
    lang: str = "en"  # the language of the figure's words, dates and numbers (claimtrace.i18n)

    def bright(self, ids: pd.Series) -> np.ndarray:
        """Opacity per event: 1 where highlighted (or nothing is), faded elsewhere."""
        keep = set(self.highlight) | set(self.selected)
        if not keep:
            return np.ones(len(ids))
        return np.where(ids.isin(keep), 1.0, theme.FADED_OPACITY)


def value_label(column: str, value: str, lang: str = "en") -> str:
    """How a value of a column is shown in a legend or lane (in `lang`)."""
    if value == "" or value is None:
        tr = Translator(lang)
        return tr("Unknown") if column in ("country", "language") else tr("Not given")
    if column == "country":
        return country_name(value, lang)
    if column == "language":
        return language_name(value, lang)
    return schema.label(column, value, lang)


def lane_order(events: pd.DataFrame, column: str) -> list[str]:
    """Lanes top to bottom: vocabulary order for outlet types, else by first appearance."""
    present = set(events[column].unique().tolist())
    if column in schema.VOCABULARIES:
        order = [v for v in schema.VOCABULARIES[column] if v in present]
        return order + sorted(present - set(order))
    first = events[[column, "date"]].sort_values("date").drop_duplicates(column)
    order = [v for v in first[column].tolist() if v != ""]
    return order + ([""] if "" in present else [])


def colour_groups(
    events: pd.DataFrame, column: str, reference: pd.DataFrame | None = None, lang: str = "en"
) -> list[tuple[str, str, np.ndarray]]:
    """Legend entries (label, colour, mask), one per colour: the values past the palette share
    the grey "other" entry, which names them ("Other (3): Polish, Ukrainian, Czech"; a line
    break is a newline, see legend_text); a value not known keeps its own paler grey entry, so
    it is never mistaken for a named one. Colours are chosen on `reference` (all the events,
    when `events` are the ones a thinned chart draws)."""
    colours = colours_for(events if reference is None else reference, column)
    values = events[column].to_numpy(dtype=object)
    out, grey = [], []
    for value, colour in colours.items():
        if colour == theme.OTHER_COLOUR and column != "stance":
            grey.append(value)
            continue
        out.append((value_label(column, value, lang), colour, values == value))
    if grey:
        named = [value_label(column, v, lang) for v in grey]
        tr = Translator(lang)
        head = tr("Other ({n}): ", n=len(named))
        text = named[0] if len(named) == 1 else _wrapped(head, named)
        out.append((text, theme.OTHER_COLOUR, np.isin(values, grey)))
    return out


def _wrapped(head: str, names: list[str], width: int = 30) -> str:
    """`head` and the names, comma-separated, in lines of about `width` characters."""
    lines, line = [], head
    for k, name in enumerate(names):
        part = name + ("," if k < len(names) - 1 else "")
        if len(line) + len(part) > width and line.strip():
            lines.append(line.rstrip())
            line = ""
        line += part + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def legend_text(name: str) -> str:
    """A legend entry's label as plotly gets it: escaped, its newlines as line breaks."""
    return esc(name).replace("\n", "<br>")


def colours_for(events: pd.DataFrame, column: str) -> dict[str, str]:
    """A colour for each value of `column` present, shared by both charts."""
    if column == "stance":
        return theme.colour_map(events[column].unique().tolist(), theme.STANCE_COLOURS)
    counts = events[column].value_counts(sort=False)
    # Most frequent first (ties by first appearance), so the common values get the palette.
    firsts = events[[column, "date"]].drop_duplicates(column).set_index(column)["date"]
    ranked = sorted(counts.index, key=lambda v: (-counts[v], firsts[v]))
    return theme.colour_map(ranked)


def stack(start: np.ndarray, end: np.ndarray, lane: np.ndarray, gap: float) -> np.ndarray:
    """A slot within its lane for each item [start, end] (pixels), so items do not overlap.

    Greedy by start: each item takes the lowest slot whose last item ended at least `gap`
    before it starts. Deterministic for the same input. O(n log n): the slots in use wait in a
    heap by when they end, the free ones in a heap by number.
    """
    slots = np.zeros(len(start), dtype=int)
    order = np.lexsort((start, lane)).tolist()
    starts, reaches, lanes = start.tolist(), np.maximum(end, start).tolist(), lane.tolist()
    current = None
    for i in order:
        if lanes[i] != current:
            current, busy, free, used = lanes[i], [], [], 0
        while busy and starts[i] - busy[0][0] >= gap:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            slot = heapq.heappop(free)
        else:
            slot, used = used, used + 1
        heapq.heappush(busy, (reaches[i], slot))
        slots[i] = slot
    return slots


def to_axis(times: pd.Series, tz: str) -> pd.Series:
    """UTC timestamps as wall-clock times in `tz`, which is what plotly's date axis shows."""
    return times.dt.tz_convert(tz).dt.tz_localize(None)


def wall_ns(times: pd.Series, tz: str) -> np.ndarray:
    """UTC timestamps as int64 nanoseconds of the wall clock in `tz`."""
    return to_axis(times, tz).dt.as_unit("ns").to_numpy().view(np.int64)


def time_scale(events: pd.DataFrame, options: Options) -> TimeScale:
    """The time axis of both charts for these events (the view's, before any thinning or
    time slider), at the options' width, zoom and choice of scale."""
    bounds = None
    if options.x_range:
        bounds = tuple(pd.Timestamp(t).as_unit("ns").value for t in options.x_range)
    if events.empty:
        return timescale.make(np.zeros(0, np.int64), np.zeros(0, np.int64),
                              plot_width(options.width), "calendar", bounds,
                              options.lang)  # fmt: skip
    tz = options.timezone
    return timescale.make(wall_ns(events["date"], tz), wall_ns(events["date_end"], tz),
                          plot_width(options.width), options.time_scale, bounds,
                          options.lang)  # fmt: skip


def flow_order(events: pd.DataFrame, links: pd.DataFrame | None, tz: str) -> np.ndarray:
    """A sort key per event: its start, pushed after the start of every event it cites, so
    that within a bin of the compressed scale a source stands before what cites it."""
    key = wall_ns(events["date"], tz).astype(np.float64)
    if links is None or links.empty:
        return key
    at = pd.Series(np.arange(len(events)), index=events["id"].to_numpy())
    at = at[~at.index.duplicated()]
    src = at.reindex(links["source"].to_numpy()).to_numpy()
    dst = at.reindex(links["target"].to_numpy()).to_numpy()
    ok = ~(np.isnan(src) | np.isnan(dst))
    src, dst = src[ok].astype(int), dst[ok].astype(int)
    for _ in range(12):  # chains are short; a cycle (never in valid data) stops here too
        before = key.copy()
        np.maximum.at(key, dst, key[src] + 1.0)
        if np.array_equal(before, key):
            break
    return key


@dataclass(frozen=True)
class Lanes:
    """Where each event sits: x (axis values: dates or pixels), px (pixels), y (pixels from
    the top)."""

    pos: pd.DataFrame  # x, x_end, px, px_end, y, lane, long
    values: list[str]  # lane values, top to bottom
    centers: list[float]  # y of each lane's label
    bounds: list[tuple[float, float]]  # (top, bottom) of each lane
    height: float  # pixels of all lanes together
    scale: TimeScale | None = None


def lay_out(
    events: pd.DataFrame,
    column: str,
    scale: TimeScale,
    tz: str,
    pitch: float,
    min_lane: float,
    *,
    reach: np.ndarray | None = None,
    gap: float = 3.0,
    order: np.ndarray | None = None,
    max_slots: int = 60,
    values: list[str] | None = None,
    target: np.ndarray | None = None,
) -> Lanes:
    """Lanes that grow with how crowded they are, so points (and labels) do not overlap.

    Each event takes [px - radius, px + reach] pixels of its slot row (`reach`: pixels right
    of its point, its label included; default a point's width) and `gap` more; an interval
    longer than a day takes its whole length. `pitch` is the pixels between slot rows;
    beyond `max_slots` rows a lane reuses them (points then overlap). `target(i, ys)`, when
    given, is how an event picks among the free rows (see network: near its sources).
    """
    values = lane_order(events, column) if values is None else values
    start, end = wall_ns(events["date"], tz), wall_ns(events["date_end"], tz)
    index = {v: i for i, v in enumerate(values)}
    lane = events[column].map(index).to_numpy(dtype=int)
    px = scale.nodes(start, order)
    px_end = np.maximum(px, scale.px(end))
    long = (end - start) > 86_400e9 * 1.01
    reach = np.full(len(px), 8.0) if reach is None else reach
    lo = px - 8.0
    hi = np.where(long, np.maximum(px_end + 4.0, px + reach), px + reach)
    slots = stack(lo, hi, lane, gap) % max_slots
    counts = np.zeros(len(values), dtype=int)
    np.maximum.at(counts, lane, slots + 1)
    heights = np.maximum(min_lane, counts * pitch + pitch)
    tops = np.concatenate([[0.0], np.cumsum(heights)[:-1]])
    middle = tops + heights / 2
    # Slot rows from the lane's top, evenly; re-chosen near `target` where one is given.
    first_row = middle - (counts - 1) * pitch / 2
    if target is not None and len(px):
        slots = _rows_near(lo, hi, lane, gap, counts, first_row, pitch, target, max_slots)
    y = first_row[lane] + slots * pitch
    if scale.kind == "calendar":
        x, x_end = to_axis(events["date"], tz), to_axis(events["date_end"], tz)
    else:
        x, x_end = pd.Series(px), pd.Series(px_end)
    pos = pd.DataFrame({"x": x.to_numpy(), "x_end": x_end.to_numpy(), "px": px,
                        "px_end": px_end, "y": y, "lane": lane, "long": long})  # fmt: skip
    bounds = [(float(t), float(t + h)) for t, h in zip(tops, heights, strict=True)]
    return Lanes(pos, values, [float(m) for m in middle], bounds, float(heights.sum()), scale)


def _rows_near(lo, hi, lane, gap, counts, first_row, pitch, target, max_slots) -> np.ndarray:
    """Slot rows chosen in time order, each event taking the free row nearest the y that
    `target(i, y_so_far)` asks for (the mean y of its sources: a barycentre, as layered graph
    layouts order nodes to shorten and uncross links); `y_so_far` is a list, NaN where an
    event has no row yet. There is always a free row: the lane has as many as it ever needs
    at once.

    In Python floats, a lane's few rows a list: the same arithmetic as numpy's, without
    numpy's cost for each of a few numbers (a tenth of the time)."""
    n = len(lo)
    y = [math.nan] * n
    rows = [0] * n
    starts, ends, lanes = lo.tolist(), hi.tolist(), lane.tolist()
    firsts, sizes = first_row.tolist(), [max(min(c, max_slots), 1) for c in counts.tolist()]
    busy_until: dict[int, list[float]] = {}
    for i in np.lexsort((np.arange(n), lo)).tolist():
        k = lanes[i]
        until = busy_until.get(k)
        if until is None:
            until = busy_until[k] = [-math.inf] * sizes[k]
        start = starts[i]
        free = [j for j, taken in enumerate(until) if start - taken >= gap]
        if not free:
            free = [until.index(min(until))]  # the row free soonest (the first of a tie)
        want = target(i, y)
        base = firsts[k]
        if want is None or math.isnan(want):
            want = base + (len(until) - 1) * pitch / 2
        # The nearest row; of two as near, the first.
        choice = min(free, key=lambda j: abs(base + j * pitch - want) + j * 1e-6)
        until[choice] = ends[i]
        rows[i] = choice
        y[i] = base + choice * pitch
    return np.array(rows, dtype=int)


def mean(values: list[float]) -> float:
    """float(np.mean(values)) of a short list, to the bit: numpy adds fewer than eight numbers
    one after another, as sum() does; more in its pairwise way."""
    if len(values) < 8:
        return sum(values) / len(values)
    return float(np.mean(values))


def esc(value: object) -> str:
    """User text made safe for plotly's HTML-ish labels: markup is shown, never rendered."""
    # Quotes stay: plotly shows "&quot;" as it is, and outside a tag a quote does nothing.
    return html.escape("" if value is None else str(value), quote=False)


def short(value: str, limit: int = 90) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


_PRECISION_NOTES = {
    "interval": N_("uncertain: somewhere in this range"),
    "day": N_("day known, time not"),
    "month": N_("month known, day not"),
    "year": N_("year known only"),
}
_TIME_KNOWN = N_("time known")


def stance_symbols(stances: pd.Series, relays: np.ndarray | None = None) -> list[str]:
    """Each event's marker shape: its stance's, and an open square for a relayed denial."""
    out = [theme.STANCE_SYMBOLS.get(s, "circle") for s in stances.tolist()]
    if relays is not None:
        out = [theme.RELAY_SYMBOL if r else sym for sym, r in zip(out, relays, strict=True)]
    return out


def hover_texts(
    events: pd.DataFrame,
    tz: str,
    cited_by: pa.Array,
    relays: np.ndarray | None = None,
    lang: str = "en",
) -> list[str]:
    """One hover label per event: outlet, headline, date with precision, cites, cited by,
    evidence; `cited_by` (timeline.cited_by_outlets) holds each event's citing outlets, null
    where none cites it; `relays` (diffusion.relays_denial) says which denials are relayed.

    Made a line at a time for all the events at once, in Arrow: a line an event does not have
    is null, and the lines are joined skipping nulls."""
    if not len(events):
        return []
    tr = Translator(lang)
    column = {c: _large(lookup.text_array(events[c]).fill_null("")) for c in HOVER_COLUMNS}
    when = format_intervals(
        events["date"], events["date_end"], events["date_precision"], tz, lang=lang
    )
    none = pa.scalar(None, pa.large_string())

    def label(kind: str) -> pa.Array:
        # Each distinct value's label worked out once, taken for every event.
        plain = kind in ("stance", "evidence")  # named as the vocabulary names them
        encoded = pc.dictionary_encode(column[kind])
        names = [
            esc(schema.label(kind, v, lang) if plain else value_label(kind, v, lang))
            for v in encoded.dictionary.to_pylist()
        ]
        return pa.array(names, pa.large_string()).take(encoded.indices)

    def given(kind: str) -> pa.Array:
        return pc.not_equal(column[kind], "")

    def join(*parts: pa.Array | str) -> pa.Array:
        return pc.binary_join_element_wise(*map(_large, parts), _large(""))

    def fill(wording: str, key: str, values: pa.Array) -> pa.Array:
        # A translated line with its placeholder filled in (wherever the language puts it).
        parts = wording.format(**{key: "\x00"}).split("\x00")
        pieces: list[pa.Array | str] = [parts[0]]
        for part in parts[1:]:
            pieces += [values, part]
        return join(*pieces)

    def only(where: pa.Array | np.ndarray, line: pa.Array) -> pa.Array:
        return pc.if_else(where, line, none)

    def either(where: pa.Array, line: pa.Array) -> pa.Array:
        return pc.if_else(where, line, _large(""))

    # Outlets in full (a hostile 10,000-letter one stops at 400); headlines in a line or two.
    where = join(
        label("outlet_type"),
        either(given("country"), join(" · ", label("country"))),
        either(given("language"), join(" · ", label("language"))),
    )
    notes = {k: tr(v) for k, v in {**_PRECISION_NOTES, "": _TIME_KNOWN}.items()}
    encoded = pc.dictionary_encode(column["date_precision"])
    precision = pa.array(
        [notes.get(v, notes[""]) for v in encoded.dictionary.to_pylist()], pa.string()
    ).take(encoded.indices)
    precision = _large(precision)
    stance = fill(tr("Stance: {stance}"), "stance", label("stance"))
    if relays is not None:
        relayed = pa.array(np.asarray(relays, dtype=bool))
        stance = join(stance, either(relayed, _large(tr(" (relays a denial it cites)"))))
    cited = _large(lookup.text_array(cited_by))
    lines = [
        join("<b>", _escaped_array(column["outlet"], 400), "</b>"),
        where,
        only(given("headline"), join("“", _escaped_array(column["headline"], 90), "”")),
        join(_escaped_array(pa.array(when, pa.large_string()), None), " <i>(", precision, ")</i>"),
        only(given("stance"), stance),
        only(given("cites"), fill(tr("Cites: {ids}"), "ids", _escaped_array(column["cites"], 80))),
        only(
            cited.is_valid(), fill(tr("Cited by: {outlets}"), "outlets", _escaped_array(cited, 80))
        ),
        only(given("evidence"), fill(tr("Evidence: {evidence}"), "evidence", label("evidence"))),
        join(f"<span style='color:{theme.MUTED}'>id ", _escaped_array(column["id"], 40), "</span>"),
    ]
    return pc.binary_join_element_wise(*lines, _large("<br>"), null_handling="skip").to_pylist()


def _large(text: pa.Array | str) -> pa.Array | pa.Scalar:
    """Text as Arrow's large_string (a value as a scalar of it): Arrow's string kernels want
    every argument of one type."""
    if isinstance(text, str):
        return pa.scalar(text, pa.large_string())
    return text if text.type == pa.large_string() else text.cast(pa.large_string())


def _escaped_array(text: pa.Array, limit: int | None) -> pa.Array:
    """esc(short(value, limit)) of every value (nulls stay null): Arrow's kernels, no loop."""
    text = _large(text)
    if limit is not None:
        cut = pc.greater(pc.utf8_length(text), limit)
        if pc.any(cut).as_py():
            shortened = pc.binary_join_element_wise(
                pc.utf8_slice_codeunits(text, 0, limit - 1), _large("…"), _large("")
            )
            text = pc.if_else(cut, shortened, text)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):  # html.escape's order
        text = pc.replace_substring(text, char, entity)
    return text


HOVER_COLUMNS = ("id", "outlet", "outlet_type", "country", "language", "headline", "stance",
                 "cites", "evidence", "date_precision")  # fmt: skip


def midpoint(events: pd.DataFrame) -> pd.Series:
    return events["date"] + (events["date_end"] - events["date"]) / 2


def legend_swatch(
    name: str, colour: str, group: str, title: str | None, column: str, lang: str = "en"
) -> dict:
    """A legend-only entry: a plain dot in the colour, whatever shapes the points have
    (when colour is by stance, the stance's own shape, so colour and shape read as one key)."""
    symbol = "circle"
    if column == "stance":
        by_label = {schema.label("stance", v, lang): v for v in schema.STANCES}
        symbol = theme.STANCE_SYMBOLS.get(by_label.get(name, ""), "circle")
    return {
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": name,
        "legendgroup": group,
        "legendgrouptitle_text": title,
        "marker": {"color": colour, "size": theme.MARKER_SIZE - 1, "symbol": symbol},
        "hoverinfo": "skip",
    }


def lane_shading(bounds, xref: str = "x domain", yref: str = "y") -> list[dict]:
    """Every other lane shaded (from the first), so the eye can follow a lane across the page:
    the rectangles add_hrect would draw, made at once (add_hrect checks the figure each time)."""
    rect = {"type": "rect", "xref": xref, "x0": 0, "x1": 1, "yref": yref,
            "fillcolor": theme.LANE_SHADE, "line": {"width": 0}, "layer": "below"}  # fmt: skip
    return [rect | {"y0": y0, "y1": y1} for i, (y0, y1) in enumerate(bounds) if i % 2 == 0]


# --- figures as plain dictionaries ------------------------------------------------------------


class Spec:
    """A figure being built as plain dictionaries: `data` (one dict per trace, its "type"
    given) and `layout`, in the shape plotly's own objects give (to_plotly_json), but with no
    plotly object made or checked on the way: plotly copies and checks every trace again each
    time one is added, which took most of a large figure's time. The few methods mirror
    go.Figure's (add_trace, update_layout, ...), with its short names ("line_width") spelled
    out. `figure()` makes the go.Figure (exports, tests); `page_ready(spec.to_dict())` is what
    the page sends, as plotly would send the go.Figure."""

    def __init__(self, layout: dict | None = None, rows: int = 0) -> None:
        self.data: list[dict] = []
        self.layout: dict = {} if layout is None else layout
        self.rows = rows  # subplots stacked in one column (make_subplots); 0: a plain figure

    def add_trace(self, trace: dict, row: int | None = None) -> None:
        trace = _spelled(trace)
        if row is not None:  # where plotly's add_trace(row=, col=1) puts it
            trace["xaxis"], trace["yaxis"] = _axis_id("x", row), _axis_id("y", row)
        self.data.append(trace)

    def update_layout(self, **props) -> None:
        _merge(self.layout, _spelled(props))

    def add_shape(self, row: int | None = None, **props) -> None:
        shape = _spelled(props)
        if row is not None:
            shape["xref"], shape["yref"] = _axis_id("x", row), _axis_id("y", row)
        self.layout["shapes"] = [*self.layout.get("shapes", []), shape]

    def add_annotation(self, **props) -> None:
        self.layout["annotations"] = [*self.layout.get("annotations", []), _spelled(props)]

    def update_xaxes(self, row: int | None = None, **props) -> None:
        self._update_axes("x", row, props)

    def update_yaxes(self, row: int | None = None, **props) -> None:
        self._update_axes("y", row, props)

    def _update_axes(self, letter: str, row: int | None, props: dict) -> None:
        rows = range(1, max(self.rows, 1) + 1) if row is None else (row,)
        for r in rows:
            key = f"{letter}axis{r if r > 1 else ''}"
            _merge(self.layout.setdefault(key, {}), _spelled(props))

    def to_dict(self) -> dict:
        return {"data": self.data, "layout": self.layout}


def _axis_id(letter: str, row: int) -> str:
    return letter if row == 1 else f"{letter}{row}"


def _spelled(props: dict) -> dict:
    """`props` as plotly stores them: a short name ("legendgrouptitle_text") spelled out as
    nested settings, and what is None left out (plotly leaves unset what is set to None)."""
    out: dict = {}
    for key, value in props.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = _spelled(value)
        *path, last = [key] if key in UNDERSCORED else key.split("_")
        _merge(out, _nested(path, {last: value}))
    return out


# plotly's settings whose own name holds an underscore (the others are short names)
UNDERSCORED = frozenset({"paper_bgcolor", "plot_bgcolor", "error_x", "error_y", "error_z"})


def _nested(path: list[str], value: dict) -> dict:
    for key in reversed(path):
        value = {key: value}
    return value


def _merge(into: dict, new: dict) -> None:
    """plotly's update: settings merged key by key into those there, lists replaced."""
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def figure(spec: dict):
    """The go.Figure of a plain figure (Spec.to_dict()): what exports and tests use."""
    import plotly.graph_objects as go

    fig = go.Figure(spec)
    if spec["layout"].get("title") == {}:
        fig.update_layout(title=None)  # what the builders did: an empty title, as given
    return fig


def as_figure(spec: Callable[..., dict]) -> Callable[..., Any]:
    """The builder of go.Figures (for exports and tests) from a builder of plain figures
    (timeline_spec, network_spec, outlet_network_spec): the same arguments, figure() of its
    result."""

    @functools.wraps(spec)
    def build(*args: Any, **kwargs: Any):
        return figure(spec(*args, **kwargs))

    build.__name__ = build.__qualname__ = spec.__name__.replace("_spec", "_figure")
    build.__doc__ = f"{spec.__name__}'s figure as a go.Figure: for exports and tests."
    return build


def dates_as_text(values: np.ndarray) -> np.ndarray:
    """An array of dates (pandas Timestamps, None where a line breaks) as the text plotly's
    JSON encoder makes of each (Timestamp.isoformat(); None stays None), all at once: the
    encoder does it one date at a time, millions of them in a large network's links. Any
    other array is returned as it is."""
    if len(values) == 0 or pd.api.types.infer_dtype(values, skipna=True) != "datetime":
        return values
    missing = pd.isna(values)
    stamps = pd.DatetimeIndex(values[~missing])
    if stamps.tz is not None:  # isoformat would add the offset: left to the encoder
        return values
    out = np.empty(len(values), dtype=object)
    out[~missing] = timescale.iso_text(stamps.as_unit("ns").asi8)
    return out


def page_ready(spec: dict) -> dict:
    """A plain figure as plotly's go.Figure(spec).to_dict() gives it (what st.plotly_chart
    sends), without making the figure: arrays as plotly keeps them (a pandas column as a numpy
    array, its time zone dropped), numeric arrays as plotly.js typed arrays (base64), the
    template by name made the template itself. `spec` is not changed."""
    import plotly.io as pio
    from _plotly_utils.basevalidators import copy_to_readonly_numpy_array
    from _plotly_utils.utils import convert_to_base64

    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, np.ndarray | pd.Series | pd.Index):
            array = copy_to_readonly_numpy_array(value)
            return dates_as_text(array) if array.dtype == object else array
        return value

    out = plain(spec)
    layout = out.setdefault("layout", {})
    if isinstance(layout.get("template"), str):
        layout["template"] = pio.templates[layout["template"]].to_plotly_json()
    convert_to_base64(out)
    return out
