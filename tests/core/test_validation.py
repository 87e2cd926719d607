"""Bad input gives data, not exceptions: rejected rows with reasons, warnings, or one fatal message.

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from claimtrace.dates import DATE_HINT
from claimtrace.readers import MAX_CELL_CHARS

HEADER = ["id", "date", "date_end", "outlet", "outlet_type", "country", "language", "url"]
GOOD = ["ok", "2022-08-04", "", "TASS", "state_agency", "RU", "ru", "https://tass.ru/1"]


def row(**cells: str) -> list[str]:
    """The good row with some cells changed."""
    out = dict(zip(HEADER, GOOD, strict=True))
    out.update(cells)
    return list(out.values())


# Each row is loaded after a good first row (row 2), so the bad one is on row 3.
REJECTIONS = [
    ("no-id", row(id=""), "id", "no id"),
    ("blank-id", row(id="   "), "id", "no id"),
    ("duplicate-id", row(id="ok"), "id", "id 'ok' is already used on row 2"),
    ("no-outlet", row(id="b", outlet=""), "outlet", "no outlet"),
    ("no-date", row(id="b", date=""), "date", "no date"),
    (
        "unreadable-date",
        row(id="b", date="2022-13-32"),
        "date",
        f"cannot read '2022-13-32' as a date in time zone UTC ({DATE_HINT})",
    ),
    (
        "impossible-day",
        row(id="b", date="31.02.2022"),
        "date",
        "cannot read '31.02.2022' as a date in time zone UTC",
    ),
    ("word-date", row(id="b", date="yesterday"), "date", "cannot read 'yesterday' as a date"),
    (
        "date-end-before-date",
        row(id="b", date="05.08.2022", date_end="04.08.2022"),
        "date_end",
        "date_end '04.08.2022' is before date '05.08.2022'",
    ),
    (
        "date-end-before-time",
        row(id="b", date="2022-08-05 14:30", date_end="2022-08-05 14:00"),
        "date_end",
        "date_end '2022-08-05 14:00' is before date '2022-08-05 14:30'",
    ),
    (
        "unreadable-date-end",
        row(id="b", date_end="soon"),
        "date_end",
        f"cannot read 'soon' as a date ({DATE_HINT})",
    ),
]


@pytest.mark.parametrize(
    ("bad", "column", "message"),
    [r[1:] for r in REJECTIONS],
    ids=[r[0] for r in REJECTIONS],
)
def test_each_rejection_names_row_column_and_reason(make_csv, load, bad, column, message) -> None:
    case = load(make_csv(HEADER, [GOOD, bad, row(id="last")]))

    assert list(case.events["id"]) == ["ok", "last"]
    [error] = case.errors
    assert (error.severity, error.row, error.column) == ("error", 3, column)
    assert message in error.message
    assert str(error).startswith(f"row 3, column {column}: ")
    # The rejected table holds the user's own cells, and why.
    [rejected] = case.rejected.to_dict("records")
    assert rejected["row"] == 3
    assert rejected["reason"] == f"column {column}: {error.message}"
    assert [rejected[h] for h in HEADER] == [c.strip() for c in bad]
    assert len(case.events) + len(case.rejected) == case.source.rows == 3


def test_the_later_of_two_rows_with_one_id_is_rejected(make_csv, load) -> None:
    rows = [row(id="a", outlet="First"), row(id="b"), row(id="a", outlet="Second")]
    case = load(make_csv(HEADER, rows))
    assert list(case.events["outlet"]) == ["First", "TASS"]
    assert list(case.rejected["outlet"]) == ["Second"]
    assert [(p.row, p.message) for p in case.errors] == [(4, "id 'a' is already used on row 2")]


def test_a_row_with_several_faults_lists_them_all(make_csv, load) -> None:
    case = load(make_csv(HEADER, [row(id="", outlet="", date="someday")]))
    assert sorted(p.column for p in case.errors) == ["date", "id", "outlet"]
    assert {p.row for p in case.errors} == {2}
    reason = case.rejected["reason"].iloc[0]
    for part in ("column id: no id", "column outlet: no outlet", "column date: cannot read"):
        assert part in reason


def test_date_end_widens_the_interval(make_csv, load) -> None:
    rows = [
        row(id="a", date="2022-08-01", date_end="2022-08-31"),
        row(id="b", date="2022-08-04 14:30", date_end="2022-08-04"),  # same day: ends that day
        row(id="c", date="2022-08-04", date_end="2022-08-04"),  # no wider than the date
    ]
    case = load(make_csv(HEADER, rows))
    events = case.events.set_index("id")
    assert str(events.loc["a", "date_end"]) == "2022-09-01 00:00:00+00:00"
    assert events.loc["a", "date_precision"] == "interval"
    assert str(events.loc["b", "date_end"]) == "2022-08-05 00:00:00+00:00"
    assert events.loc["b", "date_precision"] == "interval"
    assert str(events.loc["c", "date_end"]) == "2022-08-05 00:00:00+00:00"
    assert events.loc["c", "date_precision"] == "day"


def test_a_date_end_column_left_empty_is_fine(make_csv, load) -> None:
    # Most rows leave date_end empty; a column with no date_end at all once raised TypeError.
    case = load(make_csv(HEADER, [row(id="a"), row(id="b", date="04.08.2022 14:30")]))
    assert case.problems == ()
    assert list(case.events["date_precision"]) == ["day", "minute"]


def test_the_bad_date_message_names_the_case_time_zone(make_csv, load) -> None:
    from claimtrace.model import CaseMeta

    rows = [row(date="2022-03-27 02:30")]  # does not exist in Zurich
    case = load(make_csv(HEADER, rows), meta=CaseMeta(title="t", timezone="Europe/Zurich"))
    [error] = case.errors
    assert "in time zone Europe/Zurich" in error.message


WARNINGS = [
    # column, cell, loaded value, message part
    ("outlet_type", "Zeitungsente", "other", "unknown outlet_type 'Zeitungsente', shown as other"),
    ("stance", "maybe", "", "unknown stance 'maybe', shown as empty"),
    ("evidence", "probably", "", "unknown evidence 'probably', shown as empty"),
    ("country", "Atlantis", "", "unknown country 'Atlantis', left empty"),
    ("country", "Korea", "", "unknown country 'Korea'"),  # North or South?
    ("language", "Klingon", "", "unknown language 'Klingon', left empty"),
    ("url", "www.example.org/a", "www.example.org/a", "is not an http(s) link"),
    ("url", "ftp://example.org/a", "ftp://example.org/a", "is not an http(s) link"),
    ("url", "tass.ru", "tass.ru", "'tass.ru' is not an http(s) link; it is shown as text"),
]


@pytest.mark.parametrize(
    ("column", "cell", "loaded", "message"), WARNINGS, ids=[f"{w[0]}:{w[1]}" for w in WARNINGS]
)
def test_unknown_values_warn_and_still_load(make_csv, load, column, cell, loaded, message) -> None:
    header = ["id", "date", "outlet", "stance", "evidence", *HEADER[4:]]
    cells = dict(
        zip(header, ["1", "2022-08-04", "TASS", "repeats", "primary", *GOOD[4:]], strict=True)
    )
    cells[column] = cell
    case = load(make_csv(header, [list(cells.values())]))

    assert case.rejected.empty
    assert case.events[column].iloc[0] == loaded
    [warning] = case.problems
    assert (warning.severity, warning.row, warning.column) == ("warning", 2, column)
    assert message in warning.message


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=c#d", "http://example.org", "HTTPS://EXAMPLE.ORG/"]
)
def test_http_links_do_not_warn(make_csv, load, url) -> None:
    case = load(make_csv(HEADER, [row(url=url)]))
    assert case.problems == ()


def test_a_rejected_row_gives_no_further_warnings(make_csv, load) -> None:
    case = load(make_csv(HEADER, [row(date="", outlet_type="Zeitungsente", country="Atlantis")]))
    assert [(p.severity, p.column) for p in case.problems] == [("error", "date")]


def test_problems_come_file_first_then_by_row_errors_first(make_csv, load) -> None:
    header = ["id", "date", "outlet", "country", "Datum"]  # Datum: a second date column
    rows = [
        ["1", "2022-08-04", "TASS", "Atlantis", ""],
        ["1", "2022-08-04", "TASS", "Atlantis", ""],
        ["3", "someday", "TASS", "", ""],
    ]
    case = load(make_csv(header, rows))
    assert [(p.row, p.severity, p.column) for p in case.problems] == [
        (1, "warning", "Datum"),
        (2, "warning", "country"),
        (3, "error", "id"),
        (4, "error", "date"),
    ]


# --- loaded + rejected = rows ------------------------------------------------------------------

# Seeded, so a failure can be replayed: files mixing good and bad rows in random proportions.
FAULTS = {
    "good": {},
    "no id": {"id": ""},
    "no outlet": {"outlet": ""},
    "bad date": {"date": "2022-13-32"},
    "no date": {"date": ""},
    "end before": {"date_end": "2022-08-01"},
    "bad end": {"date_end": "later"},
    "unknown type": {"outlet_type": "Zeitungsente"},
    "bad url": {"url": "tass"},
    "unknown country": {"country": "Atlantis"},
}
REJECTING = {"no id", "no outlet", "bad date", "no date", "end before", "bad end"}


@pytest.mark.parametrize("seed", range(8))
def test_loaded_plus_rejected_is_rows_for_mixed_files(make_csv, load, seed) -> None:
    rng = random.Random(seed)
    rows, expect_rejected, seen = [], [], set()
    for n in range(rng.randint(1, 40)):
        fault = rng.choice(list(FAULTS))
        cells = {"id": f"e{n}", **FAULTS[fault]}
        if cells["id"] and rng.random() < 0.15:
            cells["id"] = "e0"  # maybe a duplicate: the later of two rows is rejected
        rows.append(row(**cells))
        expect_rejected.append(fault in REJECTING or cells["id"] in seen)
        seen.add(cells["id"])
    case = load(make_csv(HEADER, rows))  # load() asserts loaded + rejected == rows

    assert case.source.rows == len(rows)
    rejected = [number in set(case.rejected["row"]) for number in range(2, len(rows) + 2)]
    assert rejected == expect_rejected


def test_a_missing_required_column_rejects_every_row(make_csv, load) -> None:
    rows = [["1", "2022-08-04", "a"], ["2", "2022-08-05", "b"]]
    case = load(make_csv(["id", "Datum", "notes"], rows))

    assert case.readable
    assert case.events.empty
    assert list(case.rejected["row"]) == [2, 3]
    assert set(case.rejected["reason"]) == {"no 'outlet' column"}
    [error] = [p for p in case.errors if p.row is None]
    assert "there is no 'outlet' column" in error.message
    assert "quelle" in error.message  # it says which headers it looked for


def test_several_missing_columns_are_all_named(make_csv, load) -> None:
    case = load(make_csv(["Reporter"], [["Anna"]]))
    assert {p.message.split("'")[1] for p in case.errors} == {"id", "date", "outlet"}
    assert case.rejected["reason"].iloc[0] == "no 'id' or 'date' or 'outlet' column"


# --- rows that are not quite rows ------------------------------------------------------------------


def test_ragged_rows(make_csv, load) -> None:
    text = (
        "id,date,outlet,headline\n"
        "long,2022-08-04,TASS,h,spill,over\n"  # more cells than headers: rejected
        "padded,2022-08-04,TASS,h,,\n"  # empty cells beyond the header: fine
        "short,2022-08-04,TASS\n"  # fewer cells: the rest are empty
        "tooshort,2022-08-04\n"  # ... unless a required one is missing
    )
    case = load(text.encode(), "events.csv")

    assert list(case.events["id"]) == ["padded", "short"]
    assert list(case.events["headline"]) == ["h", ""]
    assert [(p.row, p.column, p.message) for p in case.errors] == [
        (2, None, "the row has 6 cells but the header has 4"),
        (5, "outlet", "no outlet"),
    ]
    assert list(case.rejected["id"]) == ["long", "tooshort"]
    assert list(case.rejected["headline"]) == ["h", ""]


def test_blank_rows_are_skipped_but_keep_their_numbers(load) -> None:
    text = (
        "id,date,outlet\r\n"
        "1,2022-08-04,TASS\r\n"
        "\r\n"  # row 3: blank
        ",,\r\n"  # row 4: only delimiters
        " , ,\t\r\n"  # row 5: whitespace
        "2,someday,Bild\r\n"  # row 6
    )
    case = load(text.encode(), "events.csv")
    assert case.source.rows == 2  # blank rows are layout, not data
    assert [(p.row, p.column) for p in case.errors] == [(6, "date")]
    assert list(case.events["id"]) == ["1"]
    assert list(case.rejected["id"]) == ["2"]


def test_blank_xlsx_rows_keep_the_sheet_numbering(make_xlsx, load) -> None:
    rows = [["1", "2022-08-04", "TASS"], [None, None, None], ["2", "someday", "Bild"]]
    case = load(make_xlsx(["id", "date", "outlet"], rows), "events.xlsx")
    assert case.source.rows == 2
    assert [p.row for p in case.errors] == [4]


def test_extra_columns_are_kept_in_events_and_rejected(make_csv, load) -> None:
    header = ["id", "date", "outlet", "Reporter", "Seite"]
    rows = [["1", "2022-08-04", "TASS", "Anna", "3"], ["2", "", "Bild", "Ben", "7"]]
    case = load(make_csv(header, rows))
    assert case.extra_columns == ("Reporter", "Seite")
    assert case.events[["Reporter", "Seite"]].values.tolist() == [["Anna", "3"]]
    assert case.rejected[["Reporter", "Seite"]].values.tolist() == [["Ben", "7"]]


def test_the_rejected_table_keeps_the_users_headers(make_csv, load) -> None:
    header = ["Nr", "Datum", "Quelle", "Land"]
    case = load(make_csv(header, [["1", "31.02.2022", "Bild", "Deutschland"]], delimiter=";"))
    assert list(case.rejected.columns) == ["row", "reason", *header]
    assert case.rejected.iloc[0].tolist() == [
        2,
        f"column date: cannot read '31.02.2022' as a date in time zone UTC ({DATE_HINT})",
        "1",
        "31.02.2022",
        "Bild",
        "Deutschland",  # as written, not the code it would have become
    ]


def test_json_lines_with_broken_lines(load) -> None:
    text = (
        '{"id": "1", "date": "2022-08-04", "outlet": "TASS"}\n'
        '{"id": "2", "date": \n'  # line 2: not JSON
        "\n"  # line 3: blank
        '["not", "an", "object"]\n'  # line 4
        '{"id": "5", "date": "2022-08-05", "outlet": "Bild"}\n'
    )
    case = load(text.encode(), "events.jsonl")
    assert case.source.format == "jsonl"
    assert case.source.rows == 4
    assert list(case.events["id"]) == ["1", "5"]
    assert [(p.where, p.severity) for p in case.errors] == [
        ("line 2", "error"),
        ("line 4", "error"),
    ]
    assert "not valid JSON" in case.errors[0].message
    assert case.errors[1].message == "not an object with named fields"
    # The raw text of what could not be read is kept for the user.
    assert list(case.rejected["content"]) == ['{"id": "2", "date": ', '["not", "an", "object"]']


def test_json_array_items_that_are_not_objects(load) -> None:
    data = b'[{"id": "1", "date": "2022-08-04", "outlet": "TASS"}, 7, "x"]'
    case = load(data, "events.json")
    assert [p.where for p in case.errors] == ["record 2", "record 3"]
    assert list(case.rejected["content"]) == ["7", '"x"']


def test_an_over_long_cell_rejects_the_row(make_csv, load) -> None:
    rows = [row(id="big", url="https://x.org/" + "a" * MAX_CELL_CHARS), row(id="small")]
    case = load(make_csv(HEADER, rows))
    assert list(case.events["id"]) == ["small"]
    [error] = case.errors
    assert (error.row, error.column) == (2, "url")
    assert "more than 1,000,000 characters" in error.message


# --- files that are no table at all ---------------------------------------------------------------


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


def _empty_events_workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "events"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


UNREADABLE = [
    ("empty", b"", "events.csv", "the file is empty"),
    ("whitespace", b" \r\n\t\n", "events.csv", "the file is empty"),
    (
        "binary-junk",
        random.Random(7).randbytes(4000),
        "events.csv",
        "it looks like a binary file",
    ),
    ("png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "chart.png", "binary file"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "events.xls", "old Excel .xls"),
    ("broken-xlsx", b"PK\x03\x04" + b"\x00" * 40, "events.xlsx", "looks like XLSX but is damaged"),
    ("zip-not-xlsx", _zip({"a.txt": b"hi"}), "events.zip", "not an Excel workbook"),
    ("empty-sheet", _empty_events_workbook(), "events.xlsx", "the sheet 'events' is empty"),
    ("broken-json", b'[{"id": "1",', "events.json", "the JSON cannot be read"),
    ("json-number", b"42", "events.json", "the JSON holds no list of events"),
    ("json-string", b'"events"', "events.json", "the JSON holds no list of events"),
    ("json-null", b"null\n", "events.json", "the JSON holds no list of events"),
    ("json-empty-array", b"[]", "events.json", "the JSON holds no events"),
    ("json-empty-events", b'{"events": []}', "events.json", "the JSON holds no events"),
    ("utf16-bom-odd-bytes", b"\xff\xfei\x00d\x00,", "events.csv", "says it is UTF-16 but is not"),
]


@pytest.mark.parametrize(
    ("data", "name", "message"), [u[1:] for u in UNREADABLE], ids=[u[0] for u in UNREADABLE]
)
def test_unreadable_files_give_one_plain_message(load, data, name, message) -> None:
    case = load(data, name)  # never raises

    assert not case.readable
    assert case.fatal.startswith(f"{name}: ")
    assert message in case.fatal
    assert "Traceback" not in case.fatal and "Error" not in case.fatal
    assert case.problems[0].message == case.fatal
    assert case.events.empty and list(case.events.columns)[:3] == ["id", "date", "date_end"]
    assert case.source.name == name and len(case.source.sha256) == 64


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"id,date,outlet\n", "events.csv"),
        (b"\xef\xbb\xbfNr;Datum;Quelle\r\n\r\n", "events.csv"),
        (b"id,date,outlet\n,,\n", "events.csv"),
    ],
    ids=["header-only", "header-only-bom-semicolon", "header-and-blank-row"],
)
def test_a_header_without_rows_is_a_readable_empty_case(load, data, name) -> None:
    case = load(data, name)

    assert case.readable
    assert case.problems == ()
    assert case.source.rows == 0
    assert case.events.empty and case.rejected.empty and case.links.empty
    assert str(case.events["date"].dtype) == "datetime64[ns, UTC]"


def test_a_header_without_rows_still_says_which_column_is_missing(load) -> None:
    case = load(b"id,outlet\n", "events.csv")
    assert case.readable
    assert [p.message.split("'")[1] for p in case.errors] == ["date"]


def test_links_are_judged_alike_on_arrow_text_and_on_python_text():
    # The loader judges Arrow-backed text on its bytes and other text with pandas' string
    # methods; a column sliced from a longer one (as the fast CSV path gives) holds bytes of
    # its neighbours in the same buffer, which must not count.
    import pandas as pd
    import pyarrow as pa

    from claimtrace.ingest import _web_links

    cells = [
        "head é",
        "https://a.org",
        "HTTP://b",
        "http://",
        "x y",
        "https://ü",
        "",
        "Https://ok/",
        "https:/x",
        "hTtPs://a",
        "mailto:x",
        "http://\tx",
        "ftp://é",
    ]
    text = pa.array(cells, type=pa.large_string()).slice(1).to_pandas()
    assert isinstance(text.dtype, pd.StringDtype)
    expected = [True, True, False, False, True, False, True, False, True, False, False, False]
    assert _web_links(text).tolist() == expected
    assert _web_links(text.astype(object)).tolist() == expected
