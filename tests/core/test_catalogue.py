"""The interface's catalogue: every string of the code has its German text, and no German text
is left without its string; the forms of dates and numbers per language (Babel)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import string
from pathlib import Path

import pytest

from claimtrace.i18n import CATALOGUES, LANGUAGES, Translator, language

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("catalogue", ROOT / "tools" / "catalogue.py")
catalogue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogue)

CODE = catalogue.keys()
GERMAN = CATALOGUES["de"]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


def _singular(key: str | tuple[str, str]) -> str:
    return key[0] if isinstance(key, tuple) else key


def test_the_code_has_strings_to_translate():
    assert len(CODE) > 100


def test_every_key_of_the_code_has_german_text():
    missing = {_singular(k): CODE[k][0] for k in CODE if not GERMAN.get(_singular(k))}
    assert not missing, f"no German text (run tools/catalogue.py, then translate): {missing}"


def test_every_german_text_has_a_key_in_the_code():
    used = {_singular(k) for k in CODE}
    orphans = sorted(k for k in GERMAN if k not in used)
    assert not orphans, f"German texts whose key is in no tr() of the code: {orphans}"


@pytest.mark.parametrize("key", sorted(CODE, key=str), ids=lambda k: str(k)[:40])
def test_placeholders_and_plural_forms_match(key):
    german = GERMAN.get(_singular(key))
    if isinstance(key, tuple):
        assert isinstance(german, tuple) and len(german) == 2
        for english, form in zip(key, german, strict=True):
            assert _fields(form) <= _fields(english), (english, form)
    else:
        # A translation may leave out a field its grammar does not need, never add one.
        assert isinstance(german, str)
        assert _fields(german) <= _fields(key), (key, german)


def test_swiss_german_writes_ss():
    tr = Translator("de-CH")
    sharp = [k for k, v in GERMAN.items() if isinstance(v, str) and "ß" in v]
    for key in sharp:
        assert "ß" not in tr(key) and "ss" in tr(key)


@pytest.mark.parametrize(
    ("lang", "number", "date", "short", "percent"),
    [
        ("en", "100,000", "5 Aug 2022", "5 Aug", "40%"),
        ("de", "100.000", "5. Aug. 2022", "5. Aug.", "40 %"),
        ("de-CH", "100’000", "5. Aug. 2022", "5. Aug.", "40 %"),
    ],
)
def test_dates_and_numbers_in_each_language(lang, number, date, short, percent):
    tr = Translator(lang)
    day = dt.date(2022, 8, 5)
    assert (tr.number(100_000), tr.date(day), tr.day_month(day), tr.percent(0.4)) == (
        number, date, short, percent,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("tag", "lang"),
    [("de-DE", "de"), ("de", "de"), ("de_AT", "de"), ("de-CH", "de-CH"), ("de_ch", "de-CH"),
     ("de-LI", "de-CH"), ("en-US", "en"), ("fr-FR", "en"), (None, "en"), ("", "en")],
)  # fmt: skip
def test_the_browser_language_chooses_the_interface(tag, lang):
    assert language(tag) == lang and lang in LANGUAGES


def test_plural_forms_follow_the_count():
    tr = Translator("de")
    assert tr.plural(1, "{n} day", "{n} days") == "1 Tag"
    assert tr.plural(2_000, "{n} day", "{n} days") == "2.000 Tage"
    assert Translator("en").plural(2_000, "{n} day", "{n} days") == "2,000 days"
