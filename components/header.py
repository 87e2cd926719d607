"""The header: the claim, the summary and the key figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claimtrace import analysis
from claimtrace.dates import format_interval
from claimtrace.filters import Filters, View
from claimtrace.model import Case
from components.text import md


def render_title(case: Case) -> None:
    """The case's title, the claim in one sentence and its summary."""
    meta = case.meta
    st.title(md(meta.title), anchor=False)
    if meta.claim:
        st.markdown(f"**The claim:** {md(meta.claim)}")
    if meta.summary:
        st.caption(md(meta.summary))


def render_key_figures(case: Case, view: View, filters: Filters, now: str = "") -> None:
    """The key figures of what is shown, counted on documented links only."""
    meta = case.meta
    figures = analysis.key_figures(view.events, view.links)
    tz = meta.timezone
    columns = st.columns([1, 1, 1, 1, 2, 2])
    columns[0].metric("Events", f"{figures['events']:,}", help="Events shown, after the filters")
    columns[1].metric("Outlets", figures["outlets"])
    columns[2].metric("Countries", figures["countries"])
    columns[3].metric("Languages", figures["languages"])
    first = figures["first_appearance"]
    columns[4].metric(
        "First appearance",
        format_interval(first.start, first.end, "interval", tz) if first else "–",
        help=analysis.describe_first(first, view.events, tz, names=6) if first else None,
    )
    english = figures["first_english"]
    elapsed = figures["to_english"]
    columns[5].metric(
        "First appearance to first in English",
        analysis.format_elapsed(*elapsed) if elapsed else "–",
        help=(
            "From the first appearance to the first English-language one: "
            + analysis.describe_first(english, view.events, tz, names=6)
            + ". A range, because the dates are intervals."
        )
        if english
        else "No English-language appearance among the events shown",
    )
    notes = [f"Data: {md(case.source.description)}", f"times in {md(tz)}"]
    if now:
        moment = pd.Timestamp(now).tz_convert(tz)
        notes.insert(0, f"**As of {md(moment.strftime('%d %b %Y %H:%M'))}**")
    if view.hidden:
        notes.append(
            f"{view.hidden} of {len(case.events)} events hidden by the filters ({md(filters.describe())})"
        )
    if case.rejected is not None and len(case.rejected):
        notes.append(f"**{len(case.rejected)} rows rejected**, see Problems below")
    st.caption(" · ".join(notes))
