"""Headers and vocabulary values: every spelling in schema.py means what it says."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from claimtrace import schema
from claimtrace.vocab import normalize_key

SPELLINGS = [(c.name, s) for c in schema.COLUMNS for s in (c.name, *c.synonyms)]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# How the same header turns up in real spreadsheets.
VARIANTS = {
    "as-is": lambda s: s,
    "upper": str.upper,
    "title-with-spaces": lambda s: s.replace("_", " ").title(),
    "hyphens": lambda s: s.replace("_", "-"),
    "no-separators": lambda s: s.replace("_", ""),
    "padded": lambda s: f"  {s} ",
    "no-accents": strip_accents,
    "camel": lambda s: "".join(w.capitalize() for w in s.split("_")),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize(("column", "spelling"), SPELLINGS, ids=[f"{c}<-{s}" for c, s in SPELLINGS])
def test_every_synonym_matches_its_column(column: str, spelling: str, variant: str) -> None:
    assert schema.match_header(VARIANTS[variant](spelling)) == column


def test_no_spelling_means_two_columns() -> None:
    owner: dict[str, str] = {}
    for column, spelling in SPELLINGS:
        key = normalize_key(spelling)
        assert owner.setdefault(key, column) == column, (spelling, owner[key], column)


def test_the_contract_columns() -> None:
    assert schema.COLUMN_NAMES == (
        "id",
        "date",
        "date_end",
        "outlet",
        "outlet_type",
        "country",
        "language",
        "headline",
        "headline_en",
        "quote",
        "url",
        "cites",
        "stance",
        "evidence",
        "notes",
    )
    assert schema.REQUIRED == ("id", "date", "outlet")


@pytest.mark.parametrize(
    "header",
    ["Reporter", "Seite", "page", "ids", "dates", "outlets", "Datum 2", "", "Unnamed: 3", "#"],
)
def test_other_headers_are_extra_columns(header: str) -> None:
    assert schema.match_header(header) is None


# A sample cell for each column and what the events table holds for it.
SAMPLE = {
    "id": ("e7", "e7"),
    "date": ("2022-08-04", pd.Timestamp("2022-08-04", tz="UTC")),
    "date_end": ("2022-08-06", pd.Timestamp("2022-08-07", tz="UTC")),  # exclusive end
    "outlet": ("Bild", "Bild"),
    "outlet_type": ("Tabloid", "tabloid"),
    "country": ("Deutschland", "DE"),
    "language": ("Deutsch", "de"),
    "headline": ("Kiew plant Großangriff", "Kiew plant Großangriff"),
    "headline_en": ("Kyiv plans major attack", "Kyiv plans major attack"),
    "quote": ("„Angeblich bereit“", "„Angeblich bereit“"),
    "url": ("https://example.org/a", "https://example.org/a"),
    "cites": ("AFP", "AFP"),
    "stance": ("repeats", "repeats"),
    "evidence": ("primary", "primary"),
    "notes": ("gesehen", "gesehen"),
}
DEFAULTS = {"id": "1", "date": "2022-08-04", "outlet": "TASS"}


@pytest.mark.parametrize(("column", "spelling"), SPELLINGS, ids=[f"{c}<-{s}" for c, s in SPELLINGS])
def test_a_file_with_each_synonym_loads_the_column(make_csv, load, column, spelling) -> None:
    header = [h for h in DEFAULTS if h != column] + [spelling.upper()]
    row = [DEFAULTS[h] for h in header[:-1]] + [SAMPLE[column][0]]
    case = load(make_csv(header, [row], delimiter=";", encoding="utf-8"))

    assert case.errors == []
    assert case.extra_columns == ()
    assert case.events[column].iloc[0] == SAMPLE[column][1]


def test_headers_in_any_order_and_case(make_csv, load) -> None:
    header = ["Quelle", "NOTIZ", "Zeitpunkt", "Event-ID", "Title"]
    case = load(make_csv(header, [["TASS", "n", "2022-08-04", "a1", "h"]]))
    event = case.events.iloc[0]
    assert (event["id"], event["outlet"], event["notes"], event["headline"]) == (
        "a1",
        "TASS",
        "n",
        "h",
    )


def test_unknown_columns_are_kept_as_extra_columns(make_csv, load) -> None:
    header = ["id", "Reporter", "date", "outlet", "Seite", "Zugriff am"]
    rows = [["1", "Anna", "2022-08-04", "TASS", "3", "05.08.2022"], ["2", "", "2022-08-05", "Bild"]]
    case = load(make_csv(header, rows))
    assert case.extra_columns == ("Reporter", "Seite", "Zugriff am")
    assert list(case.events["Reporter"]) == ["Anna", ""]
    assert list(case.events["Seite"]) == ["3", ""]
    assert list(case.events["Zugriff am"]) == ["05.08.2022", ""]  # kept as text, not parsed


def test_a_second_column_of_the_same_meaning_is_kept_as_extra(make_csv, load) -> None:
    header = ["id", "date", "outlet", "Datum"]
    case = load(make_csv(header, [["1", "2022-08-04", "TASS", "05.08.2022"]]))
    assert case.events["date"].iloc[0] == pd.Timestamp("2022-08-04", tz="UTC")
    assert case.extra_columns == ("Datum",)
    assert case.events["Datum"].iloc[0] == "05.08.2022"
    [warning] = case.warnings
    assert (warning.row, warning.column) == (1, "Datum")
    assert "'date'" in warning.message


@pytest.mark.parametrize(
    "header",
    [["id", "date", "outlet", "row"], ["id", "date", "outlet", "date_precision"]],
    ids=["row", "date_precision"],
)
def test_an_extra_column_named_like_a_derived_one_does_not_overwrite_it(
    make_csv, load, header
) -> None:
    case = load(make_csv(header, [["1", "2022-08-04", "TASS", "mine"]]))
    assert case.events["row"].iloc[0] == 2
    assert case.events["date_precision"].iloc[0] == "day"
    [extra] = case.extra_columns
    assert extra.startswith(header[-1]) and extra != header[-1]
    assert case.events[extra].iloc[0] == "mine"


# --- vocabulary values -------------------------------------------------------------------------

VALUE_SPELLINGS = [
    # outlet_type
    ("outlet_type", "State TV", "state_tv"),
    ("outlet_type", "state tv", "state_tv"),
    ("outlet_type", "STATE_TV", "state_tv"),
    ("outlet_type", "state-tv", "state_tv"),
    ("outlet_type", "Staatsfernsehen", "state_tv"),
    ("outlet_type", "State news agency", "state_agency"),
    ("outlet_type", "state media", "state_agency"),
    ("outlet_type", "Government", "state_official"),
    ("outlet_type", "Ministry", "state_official"),
    ("outlet_type", "Behörde", "state_official"),
    ("outlet_type", "Behorde", "state_official"),
    ("outlet_type", "Politiker", "politician"),
    ("outlet_type", "tabloid", "tabloid"),
    ("outlet_type", "Boulevard", "tabloid"),
    ("outlet_type", "Broadsheet", "broadsheet"),
    ("outlet_type", "Newspaper", "broadsheet"),
    ("outlet_type", "Qualitätszeitung", "broadsheet"),
    ("outlet_type", "Wire service", "wire"),
    ("outlet_type", "news agency", "wire"),
    ("outlet_type", "Nachrichtenagentur", "wire"),
    ("outlet_type", "TV", "broadcaster"),
    ("outlet_type", "Radio", "broadcaster"),
    ("outlet_type", "Public broadcaster", "broadcaster"),
    ("outlet_type", "Digital outlet", "digital"),
    ("outlet_type", "Online", "digital"),
    ("outlet_type", "Specialist", "specialist"),
    ("outlet_type", "fact-checker", "fact_checker"),
    ("outlet_type", "Fact checker", "fact_checker"),
    ("outlet_type", "Factchecker", "fact_checker"),
    ("outlet_type", "FACT_CHECKER", "fact_checker"),
    ("outlet_type", "Faktencheck", "fact_checker"),
    ("outlet_type", "Social media", "social"),
    ("outlet_type", "Telegram", "social"),
    ("outlet_type", "Soziale Medien", "social"),
    ("outlet_type", "Blog", "blog"),
    ("outlet_type", "Aggregator", "aggregator"),
    ("outlet_type", "Other", "other"),
    ("outlet_type", "Sonstige", "other"),
    # stance
    ("stance", "Originates", "originates"),
    ("stance", "origin", "originates"),
    ("stance", "Ursprung", "originates"),
    ("stance", "REPEATS", "repeats"),
    ("stance", "amplifies", "repeats"),
    ("stance", "übernimmt", "repeats"),
    ("stance", "ubernimmt", "repeats"),
    ("stance", "Questions", "questions"),
    ("stance", "skeptical", "questions"),
    ("stance", "debunked", "debunks"),
    ("stance", "widerlegt", "debunks"),
    ("stance", "Dementi", "denies"),
    ("stance", "confirm", "confirms"),
    ("stance", "bestätigt", "confirms"),
    ("stance", "background", "context"),
    ("stance", "Kontext", "context"),
    # evidence
    ("evidence", "Primary", "primary"),
    ("evidence", "V", "primary"),
    ("evidence", "seen", "primary"),
    ("evidence", "primär", "primary"),
    ("evidence", "secondary", "secondary"),
    ("evidence", "i", "secondary"),
    ("evidence", "indirekt", "secondary"),
    ("evidence", "Unverified", "unverified"),
    ("evidence", "u", "unverified"),
    ("evidence", "unbestätigt", "unverified"),
]


@pytest.mark.parametrize(
    ("column", "spelling", "value"),
    VALUE_SPELLINGS,
    ids=[f"{c}:{s}->{v}" for c, s, v in VALUE_SPELLINGS],
)
def test_vocabulary_spellings(column: str, spelling: str, value: str) -> None:
    assert schema.match_value(column, spelling) == value


VALUES_AND_LABELS = [
    (column, spelling, value)
    for column, vocab in schema.VOCABULARIES.items()
    for value, label in vocab.items()
    for spelling in dict.fromkeys(
        (value, label.split(" (")[0], value.upper(), value.replace("_", " "))
    )
]


@pytest.mark.parametrize(
    ("column", "spelling", "value"),
    VALUES_AND_LABELS,
    ids=[f"{c}:{s}" for c, s, _ in VALUES_AND_LABELS],
)
def test_every_value_and_its_label_match(column: str, spelling: str, value: str) -> None:
    assert schema.match_value(column, spelling) == value


@pytest.mark.parametrize(
    ("column", "spelling"),
    [
        ("outlet_type", "newspaper of record"),
        ("outlet_type", "debunks"),  # a stance is no outlet type
        ("outlet_type", ""),
        ("stance", "maybe"),
        ("stance", "tabloid"),
        ("evidence", "x"),
        ("evidence", "probably"),
    ],
)
def test_unknown_vocabulary_spellings(column: str, spelling: str) -> None:
    assert schema.match_value(column, spelling) is None


@pytest.mark.parametrize(
    ("column", "cell", "loaded"),
    [
        ("outlet_type", "State TV", "state_tv"),
        ("outlet_type", "fact-checker", "fact_checker"),
        ("outlet_type", "", "other"),  # no type given: other, without a warning
        ("stance", "Wiederholt", "repeats"),
        ("stance", "", ""),
        ("evidence", "Sekundär", "secondary"),
        ("evidence", "", ""),
        ("country", "Vereinigtes Königreich", "GB"),
        ("country", "uk", "GB"),
        ("country", "", ""),
        ("language", "Französisch", "fr"),
        ("language", "ENG", "en"),
        ("language", "", ""),
    ],
)
def test_loaded_values_are_normalised_without_warnings(make_csv, load, column, cell, loaded):
    header = ["id", "date", "outlet", column]
    case = load(make_csv(header, [["1", "2022-08-04", "TASS", cell]], encoding="cp1252"))
    assert case.events[column].iloc[0] == loaded
    assert case.problems == ()


def test_the_readme_column_table_lists_every_column_with_its_meaning_and_spellings() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for column in schema.COLUMNS:
        row = next(
            (line for line in readme.splitlines() if line.startswith(f"| `{column.name}` |")), ""
        )
        assert row, column.name
        assert column.meaning.replace("`", "") in row.replace("`", ""), column.name
        for spelling in column.synonyms:
            assert f"`{spelling}`" in row, (column.name, spelling)
