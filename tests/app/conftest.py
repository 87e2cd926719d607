"""AppTest fixtures: the real app.py, run in process, one fresh session per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # st.cache_data is shared by every AppTest in one pytest run: without this, a case loaded
    # by one test is served from the cache to the next, and a loader bug can hide behind it.
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def _own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every test its own case store (never the developer's data/store/), by the variable a
    # newsroom sets for its PostgreSQL. A test that needs to know it sets it again itself.
    monkeypatch.setenv("CLAIMTRACE_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")


@pytest.fixture
def bundled() -> AppTest:
    """The app as a visitor first sees it: the bundled case."""
    # 30 s, not the default 3 s: the first run imports pandas and plotly, slow on 2 cores.
    return AppTest.from_file(str(APP), default_timeout=30).run()


@pytest.fixture
def upload() -> Callable[..., AppTest]:
    """upload(data, name) -> the app after a visitor chose "Upload a file" and gave it `data`."""

    def run(data: bytes, name: str = "events.csv", mime: str = "text/csv") -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30).run()
        at.radio(key="source").set_value("Upload a file").run()
        at.file_uploader(key="upload").set_value((name, data, mime)).run()
        return at

    return run
