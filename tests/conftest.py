"""Fixtures shared by the app and browser tests: the files a journalist would upload, built in code."""

from __future__ import annotations

import pytest

# A German newsroom's export: semicolons, German headers and vocabulary, DD.MM.YYYY HH:MM dates,
# saved by Excel as Windows-1252. The cells use characters that only cp1252 has among the
# single-byte encodings (’ – €), so reading it as Latin-1 or UTF-8 would show mojibake.
GERMAN_HEADER = "Nr;Datum;Quelle;Medientyp;Land;Sprache;Schlagzeile;Zitiert;Haltung;Bemerkung"
GERMAN_ROWS = (
    "de-01;04.08.2022 21:15;Rossija 1;Staatsfernsehen;Russland;Russisch;"
    "Korotschenko über «100’000 Freiwillige»;;Ursprung;Sendung nicht gesehen",
    "de-02;05.08.2022 08:30;Süddeutsche Zeitung;Qualitätszeitung;Deutschland;Deutsch;"
    "Nordkorea bietet Russland Soldaten an – angeblich;de-01;wiederholt;Paywall, 3 €",
    "de-03;05.08.2022 10:05;Neue Zürcher Zeitung;Zeitung;Schweiz;Deutsch;"
    "Zürich zweifelt an der Meldung;de-01;hinterfragt;Büro Zürich",
    "de-04;06.08.2022 07:00;Blick;Boulevard;Schweiz;Deutsch;Kim schickt 100’000 Mann!;de-02;"
    "wiederholt;",
    "de-05;11.08.2022 14:45;Faktencheck Österreich;Faktenchecker;Österreich;Deutsch;"
    "Falsch: keine Truppen aus Nordkorea;de-02;widerlegt;Große Straße",
)


@pytest.fixture
def german_csv() -> bytes:
    """Five events in a semicolon, Windows-1252 CSV with German headers and dates."""
    return ("\r\n".join((GERMAN_HEADER, *GERMAN_ROWS)) + "\r\n").encode("cp1252")
