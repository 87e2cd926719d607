"""Editing a stored case in the page: its events in a table editor, its details in a form, and
its history (every revision, a diff between any two, restore). Each save is a new revision; a
save made from a revision that is no longer the latest is refused, and the other person's change
is shown beside one's own, never overwritten."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from claimtrace import editing, ingest, schema
from claimtrace.changes import Diff, apply, describe, diff
from claimtrace.i18n import N_
from claimtrace.model import Case
from claimtrace.store import Conflict, Content
from components import casestore, state
from components.casestore import Stored
from components.lang import tr
from components.sidebar import TIMEZONES
from components.text import md

CONFLICT = "_conflict"  # (case id, base, their revision number, my content as JSON)
# What happened to a row, in the table of a change (the Diff's own words are the keys).
KINDS = {"added": N_("added"), "removed": N_("removed"), "changed": N_("changed")}


def editor_key(stored: Stored) -> str:
    """The table editor's key: one per revision, so unsaved edits stay with the revision they
    were made on (and survive a refused save), and a new revision starts clean."""
    return f"case-editor-{stored.record.id}-{stored.revision.number}"


def render_case_editor(stored: Stored, case: Case) -> None:
    # Keyed, so that it stays open across the reruns an edit makes, whatever appears above it.
    with st.expander(tr("Edit this case: events, details, history"), key="case-editing"):
        st.caption(
            tr(
                "{store} Every save is a new revision: nothing saved is ever lost, and any "
                "revision can be restored.",
                store=md(casestore.store_line(stored)),
            )
        )
        _render_conflict(stored)
        events, details, history = st.tabs(
            [tr("Events"), tr("Case details"), tr("History")], key="case-editing-tab"
        )
        with events:
            _render_events(stored, case)
        with details:
            _render_details(stored)
        with history:
            _render_history(stored)


def _save(stored: Stored, content: Content, message: str) -> None:
    """Save as the revision after the one shown; on a conflict keep the edits and say so."""
    try:
        revision = stored.store.save(
            stored.record.id, stored.revision.number, content, casestore.author(), message
        )
    except Conflict as exc:
        st.session_state[CONFLICT] = (
            stored.record.id,
            stored.revision.number,
            exc.theirs.number,
            content.to_json(),
        )
        st.rerun()
        return
    st.session_state.pop(CONFLICT, None)
    state.set_revision(revision.number)
    st.session_state[state.FLASH] = tr(
        "Saved as revision {number}: {changes}.", number=revision.number, changes=revision.changes
    )
    st.rerun()


def _render_conflict(stored: Stored) -> None:
    pending = st.session_state.get(CONFLICT)
    if not pending or pending[0] != stored.record.id or pending[1] != stored.revision.number:
        return
    _, base, theirs_number, mine_json = pending
    store = stored.store
    theirs = store.revision(stored.record.id, theirs_number)
    base_content = stored.revision.content
    mine = Content.from_json(mine_json)
    st.error(
        tr(
            "Not saved: {author} saved this case at {moment} UTC (revision {theirs}) after you "
            "opened revision {base}. Your edits are still here, unsaved.",
            author=md(theirs.author),
            moment=theirs.created_at[:16].replace("T", " "),
            theirs=theirs.number,
            base=base,
        )
    )
    st.markdown(
        tr("**Their change** (revision {base} → {theirs}):", base=base, theirs=theirs.number)
    )
    _show_diff(diff(base_content, theirs.content))
    st.markdown(tr("**Your change**, not yet saved:"))
    _show_diff(diff(base_content, mine))
    left, right = st.columns(2)
    if left.button(
        tr("Apply my edits to revision {number} and save", number=theirs.number),
        key="conflict-merge",
        type="primary",
    ):
        merged, notes = apply(diff(base_content, mine), theirs.content)
        message = f"Your edits over revision {theirs.number}"
        if notes:
            message += " (" + "; ".join(notes) + ")"
        latest = Stored(store, store.case(stored.record.id), theirs, editable=True)
        st.session_state.pop(CONFLICT, None)
        _save(latest, merged, message)
    if right.button(
        tr("Drop my edits and open revision {number}", number=theirs.number), key="conflict-drop"
    ):
        st.session_state.pop(CONFLICT, None)
        state.set_revision(theirs.number)
        st.rerun()


def _column_config(content: Content) -> dict:
    config: dict = {
        editing.PROBLEM: st.column_config.TextColumn(
            tr("Problem"), disabled=True, help=tr("Why the row is rejected, or what to check")
        ),
        "date": st.column_config.TextColumn(
            "date",
            help=tr("As in a file: 2022-08-05, 05.08.2022, 2022-08-05 14:30, 2022-08 (that month)"),
        ),
        "date_end": st.column_config.TextColumn(
            "date_end", help=tr("The latest it can have been, where the date is uncertain")
        ),
        "cites": st.column_config.MultiselectColumn(
            "cites",
            options=editing.cite_options(content),
            accept_new_options=True,
            help=tr(
                "Events of this case (by id) or outside sources (type a name) it attributes "
                "the claim to"
            ),
        ),
        "url": st.column_config.LinkColumn("url", help=tr("Link to the item")),
    }
    for column in editing.PICKERS:
        config[column] = st.column_config.SelectboxColumn(
            column,
            options=editing.picker_options(column),
            format_func=lambda code, c=column: editing.option_label(c, code),
            help=next(c.meaning for c in schema.COLUMNS if c.name == column),
        )
    return config


def _render_events(stored: Stored, case: Case) -> None:
    content = stored.revision.content
    frame = editing.editor_frame(content, case)
    frame.index = pd.RangeIndex(1, len(frame) + 1)  # the row numbers the problems name
    readonly = not stored.editable
    if readonly:
        st.info(
            tr(
                "This is revision {number}, not the latest: it can be looked at and restored "
                "(History), not edited.",
                number=stored.revision.number,
            )
        )
    st.caption(
        tr(
            "Click a cell to change it; add a row at the bottom, delete rows by ticking them. "
            "Rows are checked as a file is: a rejected row stays here with its reason."
        )
    )
    edited = st.data_editor(
        frame,
        key=editor_key(stored),
        num_rows="fixed" if readonly else "dynamic",
        disabled=True if readonly else [editing.PROBLEM],
        column_config=_column_config(content),
        width="stretch",
    )
    if readonly:
        return
    candidate = editing.content_from_frame(edited, content.meta, content.header)
    change = diff(content, candidate)
    if change.empty:
        st.caption(tr("No unsaved change."))
        return
    checked = ingest.load_table(
        list(candidate.header),
        [list(r) for r in candidate.rows],
        case.meta,
        "check",
        candidate.sha256,
    )
    st.markdown(tr("**Unsaved:** {change}.", change=md(describe(change))))
    st.caption(
        tr(
            "After saving, {loaded} of {rows} rows load and {rejected} are rejected.",
            loaded=tr.number(len(checked.events)),
            rows=tr.number(len(candidate.rows)),
            rejected=tr.number(len(checked.rejected)),
        )
    )
    for problem in checked.errors[:8]:
        st.warning(md(str(problem)))
    message = st.text_input(tr("What you changed (for the history)"), key="edit-message")
    label = tr("Save as revision {number}", number=stored.revision.number + 1)
    if st.button(label, key="edit-save", type="primary"):
        _save(stored, candidate, message)


def _render_details(stored: Stored) -> None:
    content = stored.revision.content
    meta = dict(content.meta)
    readonly = not stored.editable
    focus = meta.get("focus") if isinstance(meta.get("focus"), dict) else {}
    number = stored.revision.number
    with st.form(f"details-{stored.record.id}-{number}", border=False):
        title = st.text_input(tr("Title"), value=str(meta.get("title", "")), disabled=readonly)
        claim = st.text_area(tr("The claim, in one sentence"), value=str(meta.get("claim", "")))
        summary = st.text_area(tr("Summary"), value=str(meta.get("summary", "")), height=150)
        zones = list(dict.fromkeys([str(meta.get("timezone") or "UTC"), *TIMEZONES]))
        timezone = st.selectbox(tr("Time zone of times without an offset"), zones)
        has_focus = st.checkbox(
            tr("Open on a focus period"), value=bool(focus.get("from") and focus.get("to"))
        )
        left, right = st.columns(2)
        start = left.date_input(
            tr("Focus from"), value=_day(focus.get("from")), format="DD.MM.YYYY"
        )
        end = right.date_input(tr("Focus to"), value=_day(focus.get("to")), format="DD.MM.YYYY")
        credit = st.text_input(
            tr("Credit (printed under every exported figure)"), value=str(meta.get("credit", ""))
        )
        sources = st.text_area(tr("Sources and method"), value=str(meta.get("sources", "")))
        message = st.text_input(tr("What you changed (for the history)"))
        saved = st.form_submit_button(
            tr("Save details as revision {number}", number=number + 1),
            disabled=readonly,
            type="primary",
        )
    if not saved:
        return
    new = {**meta, "title": title.strip(), "claim": claim.strip(), "summary": summary.strip()}
    new.update(timezone=timezone, credit=credit.strip(), sources=sources.strip())
    if has_focus and start and end:
        low, high = sorted([start, end])
        new["focus"] = {**focus, "from": low.isoformat(), "to": high.isoformat()}
    else:
        new.pop("focus", None)
    if not new["title"]:
        st.error(tr("A case needs a title."))
        return
    candidate = Content(new, content.header, content.rows)
    if diff(content, candidate).empty:
        st.info(tr("Nothing changed."))
        return
    _save(stored, candidate, message)


def _day(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _render_history(stored: Stored) -> None:
    store, record = stored.store, stored.record
    history = store.history(record.id)
    table = pd.DataFrame(
        {
            tr("revision"): [r.number for r in history],
            tr("saved (UTC)"): [r.created_at[:19].replace("T", " ") for r in history],
            tr("by"): [r.author for r in history],
            tr("what changed"): [r.changes for r in history],
            tr("note"): [r.message for r in history],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="history-table")
    numbers = [r.number for r in history]
    left, right = st.columns(2)
    older = left.selectbox(
        tr("Compare revision"), numbers, index=min(1, len(numbers) - 1), key="history-from"
    )
    newer = right.selectbox(tr("with revision"), numbers, index=0, key="history-to")
    if older != newer:
        a, b = sorted([older, newer])
        st.markdown(tr("**Revision {a} → {b}**", a=a, b=b))
        _show_diff(diff(store.revision(record.id, a).content, store.revision(record.id, b).content))
    pick = st.selectbox(
        tr("Revision to open or restore"),
        numbers,
        index=numbers.index(stored.revision.number),
        key="history-pick",
    )
    left, right = st.columns(2)
    left.button(
        tr("Open revision {number}", number=pick),
        key="history-open",
        on_click=state.set_revision,
        args=(pick,),
        help=tr("Look at it (read-only); a link to the page keeps showing it."),
    )
    if right.button(
        tr("Restore revision {number} as the latest", number=pick),
        key="history-restore",
        disabled=pick == record.head,
        help=tr(
            "Saves its content as a new revision; the revisions in between stay in the history."
        ),
    ):
        revision = store.restore(record.id, pick, record.head, casestore.author())
        state.set_revision(revision.number)
        st.session_state[state.FLASH] = tr(
            "Revision {pick} restored as revision {number}.", pick=pick, number=revision.number
        )
        st.rerun()


def _show_diff(change: Diff) -> None:
    if change.empty:
        st.caption(tr("No change."))
        return
    st.caption(md(describe(change)))
    rows = []
    for key, before, after in change.meta:
        rows.append((tr("case details"), key, "", before, after))
    for row in change.rows:
        name = row.key.removeprefix("id ")
        if row.kind == "changed":
            rows += [(tr("changed"), name, c, a, b) for c, a, b in row.cells]
        else:
            text = ", ".join(f"{c}: {v}" for c, v in row.row if c in ("date", "outlet", "headline"))
            rows.append(
                (
                    tr(KINDS[row.kind]) if row.kind in KINDS else row.kind,
                    name,
                    "",
                    text if row.kind == "removed" else "",
                    text if row.kind == "added" else "",
                )
            )
    st.dataframe(
        pd.DataFrame(
            rows, columns=[tr("what"), tr("row"), tr("column"), tr("before"), tr("after")]
        ),
        hide_index=True,
        width="stretch",
    )
