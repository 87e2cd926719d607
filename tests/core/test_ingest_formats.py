"""One case, written in every format, encoding and delimiter, loads as the same events."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from claimtrace.model import CaseMeta

D = dt.datetime
COMPARED = ["id", "date", "outlet", "outlet_type", "country", "language", "cites", "stance"]

ENGLISH_HEADER = (
    "id",
    "date",
    "outlet",
    "outlet_type",
    "country",
    "language",
    "headline",
    "cites",
    "stance",
    "notes",
)
# Umlauts, ß and German quotes: all in Windows-1252, so each encoding can carry every row.
ENGLISH_ROWS = [
    ("r1", D(2022, 8, 4, 9, 15), "Rossija 1", "State TV", "Russia", "Russian",
     "Ukrainische Armee plant Angriff", "", "originates", ""),
    ("r2", D(2022, 8, 4, 11, 40), "TASS", "State news agency", "RU", "ru",
     "Kiew plant Offensive", "r1", "repeats", ""),
    ("b1", D(2022, 8, 5, 7, 5), "Bild", "Tabloid", "Germany", "German",
     "Russen-TV: Kiew plant Großangriff", "TASS", "repeats", "Müller, Straße"),
    ("n1", D(2022, 8, 5, 16, 30), "Neue Zürcher Zeitung", "Newspaper", "Switzerland", "German",
     "Was über den „Angriff“ bekannt ist", "b1; Rossija 1", "questions", ""),
    ("c1", D(2022, 8, 6, 10, 0), "Correctiv", "fact-checker", "Germany", "German",
     "Faktencheck: Kein Beleg für Angriffspläne", "r1", "debunks", "Quelle geprüft"),
    ("f1", D(2022, 8, 6, 12, 0), "Le Monde", "broadsheet", "France", "French",
     "L'armée ukrainienne prépare une offensive", "AFP", "repeats", ""),
]  # fmt: skip

# The same case as a German newsroom keeps it in Excel.
GERMAN_HEADER = (
    "Nr",
    "Datum",
    "Quelle",
    "Medientyp",
    "Land",
    "Sprache",
    "Schlagzeile",
    "Zitiert",
    "Haltung",
    "Bemerkung",
)
GERMAN_VALUES = {
    # id: (Medientyp, Land, Sprache, Haltung)
    "r1": ("Staatsfernsehen", "Russland", "Russisch", "Ursprung"),
    "r2": ("Staatliche Nachrichtenagentur", "Russische Föderation", "Russisch", "wiederholt"),
    "b1": ("Boulevardzeitung", "Deutschland", "Deutsch", "übernimmt"),
    "n1": ("Zeitung", "Schweiz", "Deutsch", "hinterfragt"),
    "c1": ("Faktencheck", "Deutschland", "Deutsch", "widerlegt"),
    "f1": ("Qualitätszeitung", "Frankreich", "Französisch", "Wiederholt"),
}
GERMAN_ROWS = [
    (r[0], r[1], r[2], *GERMAN_VALUES[r[0]][:3], r[6], r[7], GERMAN_VALUES[r[0]][3], r[9])
    for r in ENGLISH_ROWS
]
GERMAN_DATES = "%d.%m.%Y %H:%M"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


EXPECTED = pd.DataFrame(
    [
        ("r1", utc("2022-08-04 09:15"), "Rossija 1", "state_tv", "RU", "ru", "", "originates"),
        ("r2", utc("2022-08-04 11:40"), "TASS", "state_agency", "RU", "ru", "r1", "repeats"),
        ("b1", utc("2022-08-05 07:05"), "Bild", "tabloid", "DE", "de", "TASS", "repeats"),
        ("n1", utc("2022-08-05 16:30"), "Neue Zürcher Zeitung", "broadsheet", "CH", "de",
         "b1; Rossija 1", "questions"),
        ("c1", utc("2022-08-06 10:00"), "Correctiv", "fact_checker", "DE", "de", "r1", "debunks"),
        ("f1", utc("2022-08-06 12:00"), "Le Monde", "broadsheet", "FR", "fr", "AFP", "repeats"),
    ],
    columns=COMPARED,
)  # fmt: skip
EXPECTED_LINKS = {
    ("r1", "r2", "id"),
    ("r2", "b1", "outlet"),  # "TASS": the agency's latest event before Bild's
    ("b1", "n1", "id"),
    ("r1", "n1", "outlet"),
    ("r1", "c1", "id"),
    ("external:AFP", "f1", "external"),
}


def assert_same_events(events: pd.DataFrame, expected: pd.DataFrame = EXPECTED) -> None:
    got = events[COMPARED].reset_index(drop=True)
    got["date"] = got["date"].astype("datetime64[ns, UTC]")
    want = expected.copy()
    want["date"] = want["date"].astype("datetime64[ns, UTC]")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def build(fmt: str, option: str, make) -> tuple[bytes, str]:
    """The English case in one format; `option` is an encoding, a delimiter or a layout."""
    header, rows = ENGLISH_HEADER, ENGLISH_ROWS
    if fmt == "csv":
        encoding, delimiter = option.split("|")
        return make["csv"](header, rows, delimiter=delimiter, encoding=encoding), "events.csv"
    if fmt == "xlsx":
        layout = {
            "events-second": {"sheet": "events", "before": ["Notes"], "after": ["Sources"]},
            "Events-first": {"sheet": "Events", "after": ["Notes"]},
            "only-sheet-named-otherwise": {"sheet": "Tabelle1"},
            "first-sheet-when-none-is-events": {"sheet": "Tabelle1", "after": ["Notes"]},
        }[option]
        return make["xlsx"](header, rows, **layout), "events.xlsx"
    if fmt == "json":
        kwargs = {
            "array": {},
            "events-object": {"wrap": True},
            "events-with-case": {"case": {"title": "Angriffspläne", "timezone": "UTC"}},
            "utf-8-sig": {"encoding": "utf-8-sig"},
            "utf-16": {"encoding": "utf-16"},
            "iso-with-offset": {"date_format": "%Y-%m-%dT%H:%M+00:00"},
        }[option]
        return make["json"](header, rows, **kwargs), "events.json"
    assert fmt == "jsonl"
    return make["jsonl"](header, rows, encoding=option), "events.jsonl"


CSV_CASES = [
    ("csv", f"{encoding}|{delimiter}", label, encoding_label, delimiter)
    for encoding, encoding_label in [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 with BOM"),
        ("utf-16", "UTF-16"),
        ("utf-16-le", "UTF-16"),  # no BOM: found by its NUL bytes
        ("cp1252", "Windows-1252"),
    ]
    for delimiter, label in [(",", "comma"), (";", "semicolon"), ("\t", "tab")]
]
OTHER_CASES = [
    ("xlsx", "events-second", "", "", ""),
    ("xlsx", "Events-first", "", "", ""),
    ("xlsx", "only-sheet-named-otherwise", "", "", ""),
    ("xlsx", "first-sheet-when-none-is-events", "", "", ""),
    ("json", "array", "", "UTF-8", ""),
    ("json", "events-object", "", "UTF-8", ""),
    ("json", "events-with-case", "", "UTF-8", ""),
    ("json", "utf-8-sig", "", "UTF-8 with BOM", ""),
    ("json", "utf-16", "", "UTF-16", ""),
    ("json", "iso-with-offset", "", "UTF-8", ""),
    ("jsonl", "utf-8", "", "UTF-8", ""),
    ("jsonl", "utf-8-sig", "", "UTF-8 with BOM", ""),
]


@pytest.fixture
def make(make_csv, make_xlsx, make_json, make_jsonl):
    return {"csv": make_csv, "xlsx": make_xlsx, "json": make_json, "jsonl": make_jsonl}


@pytest.mark.parametrize(
    ("fmt", "option", "delimiter_name", "encoding", "delimiter"),
    [pytest.param(*c, id=f"csv-{c[3]}-{c[2]}") for c in CSV_CASES]
    + [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in OTHER_CASES],
)
def test_every_format_loads_the_same_events(
    make, load, fmt, option, delimiter_name, encoding, delimiter
) -> None:
    data, name = build(fmt, option, make)
    case = load(data, name)

    assert case.readable
    assert case.errors == []
    # The one warning: AFP is not in the data, so it is drawn as an external source.
    assert [(p.column, "'AFP'" in p.message) for p in case.warnings] == [("cites", True)]
    assert_same_events(case.events)
    # Text came through the encoding intact: umlauts, ß and German quotes.
    assert list(case.events["headline"]) == [r[6] for r in ENGLISH_ROWS]
    assert list(case.events["date_precision"]) == ["minute"] * len(ENGLISH_ROWS)
    assert case.source.format == fmt
    assert case.source.rows == len(ENGLISH_ROWS)
    assert case.source.encoding == encoding
    assert case.source.delimiter == delimiter
    if delimiter_name:
        assert delimiter_name in case.source.description
    links = set(zip(case.links["source"], case.links["target"], case.links["via"], strict=True))
    assert links == EXPECTED_LINKS


@pytest.mark.parametrize(
    ("fmt", "option", "where"),
    [
        ("csv", "utf-8|,", "row 7"),  # header row 1, sixth event on row 7
        ("xlsx", "events-second", "row 7"),
        ("json", "array", "record 6"),
        ("jsonl", "utf-8", "line 6"),
    ],
)
def test_problems_are_located_in_the_units_of_the_format(make, load, fmt, option, where) -> None:
    case = load(*build(fmt, option, make))
    assert [p.where for p in case.warnings] == [f"{where}, column cites"]


@pytest.mark.parametrize(
    ("layout", "sheet"),
    [
        ("events-second", "events"),
        ("Events-first", "Events"),
        ("only-sheet-named-otherwise", "Tabelle1"),
        ("first-sheet-when-none-is-events", "Tabelle1"),
    ],
)
def test_xlsx_reads_the_events_sheet_else_the_first(make, load, layout, sheet) -> None:
    case = load(*build("xlsx", layout, make))
    assert case.source.sheet == sheet
    assert f"sheet {sheet!r}" in case.source.description


@pytest.mark.parametrize(
    ("cell", "start", "end", "precision"),
    [
        pytest.param(
            D(2022, 8, 4, 14, 30), "2022-08-04 14:30", "2022-08-04 14:31", "minute", id="datetime"
        ),
        pytest.param(
            D(2022, 8, 4, 14, 30, 5), "2022-08-04 14:30:05", "2022-08-04 14:30:06", "second",
            id="datetime-seconds",
        ),
        # Excel keeps a date without a time as midnight: it means the whole day.
        pytest.param(D(2022, 8, 4), "2022-08-04", "2022-08-05", "day", id="datetime-midnight"),
        pytest.param(dt.date(2022, 8, 4), "2022-08-04", "2022-08-05", "day", id="date"),
        pytest.param("04.08.2022 14:30", "2022-08-04 14:30", "2022-08-04 14:31", "minute",
                     id="text-cell"),
    ],
)  # fmt: skip
def test_xlsx_real_date_cells(make_xlsx, load, cell, start, end, precision) -> None:
    data = make_xlsx(["id", "date", "outlet"], [["1", cell, "TASS"]])
    case = load(data, "events.xlsx")
    event = case.events.iloc[0]
    assert (event["date"], event["date_end"]) == (utc(start), utc(end))
    assert event["date_precision"] == precision


def test_xlsx_date_cells_are_local_to_the_case_time_zone(make_xlsx, load) -> None:
    data = make_xlsx(["id", "date", "outlet"], [["1", D(2022, 8, 4, 14, 30), "TASS"]])
    case = load(data, "events.xlsx", CaseMeta(title="t", timezone="Europe/Zurich"))
    assert case.events["date"].iloc[0] == utc("2022-08-04 12:30")


def test_xlsx_numeric_cells_become_text_ids(make_xlsx, load) -> None:
    # Excel turns typed ids into numbers; 2 and 2.0 must still match the cites "2".
    rows = [[1, D(2022, 8, 4, 9), "TASS", None], [2.0, D(2022, 8, 4, 10), "Bild", 1]]
    case = load(make_xlsx(["id", "date", "outlet", "cites"], rows), "events.xlsx")
    assert list(case.events["id"]) == ["1", "2"]
    assert list(zip(case.links["source"], case.links["target"], strict=True)) == [("1", "2")]


def test_xlsx_row_numbers_are_the_sheet_rows(make_xlsx, load) -> None:
    rows = [["1", D(2022, 8, 4), "TASS"], ["2", "someday", "Bild"]]
    case = load(make_xlsx(["id", "date", "outlet"], rows), "events.xlsx")
    assert [(p.row, p.column) for p in case.errors] == [(3, "date")]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "encoding_label"),
    [
        pytest.param("cp1252", ";", "Windows-1252", id="excel-csv-windows-1252-semicolon"),
        pytest.param("utf-8-sig", ";", "UTF-8 with BOM", id="excel-csv-utf8-semicolon"),
        pytest.param("utf-16", "\t", "UTF-16", id="excel-unicode-text-utf16-tab"),
    ],
)
def test_german_excel_file_loads_like_its_english_twin(
    make_csv, load, encoding, delimiter, encoding_label
) -> None:
    german = make_csv(
        GERMAN_HEADER,
        GERMAN_ROWS,
        delimiter=delimiter,
        encoding=encoding,
        date_format=GERMAN_DATES,
    )
    twin = make_csv(ENGLISH_HEADER, ENGLISH_ROWS)
    assert "Französisch" in german.decode(encoding)

    german_case = load(german, "Ereignisse.csv")
    english_case = load(twin, "events.csv")

    assert german_case.source.encoding == encoding_label
    assert german_case.source.delimiter == delimiter
    assert german_case.extra_columns == ()  # every German header was recognised
    assert german_case.errors == []
    assert_same_events(german_case.events)
    pd.testing.assert_frame_equal(
        german_case.events[[*COMPARED, "headline", "notes", "date_end", "date_precision"]],
        english_case.events[[*COMPARED, "headline", "notes", "date_end", "date_precision"]],
    )
    pd.testing.assert_frame_equal(german_case.links, english_case.links)
    assert [str(p) for p in german_case.problems] == [str(p) for p in english_case.problems]


def test_german_excel_workbook_with_real_dates(make_xlsx, make_csv, load) -> None:
    german = load(make_xlsx(GERMAN_HEADER, GERMAN_ROWS, sheet="Tabelle1"), "Ereignisse.xlsx")
    english = load(make_csv(ENGLISH_HEADER, ENGLISH_ROWS), "events.csv")
    pd.testing.assert_frame_equal(german.events[COMPARED], english.events[COMPARED])


def test_json_case_object_supplies_the_metadata(make_json, load) -> None:
    case_meta = {
        "title": "Angriffspläne",
        "claim": "Kiew plant einen Angriff",
        "timezone": "Europe/Berlin",
        "credit": "Recherche: A. Müller",
    }
    rows = [("1", "2022-08-04 14:30", "TASS"), ("2", "2022-08-04T14:30+00:00", "Bild")]
    case = load(make_json(["id", "date", "outlet"], rows, case=case_meta), "case.json")
    assert case.meta.title == "Angriffspläne"
    assert case.meta.claim == "Kiew plant einen Angriff"
    assert case.meta.timezone == "Europe/Berlin"
    assert case.meta.credit == "Recherche: A. Müller"
    # The case's time zone applies to naive times only.
    assert list(case.events["date"]) == [utc("2022-08-04 12:30"), utc("2022-08-04 14:30")]


def test_meta_argument_wins_over_the_json_case_object(make_json, load) -> None:
    data = make_json(["id", "date", "outlet"], [("1", "2022-08-04 14:30", "TASS")],
                     case={"title": "from file", "timezone": "Asia/Tokyo"})  # fmt: skip
    case = load(data, "case.json", CaseMeta(title="given", timezone="UTC"))
    assert case.meta.title == "given"
    assert case.events["date"].iloc[0] == utc("2022-08-04 14:30")


@pytest.mark.parametrize(
    ("timezone", "shown"),
    [("Mars/Olympus", "UTC"), ("", "UTC"), (42, "UTC"), ("Europe/Zurich", "Europe/Zurich")],
)
def test_json_case_time_zone_falls_back_to_utc(make_json, load, timezone, shown) -> None:
    data = make_json(["id", "date", "outlet"], [("1", "2022-08-04", "TASS")],
                     case={"timezone": timezone})  # fmt: skip
    case = load(data, "my case.json")
    assert case.meta.timezone == shown
    assert case.meta.title == "my case"  # no title: the file name stands in


def test_json_values_of_other_types_become_text(make_json, load) -> None:
    header = ["id", "date", "outlet", "notes", "cites"]
    rows = [(1, "2022-08-04", "TASS", True, None), (2.0, "2022-08-05", "Bild", 1.5, 1)]
    case = load(make_json(header, rows), "events.json")
    assert list(case.events["id"]) == ["1", "2"]
    assert list(case.events["notes"]) == ["true", "1.5"]
    assert list(case.events["cites"]) == ["", "1"]


def test_json_objects_with_different_keys_share_one_table(load) -> None:
    data = (
        b'[{"id": "1", "date": "2022-08-04", "outlet": "TASS"},'
        b' {"outlet": "Bild", "id": "2", "date": "2022-08-05", "Reporter": "Anna"}]'
    )
    case = load(data, "events.json")
    assert list(case.events["outlet"]) == ["TASS", "Bild"]
    assert list(case.events["Reporter"]) == ["", "Anna"]


def test_load_path_reads_case_json_beside_the_file(tmp_path, make_csv) -> None:
    from claimtrace.ingest import load_path

    (tmp_path / "events.csv").write_bytes(
        make_csv(["id", "date", "outlet"], [("1", "2022-08-04 14:30", "TASS")])
    )
    (tmp_path / "case.json").write_text(
        '{"title": "Zürich case", "timezone": "Europe/Zurich"}', encoding="utf-8"
    )
    case = load_path(tmp_path / "events.csv")
    assert case.meta.title == "Zürich case"
    assert case.events["date"].iloc[0] == utc("2022-08-04 12:30")
    assert case.source.name == "events.csv"
    assert len(case.source.sha256) == 64
