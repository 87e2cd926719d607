"""What each column of an uploaded file means, when its headers are not the contract's: a picker
per column, a preview of the first rows as they would load, and the mapping remembered (in the
case store) for every later file with the same headers."""

from __future__ import annotations

import json

import streamlit as st

from claimtrace import mapping
from claimtrace.store import header_signature
from components import casestore, loading
from components.lang import tr
from components.text import md

PREVIEW_ROWS = 5
EXPANDER = "mapping-panel"  # the panel's open state, in session state


def _session_key(headers) -> str:
    return f"_columns-{header_signature(headers)[:16]}"


def columns_for(upload: loading.Upload) -> dict[str, str] | None:
    """The mapping to load this file with: the one chosen in this session, else the one
    remembered for its headers, else None (the header synonyms alone)."""
    headers = list(loading.upload_headers(upload))
    if not headers:
        return None
    chosen = st.session_state.get(_session_key(headers))
    if chosen is not None:
        return dict(chosen)
    if not mapping.needs_mapping(headers):
        return None
    store = casestore.open_store()
    remembered = store.mapping_for(headers) if store else None
    if remembered:
        st.sidebar.info(
            tr(
                "The columns of {file} are read with the mapping remembered for files with "
                "these headers (see *Columns of this file*).",
                file=md(upload.name),
            )
        )
    return remembered


def missing_required(upload: loading.Upload, columns: dict[str, str] | None) -> bool:
    """Whether a column every row needs is neither recognised nor mapped."""
    headers = list(loading.upload_headers(upload))
    if not headers:
        return False
    if columns:
        from claimtrace import schema

        meant = {columns.get(h) if h in columns else schema.match_header(h) for h in headers}
        return any(c not in meant for c in schema.REQUIRED)
    return mapping.needs_mapping(headers)


def _use(headers: list[str], chosen: dict[str, str]) -> None:
    st.session_state[_session_key(headers)] = dict(chosen)
    store = casestore.open_store()
    if store is not None:
        store.remember_mapping(headers, chosen)


def render_mapping(upload: loading.Upload, columns: dict[str, str] | None, missing: bool) -> None:
    """The column mapping of an upload; open (and first on the page) when the file's required
    columns were not recognised."""
    headers = list(loading.upload_headers(upload))
    if not headers:
        return
    title = tr("Columns of this file: what each one means")
    panel = st.expander(title, expanded=missing, key=EXPANDER, on_change="rerun")
    with panel:
        if not (panel.open or missing):
            return  # its pickers and preview are made only while it is open
        if missing:
            st.warning(
                tr(
                    "Some columns of {file} that every row needs (id, date, outlet) were not "
                    "recognised from their headers. Say below what each column means; the "
                    "preview shows the first rows as they would load.",
                    file=md(upload.name),
                )
            )
        suggested = {**mapping.suggest(headers), **(columns or {})}
        choices = mapping.field_choices()
        values = [v for v, _ in choices]
        labels = dict(choices)
        signature = header_signature(headers)[:12]
        chosen: dict[str, str] = {}
        grid = st.columns(3)
        for i, header in enumerate(headers):
            current = suggested.get(header, mapping.EXTRA)
            chosen[header] = grid[i % 3].selectbox(
                header or tr("column {n}", n=i + 1),
                values,
                index=values.index(current) if current in values else 0,
                format_func=lambda v: labels.get(v, v),
                key=f"map-{signature}-{i}",
            )
        problems = mapping.check(chosen, headers)
        timezone = str(st.session_state.get("tz") or "UTC")
        preview = loading.load_upload(upload, timezone, json.dumps(chosen, sort_keys=True))
        st.markdown(
            tr(
                "**With this mapping:** {loaded} of {rows} rows load, {rejected} are rejected.",
                loaded=tr.number(len(preview.events)),
                rows=tr.number(preview.source.rows),
                rejected=tr.number(len(preview.rejected)),
            )
        )
        if len(preview.events):
            shown = [c for c in ("id", "date", "outlet", "outlet_type", "headline", "url", "cites")]
            table = preview.events[[c for c in shown if c in preview.events]].head(PREVIEW_ROWS)
            st.dataframe(table, hide_index=True, width="stretch", key="mapping-preview")
        if len(preview.rejected):
            st.caption(tr("First rejected rows, with the reasons:"))
            st.dataframe(
                preview.rejected.head(PREVIEW_ROWS),
                hide_index=True,
                width="stretch",
                key="mapping-rejected",
            )
        for problem in problems:
            st.warning(md(problem))
        st.button(
            tr("Use this mapping"),
            key="mapping-use",
            type="primary",
            disabled=bool(problems),
            on_click=_use,
            args=(headers, chosen),
            help=tr("Loads the file with it, and remembers it for files with the same headers."),
        )
