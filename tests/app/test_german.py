"""The page in German: ?lang=de (and de-CH) shows the page, both figures and the exports' words
in German, with no English string of the catalogue left; the switch changes the language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from claimtrace.i18n import CATALOGUES

APP = Path(__file__).resolve().parents[2] / "app.py"
GERMAN = CATALOGUES["de"]
FIELD = re.compile(r"\{[^{}]*\}|<[^<>]*>|%\{[^{}]*\}")


def _english_pieces() -> list[str]:
    """The English text of the catalogue that a German page must not show: every literal piece
    (between placeholders and markup) of two words or more whose German differs."""
    pieces = set()
    for key, german in GERMAN.items():
        german_text = german[0] if isinstance(german, tuple) else german
        if german_text == key:
            continue
        for piece in FIELD.split(key.replace("{{", "{").replace("}}", "}")):
            piece = piece.strip(" ,.;:()·—-")
            if len(piece.split()) >= 2 and len(piece) >= 10 and piece not in german_text:
                pieces.add(piece)
    return sorted(pieces)


def _texts(at: AppTest) -> list[str]:
    """Every string the page shows: elements' text and labels, options, tabs, and the charts'
    figure JSON (titles, legends, ticks, notes, hover)."""
    out: list[str] = []

    def walk(node) -> None:
        # A widget's value is what it holds (an option's key), not what it shows.
        held = ("value",) if not hasattr(node, "options") else ()
        for attr in (*held, "label", "body", "help", "placeholder"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                out.append(value)
        for attr in ("options",):
            value = getattr(node, attr, None)
            if isinstance(value, list | tuple):
                out.extend(str(v) for v in value)
        proto = getattr(node, "proto", None)
        spec = getattr(proto, "spec", None) if proto is not None else None
        if isinstance(spec, str) and spec:
            out.append(json.dumps(json.loads(spec).get("layout", {}), ensure_ascii=False))
            out.append(json.dumps(json.loads(spec).get("data", []), ensure_ascii=False))
        for child in getattr(node, "children", {}).values() if hasattr(node, "children") else []:
            walk(child)

    walk(at._tree)
    return out


@pytest.fixture
def german() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "de"
    return at.run()


def test_the_catalogue_has_english_to_look_for():
    assert len(_english_pieces()) > 50


def test_the_german_page_shows_no_english_string(german: AppTest) -> None:
    assert not german.exception, [e.value for e in german.exception]
    shown = "\n".join(_texts(german))
    assert "Zeitleiste" in shown or "Verbreitungsnetz" in shown
    left = [piece for piece in _english_pieces() if piece in shown]
    assert not left, f"English left on the German page: {left}"


def test_the_german_figures_speak_german(german: AppTest) -> None:
    shown = "\n".join(_texts(german))
    for word in ("Staatsfernsehen", "Boulevardzeitung", "Stand der Behauptung", "Datum (UTC)",
                 "Erstes Auftreten", "belegte Verbindung", "Russisch"):  # fmt: skip
        assert word in shown, word
    assert re.search(r"\d\. Aug\.", shown), "German dates: '5. Aug.'"


def test_swiss_german_writes_ss(german: AppTest) -> None:
    swiss = AppTest.from_file(str(APP), default_timeout=60)
    swiss.query_params["lang"] = "de-CH"
    swiss.run()
    assert not swiss.exception
    de, ch = "\n".join(_texts(german)), "\n".join(_texts(swiss))
    sharp = [v for v in GERMAN.values() if isinstance(v, str) and "ß" in v and v in de]
    assert sharp, "the German page shows some text with ß"
    for text in sharp:
        assert text not in ch and text.replace("ß", "ss") in ch, text


def test_the_switch_changes_the_language_and_keeps_it_in_the_url(bundled: AppTest) -> None:
    english = "\n".join(_texts(bundled))
    assert "First appearance" in english
    bundled.segmented_control(key="lang").set_value("de").run()
    assert not bundled.exception
    assert "Erstes Auftreten" in "\n".join(_texts(bundled))
