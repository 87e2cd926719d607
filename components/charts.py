"""The two charts, linked: what is picked in one is highlighted in both, with its paths."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

from claimtrace import diffusion, schema
from claimtrace.analysis import Story
from claimtrace.dates import format_interval
from claimtrace.figures.common import DIMENSION_LABELS, Options, page_ready, value_label
from claimtrace.figures.network import network_spec, outlet_network_spec
from claimtrace.figures.timeline import cited_by_map, timeline_spec
from claimtrace.filters import View
from claimtrace.i18n import N_
from components import state
from components.lang import current, tr
from components.text import md, safe_url
from components.wording_panel import render_hop

CONFIG = {
    "displaylogo": False,
    # No camera: its image would carry no title, no source and no footer. The button under each
    # chart (export_panel.render_chart_download) gives the stamped image instead.
    "modeBarButtonsToRemove": ["lasso2d", "autoScale2d", "toImage"],
}


def selected_ids(*selections) -> tuple[str, ...]:
    """Event ids picked in any chart (click, box or lasso); external sources are left out."""
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
            if isinstance(custom, str) and not custom.startswith(diffusion.EXTERNAL_PREFIX):
                out.setdefault(custom, None)
    return tuple(out)


def _remember(chart_key: str) -> None:
    """on_select: keep what the user picked. An empty selection (a re-drawn chart, a
    double-click) does not clear it; the Clear button does."""
    picked = selected_ids(st.session_state.get(chart_key))
    if picked:
        state.set_picked(picked)


def highlighted(view: View, picked: tuple[str, ...]) -> tuple[str, ...]:
    """The picked events and their paths: the chain back to the origin(s) and what they fed."""
    out: dict[str, None] = dict.fromkeys(picked)
    for event_id in picked:
        up, down = diffusion.lineage(view.links, event_id)
        out.update(dict.fromkeys(up))
        out.update(dict.fromkeys(down))
    return tuple(out)


class Drawn(BaseFigure):
    """A figure as the page sends it (common.page_ready: plain dictionaries), handed to
    st.plotly_chart, which asks a plotly figure for its to_dict() and sends that. Given the
    dictionary itself, st.plotly_chart would make a go.Figure of it and check every value
    again (most of a large chart's time); the builders made it right. Only to_dict works on
    it: `figure()` makes the go.Figure (the export panel measures it)."""

    def __init__(self, ready: dict) -> None:  # plotly's own __init__ would check it all
        self._ready = ready

    def to_dict(self) -> dict:
        return self._ready

    def figure(self) -> go.Figure:
        return go.Figure(self._ready)

    @property
    def meta(self) -> dict:
        return self._ready["layout"].get("meta") or {}


# The figures are cached as plain dictionaries: a go.Figure is pickled as its to_dict() and
# made again, checked, each time it is read from the cache.
@st.cache_data(show_spinner=False, max_entries=32)
def _timeline(content: str, options: Options, _view: View, _story: Story, _basis) -> dict:
    """The timeline of the view `content` names (see app.py), cached: the next visitor of the
    same view, or a return to it, gets the figure without drawing it again. `_basis`: the
    events the time axis is made for (the view before the time slider: `content` names it)."""
    return page_ready(timeline_spec(_view.events, _view.links, options, _story, basis=_basis))


@st.cache_data(show_spinner=False, max_entries=32)
def _network(
    content: str, options: Options, _view: View, _story: Story, _basis, _drifts=()
) -> dict:
    """The events network of the view `content` names, cached like _timeline; `_drifts`: the
    case's wording hops (the case is part of `content`)."""
    return page_ready(network_spec(_view.events, _view.links, _view.externals, options, _story,
                                   basis=_basis, drifts=_drifts))  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=16)
def _outlets(content: str, options: Options, _view: View) -> dict:
    return page_ready(outlet_network_spec(_view.events, _view.links, options))


def _noun(label: str) -> str:
    """A dimension's name inside a sentence: lower case in English, as written in German."""
    return tr(label).lower() if current() == "en" else tr(label)


def render_timeline(
    view: View, options: Options, story: Story, key: str, content: str, basis=None
) -> Drawn:
    """The timeline, as drawn (the export panel measures it rather than drawing it again).

    `content` names what the view and its story are made of (the case, the links shown, the
    filters, the moment): the same content and options give the same figure."""
    st.subheader(tr("Timeline"), anchor=False)
    fig = Drawn(_timeline(content, options, view, story, basis))
    st.caption(
        tr(
            "One lane per {lanes}; shape = stance, colour = {colour}. A bar is a date known only "
            "as a range. Dashed lines mark milestones, hexagons the jumps into a new language. "
            "Click a point or drag a box to pick events. ",
            lanes=_noun(DIMENSION_LABELS[options.lanes]),
            colour=_noun(DIMENSION_LABELS[options.colour]),
        )
        + fig.meta.get("scale", "")
    )
    chart_key = f"timeline-{key}"
    st.plotly_chart(
        fig,
        width="stretch",
        theme=None,  # our own theme, so the screen matches the exported file
        on_select=lambda: _remember(chart_key),
        selection_mode=("points", "box", "lasso"),
        key=chart_key,
        config=CONFIG,
    )
    return fig


def render_network(
    view: View,
    options: Options,
    story: Story,
    key: str,
    inferred: bool,
    content: str,
    basis=None,
    drifts=(),
) -> Drawn | None:
    """The events network, as drawn; None when the outlets network is shown instead.
    `drifts`: the case's wording hops, marked where the wording hardened."""
    st.subheader(tr("Diffusion network"), anchor=False)
    mode = st.segmented_control(
        tr("Network of"),
        [N_("Events"), N_("Outlets")],
        format_func=tr,
        default="Events",
        key="network_mode",
        help=tr("Events: one node per appearance. Outlets: one node per outlet, links weighted."),
    )
    dashed = (
        tr(" Dashed, lighter arrows are inferred links, not documented ones.") if inferred else ""
    )
    if mode == "Outlets":
        st.caption(
            tr(
                "One node per outlet (size: number of its events), at its first appearance; a "
                "line's width counts the links between two outlets."
            )
            + dashed
        )
        fig = Drawn(_outlets(content, options, view))
        st.plotly_chart(fig, width="stretch", theme=None, key=f"outlets-{key}", config=CONFIG)
        return None
    fig = Drawn(_network(content, options, view, story, basis, drifts))
    meta = fig.meta
    named = ""
    if options.labels and meta.get("unlabelled"):
        named = tr(
            " {unlabelled} of {n} events are unlabelled where a name would cover another name, a "
            "point or a link; the origins, milestones, fact-checks and hubs are named first. "
            "Hover a point for its outlet, or see the table below.",
            unlabelled=tr.number(meta["unlabelled"]),
            n=tr.number(meta["unlabelled"] + meta["labelled"]),
        )
    marks = (
        tr(" An open diamond on a link: the wording hardened there (hover it to see how).")
        if any(t.get("legendgroup") == "wording" for t in fig.to_dict()["data"])
        else ""
    )
    st.caption(
        tr(
            "An arrow runs from the cited event to the one citing it; time runs left to right, "
            "on the timeline's axis. Squares at the bottom are sources cited but not in the data."
        )
        + dashed
        + marks
        + named
        + " "
        + meta.get("scale", "")
    )
    chart_key = f"network-{key}"
    st.plotly_chart(
        fig,
        width="stretch",
        theme=None,
        on_select=lambda: _remember(chart_key),
        selection_mode=("points", "box", "lasso"),
        key=chart_key,
        config=CONFIG,
    )
    return fig


def _origins_not_reached(view: View, chain: list[dict]) -> list[str]:
    """Outlets of the events marked as originating the claim that `chain` does not reach."""
    marked = view.events[view.events["stance"] == "originates"]
    on_path = {step["id"] for step in chain}
    return list(dict.fromkeys(marked.loc[~marked["id"].isin(on_path), "outlet"].tolist()))


def render_details(view: View, picked: tuple[str, ...], tz: str, hops=None) -> None:
    """Details of the picked events, with each one's chain back to its origin. `hops`, when
    given, is called for the case's wording hops (worked out only once something is picked)."""
    events = view.events.set_index("id")
    shown = [i for i in picked if i in events.index]
    if not shown:
        st.info(
            tr(
                "Pick events in either chart (click a point, or drag a box) to see their details "
                "and their path here."
            )
        )
        return
    lang = current()
    head, clear = st.columns([5, 1])
    head.subheader(tr.plural(len(shown), "Picked: {n} event", "Picked: {n} events"), anchor=False)
    clear.button(tr("Clear selection"), on_click=state.clear_picked, key="clear-picked")
    cited_by = cited_by_map(view.events, view.links)
    for event_id in shown[:12]:
        r = events.loc[event_id]
        when = format_interval(r["date"], r["date_end"], r["date_precision"], tz, lang)
        with st.container(border=True):
            kind = value_label("outlet_type", r["outlet_type"], lang)
            st.markdown(f"**{md(r['outlet'])}** · {md(when)} · {md(kind)}")
            if r["headline"]:
                st.markdown(f"“{md(r['headline'])}”")
            if r.get("headline_en"):
                st.caption(
                    tr("In English (a translation given in the data): “{text}”",
                       text=md(r["headline_en"]))
                )  # fmt: skip
            if r.get("quote"):
                st.caption(tr("The claim in its words: “{text}”", text=md(r["quote"])))
            not_given = tr("not given")
            st.caption(
                " · ".join(
                    [
                        tr("Country: {v}", v=md(value_label("country", r["country"], lang))),
                        tr("Language: {v}", v=md(value_label("language", r["language"], lang))),
                        tr("Stance: {stance}",
                           stance=md(schema.label("stance", r["stance"], lang) or not_given)),
                        tr("Evidence: {evidence}",
                           evidence=md(schema.label("evidence", r["evidence"], lang) or not_given)),
                        tr("Date precision: {v}", v=md(r["date_precision"])),
                        tr("id {id}, row {row}", id=md(event_id), row=int(r["row"])),
                    ]
                )
            )  # fmt: skip
            if r["cites"]:
                st.markdown(tr("Cites: {ids}", ids=md(r["cites"])))
            if event_id in cited_by:
                st.markdown(tr("Cited by: {outlets}", outlets=md(", ".join(cited_by[event_id]))))
            url = safe_url(r["url"])
            if url:
                st.markdown(f"[{tr('Open the source ↗')}]({url})")
            elif r["url"]:
                st.caption(tr("Link (not a web address, shown as text): {url}", url=md(r["url"])))
            if r["notes"]:
                st.caption(tr("Notes: {notes}", notes=md(r["notes"])))
            for hop in [h for h in (hops() if hops else []) if h.target == event_id]:
                st.markdown(tr("**Wording, against what it cites**"))
                render_hop(hop, view.events.set_index("id")["outlet"])
            chain = diffusion.chain_back(view.events, view.links, event_id)
            if len(chain) > 1:
                lines = []
                for step in chain:
                    when = (
                        format_interval(step["date"], step["date_end"], step["precision"], tz, lang)
                        if step["date"] is not None
                        else tr("date unknown")
                    )
                    lines.append(f"1. **{md(step['outlet'])}**, {md(when)}: {md(step['how'])}")
                st.markdown(
                    tr("**Path back to its earliest source in the data**")
                    + "\n\n"
                    + "\n".join(lines)
                )
                missed = _origins_not_reached(view, chain)
                if missed:
                    st.caption(
                        tr("This chain does not reach the case's documented origins: {origins}. "
                           "Its first step is only where this path leaves the data.",
                           origins=", ".join(md(o) for o in missed))
                    )  # fmt: skip
    if len(shown) > 12:
        st.caption(
            tr("… and {n} more; they are listed first in the table below.", n=len(shown) - 12)
        )
