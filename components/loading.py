"""Loading cases, cached by content: the same bytes give the same Case, for every user alike."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from claimtrace.ingest import load_bytes, meta_from_dict
from claimtrace.model import Case

CASES_DIR = Path(__file__).resolve().parent.parent / "data" / "cases"
DATA_NAMES = ("events.csv", "events.xlsx", "events.json", "events.jsonl")


def bundled_cases() -> dict[str, Path]:
    """Slug -> data file of each bundled case (a folder with case.json and events.*)."""
    out = {}
    for folder in sorted(CASES_DIR.iterdir()) if CASES_DIR.exists() else []:
        for name in DATA_NAMES:
            if (folder / name).exists() and (folder / "case.json").exists():
                out[folder.name] = folder / name
                break
    return out


def case_title(path: Path) -> str:
    data = json.loads((path.parent / "case.json").read_text(encoding="utf-8"))
    return str(data.get("title") or path.parent.name)


@st.cache_data(show_spinner=False, max_entries=8)
def load_bundled(path: str, mtime: float) -> Case:
    """A bundled case; `mtime` is part of the cache key so an edited file is read again."""
    file = Path(path)
    meta = meta_from_dict(
        json.loads((file.parent / "case.json").read_text(encoding="utf-8")), file.name
    )
    return load_bytes(file.read_bytes(), file.name, meta)


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name, bytes and SHA-256. The caches below are keyed by the digest,
    worked out once per upload (uploaded), not by hashing megabytes again on every run."""

    name: str
    data: bytes = field(repr=False)
    sha256: str


DIGEST = "_upload-digest"  # session state: (file id, size, sha256) of the upload last seen


def uploaded(file_id: str, name: str, data: bytes) -> Upload:
    """The upload with its digest, remembered in the session for the same file (Streamlit
    gives every file uploaded an id of its own)."""
    seen = st.session_state.get(DIGEST)
    if file_id and seen and seen[:2] == (file_id, len(data)):
        return Upload(name, data, seen[2])
    digest = hashlib.sha256(data).hexdigest()
    if file_id:
        st.session_state[DIGEST] = (file_id, len(data), digest)
    return Upload(name, data, digest)


def load_upload(upload: Upload, timezone: str, columns: str = "") -> Case:
    """An uploaded file, keyed by its content, name, the time zone chosen for it and the
    column mapping (JSON: header -> contract column) the user gave for its headers."""
    return _read_upload(upload.sha256, upload.name, timezone, columns, upload.data)


@st.cache_data(show_spinner=False, max_entries=16)
def _read_upload(sha256: str, name: str, timezone: str, columns: str, _data: bytes) -> Case:
    from claimtrace import importers

    if importers.looks_like_twitter_tree(_data):  # a Twitter15/16 retweet tree, as published
        return importers.load_twitter_tree(_data, name)
    mapping = json.loads(columns) if columns else None
    return load_bytes(_data, name, timezone=timezone, columns=mapping)


@st.cache_data(show_spinner=False, max_entries=32)
def links_with_inferred(
    case_key: str, _case: Case, per_event: int, min_confidence: float, lang: str = "en"
):
    """The case's documented links plus inferred ones, and the inference report whose sentence
    says what was left out (below the floor, too long a gap, originating events); cached by the
    case's content key."""
    from claimtrace.inference import with_inferred

    return with_inferred(
        _case.events,
        _case.links,
        max_per_event=per_event,
        min_confidence=min_confidence,
        lang=lang,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def load_stored(case_id: str, number: int, sha256: str, title: str, saved: str, _revision) -> Case:
    """A stored revision, through the same validation as a file; keyed by its content's hash
    (a revision never changes, so its number and hash name it for good)."""
    from claimtrace.ingest import load_table

    content = _revision.content
    meta = meta_from_dict(content.meta, title)
    name = f"stored case “{title}” ({case_id}), revision {number} of {saved[:10]}"
    return load_table(list(content.header), [list(r) for r in content.rows], meta, name, sha256)


def upload_headers(upload: Upload) -> tuple[str, ...]:
    """The headers of an uploaded file (empty when it cannot be read as a table)."""
    return _headers(upload.sha256, upload.name, upload.data)


@st.cache_data(show_spinner=False, max_entries=16)
def _headers(sha256: str, name: str, _data: bytes) -> tuple[str, ...]:
    from claimtrace.readers import UnreadableFile, read_table

    try:
        return tuple(read_table(_data, name).header)
    except UnreadableFile:
        return ()
