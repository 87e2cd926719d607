"""Session state: only the user's choices live here, under these names, owned by this module.

Most choices are widgets bound to the URL (`bind="query-params"`, the key is the parameter name),
so a link reproduces the view. What is not a widget (the picked events, the uploaded file's
identity) is written to the URL here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.lang import tr
from components.text import md

PICKED = "picked"  # event ids picked in a chart: a choice, kept in the URL as ?picked=a,b
PLAYING = "playing"  # the time slider is playing
CASE_KEY = "_case_key"  # the content key of the case the filters were made for
FILE, SHA = "file", "sha"  # an uploaded file's name and short hash, in the URL only
# Not a choice but the work one asked for: the background job inferring this session's links,
# with the case and settings it is for (components/inferring.py).
INFERENCE_JOB = "_inference_job"


def picked() -> tuple[str, ...]:
    if PICKED not in st.session_state:
        # First run of a session: a shared link may carry the picks.
        raw = st.query_params.get(PICKED, "")
        st.session_state[PICKED] = tuple(i for i in raw.split(",") if i)
    return tuple(st.session_state[PICKED])


def set_picked(ids: tuple[str, ...]) -> None:
    st.session_state[PICKED] = tuple(ids)
    _write_picked()


def clear_picked() -> None:
    set_picked(())


def _write_picked() -> None:
    ids = st.session_state.get(PICKED, ())
    if ids:
        st.query_params[PICKED] = ",".join(ids)
    elif PICKED in st.query_params:
        del st.query_params[PICKED]


def forget_stale(ids: pd.Series) -> None:
    """Drop picks that are not events of the loaded case (`ids`, its events' ids)."""
    current = picked()
    # The few picks looked up among the ids (not the ids made into a set: 70 ms at 100k).
    present = set(ids[ids.isin(current)].tolist()) if current else set()
    kept = tuple(i for i in current if i in present)
    if kept != current:
        set_picked(kept)
    else:
        _write_picked()


def reset_on_new_case(case_key: str, keys: list[str]) -> None:
    """When another case is loaded, forget the filter choices made for the previous one."""
    previous = st.session_state.get(CASE_KEY)
    if previous is not None and previous != case_key:
        for key in keys:
            st.session_state.pop(key, None)
        st.session_state[PICKED] = ()
    st.session_state[CASE_KEY] = case_key


def note_upload(name: str, short_hash: str) -> None:
    """Put the uploaded file's name and hash in the URL (never its data)."""
    st.query_params[FILE] = name
    st.query_params[SHA] = short_hash


def expect_upload_notice() -> None:
    """A link made for an uploaded file says plainly that the file must be uploaded again."""
    name, short_hash = st.query_params.get(FILE), st.query_params.get(SHA)
    if name:
        st.sidebar.warning(
            tr(
                "This link was made for the file “{file}” (sha256 {hash}). Files never travel "
                "in links: upload it again to see the view.",
                file=md(name),
                hash=md(short_hash or "?"),
            )
        )


def playing() -> bool:
    return bool(st.session_state.get(PLAYING, False))


def set_playing(value: bool) -> None:
    st.session_state[PLAYING] = value


# --- the case store ----------------------------------------------------------------------------
STORED = "stored"  # the id of the stored case on the page, in the URL
STORED_SEEN = "_stored_seen"  # the stored case the revision in the URL was chosen for
REV = "rev"  # the revision shown, in the URL only: a link keeps showing what it showed
EDIT_BASE = "_edit_base"  # (case id, revision) this session opened as the latest, to edit
AUTHOR = "author"  # who saves, for the history
FLASH = "_flash"  # a message to show once, after the rerun that follows an action


def revision_wanted(head: int) -> int:
    """The revision the URL asks for, if it is one of this case's; else the latest."""
    raw = st.query_params.get(REV, "")
    try:
        number = int(raw)
    except ValueError:
        return head
    return number if 1 <= number <= head else head


def set_revision(number: int | None) -> None:
    if number is None:
        if REV in st.query_params:
            del st.query_params[REV]
    else:
        st.query_params[REV] = str(number)


def held_inference_job():
    """The session's inference job, whatever it is for (None if there is none)."""
    held = st.session_state.get(INFERENCE_JOB)
    return held[1] if held else None


def inference_job(wanted: tuple):
    """The session's inference job if it is for `wanted` (case key and settings); a job for
    anything else is stopped and forgotten."""
    held = st.session_state.get(INFERENCE_JOB)
    if held is None:
        return None
    for_what, job = held
    if for_what == wanted:
        return job
    job.cancel()
    del st.session_state[INFERENCE_JOB]
    return None


def set_inference_job(wanted: tuple | None, job) -> None:
    if wanted is None:
        st.session_state.pop(INFERENCE_JOB, None)
    else:
        st.session_state[INFERENCE_JOB] = (wanted, job)
