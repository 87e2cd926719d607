"""Who was first, where the claim jumped, its status over time and where attribution decays."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claimtrace import analysis, diffusion
from claimtrace.analysis import Story
from claimtrace.dates import format_interval
from claimtrace.figures.common import DIMENSION_LABELS, value_label
from claimtrace.figures.stance import stance_figure
from claimtrace.figures.timeline import STATUS_LABELS
from claimtrace.filters import View
from claimtrace.model import Case
from components.lang import current, tr
from components.wording_panel import render_wording

PANEL = "analysis-panel"  # the analysis panel's open state, in session state
TABS = "analysis-tab"  # the open tab of the analysis panel, in session state


@st.cache_data(show_spinner=False, max_entries=32)
def story_of(
    content: str, _events: pd.DataFrame, _documented: pd.DataFrame, now: str = ""
) -> Story:
    """The story of the view `content` names (app.py: the case, the links shown, the filters and
    the moment), cached like the charts: the next visitor of the same view gets it at once."""
    return analysis.story(_events, _documented, now)


def _outlets(outlet_of: pd.Series, ids) -> str:
    """The outlets of these events (`outlet_of`: outlet by event id), each named once."""
    return tr(" or ").join(dict.fromkeys(outlet_of.loc[list(ids)]))


def render_analysis(
    view: View, documented: pd.DataFrame, story: Story, tz: str, case: Case, case_key: str
) -> None:
    """Who was first, the jumps, the claim's status, attribution decay and wording, in tabs;
    in a panel made only while it is open (closed, the page sends none of its tables)."""
    panel = st.expander(tr("Who was first, and how it spread"), key=PANEL, on_change="rerun")
    with panel:
        if panel.open:
            _analysis(view, documented, story, tz, case, case_key)


def _analysis(
    view: View, documented: pd.DataFrame, story: Story, tz: str, case: Case, case_key: str
) -> None:
    st.caption(
        tr(
            "From documented links only. Dates are intervals: where the earliest events cannot be put "
            "in order, all are named (a tie). An event citing another of the same group cannot be first."
        )
    )
    outlet_of = view.events.set_index("id")["outlet"]  # indexed once for every lookup below
    # Only the open tab is worked out (switching tabs reruns the page).
    firsts, jumps, status, decay, words = st.tabs(
        [tr("Firsts"), tr("Jumps"), tr("Claim status"), tr("Attribution decay"), tr("Wording")],
        key=TABS,
        on_change="rerun",
    )
    if firsts.open:
        _firsts(firsts, view, documented, outlet_of, tz)
    if jumps.open:
        _jumps(jumps, story, outlet_of)
    if status.open:
        _status(status, view, story, outlet_of, tz)
    if decay.open:
        _decay(decay, view, documented)
    if words.open:
        render_wording(words, case, case_key, view)


def _firsts(tab, view: View, documented: pd.DataFrame, outlet_of: pd.Series, tz: str) -> None:
    with tab:
        column = st.radio(
            tr("First by"),
            ["language", "country", "outlet_type"],
            format_func=lambda c: tr(DIMENSION_LABELS[c]),
            horizontal=True,
            key="firsts_by",
        )
        rows = []
        lang = current()
        for value, first in diffusion.firsts_by(view.events, documented, column).items():
            rows.append(
                {
                    tr(DIMENSION_LABELS[column]): value_label(column, value, lang),
                    tr("first"): _outlets(outlet_of, first.ids),
                    tr("when"): format_interval(first.start, first.end, "interval", tz, lang),
                    tr("tie"): tr("tie of {n}", n=len(first.ids)) if first.is_tie else "",
                    "_start": first.start,
                }
            )
        table = pd.DataFrame(rows)
        if len(table):
            table = table.sort_values("_start").drop(columns="_start")
        st.dataframe(table, hide_index=True, width="stretch", key="firsts-table")


def _jumps(tab, story: Story, outlet_of: pd.Series) -> None:
    with tab:
        lang = current()
        kinds = {"language": tr("new language"), "country": tr("new country"),
                 "state_to_independent": tr("out of state media")}  # fmt: skip

        def dimension(c: dict) -> str:
            return c["kind"] if c["kind"] != "state_to_independent" else "outlet_type"

        rows = [
            {
                tr("jump"): kinds[c["kind"]],
                tr("from"): value_label(dimension(c), c["from"], lang)
                if c["from"] != "state"
                else tr("state outlets"),
                tr("to"): value_label(dimension(c), c["to"], lang),
                tr("first there"): _outlets(outlet_of, c["events"]),
                tr("hops"): c["hops"],
                tr("hours after first appearance"): c["elapsed_hours"],
            }
            for c in story.crossings
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="jumps-table")


def _status(tab, view: View, story: Story, outlet_of: pd.Series, tz: str) -> None:
    with tab:
        lang = current()
        rows = [
            {
                tr("status"): tr(STATUS_LABELS.get(c["status"], c["status"])),
                tr("from"): format_interval(c["date"], c["by"], "interval", tz, lang),
                tr("because of"): _outlets(outlet_of, [c["event"]]),
            }
            for c in story.status
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="status-table")
        st.markdown(tr("**Share of repeating, questioning and rejecting events, per day**"))
        st.plotly_chart(
            stance_figure(view.events, tz, lang=lang),
            width="stretch",
            theme=None,
            key="stance-chart",
        )


def _decay(tab, view: View, documented: pd.DataFrame) -> None:
    with tab:
        table = diffusion.attribution(view.events, documented)
        with_inferred = diffusion.hops(view.events, view.links)
        hop_map = dict(zip(view.events["id"], with_inferred, strict=True))
        if len(table):
            by_id = view.events.set_index("id")
            yes_no = {True: tr("yes"), False: tr("no")}
            table = table.assign(
                outlet=table["id"].map(by_id["outlet"]),
                **{"hops with inferred": table["id"].map(hop_map)},
                **{"still names the origin": table["names_origin"].map(yes_no)},
            )
            decays = table[table["decays"]]
            st.markdown(
                tr("**{n} of {total}** events reached by documented links stop naming the "
                   "original source: they cite only an intermediary.", n=len(decays),
                   total=len(table))
            )  # fmt: skip
            shown = table[["outlet", "hops", "hops with inferred", "still names the origin", "via"]]
            headers = {"outlet": tr("outlet"), "hops": tr("hops"),
                       "hops with inferred": tr("hops with inferred"),
                       "still names the origin": tr("still names the origin"), "via": tr("via")}  # fmt: skip
            st.dataframe(
                shown.rename(columns=headers),
                hide_index=True,
                width="stretch",
                key="decay-table",
            )
        else:
            st.caption(tr("No documented links among the events shown."))
