"""The case store, on SQLite and on PostgreSQL: every test runs on both, from an empty database.

PostgreSQL is the database named by $CLAIMTRACE_TEST_DATABASE_URL (its tables are dropped before
each test). `.ci/run` starts a throwaway server for it with tools/test-postgres; by hand:

    tools/test-postgres run .venv/bin/python -m pytest tests/core/test_store.py
"""

from __future__ import annotations

import copy
import json
import os
import threading
from collections import Counter

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, inspect, select, text

from claimtrace import store as store_module
from claimtrace.ingest import load_bytes, load_table, meta_from_dict, meta_to_dict, table_cells
from claimtrace.readers import read_table
from claimtrace.store import Conflict, Content, NotFound, Store, StoreError

TEST_URL = "CLAIMTRACE_TEST_DATABASE_URL"
REQUIRE = "CLAIMTRACE_REQUIRE_POSTGRES"
TABLES = {"cases", "revisions", "header_mappings", "alembic_version"}

HEADER = ("id", "date", "outlet", "headline", "stance")
ROWS = (
    ("dm-1", "2022-08-04 21:15", "Rossiya 1", "North Korea offers 100,000 troops", "origin"),
    ("dm-2", "2022-08-05 08:30", "Daily Mail", "Kim to send 100,000 soldiers", "repeats"),
    ("dm-3", "2022-08-05 10:05", "NZZ", "Doubts about the report", "questions"),
)
META = {"title": "Troops from North Korea", "claim": "100,000 volunteers", "timezone": "UTC"}


def content(rows=ROWS, header=HEADER, **meta) -> Content:
    return Content.of({**META, **meta}, header, rows)


def migration_head() -> str:
    config = Config()
    config.set_main_option(
        "script_location", str(store_module.Path(store_module.__file__).parent / "migrations")
    )
    return ScriptDirectory.from_config(config).get_current_head()


def _empty(url: str) -> None:
    """Drop every table, alembic_version included: the test starts from an empty database."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = MetaData()
            tables.reflect(conn)
            tables.drop_all(conn)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path) -> str:
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.sqlite'}"
    found = os.environ.get(TEST_URL, "").strip()
    if not found:
        reason = (
            f"no PostgreSQL to test on: ${TEST_URL} is not set (.ci/run starts a server; by "
            "hand: tools/test-postgres run .venv/bin/python -m pytest tests/core/test_store.py)"
        )
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{reason}, and ${REQUIRE}=1 says the PostgreSQL tests must run")
        pytest.skip(reason)
    _empty(found)
    return found


@pytest.fixture
def store(url: str):
    opened = Store(url)
    yield opened
    opened.close()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


# --- the schema -------------------------------------------------------------------------------


def test_an_empty_database_is_migrated_to_the_head(url: str) -> None:
    assert table_names(url) == set()
    opened = Store(url)
    try:
        assert table_names(url) == TABLES
        with opened.engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert list(versions) == [migration_head()]
        assert opened.schema_version == migration_head()
        assert opened.cases() == []
    finally:
        opened.close()


def test_a_second_store_migrates_nothing_and_keeps_the_data(url: str, monkeypatch) -> None:
    first = Store(url)
    made = first.create(content(), "ana")
    first.remember_mapping(["Nr", "Datum"], {"Nr": "id", "Datum": "date"})
    first.close()

    def no_upgrade(*args, **kwargs):
        raise AssertionError("the database is at the head: nothing to migrate")

    monkeypatch.setattr("alembic.command.upgrade", no_upgrade)
    second = Store(url)
    try:
        assert second.schema_version == migration_head()
        assert [c.id for c in second.cases()] == [made.case_id]
        assert second.revision(made.case_id).content == content()
        assert second.mapping_for(["Nr", "Datum"]) == {"Nr": "id", "Datum": "date"}
    finally:
        second.close()


def test_the_migration_makes_exactly_the_tables_the_code_declares(store: Store) -> None:
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), store_module.metadata)
    assert differences == []


# --- revisions --------------------------------------------------------------------------------


def _edit_date(c: Content) -> Content:
    rows = [list(r) for r in c.rows]
    rows[0][1] = "2022-08-04 21:45"
    return Content.of(c.meta, c.header, rows)


def _add_row(c: Content) -> Content:
    return Content.of(c.meta, c.header, [*c.rows, ("dm-4", "2022-08-06", "Blick", "Kim!", "")])


def _remove_row(c: Content) -> Content:
    return Content.of(c.meta, c.header, c.rows[:-1])


def _retitle(c: Content) -> Content:
    return Content.of({**c.meta, "title": "Troops, revisited"}, c.header, c.rows)


def _add_column(c: Content) -> Content:
    return Content.of(c.meta, [*c.header, "notes"], [[*r, "seen"] for r in c.rows])


EDITS = [
    ("a changed date", _edit_date, "1 row changed (dm-1: date)"),
    ("a row added", _add_row, "1 row added"),
    ("a row removed", _remove_row, "1 row removed"),
    ("a new title", _retitle, "case details: title"),
    (
        "a column added",
        _add_column,
        "3 rows changed (dm-1: notes, dm-2: notes, dm-3: notes); columns added: notes",
    ),
    ("nothing", lambda c: c, "no change"),
]


@pytest.mark.parametrize(("edit", "changes"), [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_each_save_is_a_new_revision_saying_what_changed(store: Store, edit, changes) -> None:
    first = store.create(content(), "ana", "from the newsroom's sheet")
    assert (first.number, first.author, first.changes) == (1, "ana", "first revision")
    edited = edit(first.content)
    second = store.save(first.case_id, 1, edited, "ben", "  checked the sources  ")
    assert (second.number, second.author, second.message) == (2, "ben", "checked the sources")
    assert second.changes == changes
    assert second.sha256 == edited.sha256
    assert store.case(first.case_id).head == 2
    assert store.case(first.case_id).title == edited.meta["title"]
    assert store.revision(first.case_id) == second
    assert store.revision(first.case_id, 1) == first
    history = store.history(first.case_id)
    assert [(r.number, r.author, r.changes) for r in history] == [
        (2, "ben", changes),
        (1, "ana", "first revision"),
    ]
    assert all(r.content is None for r in history)


def test_revisions_are_numbered_one_by_one_with_their_authors(store: Store) -> None:
    made = store.create(content(), "ana")
    current = made
    for number, author in enumerate(["ben", "cy", "ben", "  "], start=2):
        current = store.save(made.case_id, current.number, _add_row(current.content), author)
        assert current.number == number
    history = store.history(made.case_id)
    assert [r.number for r in history] == [5, 4, 3, 2, 1]
    assert [r.author for r in history] == ["someone", "ben", "cy", "ben", "ana"]
    assert [len(store.revision(made.case_id, n).content.rows) for n in range(1, 6)] == [
        3,
        4,
        5,
        6,
        7,
    ]


def test_a_missing_case_or_revision_is_not_found(store: Store) -> None:
    made = store.create(content(), "ana")
    with pytest.raises(NotFound, match="no revision 7"):
        store.revision(made.case_id, 7)
    for call in (
        lambda: store.case("nope"),
        lambda: store.revision("nope"),
        lambda: store.history("nope"),
        lambda: store.save("nope", 1, content(), "ana"),
    ):
        with pytest.raises(NotFound, match="no stored case 'nope'"):
            call()


def test_restore_makes_a_new_revision_with_the_old_content(store: Store) -> None:
    first = store.create(content(), "ana")
    second = store.save(first.case_id, 1, _edit_date(first.content), "ben")
    third = store.save(first.case_id, 2, _retitle(second.content), "cy")
    restored = store.restore(first.case_id, 1, base=3, author="dee")
    assert restored.number == 4
    assert restored.content == first.content
    assert restored.sha256 == first.sha256
    assert (restored.author, restored.message) == ("dee", "Restored revision 1")
    assert restored.changes == "1 row changed (dm-1: date); case details: title"
    # Nothing before it is touched.
    assert [store.revision(first.case_id, n) for n in (1, 2, 3)] == [first, second, third]
    assert store.case(first.case_id).title == META["title"]
    with pytest.raises(Conflict):
        store.restore(first.case_id, 2, base=3, author="eve")


def test_a_save_from_a_stale_revision_is_refused_and_writes_nothing(store: Store) -> None:
    first = store.create(content(), "ana")
    theirs = store.save(first.case_id, 1, _edit_date(first.content), "ben")
    before = store.case(first.case_id)
    with pytest.raises(Conflict) as raised:
        store.save(first.case_id, 1, _add_row(first.content), "cy", "my row")
    conflict = raised.value
    assert isinstance(conflict, StoreError)
    assert "ben" in str(conflict)
    assert "(revision 2)" in str(conflict)
    assert "after you opened revision 1" in str(conflict)
    assert (conflict.case_id, conflict.base) == (first.case_id, 1)
    assert (conflict.theirs.number, conflict.theirs.author) == (2, "ben")
    assert store.case(first.case_id) == before
    assert [r.number for r in store.history(first.case_id)] == [2, 1]
    assert store.revision(first.case_id) == theirs


# --- cases ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"), [("", f"{META['title']} (copy)"), ("A fresh look", "A fresh look")]
)
def test_duplicate_starts_a_new_case_from_the_latest_revision(
    store: Store, title: str, expected: str
) -> None:
    first = store.create(content(), "ana")
    latest = store.save(first.case_id, 1, _add_row(first.content), "ben")
    copy_ = store.duplicate(first.case_id, "cy", title)
    assert copy_.case_id != first.case_id
    assert (copy_.number, copy_.author) == (1, "cy")
    assert copy_.content.rows == latest.content.rows
    assert copy_.content.meta == {**latest.content.meta, "title": expected}
    record = store.case(copy_.case_id)
    assert record.title == expected
    assert record.origin == f"copy of stored case {first.case_id} at revision 2"
    assert len(store.history(copy_.case_id)) == 1
    assert store.revision(first.case_id) == latest  # the original is untouched
    assert {c.id for c in store.cases()} == {first.case_id, copy_.case_id}


def test_archived_cases_are_listed_only_when_asked_for(store: Store) -> None:
    kept = store.create(content(title="Kept"), "ana")
    shelved = store.create(content(title="Shelved"), "ana")
    store.set_archived(shelved.case_id)
    assert [c.id for c in store.cases()] == [kept.case_id]
    listed = {c.id: c.archived for c in store.cases(archived=True)}
    assert listed == {kept.case_id: False, shelved.case_id: True}
    assert store.revision(shelved.case_id).content == shelved.content  # archived, not gone
    store.set_archived(shelved.case_id, False)
    assert {c.id for c in store.cases()} == {kept.case_id, shelved.case_id}
    with pytest.raises(NotFound):
        store.set_archived("nope")


def test_delete_removes_the_case_and_every_revision(store: Store) -> None:
    gone = store.create(content(), "ana")
    store.save(gone.case_id, 1, _add_row(gone.content), "ben")
    other = store.create(content(title="Other"), "ana")
    store.delete(gone.case_id)
    assert [c.id for c in store.cases(archived=True)] == [other.case_id]
    with store.engine.connect() as conn:
        left = conn.execute(select(store_module.revisions_table.c.case_id)).scalars().all()
    assert left == [other.case_id]
    for call in (
        lambda: store.case(gone.case_id),
        lambda: store.revision(gone.case_id, 1),
        lambda: store.history(gone.case_id),
        lambda: store.delete(gone.case_id),
    ):
        with pytest.raises(NotFound):
            call()


# --- export and import ------------------------------------------------------------------------


def _three_revisions(store: Store) -> str:
    first = store.create(content(), "ana", "from the sheet")
    second = store.save(first.case_id, 1, _edit_date(first.content), "ben", "fixed a date")
    store.save(first.case_id, 2, _add_column(second.content), "cy")
    return first.case_id


def test_export_then_import_keeps_every_revision(store: Store, tmp_path) -> None:
    case_id = _three_revisions(store)
    store.set_archived(case_id)
    exported = json.dumps(store.export_case(case_id), ensure_ascii=False)
    elsewhere = Store(f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    try:
        for target in (store, elsewhere):
            imported = target.import_case(json.loads(exported), "eve")
            assert imported.id != case_id
            assert (imported.head, imported.title, imported.archived) == (3, META["title"], True)
            assert case_id in imported.origin
            for number in (1, 2, 3):
                original = store.revision(case_id, number)
                copied = target.revision(imported.id, number)
                assert copied.content == original.content
                assert copied.sha256 == original.sha256 == original.content.sha256
                assert (copied.author, copied.message, copied.changes, copied.created_at) == (
                    original.author,
                    original.message,
                    original.changes,
                    original.created_at,
                )
            # It goes on from where it was.
            saved = target.save(imported.id, 3, content(), "eve")
            assert saved.number == 4
    finally:
        elsewhere.close()


def _tamper_sha(data):
    data["revisions"][1]["sha256"] = "0" * 64


def _tamper_cell(data):
    data["revisions"][0]["rows"][0][3] = "a headline nobody wrote"


def _renumber(data):
    data["revisions"][2]["number"] = 4


def _drop_first(data):
    del data["revisions"][0]


def _no_revisions(data):
    data["revisions"] = []


def _wrong_format(data):
    data["format"] = "claimtrace-report"


def _wrong_version(data):
    data["version"] = 2


def _damage(field, value):
    def spoil(data):
        data["revisions"][1][field] = value
        del data["revisions"][1]["sha256"]  # no checksum to catch it

    return spoil


def _number_true(data):
    data["revisions"][0]["number"] = True


REFUSED = [
    ("meta not an object", _damage("meta", ["title"]), "Revision 2 of this export is damaged"),
    ("header not a list", _damage("header", "id"), "Revision 2 of this export is damaged"),
    ("rows not a list", _damage("rows", "dm-1"), "Revision 2 of this export is damaged"),
    ("a row not a list", _damage("rows", [5]), "Revision 2 of this export is damaged"),
    ("a cell not a value", _damage("rows", [[{"a": 1}]]), "Revision 2 of this export is damaged"),
    ("number true", _number_true, r"found \[None, 2, 3\]"),
    ("tampered sha256", _tamper_sha, "Revision 2 of this export does not match its sha256"),
    ("tampered cell", _tamper_cell, "Revision 1 of this export does not match its sha256"),
    ("numbering gap", _renumber, r"not numbered 1, 2, 3, … in order: found \[1, 2, 4\]"),
    ("first revision missing", _drop_first, r"found \[2, 3\]"),
    ("no revisions", _no_revisions, "has no revisions"),
    ("wrong format", _wrong_format, "not a ClaimTrace case export"),
    ("wrong version", _wrong_version, "version 2; this app reads version 1"),
]


@pytest.mark.parametrize(
    ("spoil", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_a_spoiled_export_is_refused_and_nothing_is_written(store: Store, spoil, message) -> None:
    exported = store.export_case(_three_revisions(store))
    spoiled = copy.deepcopy(exported)
    spoil(spoiled)
    with pytest.raises(StoreError, match=message):
        store.import_case(json.loads(json.dumps(spoiled)), "eve")
    assert store.count() == 1


def test_an_export_without_case_details_still_imports(store: Store) -> None:
    exported = store.export_case(_three_revisions(store))
    exported["case"] = "lost"
    imported = store.import_case(exported, "eve")
    assert (imported.head, imported.archived) == (3, False)
    assert imported.origin == "imported from case ? (an export)"


@pytest.mark.parametrize("data", [[], "text", None, {"events": []}])
def test_something_else_than_an_export_is_refused(store: Store, data) -> None:
    with pytest.raises(StoreError, match="not a ClaimTrace case export"):
        store.import_case(data, "eve")
    assert store.count() == 0


# --- a stored table goes through the same validation as the file ------------------------------

BAD_CSV = (
    b"id,date,outlet,headline,stance\r\n"
    b"dm-1,2022-08-04 21:15,Rossiya 1,North Korea offers troops,origin\r\n"
    b"dm-2,not a date,Daily Mail,Kim to send soldiers,repeats\r\n"
    b"dm-3,2022-08-05,,No outlet here,repeats\r\n"
    b"dm-4,2022-08-05 10:05,NZZ,Too,many,cells\r\n"
    b"dm-5,2022-08-06,Short row\r\n"
    b"dm-6,2022-08-06 07:00,Blick,Kim schickt 100000 Mann,repeats\r\n"
    b"dm-7,2022-08-07,Faktencheck,,denies,,,\r\n"
)


def test_a_stored_table_loads_and_rejects_the_rows_the_file_did(store: Store) -> None:
    from_file = load_bytes(BAD_CSV, "events.csv")
    header, rows = table_cells(read_table(BAD_CSV, "events.csv"))
    saved = store.create(Content.of(meta_to_dict(from_file.meta), header, rows), "ana")
    stored = store.revision(saved.case_id).content
    case = load_table(
        list(stored.header),
        [list(r) for r in stored.rows],
        meta_from_dict(stored.meta, "events.csv"),
        "events.csv",
        stored.sha256,
    )
    assert case.source.rows == from_file.source.rows == 7
    assert len(case.events) + len(case.rejected) == case.source.rows
    assert (
        list(case.events["id"]) == list(from_file.events["id"]) == ["dm-1", "dm-5", "dm-6", "dm-7"]
    )
    assert list(case.rejected["reason"]) == list(from_file.rejected["reason"])
    assert list(case.rejected["id"]) == ["dm-2", "dm-3", "dm-4"]
    assert "the row has 6 cells but the header has 5" in list(case.rejected["reason"])
    assert case.meta == from_file.meta


def test_a_record_the_reader_could_not_split_is_kept_and_still_rejected(store: Store) -> None:
    data = BAD_CSV + b'dm-8,2022-08-08,Outlet,"a quote never closed\r\n'
    from_file = load_bytes(data, "events.csv")
    header, rows = table_cells(read_table(data, "events.csv"))
    saved = store.create(Content.of(meta_to_dict(from_file.meta), header, rows), "ana")
    stored = store.revision(saved.case_id).content
    assert stored.rows[-1][0].startswith('dm-8,2022-08-08,Outlet,"a quote never closed')
    case = load_table(
        list(stored.header), [list(r) for r in stored.rows], from_file.meta, "events.csv", "x"
    )
    assert len(case.events) + len(case.rejected) == case.source.rows == from_file.source.rows
    assert len(case.rejected) == len(from_file.rejected) == 4


# --- remembered column mappings ---------------------------------------------------------------


def test_a_mapping_is_remembered_for_the_same_headers(url: str, store: Store) -> None:
    headers = ["Nr", "Datum", "Quelle", "Bemerkung"]
    mapping = {"Nr": "id", "Datum": "date", "Quelle": "outlet", "Bemerkung": ""}
    assert store.mapping_for(headers) is None
    store.remember_mapping(headers, mapping)
    assert store.mapping_for(headers) == mapping
    assert store.mapping_for([" Nr ", "Datum", "Quelle ", "Bemerkung"]) == mapping
    assert store.mapping_for(["Datum", "Nr", "Quelle", "Bemerkung"]) is None
    assert store.mapping_for(headers[:3]) is None
    changed = {**mapping, "Bemerkung": "notes"}
    store.remember_mapping(headers, changed)
    other = Store(url)
    try:
        assert other.mapping_for(headers) == changed
    finally:
        other.close()


# --- concurrency ------------------------------------------------------------------------------

WRITERS = 10


def test_concurrent_saves_each_land_once_and_no_revision_is_lost(url: str) -> None:
    """Ten people (each with their own Store, so their own connections) add a row to the same
    case at once; whoever is refused reads the latest revision and applies their row again."""
    setup = Store(url)
    case_id = setup.create(content(rows=ROWS[:1]), "setup").case_id
    stores = [Store(url) for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    conflicts: Counter[int] = Counter()

    def write(i: int) -> None:
        mine = (f"w-{i}", "2022-08-05 12:00", f"Outlet {i}", f"Row of writer {i}", "repeats")
        try:
            barrier.wait(timeout=60)
            for _ in range(200):
                head = stores[i].revision(case_id)
                rows = [*head.content.rows, mine]
                edited = Content.of(head.content.meta, head.content.header, rows)
                try:
                    stores[i].save(case_id, head.number, edited, f"writer {i}")
                    return
                except Conflict:
                    conflicts[i] += 1
            raise AssertionError(f"writer {i} never got its save in")
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert not any(t.is_alive() for t in threads)
        assert errors == []
        assert setup.case(case_id).head == WRITERS + 1
        history = setup.history(case_id)
        assert [r.number for r in history] == list(range(WRITERS + 1, 0, -1))
        assert Counter(r.author for r in history) == Counter(
            ["setup", *(f"writer {i}" for i in range(WRITERS))]
        )
        ids = [r[0] for r in setup.revision(case_id).content.rows]
        assert Counter(ids) == Counter(["dm-1", *(f"w-{i}" for i in range(WRITERS))])
        # Each revision is the one before it plus one row: none was overwritten.
        previous = setup.revision(case_id, 1).content.rows
        for number in range(2, WRITERS + 2):
            revision = setup.revision(case_id, number)
            assert revision.content.rows[:-1] == previous
            assert revision.content.rows[-1][0] == f"w-{revision.author.split()[-1]}"
            assert revision.changes == "1 row added"
            previous = revision.content.rows
    finally:
        for opened in [setup, *stores]:
            opened.close()


def _at_once(count: int, work) -> list[BaseException]:
    """Run work(i) in `count` threads released together; the errors they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            work(i)
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_stores_opening_an_empty_database_at_once_migrate_it_once(url: str) -> None:
    """Several app processes starting together on a new database."""
    opened: list[Store] = []
    try:
        assert _at_once(WRITERS, lambda i: opened.append(Store(url))) == []
        assert len(opened) == WRITERS
        assert table_names(url) == TABLES
        with opened[0].engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            assert list(versions) == [migration_head()]
    finally:
        for each in opened:
            each.close()


def test_the_same_mapping_remembered_at_once_is_kept_once(url: str) -> None:
    headers = ["Nr", "Datum", "Quelle"]
    stores = [Store(url) for _ in range(WRITERS)]
    try:

        def remember(i: int) -> None:
            stores[i].remember_mapping(headers, {"Nr": "id", "Datum": "date", "Quelle": f"{i}"})

        assert _at_once(WRITERS, remember) == []
        remembered = stores[0].mapping_for(headers)
        assert remembered is not None
        assert remembered["Quelle"] in {str(i) for i in range(WRITERS)}
        with stores[0].engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM header_mappings")).scalar_one()
        assert count == 1
    finally:
        for each in stores:
            each.close()
