"""ClaimTrace: how a claim travelled. The page reads the user's choices and calls the panels."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

from claimtrace.figures.network import links_read_one_by_one
from claimtrace.filters import apply, documented_only
from components import state
from components.analysis_panel import render_analysis, story_of
from components.case_editor import render_case_editor
from components.casestore import show_flash
from components.charts import highlighted, render_details, render_network, render_timeline
from components.export_panel import render_chart_download, render_export_panel
from components.header import render_key_figures, render_title
from components.inferring import inferred_links, launch_waiting, render_progress
from components.lang import current, render_switch, tr
from components.mapping_panel import missing_required, render_mapping
from components.share import render_share_link
from components.sidebar import render_case_picker, render_display, render_filters, render_inferred
from components.tables import render_events_table, render_problems
from components.text import md
from components.timecontrols import PLAY_INTERVAL, render_time_controls
from components.wording_panel import wording_hops

st.set_page_config(page_title="ClaimTrace", page_icon="🧭", layout="wide")

render_switch()
choice = render_case_picker()
case = choice.case
show_flash()
if case is None:
    st.title("ClaimTrace", anchor=False)
    st.info(
        tr(
            "Upload a spreadsheet of source events (CSV, Excel or JSON) in the sidebar, or pick "
            "the bundled case. Each row is one appearance of the claim: when, which outlet, and "
            "whom it cites."
        )
    )
    st.stop()
if case.fatal:
    st.title("ClaimTrace", anchor=False)
    st.error(tr("This file could not be read. {problem}", problem=md(case.fatal)))
    st.stop()
if choice.upload:
    render_mapping(choice.upload, choice.columns, missing_required(choice.upload, choice.columns))
if case.events.empty:
    st.title(md(case.meta.title), anchor=False)
    st.warning(
        tr(
            "No row of {file} could be loaded: {rejected} of {rows} rows were rejected. The "
            "problems below say why, row by row.",
            file=md(case.source.name),
            rejected=tr.number(len(case.rejected)),
            rows=tr.number(case.source.rows),
        )
    )
    if choice.stored:
        render_case_editor(choice.stored, case)
    render_problems(case)
    st.stop()

filters = render_filters(case, choice.filter_scope)
options = render_display(case)
inferred = render_inferred()
links = case.links
inferring = None  # inferred links still being worked out in the background
if inferred.show:
    with st.spinner(tr("Inferring likely sources…")):
        found = inferred_links(
            choice.key, case, inferred.per_event, inferred.min_confidence, current()
        )
    if found.ready:
        links = found.links
        st.sidebar.caption(md(found.report.sentence(current())))
    else:  # until then the page is what it is with inferred links off, and says so
        inferring = found
        inferred = replace(inferred, show=False)
        st.sidebar.caption(
            tr("Still being worked out; the charts show documented links until then.")
            if found.job
            else tr("Could not be worked out: {error}", error=md(found.error))
        )
view = apply(case, filters, links)  # the whole filtered case, whatever the time slider says
documented = documented_only(view)
# What the view and its story are made of (the time slider's moment aside): the same content
# gives the same story and figures.
whole = hashlib.sha256(f"{choice.key}|{case.meta!r}|{inferred!r}|{filters!r}".encode()).hexdigest()
story = story_of(whole, view.events, documented.links)
state.forget_stale(case.events["id"])
render_title(case)
if inferring is not None and inferring.job is not None:
    render_progress(inferring.job)
if choice.stored:
    render_case_editor(choice.stored, case)


@st.fragment(run_every=PLAY_INTERVAL if state.playing() else None)
def explore() -> None:
    """Everything that follows the time slider; while playing, only this part reruns."""
    clock = render_time_controls(view.events, case.meta.timezone, choice.filter_scope)
    # What the view and its story are made of: the same content gives the same figures.
    content = hashlib.sha256(
        f"{choice.key}|{case.meta!r}|{inferred!r}|{replace(filters, now=clock.now)!r}".encode()
    ).hexdigest()
    now_view, now_documented, now_story = view, documented, story  # at the end of the case
    if clock.now:  # an earlier moment: what may have appeared by then
        now_view = apply(case, replace(filters, now=clock.now), links)
        now_documented = documented_only(now_view)
        now_story = story_of(content, now_view.events, now_documented.links, clock.now)
    picked = state.picked()
    shown = replace(
        options, selected=picked, highlight=highlighted(now_view, picked), x_range=clock.x_range
    )
    render_key_figures(case, now_documented, filters, clock.now, now_story.milestones)
    # The time axis is made for the whole view, so it holds still while the slider moves.
    moment = replace(filters, now=clock.now)
    timeline = render_timeline(now_view, shown, now_story, choice.key, content, view.events)
    render_chart_download(case, now_view, moment, shown, inferred.show, "timeline", view.events)
    network = render_network(
        now_view,
        shown,
        now_story,
        choice.key,
        inferred.show,
        content,
        view.events,
        wording_hops(choice.key, case) if links_read_one_by_one(case.links) else (),
    )
    if network is not None:
        render_chart_download(case, now_view, moment, shown, inferred.show, "network", view.events)
    if not state.playing():  # exporting waits for a pause, so each step of playback stays quick
        on_screen = {"timeline": timeline, "network": network}
        render_export_panel(
            case,
            now_view,
            replace(filters, now=clock.now),
            shown,
            inferred.show,
            content,
            on_screen,
            view.events,
        )
    render_details(now_view, picked, case.meta.timezone, lambda: wording_hops(choice.key, case))
    render_share_link(case)
    render_events_table(case, now_view, picked, choice.key)


explore()
render_analysis(view, documented.links, story, case.meta.timezone, case, choice.key)
render_problems(case)
launch_waiting()  # last: a large case's inferred links, once its page is drawn
