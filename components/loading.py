"""Loading cases, cached by content: the same bytes give the same Case, for every user alike."""

from __future__ import annotations

import json
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


@st.cache_data(show_spinner=False, max_entries=16)
def load_upload(data: bytes, name: str, timezone: str, columns: str = "") -> Case:
    """An uploaded file, keyed by its bytes, name, the time zone chosen for it and the column
    mapping (JSON: header -> contract column) the user gave for its headers."""
    from claimtrace import importers

    if importers.looks_like_twitter_tree(data):  # a Twitter15/16 retweet tree, as published
        return importers.load_twitter_tree(data, name)
    mapping = json.loads(columns) if columns else None
    return load_bytes(data, name, timezone=timezone, columns=mapping)


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


@st.cache_data(show_spinner=False, max_entries=16)
def upload_headers(data: bytes, name: str) -> tuple[str, ...]:
    """The headers of an uploaded file (empty when it cannot be read as a table)."""
    from claimtrace.readers import UnreadableFile, read_table

    try:
        return tuple(read_table(data, name).header)
    except UnreadableFile:
        return ()
