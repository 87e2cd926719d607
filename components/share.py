"""A link that reproduces the view: the URL carries every choice, never the data."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from claimtrace.model import Case
from components.lang import tr
from components.text import md

EXPANDER = "share-panel"  # the panel's open state, in session state


def share_link() -> str:
    """This page's address with the current choices as query parameters."""
    base = urlsplit(st.context.url or "http://localhost:8501/")
    params = st.query_params.to_dict()
    multi = {key: st.query_params.get_all(key) for key in params}
    query = urlencode([(k, v) for k, values in multi.items() for v in values])
    return urlunsplit((base.scheme, base.netloc, base.path, query, ""))


def render_share_link(case: Case) -> None:
    """The link of this view, made only while its panel is open: closed, the page sends
    nothing for it (the browser would otherwise fetch its code viewer before the charts are
    drawn)."""
    panel = st.expander(tr("Share this view"), expanded=False, key=EXPANDER, on_change="rerun")
    with panel:
        if not panel.open:
            return
        st.code(share_link(), language=None, wrap_lines=True)
        note = tr("Copy the link with the button at its right: it opens this very view.")
        if st.session_state.get("source") == "Stored case" and st.query_params.get("rev"):
            note += tr(
                " It opens revision {rev} of this stored case, in this installation's case "
                "store: later edits do not change what it shows.",
                rev=md(st.query_params.get("rev")),
            )
        if st.session_state.get("source") == "Upload a file":
            note += tr(
                " It names your file ({file}, sha256 {hash}) but never carries its data: whoever "
                "opens it must upload the file again.",
                file=md(case.source.name),
                hash=case.source.short_hash,
            )
        st.caption(note)
