"""Time: a slider that sets "now", a play control that steps through the case, and a zoom."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import state
from components.lang import tr

PLAY_INTERVAL = 0.9  # seconds between two steps while playing
MAX_STEPS = 2500  # more steps than this and the step grows (a slider cannot show more)
UNITS = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1)}
LABEL = "%Y-%m-%d %H:%M"
LAST_MOMENT = "_time_last_moment"  # the slider's last moment in the previous run
LAST_DAYS = "_time_last_days"  # the zoom's whole range in the previous run
CASE_KEY = "_time_case_key"  # the content key of the case the time controls were set for


@dataclass(frozen=True)
class Clock:
    now: str  # ISO instant in UTC, or "" for "the end of the case"
    x_range: tuple[str, str]  # wall-clock time axis of both charts (the zoom, or the whole case)


def steps(events: pd.DataFrame, tz: str, unit: str) -> list[str]:
    """Wall-clock moments from the first event's start to the last one's end, one per step."""
    if events.empty:
        return []
    start = events["date"].min().tz_convert(tz).tz_localize(None).floor("D")
    end = events["date_end"].max().tz_convert(tz).tz_localize(None).ceil("D")
    step = UNITS[unit]
    while (end - start) / step > MAX_STEPS:
        step *= 2
    return [t.strftime(LABEL) for t in pd.date_range(start, end, freq=step)]


def to_utc(label: str, tz: str) -> str:
    local = pd.Timestamp(label).tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    return local.tz_convert("UTC").isoformat()


def render_time_controls(events: pd.DataFrame, tz: str, case_key: str) -> Clock:
    """The time slider, play/pause, speed and zoom; advances one step per run while playing.

    Another case (`case_key`) starts at its end, not zoomed: a moment of the previous file that
    happens to lie inside the new one would otherwise hide the new file's later events."""
    if events.empty:
        return Clock("", ())
    previous = st.session_state.get(CASE_KEY)  # None on a session's first run: a link's view
    fresh = previous is not None and previous != case_key
    st.session_state[CASE_KEY] = case_key
    play, speed, slider = st.columns([1.2, 2.6, 6.2], vertical_alignment="bottom")
    unit = (
        speed.segmented_control(
            tr("Step"),
            ["hour", "day"],
            default="day",
            format_func=lambda u: tr("1 hour per step") if u == "hour" else tr("1 day per step"),
            key="step",
            bind="query-params",
        )
        or "day"
    )
    moments = steps(events, tz, unit)
    current = st.session_state.get("now")
    # At the end it stays at the end: a filter that shortens or lengthens the case moves the end.
    at_end = current is not None and current == st.session_state.get(LAST_MOMENT)
    if fresh or at_end or current not in moments:
        st.session_state["now"] = moments[-1]
    st.session_state[LAST_MOMENT] = moments[-1]
    if state.playing():
        index = moments.index(st.session_state["now"])
        if index + 1 < len(moments):
            st.session_state["now"] = moments[index + 1]
        else:
            state.set_playing(False)
            st.rerun()  # the whole page, so the fragment stops its timer
    playing = state.playing()
    if play.button(
        tr("Pause") if playing else tr("Play"),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        key="play",
        width="stretch",
    ):
        if not playing and st.session_state["now"] == moments[-1]:
            st.session_state["now"] = moments[0]  # play from the start
        state.set_playing(not playing)
        st.rerun()
    now = slider.select_slider(
        tr("Now ({tz}): the charts show what may have appeared by then", tz=tz),
        moments,
        key="now",
        bind="query-params",
    )
    days = [m for m in moments if m.endswith("00:00")] or moments
    if days[-1] != moments[-1]:
        days.append(moments[-1])
    zoom_col, reset_col = st.columns([9, 1], vertical_alignment="bottom")
    zoom = st.session_state.get("zoom")
    whole = zoom is not None and tuple(zoom) == st.session_state.get(LAST_DAYS)  # not zoomed
    if zoom and (fresh or whole or any(z not in days for z in zoom)):
        st.session_state["zoom"] = (days[0], days[-1])
    st.session_state[LAST_DAYS] = (days[0], days[-1])
    # A default only before the slider has a value of its own (a link's zoom, or the last one).
    first = {} if zoom else {"value": (days[0], days[-1])}
    lo, hi = zoom_col.select_slider(
        tr("Zoom both charts to"), days, key="zoom", bind="query-params", **first
    )
    if reset_col.button(tr("Reset zoom"), key="reset-zoom", width="stretch"):
        st.session_state["zoom"] = (days[0], days[-1])
        st.rerun(scope="fragment")
    if (lo, hi) == (days[0], days[-1]):
        # Not zoomed: the whole case, fixed, so the charts do not rescale while playing.
        lo_t = events["date"].min().tz_convert(tz).tz_localize(None)
        hi_t = events["date_end"].max().tz_convert(tz).tz_localize(None)
    else:
        lo_t, hi_t = pd.Timestamp(lo), pd.Timestamp(hi)
    pad = max((hi_t - lo_t) * 0.02, pd.Timedelta(hours=6))
    return Clock(
        "" if now == moments[-1] else to_utc(now, tz),
        ((lo_t - pad).isoformat(), (hi_t + pad).isoformat()),
    )
