"""The events table (with search) and the problems panel (with the rejected rows)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claimtrace.dates import format_intervals
from claimtrace.export import safe_csv
from claimtrace.filters import View
from claimtrace.model import Case
from components.text import safe_url

TABLE_ROWS = 10_000  # rows sent to the browser at most; search and filters reach every event


def render_events_table(case: Case, view: View, selected: tuple[str, ...], key: str) -> None:
    """Every shown event, searchable; picked events first. A long table sends its first
    TABLE_ROWS rows and says so: the search and the filters still look at every event."""
    st.subheader("Events", anchor=False)
    query = st.text_input(
        "Search the events", key=f"search-{key}", placeholder="outlet, headline, notes, id …"
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
                events["date"], events["date_end"], events["date_precision"], tz
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
    caption = f"{matching:,} of {len(view.events):,} events"
    if selected:
        caption += f" · {len(selected)} selected, listed first"
    if matching > len(table):
        caption += (
            f" · the first {len(table):,} are listed here; search or filter to narrow them, "
            "or export the events (CSV) for all"
        )
    st.caption(caption)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "link": st.column_config.LinkColumn("link", display_text="open ↗"),
            "row": st.column_config.NumberColumn("row", help="Row in your file"),
        },
        key=f"table-{key}",
    )


SEARCHED = ("id", "outlet", "outlet_type", "country", "language", "stance", "headline", "cites",
            "evidence", "url", "notes")  # fmt: skip


def render_problems(case: Case) -> None:
    warnings = case.warnings
    title = f"Problems: {len(case.rejected)} rows rejected, {len(warnings)} warnings"
    with st.expander(title, expanded=bool(len(case.rejected))):
        st.markdown(
            f"**Loaded {len(case.events):,} of {case.source.rows:,} rows** "
            f"({len(case.rejected):,} rejected). Every row is either loaded or listed here."
        )
        if not case.problems:
            st.success("No problems found.")
            return
        table = pd.DataFrame(
            {
                "severity": [p.severity for p in case.problems],
                "where": [p.where for p in case.problems],
                "column": [p.column or "" for p in case.problems],
                "problem": [p.message for p in case.problems],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch", key="problems-table")
        if len(case.rejected):
            st.markdown("**Rejected rows**, as in your file, with the reasons:")
            st.dataframe(case.rejected, hide_index=True, width="stretch", key="rejected-table")
            st.download_button(
                "Download the rejected rows (CSV)",
                safe_csv(case.rejected),
                file_name=f"{case.source.name.rsplit('.', 1)[0]}-rejected.csv",
                mime="text/csv",
                key="download-rejected",
            )
