"""The page itself, run by AppTest on the worst files of the corpus: never a traceback.

test_hostile_inputs.py runs every case through what the page computes; here the real app.py
takes a few of them through the upload, so what only the page does (widgets made from the
data, the problems panel, the empty-case and unreadable-file messages) is covered too.
(AppTest journeys live in tests/app; this one belongs with the corpus it reads.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_hostile_inputs import BY_ID

APP = Path(__file__).resolve().parents[2] / "app.py"
WORST = [
    "empty-file",
    "random-bytes-named-csv",
    "xlsx-bomb-expands-to-3-gb",
    "json-nested-10000-deep",
    "header-only",
    "no-required-columns",
    "stray-quote-never-closed",
    "every-date-form-with-and-without-offsets",
    "cycle-of-300",
    "ids-of-10000-characters",
    "right-to-left-override-and-control-characters",
    "json-lone-surrogates",
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # st.cache_data outlives an AppTest: a case cached by one test would hide the next one's path.
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.mark.parametrize("case_id", WORST)
def test_the_page_shows_a_hostile_file_without_a_traceback(case_id: str):
    case = BY_ID[case_id]
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.radio(key="source").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value((case.name, case.make(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    if case.fatal:  # one plain message (escaped for Markdown: read it as shown)
        shown = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
        assert any(case.fatal in text for text in shown), shown
    else:
        assert at.get("plotly_chart") or at.warning, "neither charts nor a message"
