"""The header: the claim, the summary and the key figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claimtrace import analysis
from claimtrace.dates import format_interval
from claimtrace.filters import Filters, View
from claimtrace.model import Case
from components.lang import current, tr
from components.text import md


def render_title(case: Case) -> None:
    """The case's title, the claim in one sentence and its summary."""
    meta = case.meta
    st.title(md(meta.title), anchor=False)
    if meta.claim:
        st.markdown(tr("**The claim:** {claim}", claim=md(meta.claim)))
    if meta.summary:
        st.caption(md(meta.summary))


def render_key_figures(case: Case, view: View, filters: Filters, now: str = "", found=None) -> None:
    """The key figures of what is shown, counted on documented links only. `found`: the
    milestones of these events and links (their story's), when already worked out."""
    meta = case.meta
    figures = analysis.key_figures(view.events, view.links, found)
    tz = meta.timezone
    lang = current()
    columns = st.columns([1, 1, 1, 1, 2, 2])
    columns[0].metric(
        tr("Events"), tr.number(figures["events"]), help=tr("Events shown, after the filters")
    )
    columns[1].metric(tr("Outlets"), figures["outlets"])
    columns[2].metric(tr("Countries"), figures["countries"])
    columns[3].metric(tr("Languages"), figures["languages"])
    first = figures["first_appearance"]
    columns[4].metric(
        tr("First appearance"),
        format_interval(first.start, first.end, "interval", tz, lang) if first else "–",
        help=analysis.describe_first(first, view.events, tz, lang, names=6) if first else None,
    )
    english = figures["first_english"]
    elapsed = figures["to_english"]
    columns[5].metric(
        tr("First appearance to first in English"),
        analysis.format_elapsed(*elapsed, lang) if elapsed else "–",
        help=tr(
            "From the first appearance to the first English-language one: {first}. A range, "
            "because the dates are intervals.",
            first=analysis.describe_first(english, view.events, tz, lang, names=6),
        )
        if english
        else tr("No English-language appearance among the events shown"),
    )
    notes = [
        tr("Data: {source}", source=md(case.source.description)),
        tr("times in {tz}", tz=md(tz)),
    ]
    if now:
        moment = pd.Timestamp(now).tz_convert(tz)
        # English as it always read ("05 Aug 2022 13:00"); other languages by Babel's forms.
        day = moment.strftime("%d %b %Y") if lang == "en" else tr.date(moment.date())
        when = f"{day} {moment:%H:%M}"
        notes.insert(0, tr("**As of {moment}**", moment=md(when)))
    if view.hidden:
        notes.append(
            tr("{hidden} of {total} events hidden by the filters ({filters})",
               hidden=tr.number(view.hidden), total=tr.number(len(case.events)),
               filters=md(filters.describe(lang)))
        )  # fmt: skip
    if case.rejected is not None and len(case.rejected):
        notes.append(
            tr("**{n} rows rejected**, see Problems below", n=tr.number(len(case.rejected)))
        )
    st.caption(" · ".join(notes))
