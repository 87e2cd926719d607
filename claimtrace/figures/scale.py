"""Large cases: which events a chart draws one by one, and what it shows of the rest.

A browser draws a few thousand points at once with ease; 100,000 points with their hover texts
make a page of tens of megabytes that can no longer be read point by point anyway. Above
MAX_POINTS events a chart therefore draws a thinned set and says so in the figure itself (so the
note travels into every export): "Showing 5,000 of 100,000 events; zoom to see all in a range".

What is always drawn: the events the story is about (every event of a milestone, of a jump,
each event whose stance is `originates`) and the events the user picked. Then the highlighted
paths of the picked events, then an even sample of the others, spread over lanes and time: each
lane gets an equal share of the room (a sparse lane keeps all its events), each lane's share is
spread equally over its stretches of time (a crowded hour gives up most of its own), and within a
stretch the events are taken evenly in time. The choice depends on nothing but the input: the
same events give the same picture. The timeline still shows every event, as counts: a shaded
band per lane (see `density`) whose cells add up to the events in the chart's time range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from claimtrace import lookup
from claimtrace.analysis import Story
from claimtrace.figures import theme
from claimtrace.i18n import Translator

MAX_POINTS = 5_000  # events drawn one by one in one chart
WEBGL_FROM = 1_000  # points in one trace from which WebGL draws them, not SVG
WEBGL_MAX_PX = 4_000  # plot height (layout pixels) up to which WebGL is used (2x screens: 8,000)
TIME_BINS = 240  # columns of the lanes x time grid used to spread the sample and to count


@dataclass(frozen=True)
class Thinned:
    """The events a chart draws one by one, out of how many."""

    events: pd.DataFrame  # the drawn events, in the order of the input
    total: int  # the events of the chart (after the filters)

    @property
    def thinned(self) -> bool:
        return len(self.events) < self.total

    def note(self, aside: str = "", lang: str = "en") -> str:
        """'Showing 5,000 of 100,000 events; zoom to see all in a range' ('' when all are)."""
        if not self.thinned:
            return ""
        tr = Translator(lang)
        shown = tr("Showing {shown} of {total} events", shown=tr.number(len(self.events)),
                   total=tr.number(self.total))  # fmt: skip
        return shown + (f" ({aside})" if aside else "") + tr("; zoom to see all in a range")


def story_ids(story: Story | None) -> set[str]:
    """The events the story is about: every event of a milestone (ties too) and of a jump."""
    if story is None:
        return set()
    ids = {i for m in story.milestones for i in m.first.ids}
    ids.update(i for c in story.crossings for i in c["events"])
    return ids


def thin(
    events: pd.DataFrame,
    lane: str,
    story: Story | None = None,
    picked: tuple[str, ...] = (),
    highlight: tuple[str, ...] = (),
    x_range: tuple[str, str] | tuple[()] = (),
    tz: str = "UTC",
    budget: int | None = None,
) -> Thinned:
    """At most about `budget` (default MAX_POINTS) of `events`, more only when the events that
    must be drawn are more: see the module's docstring. `lane` is the column the chart has
    lanes for; `x_range` (wall-clock ISO bounds in `tz`, the zoom) limits the sample to what
    the chart shows."""
    budget = MAX_POINTS if budget is None else budget
    total = len(events)
    if total <= budget:
        return Thinned(events, total)
    must = lookup.member(events["id"], [*story_ids(story), *picked])
    must |= (events["stance"] == "originates").to_numpy(dtype=bool)
    start = _wall_clock(events["date"], tz)
    end = _wall_clock(events["date_end"], tz)
    visible = np.ones(total, dtype=bool)
    if x_range:
        lo, hi = (pd.Timestamp(t).as_unit("ns").value for t in x_range)
        visible = (end >= lo) & (start <= hi)
    chosen = must.copy()
    room = budget - int(must.sum())
    if room > 0 and highlight:
        paths = np.flatnonzero(lookup.member(events["id"], highlight) & visible & ~chosen)
        chosen[paths[:room]] = True
        room -= min(room, len(paths))
    rest = np.flatnonzero(visible & ~chosen)
    if room > 0 and len(rest):
        lanes = pd.factorize(events[lane].iloc[rest])[0]
        lo, hi = start[rest].min(), start[rest].max()
        bins = np.minimum(((start[rest] - lo) * TIME_BINS) // max(hi - lo, 1), TIME_BINS - 1)
        chosen[rest[_spread(lanes, bins, start[rest], room)]] = True
    return Thinned(events[chosen], total)


def _spread(lane: np.ndarray, column: np.ndarray, when: np.ndarray, room: int) -> np.ndarray:
    """Positions of at most `room` items: an equal share of the room per lane, each lane's
    share equally over its time bins (`column`), and in each cell items taken evenly in time."""
    if len(lane) <= room:
        return np.arange(len(lane))
    lanes, lane_size = np.unique(lane, return_counts=True)
    lane_share = _share(lane_size, room)
    cells, cell_of, cell_size = np.unique(lane * TIME_BINS + column, return_inverse=True,
                                          return_counts=True)  # fmt: skip
    cell_lane = np.searchsorted(lanes, cells // TIME_BINS)
    cell_share = np.zeros(len(cells), dtype=np.int64)
    for k in range(len(lanes)):
        mine = np.flatnonzero(cell_lane == k)
        cell_share[mine] = _share(cell_size[mine], int(lane_share[k]))
    return _evenly(cell_of, cell_size, cell_share, when)


def _share(counts: np.ndarray, room: int) -> np.ndarray:
    """Water-filling: the largest equal share q with sum(min(count, q)) <= room for each, and
    what room is left one each to the groups that have more, evenly spread over them."""
    if counts.sum() <= room:
        return counts.copy()
    lo, hi = 0, int(counts.max())
    while lo < hi:
        q = (lo + hi + 1) // 2
        if np.minimum(counts, q).sum() <= room:
            lo = q
        else:
            hi = q - 1
    share = np.minimum(counts, lo)
    spare = room - int(share.sum())
    more = np.flatnonzero(counts > share)
    if spare:
        share[more[_evenly_spaced(len(more), spare)]] += 1
    return share


def _evenly_spaced(n: int, k: int) -> np.ndarray:
    """k of the positions 0..n-1, evenly spread: floor((2j + 1) n / 2k) for j < k."""
    return (2 * np.arange(k) + 1) * n // (2 * k)


def _evenly(group: np.ndarray, size: np.ndarray, share: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Positions of `share[g]` items of each group g, evenly through the group in time order."""
    order = np.lexsort((when, group))
    first = np.searchsorted(group[order], np.arange(len(size)))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - first[group[order]]
    n, k = size[group], share[group]
    # Taken: ranks floor((2j + 1) n / 2k), j < k. The first j at or after `rank`: (2j+1) n >= 2k rank.
    j = np.maximum(0, -((n - 2 * k * rank) // (2 * n)))
    taken = (j < k) & ((2 * j + 1) * n // np.maximum(2 * k, 1) == rank)
    return np.flatnonzero(taken)


def density(
    events: pd.DataFrame, lane_codes: np.ndarray, lanes: int, tz: str, bounds: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Events counted per lane and time bin: (counts[lanes, TIME_BINS], bin edges as int64
    wall-clock nanoseconds). Each event counts once, at its earliest moment, in the bin holding
    it; `bounds` (wall-clock nanoseconds) are the time axis, and events outside it are not
    counted."""
    lo, hi = bounds
    edges = np.linspace(lo, hi, TIME_BINS + 1).astype(np.int64)
    start = _wall_clock(events["date"], tz)
    inside = (start >= lo) & (start <= hi)
    column = np.clip(np.searchsorted(edges, start[inside], side="right") - 1, 0, TIME_BINS - 1)
    counts = np.zeros((lanes, TIME_BINS), dtype=np.int64)
    np.add.at(counts, (lane_codes[inside], column), 1)
    return counts, edges


def trace_type(points: int, plot_px: float = 0) -> str:
    """The trace type for this many points: WebGL ("scattergl") from WEBGL_FROM on, SVG
    ("scatter") below, and SVG too in a plot taller than WEBGL_MAX_PX (`plot_px`): a WebGL
    canvas taller than the browser allows is squeezed, and its points are drawn in the wrong
    place."""
    return "scattergl" if points >= WEBGL_FROM and plot_px <= WEBGL_MAX_PX else "scatter"


def scatter(points: int, plot_px: float = 0) -> type[go.Scatter] | type[go.Scattergl]:
    """The plotly class of trace_type(points, plot_px)."""
    return go.Scattergl if trace_type(points, plot_px) == "scattergl" else go.Scatter


def scatter_trace(count: int, plot_px: float = 0, **props) -> dict:
    """A scatter trace of `count` points as a plain dict (common.Spec): trace_type's."""
    return {"type": trace_type(count, plot_px), **props}


def vector(fig: go.Figure) -> go.Figure:
    """`fig` with its WebGL traces as SVG ones, for files: vector points in SVG and PDF, and no
    canvas limit at 3x. The same points, colours and shapes; `fig` is not changed."""
    if not any(trace.type == "scattergl" for trace in fig.data):
        return fig
    data = [
        go.Scatter({k: v for k, v in trace.to_plotly_json().items() if k != "type"})
        if trace.type == "scattergl"
        else trace
        for trace in fig.data
    ]
    return go.Figure(data=data, layout=fig.layout)


def segments(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Line segments as one trace's coordinates: start, end, None (a break), for each pair."""
    out = np.empty(3 * len(start), dtype=object)
    out[0::3], out[1::3], out[2::3] = start, end, None
    return out


def add_note(fig, text: str, above: float) -> None:
    """The note on what a thinned chart draws, at its top left, `above` pixels over the plot."""
    fig.add_annotation(
        text=f"<i>{text}</i>",
        x=0,
        xref="paper",
        xanchor="left",
        y=1,
        yref="paper",
        yanchor="bottom",
        yshift=above,
        showarrow=False,
        font={"size": theme.SMALL_SIZE, "color": theme.MUTED},
        bgcolor="rgba(255,255,255,0.9)",
        name="thinned",
    )


def every(n: int, budget: int) -> np.ndarray:
    """Positions 0..n-1 thinned evenly to at most `budget`, first and last kept."""
    if n <= budget:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, budget).round().astype(np.int64))


def _wall_clock(times: pd.Series, tz: str) -> np.ndarray:
    """UTC times as int64 nanoseconds of the wall clock in `tz` (what the time axis shows)."""
    local = times.dt.tz_convert(tz).dt.tz_localize(None).dt.as_unit("ns")
    return local.to_numpy().view(np.int64)
