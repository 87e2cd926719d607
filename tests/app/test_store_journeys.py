"""Journeys through the case store: copy, edit, add, conflict, restore, map columns, share.

Every test has a store of its own (an SQLite file under tmp_path, named by the same environment
variable a newsroom uses for its PostgreSQL), and drives the real app.py through AppTest.
The table editor cannot be typed into by AppTest; its edit state is seeded the documented way
(edited_rows / added_rows / deleted_rows on the editor's key), as a browser would send it.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from claimtrace.store import ENV_URL, Store
from tests.app.test_journeys import event_ids, figure, open_panel, page_text, plain

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def store_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    monkeypatch.setenv(ENV_URL, url)
    return url


def app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def copied(store_url: str) -> tuple[AppTest, str]:
    """The bundled case, copied into the store from the page: (the app, the new case's id)."""
    at = app()
    at.button(key="copy-bundled").click().run()
    assert at.radio(key="source").value == "Stored case"
    case_id = at.selectbox(key="stored").value
    return at, case_id


def editor_key(case_id: str, number: int) -> str:
    return f"case-editor-{case_id}-{number}"


def rows(store_url: str, case_id: str, number: int | None = None) -> list[dict[str, str]]:
    content = Store(store_url).revision(case_id, number).content
    return [dict(zip(content.header, r, strict=True)) for r in content.rows]


def position(store_url: str, case_id: str, event_id: str) -> int:
    return next(i for i, r in enumerate(rows(store_url, case_id)) if r["id"] == event_id)


def edit(at: AppTest, case_id: str, number: int, **state) -> AppTest:
    """Seed the table editor's edit state, as the browser sends it, and run."""
    at.session_state[editor_key(case_id, number)] = {
        "edited_rows": state.get("edited", {}),
        "added_rows": state.get("added", []),
        "deleted_rows": state.get("deleted", []),
    }
    return at.run()


def _values(array):
    """A figure's array as values: plotly writes numeric arrays as typed base64 ({dtype, bdata})."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def x_of(fig: dict, event_id: str):
    for trace in fig["data"]:
        ids = _values(trace.get("customdata") or [])
        for i, item in enumerate(ids):
            value = item[0] if isinstance(item, list) else item
            if value == event_id and trace.get("x") is not None:
                return _values(trace["x"])[i]
    raise AssertionError(f"{event_id} is not drawn")


def test_the_bundled_case_is_copied_into_the_store_and_opens_there(store_url) -> None:
    at, case_id = copied(store_url)
    assert not at.exception
    text = page_text(at)
    assert "Copied into the case store" in text
    assert "Revision 1 (the latest)" in text
    assert at.query_params["rev"] == "1"
    editor = at.data_editor(key=editor_key(case_id, 1))
    assert len(editor.value) == 60  # every row, the editor shows them all
    assert len(event_ids(figure(at, "timeline"))) > 40


def test_editing_a_date_moves_the_event_in_the_charts(store_url) -> None:
    at, case_id = copied(store_url)
    before = x_of(figure(at, "timeline"), "nypost-0805")
    row = position(store_url, case_id, "nypost-0805")
    edit(at, case_id, 1, edited={row: {"date": "2022-08-20", "date_end": ""}})
    assert "Unsaved:" in page_text(at) and "nypost-0805: date" in page_text(at)
    at.button(key="edit-save").click().run()
    assert not at.exception
    assert "Saved as revision 2" in page_text(at)
    assert at.query_params["rev"] == "2"
    saved = {r["id"]: r for r in rows(store_url, case_id)}
    assert saved["nypost-0805"]["date"] == "2022-08-20"
    assert x_of(figure(at, "timeline"), "nypost-0805") != before


def test_an_added_event_that_cites_another_is_drawn_with_its_link(store_url) -> None:
    at, case_id = copied(store_url)
    added = {
        "id": "gazette-0812",
        "date": "2022-08-12",
        "outlet": "Test Gazette",
        "outlet_type": "digital",
        "country": "CH",
        "language": "de",
        "stance": "repeats",
        "evidence": "primary",
        "headline": "Nordkorea bietet angeblich 100 000 Freiwillige an",
        "cites": ["nypost-0805"],
    }
    edit(at, case_id, 1, added=[added])
    at.button(key="edit-save").click().run()
    assert not at.exception
    assert "1 row added" in page_text(at)
    assert "gazette-0812" in event_ids(figure(at, "network"))
    saved = {r["id"]: r for r in rows(store_url, case_id)}
    assert saved["gazette-0812"]["cites"] == "nypost-0805"
    assert len(saved) == 61


def test_a_rejected_edit_stays_in_the_table_with_its_reason(store_url) -> None:
    at, case_id = copied(store_url)
    row = position(store_url, case_id, "nypost-0805")
    edit(at, case_id, 1, edited={row: {"date": "next Tuesday"}})
    assert "1 are rejected" in page_text(at) or "1 are rejected" in page_text(at).replace(",", "")
    at.button(key="edit-save").click().run()
    editor = at.data_editor(key=editor_key(case_id, 2))
    problem = editor.value.iloc[row]["problem"]
    assert problem.startswith("REJECTED") and "date" in problem
    assert len(editor.value) == 60  # the rejected row did not vanish


def test_two_sessions_saving_the_same_revision_get_a_conflict_not_an_overwrite(store_url) -> None:
    first, case_id = copied(store_url)
    second = app(source="Stored case", stored=case_id)
    assert second.query_params["rev"] == "1"
    a = position(store_url, case_id, "nypost-0805")
    b = position(store_url, case_id, "dailymail-0805")
    first.text_input(key="author").input("Anna").run()
    second.text_input(key="author").input("Ben").run()
    edit(first, case_id, 1, edited={a: {"headline": "Anna's fix"}})
    edit(second, case_id, 1, edited={b: {"headline": "Ben's fix"}})
    first.button(key="edit-save").click().run()
    second.button(key="edit-save").click().run()
    text = page_text(second)
    assert "Not saved: Anna saved this case" in text and "revision 2" in text
    assert rows(store_url, case_id)[b]["headline"] != "Ben's fix"  # nothing overwritten
    second.button(key="conflict-merge").click().run()
    assert not second.exception
    latest = rows(store_url, case_id)
    assert latest[a]["headline"] == "Anna's fix" and latest[b]["headline"] == "Ben's fix"
    history = Store(store_url).history(case_id)
    assert [(r.number, r.author) for r in history] == [(3, "Ben"), (2, "Anna"), (1, "someone")]


def test_a_revision_is_restored_as_a_new_one(store_url) -> None:
    at, case_id = copied(store_url)
    row = position(store_url, case_id, "nypost-0805")
    old = rows(store_url, case_id)[row]["date"]
    edit(at, case_id, 1, edited={row: {"date": "2022-08-20"}})
    at.button(key="edit-save").click().run()
    at.selectbox(key="history-pick").set_value(1).run()
    at.button(key="history-restore").click().run()
    assert not at.exception
    assert "Revision 1 restored as revision 3" in page_text(at)
    assert rows(store_url, case_id)[row]["date"] == old
    assert len(Store(store_url).history(case_id)) == 3


def test_a_link_to_an_old_revision_keeps_showing_it(store_url) -> None:
    at, case_id = copied(store_url)
    row = position(store_url, case_id, "nypost-0805")
    edit(at, case_id, 1, edited={row: {"date": "2022-08-20", "date_end": ""}})
    at.button(key="edit-save").click().run()
    old = app(source="Stored case", stored=case_id, rev="1")
    assert "You are looking at revision 1 of 2" in page_text(old)
    assert old.data_editor(key=editor_key(case_id, 1)).proto.disabled
    latest = app(source="Stored case", stored=case_id, rev="2")
    assert x_of(figure(old, "timeline"), "nypost-0805") != x_of(
        figure(latest, "timeline"), "nypost-0805"
    )


def test_case_details_are_edited_in_a_form(store_url) -> None:
    at, case_id = copied(store_url)
    next(t for t in at.text_input if t.label == "Title").input(
        "The 100,000 volunteers claim (edited)"
    )
    next(b for b in at.button if b.label.startswith("Save details as revision 2")).click()
    at.run()
    assert not at.exception
    assert plain(at.title[0].value) == "The 100,000 volunteers claim (edited)"
    assert Store(store_url).case(case_id).title == "The 100,000 volunteers claim (edited)"


UNKNOWN = (
    "Nr;Publication;Date published;Link to article;Kind\n"
    "1;Regnum;02.08.2022;https://regnum.ru/x;state agency\n"
    "2;Daily Mail;05.08.2022;https://dailymail.co.uk/y;tabloid\n"
    "3;New York Post;05.08.2022;https://nypost.com/z;tabloid\n"
).encode("cp1252")


def _upload(at: AppTest, data: bytes) -> AppTest:
    at.radio(key="source").set_value("Upload a file").run()
    return at.file_uploader(key="upload").set_value(("newsroom.csv", data, "text/csv")).run()


def test_unknown_headers_are_mapped_once_and_remembered(store_url) -> None:
    at = _upload(app(), UNKNOWN)
    assert "were not recognised from their headers" in page_text(at)
    pickers = {s.label: s for s in at.selectbox if s.key and s.key.startswith("map-")}
    assert set(pickers) >= {"Nr", "Publication", "Date published", "Link to article"}
    pickers["Publication"].set_value("outlet")
    pickers["Date published"].set_value("date")
    pickers["Link to article"].set_value("url")
    pickers["Nr"].set_value("id")
    at.run()
    assert "3 of 3 rows load, 0 are rejected" in page_text(at)
    at.button(key="mapping-use").click().run()
    assert not at.exception
    assert event_ids(figure(at, "timeline")) == {"1", "2", "3"}
    # Another visit, the same headers: read with the remembered mapping, at once.
    again = _upload(app(), UNKNOWN)
    assert event_ids(figure(again, "timeline")) == {"1", "2", "3"}
    assert "remembered for files with these headers" in page_text(again) or any(
        "remembered" in i.value for i in again.sidebar.info
    )


def test_an_upload_is_saved_as_a_new_case_with_every_row(store_url) -> None:
    data = b"id,date,outlet\na,2022-08-05,Daily Mail\nb,not a date,New York Post\n"
    at = _upload(app(), data)
    at.button(key="save-upload").click().run()
    assert not at.exception
    assert at.radio(key="source").value == "Stored case"
    case_id = at.selectbox(key="stored").value
    saved = rows(store_url, case_id)
    assert [r["id"] for r in saved] == ["a", "b"]  # the rejected row is kept, to be fixed
    assert re.search(r"Saved .* with all 2 rows \(1 rejected", page_text(at))


def test_a_case_is_exported_and_imported_with_its_history(store_url, tmp_path) -> None:
    at, case_id = copied(store_url)
    row = position(store_url, case_id, "nypost-0805")
    edit(at, case_id, 1, edited={row: {"notes": "checked again"}})
    at.button(key="edit-save").click().run()
    exported = Store(store_url).export_case(case_id)
    other = app(source="Stored case")
    other.file_uploader(key="case-import").set_value(
        ("case.json", json.dumps(exported).encode(), "application/json")
    ).run()
    other.button(key="case-import-go").click().run()
    assert not other.exception
    assert "with its 2 revisions" in page_text(other)
    new_id = other.selectbox(key="stored").value
    assert new_id != case_id
    assert len(Store(store_url).history(new_id)) == 2


def test_a_case_is_duplicated_archived_and_deleted_from_the_sidebar(store_url) -> None:
    at, case_id = copied(store_url)
    at.button(key="case-duplicate").click().run()
    copy_id = at.selectbox(key="stored").value
    assert copy_id != case_id and "this is the copy" in page_text(at)
    assert Store(store_url).case(copy_id).title.endswith("(copy)")
    at.button(key="case-archive").click().run()
    assert Store(store_url).case(copy_id).archived
    assert copy_id not in [r.id for r in Store(store_url).cases()]
    assert at.selectbox(key="stored").value == copy_id  # still on screen, marked archived
    assert "Delete" in [b.label for b in at.button if b.disabled]  # not before it is confirmed
    at.checkbox(key="case-delete-sure").check().run()
    at.button(key="case-delete").click().run()
    assert not at.exception
    assert [r.id for r in Store(store_url).cases(archived=True)] == [case_id]
    assert "Deleted" in page_text(at)


def test_the_share_link_of_a_stored_case_names_its_revision(store_url) -> None:
    at, _ = copied(store_url)
    assert not at.code  # the link is made when its panel is opened
    at.session_state["share-panel"] = True
    at.run()
    text = page_text(at)
    assert "rev=1" in " ".join(c.value for c in at.code)
    assert "later edits do not change what it shows" in text


TREE = (
    b"['ROOT', 'ROOT', '0.0']->['10', '675065047710892033', '0.0']\n"
    b"['10', '675065047710892033', '0.0']->['11', '675065047710892033', '2.5']\n"
    b"['10', '675065047710892033', '0.0']->['12', '675065047710892033', '90.0']\n"
    b"['11', '675065047710892033', '2.5']->['13', '675065047710892033', '61.0']\n"
    b"['11', '675065047710892033', '2.5']->['13', '675065047710892033', '61.0']\n"
)


def test_a_twitter_retweet_tree_is_imported_from_the_page(store_url) -> None:
    """A tree file of Twitter15/16 as published: its true parents drawn as documented links,
    the duplicate line listed, not dropped unseen."""
    at = app()
    at.radio(key="source").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value(("675065047710892033.txt", TREE, "text/plain")).run()
    assert not at.exception
    assert len(event_ids(figure(at, "network"))) == 4
    text = page_text(open_panel(at, "problems-panel"))  # the warning, in its table
    assert "tree line not used: duplicate of line 4" in text
    assert "2015" in text  # dated from the source tweet's id (10 Dec 2015)
    at.button(key="save-upload").click().run()  # kept as the events it was read into
    assert not at.exception
    case_id = at.selectbox(key="stored").value
    assert len(rows(store_url, case_id)) == 4


def test_the_wording_tab_shows_each_hop_word_by_word(store_url) -> None:
    """Issue 15's wording along the path: the tab lists the hops whose words changed, the
    dropped words struck through, the added ones in bold, and the named drifts."""
    at = app()
    at.session_state["analysis-tab"] = "Wording"
    open_panel(at, "analysis-panel")
    assert not at.exception
    text = page_text(at)
    assert re.search(r"\*\*\d+\*\* documented links change the wording", text)
    assert "hedge dropped" in text and "attribution dropped" in text
    marked = [m.value for m in at.markdown if ":red[~~" in m.value or ":green[**" in m.value]
    assert marked, "no hop is highlighted word by word"


def test_a_picked_event_shows_its_wording_against_what_it_cites(store_url) -> None:
    at = app(picked="nypost-0805")
    assert not at.exception
    text = page_text(at)
    assert "Wording, against what it cites" in text
    assert "hedge dropped" in text
