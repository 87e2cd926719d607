"""The events table (with search) and the problems panel (with the rejected rows)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from claimtrace.dates import format_interval
from claimtrace.export import safe_csv
from claimtrace.filters import View
from claimtrace.model import Case
from components.text import safe_url


def render_events_table(case: Case, view: View, selected: tuple[str, ...], key: str) -> None:
    st.subheader("Events", anchor=False)
    query = st.text_input(
        "Search the events", key=f"search-{key}", placeholder="outlet, headline, notes, id …"
    )
    events = view.events
    tz = case.meta.timezone
    table = pd.DataFrame(
        {
            "id": events["id"],
            "date": [
                format_interval(r.date, r.date_end, r.date_precision, tz)
                for r in events.itertuples()
            ],
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
    if query:
        text = table.astype(str).agg(" ".join, axis=1).str.casefold()
        table = table[text.str.contains(query.casefold(), regex=False)]
    if selected:
        table = pd.concat([table[table["id"].isin(selected)], table[~table["id"].isin(selected)]])
    st.caption(
        f"{len(table):,} of {len(events):,} events"
        + (f" · {len(selected)} selected, listed first" if selected else "")
    )
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
