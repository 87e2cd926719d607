"""Column mapping: suggestions, checks, the `--map` option, and a file loaded through a mapping."""

from __future__ import annotations

import shlex

import pytest

from claimtrace import mapping, schema
from claimtrace.ingest import load_bytes
from claimtrace.mapping import EXTRA

# --- suggest ------------------------------------------------------------------------------------

SUGGEST = [
    # English headers the synonyms know
    (
        ["ID", "Date", "Outlet", "URL"],
        {"ID": "id", "Date": "date", "Outlet": "outlet", "URL": "url"},
    ),
    (
        ["event_id", "published_at", "source", "title", "link"],
        {
            "event_id": "id",
            "published_at": "date",
            "source": "outlet",
            "title": "headline",
            "link": "url",
        },
    ),
    # German headers
    (
        ["Nr", "Datum", "Quelle", "Medientyp", "Land", "Sprache", "Überschrift", "Bemerkung"],
        {
            "Nr": "id",
            "Datum": "date",
            "Quelle": "outlet",
            "Medientyp": "outlet_type",
            "Land": "country",
            "Sprache": "language",
            "Überschrift": "headline",
            "Bemerkung": "notes",
        },
    ),
    (
        ["Nummer", "Veröffentlicht", "Sender", "Beruft sich auf", "Haltung", "Beleg"],
        {
            "Nummer": "id",
            "Veröffentlicht": "date",
            "Sender": "outlet",
            "Beruft sich auf": "cites",
            "Haltung": "stance",
            "Beleg": "evidence",
        },
    ),
    (["datum_bis", "Bis"], {"datum_bis": "date_end", "Bis": EXTRA}),
    # Headers the synonyms do not know are extra columns
    (
        ["Publication", "Date published", "Link to article", "Nr"],
        {"Publication": EXTRA, "Date published": EXTRA, "Link to article": EXTRA, "Nr": "id"},
    ),
    (["Zeitung", "Erscheinungsdatum"], {"Zeitung": EXTRA, "Erscheinungsdatum": EXTRA}),
    # The first header that means a column takes it; later ones are extra
    (["source", "publisher", "medium"], {"source": "outlet", "publisher": EXTRA, "medium": EXTRA}),
    (["Datum", "date", "time"], {"Datum": "date", "date": EXTRA, "time": EXTRA}),
    # Empty headers and no headers
    (["", "id"], {"": EXTRA, "id": "id"}),
    ([], {}),
]


@pytest.mark.parametrize(("headers", "expected"), SUGGEST, ids=[str(h) for h, _ in SUGGEST])
def test_suggest(headers, expected):
    assert mapping.suggest(headers) == expected


SUGGEST_GIVEN = [
    # the user's word beats the synonyms, of that header and of any other
    (
        ["source", "Publication"],
        {"Publication": "outlet"},
        {"source": EXTRA, "Publication": "outlet"},
    ),
    (["Nr", "Code"], {"Nr": EXTRA, "Code": "id"}, {"Nr": EXTRA, "Code": "id"}),
    (["Nr", "Datum"], {"Datum": EXTRA}, {"Nr": "id", "Datum": EXTRA}),
    # a mapping for a header the file lacks claims nothing
    (["source"], {"Publication": "outlet"}, {"source": "outlet"}),
]


@pytest.mark.parametrize(("headers", "given", "expected"), SUGGEST_GIVEN)
def test_suggest_with_the_users_choices(headers, given, expected):
    assert mapping.suggest(headers, given) == expected


NEEDS = [
    (["id", "date", "outlet"], False),
    (["Nr", "Datum", "Quelle", "Notiz"], False),
    (["Publication", "Date published", "Link to article", "Nr"], True),
    (["id", "date"], True),
    (["date", "outlet"], True),
    ([], True),
]


@pytest.mark.parametrize(("headers", "needed"), NEEDS, ids=[str(h) for h, _ in NEEDS])
def test_needs_mapping(headers, needed):
    assert mapping.needs_mapping(headers) is needed


# --- check --------------------------------------------------------------------------------------

HEADERS = ["Publication", "Date published", "Link to article", "Nr"]
GOOD = {"Publication": "outlet", "Date published": "date", "Link to article": "url", "Nr": "id"}

CHECK = [
    ("fine", GOOD, []),
    ("extra kept", {**GOOD, "Link to article": EXTRA}, []),
    (
        "no date",
        {**GOOD, "Date published": EXTRA},
        ["no header is mapped to the required column 'date' (when it was published or aired)"],
    ),
    (
        "no id, no outlet",
        {"Date published": "date"},
        [
            "no header is mapped to the required column 'id' "
            "(unique id of the event within the file)",
            "no header is mapped to the required column 'outlet' "
            "(the outlet, account or official body)",
        ],
    ),
    (
        "chosen twice",
        {**GOOD, "Link to article": "outlet"},
        [
            "'outlet' is chosen for 2 headers, 'Publication' and 'Link to article'; "
            "a column can come from one header only"
        ],
    ),
    (
        "not a contract column",
        {**GOOD, "Link to article": "link"},
        [
            "'Link to article' is mapped to 'link', which is not a column of the contract "
            f"(the columns are {', '.join(schema.COLUMN_NAMES)})"
        ],
    ),
    ("header not in file", {**GOOD, "Quelle": EXTRA}, ["there is no header 'Quelle' in the file"]),
]


@pytest.mark.parametrize(("given", "expected"), [c[1:] for c in CHECK], ids=[c[0] for c in CHECK])
def test_check(given, expected):
    assert mapping.check(given, HEADERS) == expected


def test_check_of_a_partial_mapping_leaves_the_required_columns_to_the_synonyms():
    assert mapping.check({"Publication": "outlet"}, HEADERS, require=False) == []
    assert mapping.check({"Publication": "outlet", "Nr": "outlet"}, HEADERS, require=False) == [
        "'outlet' is chosen for 2 headers, 'Publication' and 'Nr'; "
        "a column can come from one header only"
    ]


def test_every_suggestion_of_a_recognised_file_checks_clean():
    headers = ["Nr", "Datum", "Quelle", "Quelle", "Titel", "Sonstiges"]
    assert mapping.check(mapping.suggest(headers), headers) == []


# --- parse_option -------------------------------------------------------------------------------

PARSE_GOOD = [
    ("outlet=Publication", {"Publication": "outlet"}),
    (
        "outlet=Publication,date=\"Date published\",url='Link to article'",
        {"Publication": "outlet", "Date published": "date", "Link to article": "url"},
    ),
    # what the shell hands on from --map outlet=Publication,date="Date published"
    ("outlet=Publication,date=Date published", {"Publication": "outlet", "Date published": "date"}),
    # spaces around pairs, fields and headers are dropped
    (" outlet = Publication , date = Datum  ", {"Publication": "outlet", "Datum": "date"}),
    # quotes keep commas, '=' and the other quote in a header
    ('outlet="Verlag, Ort"', {"Verlag, Ort": "outlet"}),
    ("headline='Titel, \"kurz\"'", {'Titel, "kurz"': "headline"}),
    ('notes="a=b"', {"a=b": "notes"}),
    ("notes=a=b", {"a=b": "notes"}),
    ('outlet=Pub"lica"tion', {"Publication": "outlet"}),
    # a backslash escapes outside single quotes
    (r"outlet=Verlag\, Ort", {"Verlag, Ort": "outlet"}),
    (r'headline="Say \"hi\""', {'Say "hi"': "headline"}),
    # no comment character: '#' is part of a header
    ("id=#", {"#": "id"}),
    ("id=Nr #,date=Datum", {"Nr #": "id", "Datum": "date"}),
    # fields: case, '-' and spaces ignored; extra keeps a column as it is
    ("Outlet-Type=Typ,DATE_END=Bis", {"Typ": "outlet_type", "Bis": "date_end"}),
    ("outlet type=Typ", {"Typ": "outlet_type"}),
    ("extra=Nr", {"Nr": EXTRA}),
    ("EXTRA=Nr,extra=Code", {"Nr": EXTRA, "Code": EXTRA}),
    # empty pairs are skipped; the same pair twice is the same mapping
    ("outlet=Publication,", {"Publication": "outlet"}),
    ("outlet=A,,date=B", {"A": "outlet", "B": "date"}),
    ("outlet=A,outlet=A", {"A": "outlet"}),
    # non-ASCII headers
    (
        "date=Veröffentlichungsdatum,outlet=Издание",
        {"Veröffentlichungsdatum": "date", "Издание": "outlet"},
    ),
    # two headers for one field parse (check reports them)
    ("outlet=A,outlet=B", {"A": "outlet", "B": "outlet"}),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_GOOD, ids=[t for t, _ in PARSE_GOOD])
def test_parse_option(text, expected):
    assert mapping.parse_option(text) == expected


FIELDS = ", ".join(schema.COLUMN_NAMES)

PARSE_BAD = [
    ("outlet", "'outlet' has no '='"),
    ("outlet=Publication,date", "'date' has no '='"),
    ("Publication", "'Publication' has no '='; write field=HEADER, such as outlet=Publication"),
    ("outlet=", "'outlet=' has no header after '='; write outlet=HEADER"),
    ('outlet=""', "'outlet=' has no header after '='"),
    ("outlet=   ", "has no header after '='"),
    ("=Publication", f"'=Publication' has no field before '='; the fields are {FIELDS}"),
    (
        "source=Publication",
        f"unknown field 'source' in 'source=Publication'; the fields are {FIELDS}",
    ),
    ("outlet=A,foo=B", "unknown field 'foo' in 'foo=B'"),
    ("outlet_typ=Typ", "unknown field 'outlet_typ'"),
    ('outlet="Publication', "cannot read '"),
    ('outlet="Publication', "no closing quotation"),
    ("outlet='Publication", "no closing quotation"),
    ("outlet=Publication\\", "no escaped character"),
    ("", "names no column"),
    (",,", "names no column"),
    ("outlet=A,date=A", "'A' is given two fields, 'outlet' and 'date'"),
    ("outlet=A,extra=A", "'A' is given two fields, 'outlet' and 'extra'"),
]


@pytest.mark.parametrize(("text", "message"), PARSE_BAD, ids=[t or "empty" for t, _ in PARSE_BAD])
def test_parse_option_refuses(text, message):
    with pytest.raises(ValueError) as caught:
        mapping.parse_option(text)
    assert message in str(caught.value)


def test_an_unknown_field_lists_extra_too():
    with pytest.raises(ValueError, match=r"\(or extra to keep a column as it is\)"):
        mapping.parse_option("foo=Bar")


ROUND_TRIP = [
    {"Publication": "outlet", "Date published": "date"},
    {"Verlag, Ort": "outlet", "Nr": EXTRA},
    {'Say "hi"': "headline", "back\\slash": "notes", "it's": "url"},
    {"a=b": "notes", "#": "id", "x": "date"},
]


@pytest.mark.parametrize("given", ROUND_TRIP)
def test_format_option_reads_back(given):
    assert mapping.parse_option(mapping.format_option(given)) == given


@pytest.mark.parametrize(
    ("given", "typed"),
    [
        (
            {"Date published": "date", "Publication": "outlet"},
            'date="Date published",outlet="Publication"',
        ),
        ({"Verlag, Ort": "outlet"}, "'outlet=\"Verlag, Ort\"'"),
        ({"it's": "outlet"}, None),
        ({"$HOME": "outlet"}, "'outlet=\"$HOME\"'"),
        ({"`id`": "id"}, "'id=\"`id`\"'"),
    ],
)
def test_shell_option_survives_the_shell(given, typed):
    shown = mapping.shell_option(given)
    if typed is not None:
        assert shown == typed
    (argument,) = shlex.split(shown)  # what a POSIX shell hands on as one argument
    assert mapping.parse_option(argument) == given


def test_example_takes_a_header_with_the_columns_name_as_a_word():
    assert mapping.example(["Publication", "Date published", "Link to article", "Nr"]) == {
        "Date published": "date",
        "Publication": "outlet",
    }
    # whole words only: "Video" is not taken for id, nor "Update" for date
    assert mapping.example(["Video", "Update", "Outlet name"]) == {
        "Video": "id",
        "Update": "date",
        "Outlet name": "outlet",
    }


def test_example_of_a_file_without_spare_headers_has_a_placeholder():
    assert mapping.example(["Nr", "Quelle"]) == {"HEADER": "date"}
    assert mapping.example(["id", "date", "outlet"]) == {}


def test_example_leaves_out_what_the_user_mapped():
    headers = ["Publication", "Date published", "Nr"]
    assert mapping.example(headers, {"Publication": "outlet"}) == {"Date published": "date"}


def test_match_headers_takes_the_files_spelling():
    headers = ["Publication", "Date published", "Nr", "nr"]
    given = {"publication": "outlet", "DATE-PUBLISHED": "date", "NR": "id", "Quelle": EXTRA}
    assert mapping.match_headers(given, headers) == {
        "Publication": "outlet",
        "Date published": "date",
        "NR": "id",  # two headers read so: left as typed, for check to report
        "Quelle": EXTRA,
    }


# --- field_choices ------------------------------------------------------------------------------


def test_field_choices_offer_every_column_and_extra():
    choices = mapping.field_choices()
    assert [v for v, _ in choices] == [*schema.COLUMN_NAMES, EXTRA]
    labels = dict(choices)
    assert labels["outlet"] == "outlet (required) — the outlet, account or official body"
    assert labels["url"] == "url — link to the item"
    assert labels[EXTRA] == "keep as an extra column"
    assert all(" (required) " in labels[c] for c in schema.REQUIRED)
    assert sum("(required)" in label for _, label in choices) == len(schema.REQUIRED)


# --- a file loaded through a mapping ------------------------------------------------------------

ROWS = [
    "Daily Mail;2022-08-05 10:00;https://dailymail.example/a;1",
    "New York Post;2022-08-06;not a link;2",
    ";2022-08-07;https://x.example/c;3",  # no outlet: rejected
    "Fox;2022-13-40;https://fox.example/d;4",  # no such date: rejected
    "CNN;2022-08-08;https://cnn.example/e;1",  # id 1 again: rejected
    'Der Spiegel;"05.08.2022";https://spiegel.example/f;5',
]
SEMICOLON_CSV = (
    "Publication;Date published;Link to article;Nr\n" + "\n".join(ROWS) + "\n"
).encode()


def test_a_file_with_unknown_headers_is_rejected_whole_without_a_mapping():
    case = load_bytes(SEMICOLON_CSV, "events.csv")
    assert case.events.empty
    assert len(case.rejected) == case.source.rows == len(ROWS)


@pytest.mark.parametrize(
    "columns",
    [
        {"Publication": "outlet", "Date published": "date", "Nr": "id"},
        {"Publication": "outlet", "Date published": "date", "Nr": "id", "Link to article": EXTRA},
        mapping.parse_option("outlet=Publication,date=\"Date published\",extra='Link to article'"),
    ],
    ids=["nr-mapped", "extra-said", "from-option"],
)
def test_load_through_a_mapping_keeps_every_row_and_the_extra_column(columns):
    case = load_bytes(SEMICOLON_CSV, "events.csv", columns=columns)
    assert not case.fatal
    assert case.source.delimiter == ";"
    assert case.source.rows == len(ROWS)
    assert len(case.events) + len(case.rejected) == case.source.rows
    assert sorted(case.events["row"]) == [2, 3, 7]
    assert sorted(case.rejected["row"]) == [4, 5, 6]
    by_row = case.events.set_index("row")
    assert by_row["outlet"].to_dict() == {2: "Daily Mail", 3: "New York Post", 7: "Der Spiegel"}
    assert case.extra_columns == ("Link to article",)
    assert by_row["Link to article"].to_dict() == {
        2: "https://dailymail.example/a",
        3: "not a link",
        7: "https://spiegel.example/f",
    }
    assert (case.events["url"] == "").all()
    # the rejected rows keep the file's own headers
    assert {"Publication", "Date published", "Link to article", "Nr"} <= set(case.rejected.columns)


def test_load_through_a_mapping_to_url():
    columns = {"Publication": "outlet", "Date published": "date", "Link to article": "url"}
    case = load_bytes(SEMICOLON_CSV, "events.csv", columns=columns)
    assert case.extra_columns == ()
    assert len(case.events) + len(case.rejected) == case.source.rows
    assert "https://dailymail.example/a" in set(case.events["url"])
    assert any("not an http(s) link" in p.message for p in case.warnings)


def test_the_users_column_beats_a_synonym_of_another_header():
    data = b"source,Publication,date,id\nwire feed,Daily Mail,2022-08-05,1\n"
    case = load_bytes(data, "events.csv", columns={"Publication": "outlet"})
    assert list(case.events["outlet"]) == ["Daily Mail"]
    assert case.extra_columns == ("source",)
    assert list(case.events["source"]) == ["wire feed"]
    assert not case.warnings


def test_a_header_mapped_to_extra_is_not_taken_by_its_synonym():
    data = b"Nr,Code,date,outlet\n7,a,2022-08-05,X\n"
    case = load_bytes(data, "events.csv", columns={"Nr": EXTRA, "Code": "id"})
    assert list(case.events["id"]) == ["a"]
    assert list(case.events["Nr"]) == ["7"]
