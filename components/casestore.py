"""The case store in the sidebar: open a stored case at a revision, and keep, copy, archive,
delete, export and import cases. The store itself is claimtrace.store; this is its panel."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass

import streamlit as st

from claimtrace import ingest
from claimtrace.editing import content_from_table
from claimtrace.model import Case
from claimtrace.readers import read_table
from claimtrace.store import ENV_URL, CaseRecord, Revision, Store, StoreError, database_url
from components import loading, state
from components.lang import tr
from components.text import md

IMPORT_ERROR = "_import_error"
SECRETS_NAME = "claimtrace"  # [connections.claimtrace] url = "postgresql://…" in secrets.toml


@dataclass(frozen=True)
class Stored:
    """The stored case on the page: its record, the revision shown, and the store."""

    store: Store
    record: CaseRecord
    revision: Revision
    # The revision was the latest when this session opened it: edits made on it may be saved
    # (and meet a conflict if someone saved since); an older revision opened as such may not.
    editable: bool = True

    @property
    def latest(self) -> bool:
        return self.revision.number == self.record.head


def store_url() -> str:
    """$CLAIMTRACE_DATABASE_URL, else the url of st.connection's secrets, else the SQLite file."""
    if os.environ.get(ENV_URL, "").strip():
        return database_url()
    try:
        url = st.secrets["connections"][SECRETS_NAME]["url"]
    except (FileNotFoundError, KeyError, AttributeError, TypeError):
        url = ""
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        url = ""
    return database_url(str(url) or None)


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Store:
    return Store(url)


def open_store() -> Store | None:
    """The store, migrated to the latest schema; None (with the reason shown) when unreachable."""
    url = store_url()
    try:
        return _open(url)
    except Exception as exc:  # a database that cannot be reached or migrated
        from claimtrace.store import describe_url

        st.sidebar.error(
            tr(
                "The case store ({store}) cannot be opened: {reason}",
                store=md(describe_url(url)),
                reason=md(str(exc)[:300]),
            )
        )
        return None


def author() -> str:
    return str(st.session_state.get(state.AUTHOR, "")).strip() or "someone"


def render_author() -> None:
    st.sidebar.text_input(
        tr("Your name, for the case history"),
        key=state.AUTHOR,
        placeholder=tr("e.g. Anna Muster"),
        help=tr("Each save is a revision that says who made it and when."),
    )


def _flash(message: str) -> None:
    st.session_state[state.FLASH] = message


def show_flash() -> None:
    """The message of the last action, once. Its slot is always there (empty or not), so what
    follows it keeps its place in the page, and an open expander stays open."""
    slot = st.empty()
    message = st.session_state.pop(state.FLASH, None)
    if message:
        slot.success(message)


def _open_case(case_id: str, number: int | None = None) -> None:
    """Switch the page to a stored case (in a callback: before the widgets are made)."""
    st.session_state["source"] = "Stored case"
    st.session_state[state.STORED] = case_id
    st.session_state[state.STORED_SEEN] = case_id
    state.set_revision(number)


def _keep(table: tuple[list[str], list[list[str]]], meta: dict, columns, note: str, origin: str):
    """A table (every row of a file) kept as a new stored case, opened on the page."""
    store = open_store()
    if store is None:
        return None
    header, rows = table
    content = content_from_table(header, rows, meta, columns)
    revision = store.create(content, author(), note, origin=origin)
    _open_case(revision.case_id, 1)
    return revision


def copy_bundled(case: Case, slug: str) -> None:
    """The bundled case (read-only) copied into the store as a new case, every row with it."""
    path = loading.bundled_cases()[slug]
    table = ingest.table_cells(read_table(path.read_bytes(), path.name))
    meta = json.loads((path.parent / "case.json").read_text(encoding="utf-8"))
    origin = f"bundled case {slug}, sha256 {case.source.short_hash}"
    if _keep(table, meta, None, f"Copied from the bundled case {slug}", origin):
        _flash(
            tr(
                "Copied into the case store as “{title}”: you can edit it now.",
                title=case.meta.title,
            )
        )


def save_upload(case: Case, data: bytes, columns: dict[str, str] | None) -> None:
    """An uploaded file kept as a new stored case: every row, rejected ones too."""
    from claimtrace import importers

    if importers.looks_like_twitter_tree(data):  # kept as the events it was read into
        data = importers.events_csv(importers.uploaded_tree(data, case.source.name))
    table = ingest.table_cells(read_table(data, case.source.name))
    meta = ingest.meta_to_dict(case.meta)
    origin = f"file {case.source.name}, sha256 {case.source.short_hash}"
    if _keep(table, meta, columns, f"Saved from the file {case.source.name}", origin):
        _flash(
            tr(
                "Saved “{title}” in the case store with all {rows} rows ({rejected} rejected: "
                "fix them in the table editor).",
                title=case.meta.title,
                rows=tr.number(len(table[1])),
                rejected=tr.number(len(case.rejected)),
            )
        )


def render_stored_picker() -> tuple[Case | None, Stored | None]:
    """Pick a stored case; the page shows the revision the URL names, else the latest."""
    store = open_store()
    if store is None:
        return None, None
    archived = st.sidebar.toggle(tr("Show archived cases"), key="show-archived")
    records = {r.id: r for r in store.cases(archived=archived)}
    wanted = st.session_state.get(state.STORED) or st.query_params.get(state.STORED)
    if wanted and wanted not in records:
        with contextlib.suppress(StoreError):  # a shared link to an archived case still opens
            records[wanted] = store.case(wanted)
    if not records:
        st.sidebar.info(
            tr(
                "No stored case yet. Copy the bundled case into the store, or upload a file and "
                "save it as a new case."
            )
        )
        _render_import(store)
        return None, None
    case_id = st.sidebar.selectbox(
        tr("Stored case"),
        list(records),
        format_func=lambda i: records[i].title + (tr(" (archived)") if records[i].archived else ""),
        key=state.STORED,
        bind="query-params",
    )
    record = records[case_id]
    if st.session_state.get(state.STORED_SEEN) not in (None, case_id):
        state.set_revision(None)  # another case: open its latest revision
    st.session_state[state.STORED_SEEN] = case_id
    number = state.revision_wanted(record.head)
    try:
        revision = store.revision(case_id, number)
    except StoreError as exc:
        st.sidebar.error(md(str(exc)))
        revision = store.revision(case_id)
    state.set_revision(revision.number)
    if revision.number == record.head:
        st.session_state[state.EDIT_BASE] = (case_id, revision.number)
    editable = st.session_state.get(state.EDIT_BASE) == (case_id, revision.number)
    stored = Stored(store, record, revision, editable)
    _render_revision_note(stored)
    case = loading.load_stored(
        case_id, revision.number, revision.sha256, record.title, revision.created_at, revision
    )
    _render_actions(stored)
    _render_import(store)
    return case, stored


def _render_revision_note(stored: Stored) -> None:
    rev, record = stored.revision, stored.record
    saved = tr(
        "saved {moment} UTC by {author}",
        moment=rev.created_at[:16].replace("T", " "),
        author=md(rev.author),
    )
    if stored.latest:
        st.sidebar.caption(
            tr(
                "Revision {number} (the latest), {saved}. {store}",
                number=rev.number,
                saved=saved,
                store=md(store_line(stored)),
            )
        )
        return
    if stored.editable:
        st.sidebar.warning(
            tr(
                "Revision {head} was saved since you opened revision {number} ({saved}). "
                "Your unsaved edits stay here; saving them shows both changes first.",
                head=record.head,
                number=rev.number,
                saved=saved,
            )
        )
        return
    st.sidebar.warning(
        tr(
            "You are looking at revision {number} of {head}, {saved}. "
            "A link to this view keeps showing this revision; to edit, go to the latest.",
            number=rev.number,
            head=record.head,
            saved=saved,
        )
    )
    st.sidebar.button(
        tr("Go to the latest revision ({head})", head=record.head),
        on_click=state.set_revision,
        args=(record.head,),
        key="to-latest",
    )


def store_line(stored: Stored) -> str:
    return tr("Kept in the {store}.", store=stored.store.description)


def _render_actions(stored: Stored) -> None:
    record, store = stored.record, stored.store
    with st.sidebar.expander(tr("Manage this case")):
        st.button(
            tr("Duplicate"),
            key="case-duplicate",
            on_click=_duplicate,
            args=(store, record),
            help=tr("A new case starting from the latest revision of this one."),
        )
        label = tr("Unarchive") if record.archived else tr("Archive")
        st.button(
            label,
            key="case-archive",
            on_click=_archive,
            args=(store, record),
            help=tr("Archived cases are hidden from the list (kept, with their history)."),
        )
        export = json.dumps(store.export_case(record.id), ensure_ascii=False, indent=1)
        st.download_button(
            tr("Export the case with its history (JSON)"),
            export,
            file_name=f"claimtrace-case-{record.id}.json",
            mime="application/json",
            key="case-export",
            on_click="ignore",
        )
        sure = st.checkbox(
            tr("I want to delete this case and its whole history"), key="case-delete-sure"
        )
        st.button(
            tr("Delete"),
            key="case-delete",
            disabled=not sure,
            on_click=_delete,
            args=(store, record),
            type="primary",
        )


def _render_import(store: Store) -> None:
    with st.sidebar.expander(tr("Import a case (a ClaimTrace JSON export)")):
        upload = st.file_uploader(tr("Case export"), type=["json"], key="case-import")
        failed = st.session_state.pop(IMPORT_ERROR, None)
        if failed:
            st.error(md(failed))
        if upload is not None:
            st.button(
                tr("Import it as a new case"),
                key="case-import-go",
                on_click=_import,
                args=(store,),
                help=tr("A new case with the export's whole history; the export is not changed."),
            )


def _import(store: Store) -> None:
    upload = st.session_state.get("case-import")
    if upload is None:
        return
    try:
        record = store.import_case(json.loads(upload.getvalue()), author())
    except (StoreError, ValueError) as exc:
        st.session_state[IMPORT_ERROR] = f"{upload.name}: {exc}"
        return
    _open_case(record.id, record.head)
    _flash(
        tr.plural(
            record.head,
            "Imported “{title}” with its {n} revision.",
            "Imported “{title}” with its {n} revisions.",
            title=record.title,
        )
    )


def _duplicate(store: Store, record: CaseRecord) -> None:
    revision = store.duplicate(record.id, author())
    _open_case(revision.case_id, 1)
    _flash(tr("Duplicated “{title}”: this is the copy.", title=record.title))


def _archive(store: Store, record: CaseRecord) -> None:
    store.set_archived(record.id, not record.archived)
    if not record.archived:
        st.session_state["show-archived"] = True  # keep it on screen, marked archived
    if record.archived:
        _flash(tr("“{title}” is no longer archived.", title=record.title))
    else:
        _flash(tr("“{title}” is archived.", title=record.title))


def _delete(store: Store, record: CaseRecord) -> None:
    store.delete(record.id)
    st.session_state.pop(state.STORED, None)
    st.session_state.pop("case-delete-sure", None)
    state.set_revision(None)
    _flash(tr("Deleted “{title}” and its history.", title=record.title))
