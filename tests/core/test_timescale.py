"""The time axis both charts share: calendar or compressed, and the automatic choice."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from claimtrace.figures import timescale
from claimtrace.figures.textwidth import text_px

DAY = 86_400 * timescale.NS


def _ns(*days: float) -> np.ndarray:
    base = pd.Timestamp("2022-08-01").value
    return np.array([base + int(d * DAY) for d in days], np.int64)


def burst_and_tail() -> np.ndarray:
    """30 events in three days, then one a month later and one two months later."""
    return _ns(*np.linspace(0, 3, 30), 33, 61)


def test_a_burst_in_a_long_span_gets_the_compressed_scale_and_says_why() -> None:
    start = burst_and_tail()
    scale = timescale.make(start, start, 640)
    assert scale.kind == "compressed"
    assert "Chosen because" in scale.describe() and "compressed" in scale.describe()
    # The three busy days take most of the width; the empty month is a narrow break.
    busy = scale.px(_ns(3))[0] - scale.px(_ns(0))[0]
    assert busy > 0.6 * (640 - timescale.LEFT_PAD - timescale.RIGHT_ROOM)
    assert scale.breaks and all(b.x1 - b.x0 <= timescale.BREAK_PX + 1e-9 for b in scale.breaks)
    assert scale.breaks[0].label == "⋯ 29 days ⋯"


def test_evenly_spread_events_keep_the_calendar() -> None:
    start = _ns(*range(0, 60, 2))
    scale = timescale.make(start, start, 640)
    assert scale.kind == "calendar"
    assert scale.describe().startswith("Time: calendar")


@pytest.mark.parametrize("choice", ["calendar", "compressed"])
def test_the_user_choice_wins_over_the_automatic_one(choice: str) -> None:
    start = burst_and_tail()
    assert timescale.make(start, start, 640, choice).kind == choice


def test_time_runs_left_to_right_and_maps_back() -> None:
    start = burst_and_tail()
    scale = timescale.make(start, start, 640, "compressed")
    t = np.sort(np.concatenate([start, _ns(10, 20, 45)]))
    x = scale.px(t)
    assert np.all(np.diff(x) >= 0)
    inside = (x >= 0) & (x <= scale.width)
    back = scale.time_of(x[inside])
    assert np.allclose(back, t[inside], atol=1e3)


def test_events_of_one_bin_are_spread_in_the_order_given() -> None:
    start = _ns(0, 0, 0, 0, 5, 40)  # four on one day (a day known only as a day)
    scale = timescale.make(start, start, 640, "compressed")
    order = np.array([3, 2, 1, 0, 4, 5], float)  # e.g. what cites what
    x = scale.nodes(start, order)
    assert len(set(np.round(x[:4], 3))) == 4, "points of one day must not sit on each other"
    assert list(np.argsort(x[:4])) == [3, 2, 1, 0]
    day = (scale.px(_ns(0))[0], scale.px(_ns(1))[0])
    assert all(day[0] <= v <= day[1] for v in x[:4]), "an event leaves its day"


def test_ticks_are_true_dates_that_do_not_overlap() -> None:
    start = burst_and_tail()
    scale = timescale.make(start, start, 640, "compressed")
    vals, texts = scale.ticks()
    assert vals == sorted(vals)
    dated = [t for t in texts if "⋯" not in t]
    assert "1 Aug 2022" in dated
    plain = [re.sub(r"<[^>]+>", "", t) for t in texts]
    spans = [
        (v - text_px(t, 12) / 2, v + text_px(t, 12) / 2) for v, t in zip(vals, plain, strict=True)
    ]
    for (_, a1), (b0, _) in itertools.pairwise(spans):
        assert a1 <= b0 + 1, (texts, vals)


def test_an_interval_across_a_break_is_drawn_across_it() -> None:
    start = burst_and_tail()
    scale = timescale.make(start, start, 640, "compressed")
    a, b = scale.px(_ns(1, 50))
    first_break = scale.breaks[0]
    assert a < first_break.x0 and b > first_break.x1


@pytest.mark.parametrize(
    ("ns", "text"),
    [(5 * 3600 * timescale.NS, "5 hours"), (17 * DAY, "17 days"), (95 * DAY, "3 months"),
     (800 * DAY, "2 years"), (3600 * timescale.NS, "1 hour")],
)  # fmt: skip
def test_a_break_says_its_length_in_a_persons_unit(ns: int, text: str) -> None:
    assert timescale.duration(ns) == text


def test_same_input_same_scale() -> None:
    start = burst_and_tail()
    a, b = timescale.make(start, start, 640), timescale.make(start.copy(), start.copy(), 640)
    assert np.array_equal(a.knots_x, b.knots_x) and a.ticks() == b.ticks()
