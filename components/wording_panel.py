"""How the claim's words changed from hop to hop: each documented link's two texts, word by word
(dropped words struck through in red, added ones in bold green), and the named drifts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claimtrace import wording
from claimtrace.filters import View
from claimtrace.i18n import N_
from claimtrace.model import Case
from components.lang import current, tr
from components.text import md

TEXT_LABELS = {"quote": N_("quotes"), "headline": N_("headlines"),
               "headline_en": N_("English translations")}  # fmt: skip
SHOWN_HOPS = 40


@st.cache_data(show_spinner=False, max_entries=8)
def wording_hops(case_key: str, _case: Case) -> list[wording.Hop]:
    """The hops of the whole case whose wording changed, cached by the case's content key."""
    return wording.drifts(_case)


def highlighted(hop: wording.Hop) -> str:
    """The target's text as markdown: words the source had and this one dropped struck through in
    red, words it added in bold green, the rest as written (all user text escaped)."""
    parts = []
    for tag, before, after in hop.ops:
        if tag == "equal":
            parts.append(md(" ".join(after)))
            continue
        if before:
            parts.append(f":red[~~{md(' '.join(before))}~~]")
        if after:
            parts.append(f":green[**{md(' '.join(after))}**]")
    return " ".join(p for p in parts if p)


def drift_text(drift: wording.Drift) -> str:
    return wording.describe_drift(drift, current())


def render_hop(hop: wording.Hop, outlet_of: pd.Series) -> None:
    source = outlet_of.get(hop.source, hop.source)
    target = outlet_of.get(hop.target, hop.target)
    compared = tr(TEXT_LABELS.get(hop.text_used, N_("texts")))
    st.markdown(f"**{md(source)} → {md(target)}** · " + tr("{texts} compared", texts=compared))
    if hop.text_used:
        st.markdown(f"{md(source)}: {md(hop.before)}")
        st.markdown(f"{md(target)}: {highlighted(hop)}")
    if hop.drifts:
        st.caption(md(" · ".join(drift_text(d) for d in hop.drifts)))


def render_wording(tab, case: Case, case_key: str, view: View) -> None:
    with tab:
        shown = set(view.events["id"])
        found = [h for h in wording_hops(case_key, case) if h.source in shown and h.target in shown]
        outlet_of = view.events.set_index("id")["outlet"]
        counts: dict[str, int] = {}
        for hop in found:
            for drift in hop.drifts:
                counts[drift.kind] = counts.get(drift.kind, 0) + 1
        if not found:
            st.caption(tr("No documented link among the events shown changed the claim's wording."))
            return
        named = ", ".join(
            f"{n} × {tr(wording.DRIFT_NAMES.get(k, k))}" for k, n in sorted(counts.items())
        )
        st.markdown(
            tr("**{n}** documented links change the wording", n=len(found))
            + (f": {md(named)}." if named else ".")
            + tr(
                " Struck through: words the cited source had and this one dropped; in bold: added."
            )
        )
        for hop in found[:SHOWN_HOPS]:
            render_hop(hop, outlet_of)
        if len(found) > SHOWN_HOPS:
            st.caption(
                tr("The first {shown} of {n} are shown; `summary --json` lists them all.",
                   shown=SHOWN_HOPS, n=len(found))
            )  # fmt: skip
