"""The time axis both charts share: calendar (linear) or compressed.

A claim's life is often a few crowded days inside a long span: on a calendar axis those days
are a narrow column. The compressed scale cuts the span into bins (hours, days, weeks or
months, by its length), gives every bin with events room in proportion to its events, and
collapses each longer run of empty bins into a visible break that says how long it is
("⋯ 17 days ⋯"). Tick labels are true dates; within a bin the events are spread in the order
they happened (a source before what cites it), so a day known only as a day keeps its day.

Positions are layout pixels of the plot (0 = its left edge), for a plot `width` pixels wide:
the page and every export lay out for their own width, so labels can be placed before drawing.
The same events and width give the same scale, so the two charts share their x for a moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from claimtrace.figures.textwidth import text_px
from claimtrace.i18n import N_, Translator

SCALES = ("auto", "calendar", "compressed")
SCALE_LABELS = {"auto": N_("Automatic"), "calendar": N_("Calendar"), "compressed": N_("Compressed")}
CROWDED = 0.8  # auto: compressed when this share of the events ...
SMALL_PART = 0.25  # ... falls in at most this share of the span's bins
MAX_BINS = 100
LEFT_PAD = 16.0  # pixels before the first event
RIGHT_ROOM = 90.0  # pixels after the last event, where its label stands
BREAK_PX = 22.0  # pixels of a break's band
BREAK_FILL = "#e9ecef"
BREAK_COLOUR = "#6e7781"
EMPTY_SHARE = 0.35  # room of an empty bin inside a stretch, in events
NS = 1_000_000_000
# Bin widths, shortest first, with how a tick of each is labelled.
UNITS = (
    ("1h", "hour"),
    ("3h", "hour"),
    ("6h", "hour"),
    ("12h", "hour"),
    ("1D", "day"),
    ("W-MON", "week"),
    ("MS", "month"),
)
NOUNS = {"1h": N_("hour"), "3h": N_("3-hour period"), "6h": N_("6-hour period"),
         "12h": N_("half-day"), "1D": N_("day"), "W-MON": N_("week"), "MS": N_("month")}  # fmt: skip


UNIT_PLURALS = {"hour": N_("hours"), "3-hour period": N_("3-hour periods"),
                "6-hour period": N_("6-hour periods"), "half-day": N_("half-days"),
                "day": N_("days"), "week": N_("weeks"), "month": N_("months")}  # fmt: skip


def iso_text(ns: np.ndarray) -> list[str]:
    """Wall-clock int64 nanoseconds as pandas' Timestamp.isoformat() writes each (which is
    what plotly's JSON encoder writes of a Timestamp): seconds always, then microseconds or
    nanoseconds where there are any."""
    ns = np.asarray(ns, dtype=np.int64)
    frac = ns % 1_000_000_000
    text = np.datetime_as_string(((ns - frac) // 1_000_000_000).astype("M8[s]"), unit="s")
    return [
        t if f == 0 else f"{t}.{f // 1000:06d}" if f % 1000 == 0 else f"{t}.{f:09d}"
        for t, f in zip(text.tolist(), frac.tolist(), strict=True)
    ]


@dataclass(frozen=True)
class Break:
    """A collapsed run of empty time: pixels [x0, x1], wall-clock ns [start, end)."""

    x0: float
    x1: float
    start: int
    end: int

    @property
    def label(self) -> str:
        return self.label_in("en")

    def label_in(self, lang: str) -> str:
        """'⋯ 17 days ⋯' ('⋯ 17 Tage ⋯')."""
        return f"⋯ {duration(self.end - self.start, lang)} ⋯"


@dataclass(frozen=True)
class TimeScale:
    kind: str  # "calendar" or "compressed"
    width: float  # plot pixels
    knots_t: np.ndarray  # wall-clock ns, increasing
    knots_x: np.ndarray  # pixels
    edges: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # bin edges (ns)
    bin_x: np.ndarray = field(default_factory=lambda: np.zeros(0))  # pixels of each edge
    unit: str = "1D"  # the bins' length, a key of NOUNS
    breaks: tuple[Break, ...] = ()
    reason: str = ""
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0))  # events per bin
    lang: str = "en"  # the language of the tick labels and the caption (claimtrace.i18n)

    # -- mapping -----------------------------------------------------------------------------
    def px(self, t: np.ndarray) -> np.ndarray:
        """Pixels of wall-clock ns times (beyond the ends, the end stretches continue)."""
        t = np.asarray(t, dtype=np.float64)
        kt, kx = self.knots_t.astype(np.float64), self.knots_x
        x = np.interp(t, kt, kx)
        lo_rate = (kx[1] - kx[0]) / max(kt[1] - kt[0], 1.0)
        hi_rate = (kx[-1] - kx[-2]) / max(kt[-1] - kt[-2], 1.0)
        x = np.where(t < kt[0], kx[0] + (t - kt[0]) * lo_rate, x)
        return np.where(t > kt[-1], kx[-1] + (t - kt[-1]) * hi_rate, x)

    def time_of(self, x: np.ndarray) -> np.ndarray:
        """Wall-clock ns at pixels `x` (the inverse of px, inside the axis)."""
        return np.interp(np.asarray(x, float), self.knots_x, self.knots_t.astype(float))

    def values(self, t: np.ndarray) -> list:
        """What plotly's x gets for wall-clock ns times: dates (calendar) or pixels."""
        if self.kind == "calendar":
            return list(pd.to_datetime(np.asarray(t, dtype=np.int64)))
        return self.px(t).tolist()

    def axis_x(self, x: np.ndarray) -> list:
        """What plotly's x gets for pixel positions."""
        if self.kind == "calendar":
            return list(pd.to_datetime(self.time_of(x).astype(np.int64)))
        return np.asarray(x, float).tolist()

    def axis_text(self, x: np.ndarray) -> list:
        """axis_x, its dates as the text plotly's JSON gives them (iso_text), made at once:
        for the many points of a network's links, which would otherwise each be a Timestamp
        made and then written out one by one."""
        if self.kind == "calendar":
            return iso_text(self.time_of(x).astype(np.int64))
        return np.asarray(x, float).tolist()

    def nodes(self, start: np.ndarray, order: np.ndarray | None = None) -> np.ndarray:
        """Pixels of event points that start at `start` (wall-clock ns). Calendar: the start.
        Compressed: spread evenly over the room of their bin, in `order` (a sort key that
        puts a source before what cites it; default the start)."""
        start = np.asarray(start, dtype=np.int64)
        if self.kind == "calendar" or not len(start):
            return self.px(start)
        order = start if order is None else np.asarray(order)
        b = np.clip(np.searchsorted(self.edges, start, side="right") - 1, 0, len(self.edges) - 2)
        inside = (start >= self.edges[0]) & (start < self.edges[-1])
        x = self.px(start)
        idx = np.flatnonzero(inside)
        if not len(idx):
            return x
        rank_order = idx[np.lexsort((idx, order[idx], b[idx]))]
        bins = b[rank_order]
        first = np.searchsorted(bins, bins, side="left")
        count = np.searchsorted(bins, bins, side="right") - first
        k = np.arange(len(rank_order)) - first
        x0, x1 = self.bin_x[bins], self.bin_x[bins + 1]
        x[rank_order] = x0 + (x1 - x0) * (k + 0.5) / count
        return x

    # -- axis --------------------------------------------------------------------------------
    def axis(self) -> dict:
        """update_xaxes settings: type, range and (compressed) the ticks as true dates."""
        if self.kind == "calendar":
            lo, hi = (int(t) for t in self.knots_t)
            far = lo + (hi - lo) * self.width / self.knots_x[-1]
            settings = {"type": "date", "range": [pd.Timestamp(lo), pd.Timestamp(int(far))]}
            if self.lang != "en":  # plotly names months in English only: the ticks are given
                vals, texts = calendar_ticks(lo, int(far), self.width, self.lang)
                settings.update(tickmode="array", tickvals=vals, ticktext=texts)
            return settings
        vals, texts = self.ticks()
        return {
            "type": "linear",
            "range": [0, self.width],
            "tickmode": "array",
            "tickvals": vals,
            "ticktext": texts,
            "showgrid": False,
            "zeroline": False,
        }

    def ticks(self, size: float = 12) -> tuple[list[float], list[str]]:
        """Tick positions and labels: each break's length first (in grey, "⋯ 12 days ⋯", in
        the middle of its band), then the busiest bins (at their centres, as true dates),
        then the others where there is room, so that no label overlaps another."""
        centres = (self.bin_x[:-1] + self.bin_x[1:]) / 2
        room = np.diff(self.bin_x)
        inside_break = np.zeros(len(centres), bool)
        for b in self.breaks:
            inside_break |= (centres > b.x0) & (centres < b.x1)
        counts = self.counts if len(self.counts) == len(centres) else np.zeros(len(centres))
        candidates = [i for i in range(len(centres)) if not inside_break[i] and room[i] >= 1]
        candidates.sort(key=lambda i: (-counts[i], i))
        taken: list[tuple[float, float]] = []
        marks = []
        for b in self.breaks:
            label = b.label_in(self.lang)
            c, w = (b.x0 + b.x1) / 2, text_px(label, size) + 8
            if any(x0 < c + w / 2 and c - w / 2 < x1 for x0, x1 in taken):
                continue  # the shaded band still shows the break; its length is in the caption
            taken.append((c - w / 2, c + w / 2))
            marks.append((c, f"<span style='color:{BREAK_COLOUR}'>{label}</span>"))
        chosen = []
        for i in candidates:
            t = pd.Timestamp(int(self.edges[i]))
            w = text_px(_tick_text(t, self.unit, None, None, self.lang), size) + 8  # longest
            c = centres[i]
            if c - w / 2 < -30 or c + w / 2 > self.width + 30:
                continue
            if any(x0 < c + w / 2 and c - w / 2 < x1 for x0, x1 in taken):
                continue
            taken.append((c - w / 2, c + w / 2))
            chosen.append(i)
        last_year, last_day = None, None
        for i in sorted(chosen):
            t = pd.Timestamp(int(self.edges[i]))
            text = _tick_text(t, self.unit, last_year, last_day, self.lang)
            marks.append((float(centres[i]), text))
            last_year, last_day = t.year, t.normalize()
        marks.sort()
        return [float(c) for c, _ in marks], [text for _, text in marks]

    def decorations(self, yref: str = "y domain") -> list[dict]:
        """Shapes: a shaded band per break (its length is a tick label beneath it)."""
        if self.kind == "calendar":
            return []
        return [
            {
                "type": "rect",
                "xref": "x",
                "yref": yref,
                "x0": b.x0 + 1,
                "x1": b.x1 - 1,
                "y0": 0,
                "y1": 1,
                "fillcolor": BREAK_FILL,
                "line": {"width": 0},
                "layer": "below",
            }
            for b in self.breaks
        ]

    def describe(self) -> str:
        """A sentence for the caption: which scale, and why."""
        tr = Translator(self.lang)
        reason = f" {self.reason}" if self.reason else ""
        if self.kind == "calendar":
            return tr("Time: calendar (evenly spaced).") + reason
        n = len(self.breaks)
        gaps = (
            tr.plural(n, "; {n} empty stretch collapsed, each marked ⋯ with its length",
                      "; {n} empty stretches collapsed, each marked ⋯ with its length")
            if n
            else ""
        )  # fmt: skip
        noun = tr(NOUNS[self.unit])
        return (
            tr(
                "Time: compressed — each {unit} with events gets room by its number of events"
                "{gaps}; within {a_unit}, events in the order they appeared.",
                unit=noun,
                gaps=gaps,
                a_unit=_a(noun),
            )
            + reason
        )


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiouh" and not noun.startswith("half") else "a ") + noun


def duration(ns: int, lang: str = "en") -> str:
    """'17 days', '5 hours', '3 months', '2 years': how long a break is, in a person's unit."""
    tr = Translator(lang)
    hours = ns / NS / 3600
    days = hours / 24
    if hours < 48:
        return tr.plural(round(hours), "{n} hour", "{n} hours")
    if days < 60:
        return tr.plural(round(days), "{n} day", "{n} days")
    if days < 730:
        return tr.plural(round(days / 30.44), "{n} month", "{n} months")
    return tr.plural(round(days / 365.25), "{n} year", "{n} years")


def _tick_text(t: pd.Timestamp, unit: str, last_year, last_day, lang: str = "en") -> str:
    de = lang != "en"
    tr = Translator(lang)
    month, day = tr.month_name, tr.day_month  # "Aug", "5 Aug"; "Aug.", "5. Aug."

    if unit == "W-MON":
        end = t + pd.Timedelta(days=6)
        if t.month == end.month:
            text = f"{t.day}.–{day(end)}" if de else f"{t.day}–{end.day} {end:%b}"
        else:
            text = f"{day(t)}–{day(end)}"
        return f"{text} {end.year}" if last_year != end.year else text
    if unit.endswith("h"):
        if t.hour == 0 and t.minute == 0:  # a day's first bin: the day says it
            return day(t) + (f" {t.year}" if last_year != t.year else "")
        text = f"{t:%H:%M}"
        if last_day is None or t.normalize() != last_day:
            text = f"{day(t)} {text}"
        return text
    if unit == "MS":
        return f"{month(t)} {t.year}" if last_year != t.year else month(t)
    text = day(t)
    return f"{text} {t.year}" if last_year != t.year else text


# A calendar axis's tick steps, finest first: (pandas frequency, about how long, label unit).
CALENDAR_STEPS = (("1h", 1, "1h"), ("3h", 3, "1h"), ("6h", 6, "1h"), ("12h", 12, "1h"),
                  ("1D", 24, "1D"), ("2D", 48, "1D"), ("7D", 168, "1D"), ("14D", 336, "1D"),
                  ("MS", 730, "MS"), ("QS", 2190, "MS"), ("YS", 8766, "MS"))  # fmt: skip
TICK_GAP = 90  # pixels between a calendar axis's ticks, at least


def calendar_ticks(lo: int, hi: int, width: float, lang: str) -> tuple[list, list[str]]:
    """Ticks of a calendar axis from `lo` to `hi` (wall-clock ns) with month names in `lang`
    (plotly's own ticks are English): the finest step whose labels stand TICK_GAP px apart."""
    span_h = max(hi - lo, 1) / NS / 3600
    freq, _, unit = next(
        (step for step in CALENDAR_STEPS if width * step[1] / span_h >= TICK_GAP),
        CALENDAR_STEPS[-1],
    )
    first = pd.Timestamp(lo)
    if freq.endswith("h"):
        first = first.ceil(freq)
    elif freq.endswith("D"):
        first = first.ceil("D")
    times = pd.date_range(first, pd.Timestamp(hi), freq=freq)
    texts, last_year, last_day = [], None, None
    for t in times:
        texts.append(_tick_text(t, unit, last_year, last_day, lang))
        last_year, last_day = t.year, t.normalize()
    return list(times), texts


def _bins(lo: int, hi: int) -> tuple[np.ndarray, str]:
    """Bin edges (wall-clock ns) from before `lo` to after `hi`: the shortest unit that gives
    at most MAX_BINS bins, and that unit (a key of NOUNS)."""
    lo_t, hi_t = pd.Timestamp(lo), pd.Timestamp(hi)
    edges = None
    for freq, _ in UNITS:
        if freq == "MS":
            first = lo_t.floor("D").replace(day=1)
            edges = pd.date_range(first, hi_t + pd.offsets.MonthBegin(1), freq="MS")
        else:
            step = pd.Timedelta(days=7) if freq == "W-MON" else pd.Timedelta(freq)
            first = (
                lo_t.floor("D") - pd.Timedelta(days=lo_t.day_of_week)
                if freq == "W-MON"
                else (lo_t.floor(freq))
            )
            n = int((hi_t - first) // step) + 1
            if n > MAX_BINS:
                continue
            edges = pd.DatetimeIndex([first + step * k for k in range(n + 1)])
        if len(edges) - 1 <= MAX_BINS or freq == "MS":
            return edges.as_unit("ns").asi8.astype(np.int64), freq
    return edges.as_unit("ns").asi8.astype(np.int64), "MS"


def crowded(start: np.ndarray, lang: str = "en") -> tuple[bool, str]:
    """Whether most events crowd into a small part of their span (the automatic choice)."""
    start = np.asarray(start, np.int64)
    if len(start) < 5 or start.max() == start.min():
        return False, ""
    edges, freq = _bins(int(start.min()), int(start.max()))
    unit = NOUNS[freq]
    counts = np.bincount(np.searchsorted(edges, start, side="right") - 1, minlength=len(edges) - 1)
    ranked = np.sort(counts)[::-1]
    need = int(np.searchsorted(np.cumsum(ranked), CROWDED * len(start)) + 1)
    share = need / max(len(counts), 1)
    if share <= SMALL_PART:
        tr = Translator(lang)
        return True, tr(
            "Chosen because {share} of the events fall in {need} of the {bins} {units} of the "
            "span.",
            share=tr.percent(CROWDED),
            need=need,
            bins=len(counts),
            units=tr(UNIT_PLURALS[unit]),
        )
    return False, ""


def make(
    start: np.ndarray,
    end: np.ndarray,
    width: float,
    choice: str = "auto",
    bounds: tuple[int, int] | None = None,
    lang: str = "en",
) -> TimeScale:
    """The scale for events starting at `start` and ending at `end` (wall-clock ns), laid out
    for a plot `width` pixels wide; `bounds` (wall-clock ns) is the zoom, else the events'
    span. `choice`: auto, calendar or compressed."""
    start, end = np.asarray(start, np.int64), np.asarray(end, np.int64)
    if bounds is None:
        lo = int(start.min()) if len(start) else 0
        hi = int(max(end.max(), start.max())) if len(start) else NS * 86_400
    else:
        lo, hi = (int(b) for b in bounds)
    hi = max(hi, lo + 3600 * NS)
    keep = (start >= lo) & (start <= hi)
    reason = ""
    kind = choice
    if choice == "auto":
        squeezed, reason = crowded(start[keep], lang)
        kind = "compressed" if squeezed else "calendar"
    if kind == "calendar":
        made = _calendar(lo, hi, width, bounds is not None, reason)
    else:
        made = _compressed(start[keep], lo, hi, width, reason)
    return replace(made, lang=lang)


def _calendar(lo: int, hi: int, width: float, zoomed: bool, reason: str) -> TimeScale:
    if not zoomed:
        pad = max((hi - lo) * 0.01, 3 * 3600 * NS)
        lo, hi = int(lo - pad), int(hi + pad)
    usable = max(width - (0 if zoomed else RIGHT_ROOM), width * 0.5)
    knots_t = np.array([lo, hi], np.int64)
    knots_x = np.array([0.0, usable])
    return TimeScale("calendar", width, knots_t, knots_x, reason=reason)


def _compressed(start: np.ndarray, lo: int, hi: int, width: float, reason: str) -> TimeScale:
    edges, unit = _bins(lo, hi)
    n = len(edges) - 1
    counts = np.bincount(
        np.clip(np.searchsorted(edges, start, side="right") - 1, 0, n - 1), minlength=n
    ).astype(float)
    # Runs of empty bins: two or more in a row become a break; a single one keeps a little room.
    empty = counts == 0
    runs = []
    i = 0
    while i < n:
        if empty[i]:
            j = i
            while j < n and empty[j]:
                j += 1
            if j - i >= 2 and i > 0 and j < n:
                runs.append((i, j))
            i = j
        else:
            i += 1
    weight = np.where(empty, EMPTY_SHARE, counts)
    is_break = np.zeros(n, bool)
    for i, j in runs:
        is_break[i:j] = True
    # Leading and trailing empty bins take no room.
    nonempty = np.flatnonzero(~empty)
    if len(nonempty):
        weight[: nonempty[0]] = 0
        weight[nonempty[-1] + 1 :] = 0
    usable = width - LEFT_PAD - RIGHT_ROOM
    break_px = [BREAK_PX] * len(runs)
    total_break = sum(break_px)
    if total_break > usable * 0.3:  # many breaks: they share at most 30% of the room
        break_px = [b * usable * 0.3 / total_break for b in break_px]
        total_break = usable * 0.3
    per = (usable - total_break) / max(weight[~is_break].sum(), 1e-9)
    room = np.where(is_break, 0.0, weight * per)
    for (i, j), px in zip(runs, break_px, strict=True):
        room[i:j] = px / (j - i)
    bin_x = LEFT_PAD + np.concatenate([[0.0], np.cumsum(room)])
    breaks = tuple(
        Break(float(bin_x[i]), float(bin_x[j]), int(edges[i]), int(edges[j])) for i, j in runs
    )
    return TimeScale("compressed", width, edges, bin_x, edges, bin_x, unit, breaks, reason, counts)
