"""Country and language spellings to ISO codes (claimtrace.vocab) and the tables behind them."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

from claimtrace import vocab
from claimtrace.vocab import (
    country_code,
    country_name,
    language_code,
    language_name,
    normalize_key,
)

VOCAB_DIR = Path(vocab.__file__).resolve().parent


def _rows(filename: str) -> list[dict[str, str]]:
    with (VOCAB_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- normalize_key ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Russia", "russia"),
        ("  RUSSIA  ", "russia"),
        ("Türkei", "turkei"),
        ("Weißrussland", "weissrussland"),
        ("WEISSRUSSLAND", "weissrussland"),
        ("Côte d'Ivoire", "cotedivoire"),
        ("Côte d’Ivoire", "cotedivoire"),
        ("U.S.A.", "usa"),
        ("published_at", "publishedat"),
        ("Guinea-Bissau", "guineabissau"),
        ("new\tzealand\n", "newzealand"),
        ("São\u00a0Tomé", "saotome"),
        ("Åland", "aland"),
        ("Ｒｕｓｓｉａ", "russia"),  # full-width letters (NFKD)
        ("", ""),
    ],
)
def test_normalize_key(text: str, key: str) -> None:
    assert normalize_key(text) == key


# --- country_code -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # English: short, official, common and hand-added names.
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("United Kingdom", "GB"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Britain", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("United States of America", "US"),
        ("America", "US"),
        ("North Korea", "KP"),
        ("DPRK", "KP"),
        ("Democratic People's Republic of Korea", "KP"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Iran", "IR"),
        ("Islamic Republic of Iran", "IR"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Switzerland", "CH"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Syria", "SY"),
        ("Syrian Arab Republic", "SY"),
        ("Taiwan", "TW"),
        ("Bolivia", "BO"),
        ("Venezuela", "VE"),
        ("Tanzania", "TZ"),
        ("Moldova", "MD"),
        ("Laos", "LA"),
        ("Palestine", "PS"),
        ("Kosovo", "XK"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Holland", "NL"),
        ("Netherlands", "NL"),
        ("Belarus", "BY"),
        ("Ukraine", "UA"),
        ("Germany", "DE"),
        ("Micronesia", "FM"),  # short form of "Micronesia, Federated States of"
        ("Congo", "CG"),  # pycountry's name for CG beats the short form of CD's
        ("DR Congo", "CD"),
        # German, from gettext or by hand.
        ("Russland", "RU"),
        ("Russische Föderation", "RU"),
        ("Vereinigtes Königreich", "GB"),
        ("Großbritannien", "GB"),
        ("Vereinigte Staaten", "US"),
        ("Amerika", "US"),
        ("Nordkorea", "KP"),
        ("DVRK", "KP"),
        ("Südkorea", "KR"),
        ("Türkei", "TR"),
        ("Schweiz", "CH"),
        ("Tschechien", "CZ"),
        ("Syrien", "SY"),
        ("Elfenbeinküste", "CI"),
        ("Niederlande", "NL"),
        ("Österreich", "AT"),
        ("Deutschland", "DE"),
        ("Bundesrepublik Deutschland", "DE"),
        ("Frankreich", "FR"),
        ("Italien", "IT"),
        ("Spanien", "ES"),
        ("Polen", "PL"),
        ("Weißrussland", "BY"),
        ("Philippinen", "PH"),
        ("Indien", "IN"),
        ("Palästina", "PS"),
        ("Tansania", "TZ"),
        ("Moldau", "MD"),
        ("Kongo", "CG"),
        ("Demokratische Republik Kongo", "CD"),
        # Swiss spelling (ss for ß) and umlauts typed out or left off.
        ("Weissrussland", "BY"),
        ("Grossbritannien", "GB"),
        ("Grossherzogtum Luxemburg", "LU"),
        ("Tuerkei", "TR"),
        ("Turkei", "TR"),
        ("Oesterreich", "AT"),
        ("Osterreich", "AT"),
        ("Suedkorea", "KR"),
        ("Elfenbeinkueste", "CI"),
        ("Cote d'Ivoire", "CI"),
        # Codes in any case, alpha-2 and alpha-3.
        ("DE", "DE"),
        ("de", "DE"),
        ("gb", "GB"),
        ("Us", "US"),
        ("RUS", "RU"),
        ("rus", "RU"),
        ("GBR", "GB"),
        ("deu", "DE"),
        ("PRK", "KP"),
        ("XKX", "XK"),
        # Whitespace, case and punctuation.
        ("  russland ", "RU"),
        ("RUSSLAND", "RU"),
        ("united  kingdom", "GB"),
        ("unitedkingdom", "GB"),
        ("u.s.a.", "US"),
        ("north-korea", "KP"),
        ("Cote d’Ivoire", "CI"),
        ("\tFrankreich\n", "FR"),
    ],
)
def test_country_code(value: str, code: str) -> None:
    assert country_code(value) == code


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "Atlantis",
        "Narnia",
        "Korea",  # North or South: ambiguous, so unknown
        "Virgin Islands",  # British or U.S.: ambiguous
        "XX",
        "ZZZ",
        "Europe",
        "German",  # a language, not a country
        None,
        float("nan"),
        42,
    ],
)
def test_country_code_unknown(value: object) -> None:
    assert country_code(value) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "display"),
    [
        ("RU", "Russia"),
        ("ru", "Russia"),
        ("Russian Federation", "Russia"),
        ("Russland", "Russia"),
        ("KP", "North Korea"),
        ("KR", "South Korea"),
        ("IR", "Iran"),
        ("SY", "Syria"),
        ("VN", "Vietnam"),
        ("TW", "Taiwan"),
        ("GB", "United Kingdom"),
        ("UK", "United Kingdom"),
        ("US", "United States"),
        ("BO", "Bolivia"),
        ("VE", "Venezuela"),
        ("TZ", "Tanzania"),
        ("MD", "Moldova"),
        ("LA", "Laos"),
        ("DE", "Germany"),
        ("FR", "France"),
        ("XK", "Kosovo"),
        ("PS", "Palestine"),
        ("CZ", "Czechia"),
        ("Atlantis", "Atlantis"),  # unknown: returned unchanged
    ],
)
def test_country_name(value: str, display: str) -> None:
    assert country_name(value) == display


def test_country_name_of_non_string() -> None:
    assert country_name(None) == ""  # type: ignore[arg-type]


# --- language_code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # English names.
        ("English", "en"),
        ("German", "de"),
        ("Russian", "ru"),
        ("Ukrainian", "uk"),
        ("French", "fr"),
        ("Spanish", "es"),
        ("Arabic", "ar"),
        ("Chinese", "zh"),
        ("Greek", "el"),
        ("Modern Greek", "el"),
        ("Persian", "fa"),
        ("Malay", "ms"),
        ("Swahili", "sw"),
        ("Belarusian", "be"),
        ("Norwegian", "no"),
        ("Norwegian Bokmål", "nb"),
        ("Serbo-Croatian", "sh"),
        # Hand aliases.
        ("Farsi", "fa"),
        ("Mandarin", "zh"),
        ("Tagalog", "tl"),
        ("Filipino", "tl"),
        ("Punjabi", "pa"),
        ("Pashto", "ps"),
        ("Castilian", "es"),
        # German names from gettext.
        ("Deutsch", "de"),
        ("Englisch", "en"),
        ("Russisch", "ru"),
        ("Ukrainisch", "uk"),
        ("Französisch", "fr"),
        ("Chinesisch", "zh"),
        ("Spanisch", "es"),
        ("Kastilisch", "es"),
        ("Arabisch", "ar"),
        ("Türkisch", "tr"),
        ("Persisch", "fa"),
        ("Griechisch", "el"),
        ("Niederländisch", "nl"),
        ("Paschtu", "ps"),
        ("Afghanisch", "ps"),
        ("Weißrussisch", "be"),
        ("Grönländisch", "kl"),
        # Swiss spelling and umlauts typed out or left off.
        ("Weissrussisch", "be"),
        ("Franzoesisch", "fr"),
        ("Franzosisch", "fr"),
        ("Tuerkisch", "tr"),
        ("Niederlaendisch", "nl"),
        # Codes in any case: ISO 639-1, 639-3 and 639-2/B.
        ("de", "de"),
        ("DE", "de"),
        ("En", "en"),
        ("deu", "de"),
        ("ger", "de"),
        ("GER", "de"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("zho", "zh"),
        ("chi", "zh"),
        ("ukr", "uk"),
        ("per", "fa"),
        # Whitespace and case.
        ("  deutsch  ", "de"),
        ("ENGLISH", "en"),
        ("\tRussisch\n", "ru"),
        ("serbo croatian", "sh"),
    ],
)
def test_language_code(value: str, code: str) -> None:
    assert language_code(value) == code


@pytest.mark.parametrize(
    "value",
    ["", "  ", "Klingon", "Elbisch", "xx", "qqq", "Germany", "Russland", None, 3.5],
)
def test_language_code_unknown(value: object) -> None:
    assert language_code(value) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "display"),
    [
        ("en", "English"),
        ("de", "German"),
        ("DE", "German"),
        ("Deutsch", "German"),
        ("ru", "Russian"),
        ("uk", "Ukrainian"),
        ("el", "Greek"),
        ("ms", "Malay"),
        ("sw", "Swahili"),
        ("fa", "Persian"),
        ("zh", "Chinese"),
        ("pa", "Punjabi"),
        ("ger", "German"),
        ("Klingon", "Klingon"),  # unknown: returned unchanged
    ],
)
def test_language_name(value: str, display: str) -> None:
    assert language_name(value) == display


# --- the tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "code_pattern", "min_rows"),
    [("countries.csv", r"[A-Z]{2}", 249), ("languages.csv", r"[a-z]{2}", 180)],
)
def test_table_shape(filename: str, code_pattern: str, min_rows: int) -> None:
    rows = _rows(filename)
    assert len(rows) >= min_rows
    assert list(rows[0]) == ["code", "display", "names"]
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    for row in rows:
        assert re.fullmatch(code_pattern, row["code"]), row
        assert row["display"].strip(), row
        assert all(name.strip() for name in row["names"].split("|")), row


@pytest.mark.parametrize("filename", ["countries.csv", "languages.csv"])
def test_no_alias_means_two_codes(filename: str) -> None:
    owner: dict[str, str] = {}
    for row in _rows(filename):
        for alias in (row["code"], row["display"], *row["names"].split("|")):
            key = normalize_key(alias)
            assert owner.setdefault(key, row["code"]) == row["code"], (alias, owner[key], row)


@pytest.mark.parametrize("filename", ["countries.csv", "languages.csv"])
def test_every_row_resolves_to_itself(filename: str) -> None:
    lookup = country_code if filename == "countries.csv" else language_code
    name_of = country_name if filename == "countries.csv" else language_name
    for row in _rows(filename):
        assert lookup(row["code"]) == row["code"]
        assert lookup(row["display"]) == row["code"]
        assert name_of(row["code"]) == row["display"]
        for alias in row["names"].split("|"):
            assert lookup(alias) == row["code"], alias


@pytest.mark.parametrize(
    ("filename", "needs_swiss"),
    [("countries.csv", "Weißrussland"), ("languages.csv", "Weißrussisch")],
)
def test_every_german_eszett_name_has_a_swiss_spelling(filename: str, needs_swiss: str) -> None:
    names = {name for row in _rows(filename) for name in row["names"].split("|")}
    assert needs_swiss in names
    for name in names:
        if "ß" in name:
            assert name.replace("ß", "ss") in names, name


def test_runtime_uses_the_standard_library_only() -> None:
    tree = ast.parse((VOCAB_DIR / "__init__.py").read_text(encoding="utf-8"))
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported <= {"__future__", "csv", "unicodedata", "functools", "pathlib"}
