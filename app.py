"""ClaimTrace: how a claim travelled. The page reads the user's choices and calls the panels."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from claimtrace import analysis
from claimtrace.filters import apply, documented_only
from components import loading, state
from components.analysis_panel import render_analysis
from components.charts import (
    highlighted,
    render_details,
    render_network,
    render_timeline,
)
from components.header import render_header
from components.sidebar import (
    render_case_picker,
    render_display,
    render_filters,
    render_inferred,
)
from components.tables import render_events_table, render_problems

st.set_page_config(page_title="ClaimTrace", page_icon="🧭", layout="wide")

choice = render_case_picker()
case = choice.case
if case is None:
    st.title("ClaimTrace", anchor=False)
    st.info(
        "Upload a spreadsheet of source events (CSV, Excel or JSON) in the sidebar, or pick the "
        "bundled case. Each row is one appearance of the claim: when, which outlet, and whom it cites."
    )
    st.stop()
if case.fatal:
    st.title("ClaimTrace", anchor=False)
    st.error(f"This file could not be read. {case.fatal}")
    st.stop()

filters = render_filters(case, choice.key)
options = render_display(case)
inferred = render_inferred()
links = case.links
if inferred.show:
    with st.spinner("Inferring likely sources…"):
        links = loading.links_with_inferred(
            choice.key, case, inferred.per_event, inferred.min_confidence
        )
view = apply(case, filters, links)
documented = documented_only(view)
story = analysis.story(view.events, documented.links)

state.forget_stale(set(case.events["id"]))
picked = state.picked()
options = replace(options, selected=picked, highlight=highlighted(view, picked))

render_header(case, documented, filters)
render_timeline(view, options, story, choice.key)
render_network(view, options, story, choice.key, inferred.show)
render_details(view, picked, case.meta.timezone)
render_analysis(view, documented.links, story, case.meta.timezone)
render_events_table(case, view, picked, choice.key)
render_problems(case)
