"""The events table (with search) and the problems panel (with the rejected rows)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claimtrace.dates import format_intervals
from claimtrace.export import safe_csv
from claimtrace.filters import View
from claimtrace.i18n import N_
from claimtrace.model import Case
from components.lang import current, tr
from components.text import safe_url

EVENTS = "events-panel"  # the events table's panel: its open state, in session state
PROBLEMS = "problems-panel"  # the problems panel's open state, in session state (and file)
TABLE_ROWS = 10_000  # rows sent to the browser at most; search and filters reach every event


def render_events_table(case: Case, view: View, selected: tuple[str, ...], key: str) -> None:
    """Every shown event, searchable; picked events first. A long table sends its first
    TABLE_ROWS rows and says so: the search and the filters still look at every event.

    In a panel, made only while it is open: closed, the page sends no table, and the browser
    neither fetches the table's code nor draws it before the charts."""
    panel = st.expander(tr("Events table, with a search"), key=EVENTS, on_change="rerun")
    with panel:
        if panel.open:
            _events_table(case, view, selected, key)


def _events_table(case: Case, view: View, selected: tuple[str, ...], key: str) -> None:
    query = st.text_input(
        tr("Search the events"),
        key=f"search-{key}",
        placeholder=tr("outlet, headline, notes, id …"),
    )
    events = view.events
    tz = case.meta.timezone
    if query:
        dates = pd.Series(
            format_intervals(events["date"], events["date_end"], events["date_precision"], tz),
            index=events.index,
        )
        columns = [events[c].astype(str) for c in SEARCHED if c in events] + [dates]
        columns += [events[c].astype(str) for c in case.extra_columns]
        text = columns[0].str.cat(columns[1:], sep=" ").str.casefold()
        events = events[text.str.contains(query.casefold(), regex=False).to_numpy(dtype=bool)]
    if selected:
        first = events["id"].isin(selected).to_numpy(dtype=bool)
        events = pd.concat([events[first], events[~first]])
    matching = len(events)
    events = events.iloc[:TABLE_ROWS]
    table = pd.DataFrame(
        {
            "id": events["id"],
            "date": format_intervals(
                events["date"], events["date_end"], events["date_precision"], tz, lang=current()
            ),
            "outlet": events["outlet"],
            "type": events["outlet_type"],
            "country": events["country"],
            "language": events["language"],
            "stance": events["stance"],
            "headline": events["headline"],
            "cites": events["cites"],
            "evidence": events["evidence"],
            "link": events["url"].map(safe_url),
            "notes": events["notes"],
            "row": events["row"],
        }
    )
    for extra in case.extra_columns:
        table[extra] = events[extra]
    caption = tr("{shown} of {total} events", shown=tr.number(matching),
                 total=tr.number(len(view.events)))  # fmt: skip
    if selected:
        caption += tr(" · {n} selected, listed first", n=len(selected))
    if matching > len(table):
        caption += tr(
            " · the first {n} are listed here; search or filter to narrow them, or export the "
            "events (CSV) for all",
            n=tr.number(len(table)),
        )
    st.caption(caption)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            **{name: st.column_config.Column(tr(label)) for name, label in HEADERS.items()},
            "link": st.column_config.LinkColumn(tr("link"), display_text=tr("open ↗")),
            "row": st.column_config.NumberColumn(tr("row"), help=tr("Row in your file")),
        },
        key=f"table-{key}",
    )


# The table's headers as the reader's language names them (the CSV export keeps the contract's).
HEADERS = {"id": N_("id"), "date": N_("date"), "outlet": N_("outlet"), "type": N_("type"),
           "country": N_("country"), "language": N_("language"), "stance": N_("stance"),
           "headline": N_("headline"), "cites": N_("cites"), "evidence": N_("evidence"),
           "notes": N_("notes"), "severity": N_("severity"), "where": N_("where"),
           "column": N_("column"), "problem": N_("problem")}  # fmt: skip
SEVERITY = {"error": N_("error"), "warning": N_("warning")}
SEARCHED = ("id", "outlet", "outlet_type", "country", "language", "stance", "headline", "cites",
            "evidence", "url", "notes")  # fmt: skip


def render_problems(case: Case) -> None:
    """The problems panel: open when rows were rejected; closed, its contents (a table) are made
    only once it is opened, so that they cost the page's first sight nothing."""
    warnings = case.warnings
    title = tr("Problems: {rejected} rows rejected, {warnings} warnings",
               rejected=tr.number(len(case.rejected)), warnings=tr.number(len(warnings)))  # fmt: skip
    # Keyed by the file: another file opens its panel afresh (open when it has rejected rows).
    key = f"{PROBLEMS}-{case.source.short_hash}"
    panel = st.expander(title, expanded=bool(len(case.rejected)), key=key, on_change="rerun")
    with panel:
        if not panel.open:
            return
        st.markdown(
            tr("**Loaded {loaded} of {rows} rows** ({rejected} rejected). Every row is either "
               "loaded or listed here.", loaded=tr.number(len(case.events)),
               rows=tr.number(case.source.rows), rejected=tr.number(len(case.rejected)))
        )  # fmt: skip
        if not case.problems:
            st.success(tr("No problems found."))
            return
        table = pd.DataFrame(
            {
                "severity": [tr(SEVERITY.get(p.severity, p.severity)) for p in case.problems],
                "where": [p.where for p in case.problems],
                "column": [p.column or "" for p in case.problems],
                "problem": [p.message for p in case.problems],
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="problems-table",
            column_config={c: st.column_config.Column(tr(HEADERS[c])) for c in table.columns},
        )
        if len(case.rejected):
            st.markdown(tr("**Rejected rows**, as in your file, with the reasons:"))
            st.dataframe(case.rejected, hide_index=True, width="stretch", key="rejected-table")
            st.download_button(
                tr("Download the rejected rows (CSV)"),
                safe_csv(case.rejected),
                file_name=f"{case.source.name.rsplit('.', 1)[0]}-rejected.csv",
                mime="text/csv",
                key="download-rejected",
            )
