"""The sidebar: which case, the filters, and how the charts are laid out."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from claimtrace import schema
from claimtrace.analysis import claim_period
from claimtrace.figures.common import DIMENSION_LABELS, Options, value_label
from claimtrace.figures.timescale import SCALE_LABELS, SCALES
from claimtrace.filters import FACETS, Filters
from claimtrace.i18n import N_
from claimtrace.inference import PAGE_MIN_CONFIDENCE, PAGE_PER_EVENT
from claimtrace.model import Case
from components import casestore, loading, mapping_panel, state
from components.casestore import Stored
from components.lang import current, tr
from components.text import md

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "json", "jsonl"]
TIMEZONES = ["UTC", "Europe/Zurich", "Europe/Berlin", "Europe/London", "Europe/Moscow",
             "Europe/Kyiv", "America/New_York", "Asia/Seoul", "Asia/Tokyo"]  # fmt: skip
FACET_LABELS = {
    "outlet_type": N_("Outlet type"),
    "country": N_("Country"),
    "language": N_("Language"),
    "stance": N_("Stance"),
}


SOURCES = [N_("Bundled case"), N_("Stored case"), N_("Upload a file")]  # values in the URL


@dataclass(frozen=True)
class Choice:
    case: Case | None
    key: str  # ties widget keys to the loaded data, so stale choices never survive a new file
    stored: Stored | None = None  # a case from the case store, at the revision shown
    scope: str = ""  # what the filters are made for: a stored case keeps them across its saves
    upload: loading.Upload | None = None  # an uploaded file (its column mapping, saving it)
    columns: dict[str, str] | None = None  # the column mapping applied to the upload

    @property
    def filter_scope(self) -> str:
        return self.scope or self.key


def render_case_picker() -> Choice:
    """Pick a bundled case or upload a file; returns the loaded case (or None yet)."""
    st.sidebar.header(tr("Case"))
    cases = loading.bundled_cases()
    source = st.sidebar.radio(
        tr("Data"),
        SOURCES,
        format_func=tr,
        key="source",
        horizontal=True,
        label_visibility="collapsed",
        bind="query-params",
    )
    casestore.render_author()
    if source == "Stored case":
        case, stored = casestore.render_stored_picker()
        if case is None or stored is None:
            return Choice(None, "")
        scope = f"stored:{stored.record.id}"
        return Choice(case, case.source.sha256 + stored.record.id, stored, scope)
    if source == "Bundled case" and cases:
        slug = st.sidebar.selectbox(
            tr("Bundled case"),
            list(cases),
            format_func=lambda s: loading.case_title(cases[s]),
            key="case",
            bind="query-params",
        )
        path: Path = cases[slug]
        with st.spinner(tr("Loading the case…")):
            case = loading.load_bundled(str(path), path.stat().st_mtime)
        st.sidebar.button(
            tr("Copy into the case store, to edit it"),
            key="copy-bundled",
            on_click=casestore.copy_bundled,
            args=(case, slug),
            help=tr(
                "The bundled case is read-only; a stored copy can be edited, and every save "
                "is kept as a revision."
            ),
        )
        return Choice(case, case.source.sha256)
    upload = st.sidebar.file_uploader(
        tr("Events file (CSV, Excel, JSON)"),
        type=UPLOAD_TYPES,
        key="upload",
        help=tr(
            "One row per appearance of the claim: id, date, outlet are required; see the README "
            "for all columns. German headers and dates, semicolons and Windows-1252 are fine."
        ),
    )
    timezone = st.sidebar.selectbox(
        tr("Time zone of times without an offset"),
        TIMEZONES,
        key="tz",
        bind="query-params",
        help=tr("A date without a time covers its whole day in this zone."),
    )
    if upload is None:
        state.expect_upload_notice()
        return Choice(None, "")
    data = upload.getvalue()
    file = loading.uploaded(upload.file_id, upload.name, data)
    columns = mapping_panel.columns_for(file)
    with st.spinner(tr("Reading {file}…", file=md(upload.name))):
        case = loading.load_upload(
            file, timezone, json.dumps(columns, sort_keys=True) if columns else ""
        )
    state.note_upload(case.source.name, case.source.short_hash)
    if not case.fatal:
        st.sidebar.button(
            tr("Save as a new stored case"),
            key="save-upload",
            on_click=casestore.save_upload,
            args=(case, data, columns),
            help=tr(
                "Keep this file's rows (rejected ones too) in the case store, to edit them in "
                "the page; every save is kept as a revision."
            ),
        )
    key = case.source.sha256 + timezone
    if columns:  # widget keys carry the choice key: a short hash of the mapping, not its JSON
        key += hashlib.sha256(json.dumps(columns, sort_keys=True).encode()).hexdigest()[:16]
    return Choice(case, key, upload=file, columns=columns)


def _default_range(case: Case) -> tuple[pd.Timestamp, pd.Timestamp, tuple]:
    """The case's days, and the ones the page opens on: the claim's own period
    (analysis.claim_period), within the case."""
    tz = case.meta.timezone
    lo = case.events["date"].min().tz_convert(tz).date()
    hi = (case.events["date_end"].max() - pd.Timedelta(seconds=1)).tz_convert(tz).date()
    chosen = (lo, hi)
    first, last, _ = claim_period(case)
    if first:
        a, b = pd.Timestamp(first).date(), pd.Timestamp(last).date()
        chosen = (max(lo, a), min(hi, b)) if a <= hi and b >= lo else (lo, hi)
    return lo, hi, chosen


def render_filters(case: Case, key: str) -> Filters:
    """Date range and facet filters; empty selections mean everything."""
    st.sidebar.header(tr("Filters"))
    events = case.events
    lo, hi, chosen = _default_range(case)
    # Filter keys are the URL's parameter names; a new case starts them afresh, so no stale
    # choice of another file survives (a keyed widget would otherwise keep it).
    state.reset_on_new_case(key, ["dates", *FACETS])
    held = st.session_state.get("dates")
    if isinstance(held, tuple | list) and any(d < lo or d > hi for d in held):
        # An edit of the same case moved its first or last day: keep the range, within the case.
        st.session_state["dates"] = tuple(min(max(d, lo), hi) for d in held)
    picked = st.sidebar.date_input(
        tr("Date range ({tz})", tz=case.meta.timezone),
        value=chosen,
        min_value=lo,
        max_value=hi,
        key="dates",
        bind="query-params",
        format="DD.MM.YYYY",
        help=tr(
            "Events whose date, or date range, overlaps these days are shown. It opens on "
            "the claim's own period (the case's focus, or the shortest stretch holding 90% of what "
            "carries or answers the claim); widen it to see the context around it."
        ),
    )
    date_from, date_to = "", ""
    if isinstance(picked, tuple | list) and len(picked) == 2:
        date_from, date_to = picked[0].isoformat(), picked[1].isoformat()
    elif isinstance(picked, tuple | list) and len(picked) == 1:
        date_from = picked[0].isoformat()
    values = {}
    for facet in FACETS:
        options = [v for v in _ordered(events, facet)]
        values[facet] = tuple(
            st.sidebar.multiselect(
                tr(FACET_LABELS[facet]),
                options,
                key=facet,
                format_func=lambda v, f=facet: value_label(f, v, current()),
                placeholder=tr("All"),
                bind="query-params",
            )
        )
    return Filters(date_from, date_to, **values)


def _ordered(events: pd.DataFrame, facet: str) -> list[str]:
    present = set(events[facet].unique())
    if facet in schema.VOCABULARIES:
        order = [v for v in schema.VOCABULARIES[facet] if v in present]
        return order + sorted(present - set(order))
    return sorted(present, key=lambda v: (v == "", value_label(facet, v)))


@dataclass(frozen=True)
class Inferred:
    show: bool
    per_event: int
    min_confidence: float


def render_inferred() -> Inferred:
    """Inferred links: proposed sources for events that cite nothing; never counted as documented."""
    st.sidebar.header(tr("Inferred links"))
    show = st.sidebar.toggle(
        tr("Show inferred links"),
        value=True,
        key="inferred",
        bind="query-params",
        help=tr(
            "For claim-carrying events that cite nothing (and are not marked as originating "
            "the claim or as context), ClaimTrace proposes likely sources among earlier events "
            "(time lag, whether it is the claim's origin, shared words, language, country, outlet "
            "types). They are drawn dashed and lighter and never counted in documented figures."
        ),
    )
    min_confidence = st.sidebar.slider(
        tr("Minimum confidence"),
        0.0,
        1.0,
        PAGE_MIN_CONFIDENCE,
        0.05,
        help=tr(
            "The confidence is calibrated: of the links shown at 70 %, about 70 % named the "
            "true source on rumour cascades whose sources are known (Twitter15/16, PHEME; see the "
            "README). Nothing under 5 % is ever proposed."
        ),
        key="confidence",
        disabled=not show,
        bind="query-params",
    )
    per_event = st.sidebar.slider(
        tr("Proposed sources per event"),
        1,
        3,
        PAGE_PER_EVENT,
        key="per_event",
        disabled=not show,
        bind="query-params",
    )
    return Inferred(show, per_event, min_confidence)


def render_display(case: Case) -> Options:
    """How the charts are laid out: lanes, colour, labels."""
    st.sidebar.header(tr("Display"))
    lanes = st.sidebar.radio(
        tr("Lanes"),
        ["outlet_type", "country", "language"],
        format_func=lambda v: tr(DIMENSION_LABELS[v]),
        key="lanes",
        horizontal=True,
        bind="query-params",
    )
    colour = st.sidebar.selectbox(
        tr("Colour by"),
        ["language", "country", "outlet_type", "stance", "evidence"],
        format_func=lambda v: tr(DIMENSION_LABELS[v]),
        key="colour",
        bind="query-params",
    )
    time_scale = st.sidebar.radio(
        tr("Time scale"),
        list(SCALES),
        format_func=lambda v: tr(SCALE_LABELS[v]),
        key="time_scale",
        horizontal=True,
        bind="query-params",
        help=tr(
            "Calendar: evenly spaced. Compressed: each stretch with events gets room by its "
            "number of events, and empty stretches are cut out, marked ⋯ with their length. "
            "Automatic: compressed when most events crowd into a small part of the span. Both "
            "charts and every export use the same choice; the caption says which."
        ),
    )
    labels = st.sidebar.checkbox(
        tr("Outlet names in the network"), value=True, key="labels", bind="query-params"
    )
    return Options(lanes=lanes, colour=colour, timezone=case.meta.timezone, labels=labels,
                   lang=current(),
                   time_scale=time_scale)  # fmt: skip
