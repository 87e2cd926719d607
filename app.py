"""ClaimTrace: how a claim travelled. The page reads the user's choices and calls the panels."""

from __future__ import annotations

import streamlit as st

from claimtrace.filters import apply
from components.charts import render_details, render_network, render_timeline, selected_ids
from components.header import render_header
from components.sidebar import render_case_picker, render_display, render_filters
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
view = apply(case, filters)

render_header(case, view, filters)
timeline = render_timeline(view, options, choice.key)
network = render_network(view, options, choice.key)
picked = selected_ids(timeline, network)
render_details(view, picked, case.meta.timezone)
render_events_table(case, view, picked, choice.key)
render_problems(case)
