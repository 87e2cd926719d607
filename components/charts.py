"""The two charts and the details of what is selected in them."""

from __future__ import annotations

import streamlit as st

from claimtrace import analysis, schema
from claimtrace.dates import format_interval
from claimtrace.figures.common import Options, value_label
from claimtrace.figures.network import network_figure
from claimtrace.figures.timeline import cited_by_map, timeline_figure
from claimtrace.filters import View
from components.text import md, safe_url

CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d"],
}


def selected_ids(*selections) -> tuple[str, ...]:
    """Event ids picked in any chart (click, box or lasso)."""
    out: dict[str, None] = {}
    for selection in selections:
        if not selection:
            continue
        points = (
            selection.get("selection", {}).get("points", []) if hasattr(selection, "get") else []
        )
        for point in points:
            custom = point.get("customdata")
            if isinstance(custom, list):
                custom = custom[0] if custom else None
            if isinstance(custom, str) and not custom.startswith("external:"):
                out.setdefault(custom, None)
    return tuple(out)


def render_timeline(view: View, options: Options, key: str):
    st.subheader("Timeline", anchor=False)
    st.caption(
        "One lane per "
        + {"outlet_type": "outlet type", "country": "country", "language": "language"}[
            options.lanes
        ]
        + "; shape = stance, colour = "
        + options.colour.replace("_", " ")
        + ". A bar is a date known only as a range. Click or drag to select events."
    )
    fig = timeline_figure(
        view.events, view.links, options, analysis.milestones(view.events, view.links)
    )
    return st.plotly_chart(
        fig,
        width="stretch",
        theme=None,  # our own theme, so the screen matches the exported file
        on_select="rerun",
        selection_mode=("points", "box"),
        key=f"timeline-{key}",
        config=CONFIG,
    )


def render_network(view: View, options: Options, key: str):
    st.subheader("Diffusion network", anchor=False)
    st.caption(
        "An arrow runs from the cited event to the one citing it; time runs left to right. "
        "Squares at the bottom are sources cited but not in the data."
    )
    fig = network_figure(view.events, view.links, view.externals, options)
    return st.plotly_chart(
        fig,
        width="stretch",
        theme=None,  # our own theme, so the screen matches the exported file
        on_select="rerun",
        selection_mode=("points", "box"),
        key=f"network-{key}",
        config=CONFIG,
    )


def render_details(view: View, ids: tuple[str, ...], tz: str) -> None:
    """Details of the selected events: everything a journalist needs to check them."""
    if not ids:
        st.info(
            "Select events in either chart (click a point, or drag a box) to see their details here."
        )
        return
    events = view.events.set_index("id")
    cited_by = cited_by_map(view.events, view.links)
    shown = [i for i in ids if i in events.index]
    st.subheader(f"Selected: {len(shown)} event{'s' if len(shown) != 1 else ''}", anchor=False)
    for event_id in shown[:20]:
        r = events.loc[event_id]
        when = format_interval(r["date"], r["date_end"], r["date_precision"], tz)
        with st.container(border=True):
            st.markdown(
                f"**{md(r['outlet'])}** · {md(when)} · {md(value_label('outlet_type', r['outlet_type']))}"
            )
            if r["headline"]:
                st.markdown(f"“{md(r['headline'])}”")
            facts = [
                f"Country: {md(value_label('country', r['country']))}",
                f"Language: {md(value_label('language', r['language']))}",
                f"Stance: {md(schema.label('stance', r['stance']) or 'not given')}",
                f"Evidence: {md(schema.label('evidence', r['evidence']) or 'not given')}",
            ]
            st.caption(" · ".join(facts))
            if r["cites"]:
                st.markdown(f"Cites: {md(r['cites'])}")
            if event_id in cited_by:
                st.markdown(f"Cited by: {md(', '.join(cited_by[event_id]))}")
            url = safe_url(r["url"])
            if url:
                st.markdown(f"[Open the source ↗]({url})")
            elif r["url"]:
                st.caption(f"Link (not a web address, shown as text): {md(r['url'])}")
            if r["notes"]:
                st.caption(f"Notes: {md(r['notes'])}")
    if len(shown) > 20:
        st.caption(f"… and {len(shown) - 20} more; see the table below.")
