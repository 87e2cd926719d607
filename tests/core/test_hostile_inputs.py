"""Broken and hostile files, built by code: each is read, or refused with one plain message.

Every case says what a journalist should see: the file refused with a message (`fatal`), or so
many rows loaded and so many rejected, with the problems that say why. Each file goes through
the loader (with the promises `load` checks for every file: loaded + rejected = rows, a reason
for every rejected row), through `python -m claimtrace check`, and through what the page and
the exports compute from it; an exception anywhere fails the case.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from xml.dom.minidom import parseString

import openpyxl
import pandas as pd
import pytest

from claimtrace import analysis, diffusion, export, report
from claimtrace.__main__ import main
from claimtrace.figures.common import Options
from claimtrace.figures.network import network_figure, outlet_network_figure
from claimtrace.figures.timeline import timeline_figure
from claimtrace.filters import Filters, apply, documented_only
from claimtrace.inference import infer_links
from claimtrace.model import Case
from claimtrace.readers import MAX_CELL_CHARS, MAX_COLUMNS, MAX_XLSX_UNCOMPRESSED

HEADER = ["id", "date", "outlet", "outlet_type", "country", "language", "headline", "cites"]
ROWS = [
    ["e1", "2022-08-02", "Süddeutsche Zeitung", "broadsheet", "DE", "de", "Zürich zweifelt", ""],
    ["e2", "2022-08-05 10:30", "Daily Mail", "tabloid", "GB", "en", "Putin's offer", "e1"],
    ["e3", "05.08.2022", "Blick", "tabloid", "CH", "de", "Größte Meldung", "e1;e2"],
]
# Characters only Windows-1252 has among the single-byte encodings: read as Latin-1 or UTF-8,
# they would come out as mojibake.
CP1252_ROWS = [[*r[:6], r[6] + " – 3 € ‘quoted’", r[7]] for r in ROWS]
BAD_CHARS = "\u202e\u202d\u2066\x07\x1b\x00\ufeff"  # bidi overrides, bell, escape, NUL, BOM


def table(
    header=HEADER,
    rows=ROWS,
    *,
    delimiter: str = ",",
    newline: str = "\r\n",
    encoding: str = "utf-8",
    bom: bytes = b"",
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return bom + out.getvalue().encode(encoding)


def text(value: str) -> bytes:
    return value.encode("utf-8")


def json_doc(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def records(rows=ROWS, header=HEADER) -> list[dict]:
    return [dict(zip(header, r, strict=True)) for r in rows]


def xlsx(header=HEADER, rows=ROWS, sheet: str = "events") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    book.active.append(list(header))
    for r in rows:
        book.active.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_with(sheet_xml: bytes | None = None, *, drop: tuple[str, ...] = ()) -> bytes:
    """A real workbook with its events sheet's XML replaced, or some of its parts left out."""
    source = zipfile.ZipFile(io.BytesIO(xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            if info.filename in drop:
                continue
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                data = sheet_xml
            z.writestr(info.filename, data)
    return out.getvalue()


def _sheet_xml() -> bytes:
    return zipfile.ZipFile(io.BytesIO(xlsx())).read("xl/worksheets/sheet1.xml")


def _deflate_of_blanks(size: int) -> tuple[bytes, int]:
    """Raw deflate data of `size` spaces, made without ever holding them, and their CRC-32.

    After a full flush the compressor starts afresh, so one compressed megabyte repeats."""
    mb = 1 << 20
    assert size % mb == 0
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    block.compress(b" " * mb)
    block.flush(zlib.Z_FULL_FLUSH)
    chunk = block.compress(b" " * mb) + block.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // mb):
        crc = zlib.crc32(b" " * mb, crc)
    return chunk * (size // mb) + block.flush(zlib.Z_FINISH), crc


def zip_of(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip file written by hand: (name, raw deflate data, CRC-32, size it claims to expand to),
    so that the sizes can be what an attacker likes."""
    body, directory = b"", b""
    for name, data, crc, size in entries:
        offset = len(body)
        encoded = name.encode()
        head = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        body += head + encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded),
            0, 0, 0, 0, 0, offset,
        ) + encoded  # fmt: skip
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
    )
    return body + directory + end


def xlsx_bomb(declared: int, real: int) -> bytes:
    """A workbook whose sheet expands to `real` bytes while its directory says `declared`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx()))
    entries = []
    for info in source.infolist():
        data = source.read(info.filename)
        if info.filename == "xl/worksheets/sheet1.xml":
            raw, crc = _deflate_of_blanks(real)
            entries.append((info.filename, raw, crc, declared))
            continue
        squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
        raw = squeezer.compress(data) + squeezer.flush()
        entries.append((info.filename, raw, zlib.crc32(data), len(data)))
    return zip_of(entries)


def _entity(level: int) -> bytes:
    below = b"&lol;" if level == 1 else b"&lol%d;" % (level - 1)
    return b'<!ENTITY lol%d "%s">' % (level, below * 10)


# "Billion laughs": nine entities, each ten of the one before, expand to 10^9 "lol"s.
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(_entity(level) for level in range(1, 10))
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def junk(seed: int, size: int = 4096) -> bytes:
    return random.Random(seed).randbytes(size)


def rows_with(**cells: str) -> list[list[str]]:
    """ROWS with cells of the first row replaced by name."""
    first = dict(zip(HEADER, ROWS[0], strict=True)) | cells
    return [[first[c] for c in HEADER], *ROWS[1:]]


# --- the corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    id: str
    make: Callable[[], bytes]
    name: str = "events.csv"
    fatal: str = ""  # part of the one message that refuses the file
    loaded: int | None = None
    rejected: int | None = None
    says: tuple[str, ...] = ()  # parts of the problems, as `check` prints them
    then: Callable[[Case], object] | None = None  # more promises: asserts, or returns False
    drawn: bool = True  # also run through what the page computes (same tables need it once)


def _outlets_read_right(case: Case) -> None:
    assert "Süddeutsche Zeitung" in set(case.events["outlet"])
    assert "Größte Meldung" in set(case.events["headline"])


def _cp1252_read_right(case: Case) -> None:
    assert "Süddeutsche Zeitung" in set(case.events["outlet"])
    assert "Größte Meldung – 3 € ‘quoted’" in set(case.events["headline"])


ENCODINGS = [
    # (codec, BOM written before, label the loader reports, rows)
    ("utf-8", b"", "UTF-8", ROWS),
    ("utf-8", codecs.BOM_UTF8, "UTF-8 with BOM", ROWS),
    ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16", ROWS),
    ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16", ROWS),
    ("utf-16-le", b"", "UTF-16", ROWS),
    ("utf-16-be", b"", "UTF-16", ROWS),
    ("cp1252", b"", "Windows-1252", CP1252_ROWS),
    ("latin-1", b"", "Windows-1252", ROWS),  # Latin-1 letters are Windows-1252 letters too
]
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _encoding_cases() -> list[Hostile]:
    out = []
    for codec, bom, label, rows in ENCODINGS:
        for delimiter, word in DELIMITERS.items():

            def check(case: Case, label=label, delimiter=delimiter, rows=rows) -> None:
                assert case.source.encoding == label
                assert case.source.delimiter == delimiter
                (_cp1252_read_right if rows is CP1252_ROWS else _outlets_read_right)(case)

            out.append(
                Hostile(
                    f"{codec}{'-bom' if bom else ''}-{word}",
                    lambda c=codec, b=bom, d=delimiter, r=rows: table(
                        rows=r, delimiter=d, encoding=c, bom=b
                    ),
                    loaded=3,
                    rejected=0,
                    then=check,
                    drawn=delimiter == ";",
                )
            )
    return out


def _with_newlines(case: Case) -> None:
    assert case.events.set_index("id").loc["e1", "headline"] == "two\nlines and\r\na third\rone"


def _cells_as_written(**expected: str) -> Callable[[Case], None]:
    def check(case: Case) -> None:
        first = case.events.sort_values("row").iloc[0]  # the file's first row
        for column, value in expected.items():
            assert first[column] == value, (column, first[column])

    return check


def _drawn_without_loop(members: set[str]) -> Callable[[Case], None]:
    def check(case: Case) -> None:
        inner = case.links[~case.links["source"].map(diffusion.is_external).astype(bool)]
        pairs = set(zip(inner["source"], inner["target"], strict=True))
        assert any(s in members and t in members for s, t in pairs)  # the circle is drawn
        depth = diffusion.hops(case.events, case.links)
        assert (depth >= 0).all()  # every event got a depth: the walk ended

    return check


def _no_link_to_itself(case: Case) -> None:
    assert not (case.links["source"] == case.links["target"]).any()


def _long_id_resolves(case: Case) -> None:
    long_id = "x" * 10_000
    assert long_id in set(case.events["id"])
    assert ((case.links["source"] == long_id) & (case.links["target"] == "e2")).any()


def _invisible_removed(case: Case) -> None:
    for column in ("id", "outlet", "headline", "cites", "notes"):
        for value in case.events[column]:
            assert not any(ch in value for ch in BAD_CHARS), (column, value)
    assert set(case.events["id"]) == {"e1", "e2", "e3"}
    assert (case.links["source"] == "e1").sum() == 2  # "e1" with an override still cites e1


def _nan_as_text(case: Case) -> None:
    assert case.events.set_index("id").loc["e3", "outlet"] == "-inf"


def _years(loaded: set[str]) -> Callable[[Case], None]:
    def check(case: Case) -> None:
        assert set(case.events["id"]) == loaded

    return check


def _dates(expected: dict[str, tuple[str, str]]) -> Callable[[Case], None]:
    """Each id's interval, [start, end) in UTC."""

    def check(case: Case) -> None:
        got = case.events.set_index("id")
        for event_id, (start, end) in expected.items():
            assert got.loc[event_id, "date"] == pd.Timestamp(start), event_id
            assert got.loc[event_id, "date_end"] == pd.Timestamp(end), event_id

    return check


DATE_FORMS = {  # value -> its interval in UTC (the case's zone is UTC)
    "2022-08-05": ("2022-08-05T00:00Z", "2022-08-06T00:00Z"),
    "2022-08-05T14:30": ("2022-08-05T14:30Z", "2022-08-05T14:31Z"),
    "2022-08-05 14:30:15": ("2022-08-05T14:30:15Z", "2022-08-05T14:30:16Z"),
    "2022-08-05T14:30+02:00": ("2022-08-05T12:30Z", "2022-08-05T12:31Z"),
    "2022-08-05T14:30:00.5-05:30": ("2022-08-05T20:00:00.5Z", "2022-08-05T20:00:01.5Z"),
    "2022-08-05T14:30Z": ("2022-08-05T14:30Z", "2022-08-05T14:31Z"),
    "2022-08-05 14:30 UTC": ("2022-08-05T14:30Z", "2022-08-05T14:31Z"),
    "2022-08-05T14:30+0200": ("2022-08-05T12:30Z", "2022-08-05T12:31Z"),
    "2022-08-05T14:30+14:00": ("2022-08-05T00:30Z", "2022-08-05T00:31Z"),
    "05.08.2022": ("2022-08-05T00:00Z", "2022-08-06T00:00Z"),
    "05.08.2022 14:30": ("2022-08-05T14:30Z", "2022-08-05T14:31Z"),
    "05.08.2022 14:30 +02:00": ("2022-08-05T12:30Z", "2022-08-05T12:31Z"),
    "5 August 2022": ("2022-08-05T00:00Z", "2022-08-06T00:00Z"),
    "5. August 2022": ("2022-08-05T00:00Z", "2022-08-06T00:00Z"),
    "5 Aug 2022 14:30 GMT": ("2022-08-05T14:30Z", "2022-08-05T14:31Z"),
    "August 5, 2022": ("2022-08-05T00:00Z", "2022-08-06T00:00Z"),
    "August 5th, 2022 14:30 -04:00": ("2022-08-05T18:30Z", "2022-08-05T18:31Z"),
    "5. März 2022": ("2022-03-05T00:00Z", "2022-03-06T00:00Z"),
    "2022-08": ("2022-08-01T00:00Z", "2022-09-01T00:00Z"),
    "August 2022": ("2022-08-01T00:00Z", "2022-09-01T00:00Z"),
    "2022": ("2022-01-01T00:00Z", "2023-01-01T00:00Z"),
}
BAD_DATES = {  # value -> part of its message
    "2022-02-30": "cannot read '2022-02-30' as a date",
    "2022-08-05T24:00": "cannot read",
    "2022-08-05T14:30+15:00": "cannot read",  # no zone is 15 hours off UTC
    "2022-08-05+02:00": "cannot read",  # an offset without a time says nothing
    "5 Augustus 2022": "cannot read",
    "yesterday": "cannot read 'yesterday' as a date",
    "0000-01-01": "outside the years",
    "9999-12-31": "outside the years",
    "9999-12-31T23:59:59+14:00": "outside the years",
    "31.12.9999": "outside the years",
    "December 9999": "outside the years",
    "9999": "outside the years",
    "1677-09-21": "outside the years",
    "2262-04-12": "outside the years",
}


def _date_cases() -> list[Hostile]:
    forms = list(DATE_FORMS)
    bad = list(BAD_DATES)
    rows = [[f"ok{i}", v, f"Outlet {i}", "", "", "", "", ""] for i, v in enumerate(forms)]
    rows += [[f"bad{i}", v, f"Outlet {i}", "", "", "", "", ""] for i, v in enumerate(bad)]
    return [
        Hostile(
            "every-date-form-with-and-without-offsets",
            lambda: table(rows=rows),
            loaded=len(forms),
            rejected=len(bad),
            says=tuple(
                f"row {len(forms) + 2 + i}, column date: "
                + (
                    f"{v!r} is {BAD_DATES[v]}"
                    if BAD_DATES[v].startswith("outside")
                    else BAD_DATES[v]
                )
                for i, v in enumerate(bad)
            ),
            then=_dates({f"ok{i}": DATE_FORMS[v] for i, v in enumerate(forms)}),
        ),
        Hostile(
            "years-0-and-9999-in-json",
            lambda: json_doc(
                [
                    {"id": "y0", "date": "0000-01-01", "outlet": "A"},
                    {"id": "y9999", "date": "9999-12-31T23:59:59Z", "outlet": "B"},
                    {"id": "ok", "date": "2022-08-05", "outlet": "C", "date_end": "9999-01-01"},
                    {"id": "fine", "date": "1900-01-01", "outlet": "D", "date_end": "2099-12-31"},
                ]
            ),
            name="events.json",
            loaded=1,
            rejected=3,
            says=(
                "record 1, column date: '0000-01-01' is outside the years 1900 to 2099",
                "record 2, column date: '9999-12-31T23:59:59Z' is outside the years",
                "record 3, column date_end: '9999-01-01' is outside the years",
            ),
            then=_years({"fine"}),
        ),
        Hostile(
            "years-0-and-9999-as-excel-dates",
            lambda: xlsx(
                rows=[
                    ["a", dt.datetime(9999, 12, 31, 23, 59), "A", "", "", "", "", ""],
                    ["b", dt.date(1, 1, 1), "B", "", "", "", "", ""],
                    ["c", dt.datetime(2022, 8, 5, 14, 30), "C", "", "", "", "", ""],
                ]
            ),
            name="events.xlsx",
            loaded=1,
            rejected=2,
            says=("row 2, column date:", "outside the years", "row 3, column date:"),
        ),
        Hostile(
            "clock-change-in-the-case-zone",
            lambda: json_doc(
                {
                    "case": {"title": "t", "timezone": "Europe/Zurich"},
                    "events": [
                        {"id": "gap", "date": "2022-03-27 02:30", "outlet": "A"},
                        {"id": "twice", "date": "2022-10-30 02:30", "outlet": "B"},
                        {"id": "settled", "date": "2022-10-30 02:30+01:00", "outlet": "C"},
                    ],
                }
            ),
            name="events.json",
            loaded=1,
            rejected=2,
            says=("does not exist, or happens twice, in time zone Europe/Zurich",),
        ),
    ]


def _binary_cases() -> list[Hostile]:
    binary = "this is not a table: it looks like a binary file"
    return [
        Hostile("random-bytes-named-csv", lambda: junk(1), fatal=binary),
        Hostile("random-bytes-named-json", lambda: junk(2), name="events.json", fatal=binary),
        Hostile("png-named-csv", lambda: b"\x89PNG\r\n\x1a\n" + junk(3), fatal=binary),
        Hostile("pdf-named-csv", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + junk(4), fatal=binary),
        Hostile("gzip-named-csv", lambda: b"\x1f\x8b\x08\x00" + junk(5), fatal=binary),
        Hostile("elf-named-csv", lambda: b"\x7fELF\x02\x01\x01" + bytes(9) + junk(6), fatal=binary),
        Hostile("nul-bytes-named-csv", lambda: bytes(512), fatal=binary),
        Hostile(
            "nul-in-the-first-lines",
            lambda: table(rows=rows_with(outlet="Daily\x00Mail")),
            fatal=binary,
        ),
        Hostile(
            "old-excel-xls",
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk(7),
            name="events.xls",
            fatal="this is an old Excel .xls file; save it as .xlsx or CSV",
        ),
        Hostile(
            "utf-16-bom-then-garbage",
            lambda: codecs.BOM_UTF16_LE + b"i\x00d\x00\x00\xd8",  # a lone surrogate
            fatal="the file says it is UTF-16 but is not",
        ),
    ]


def _empty_cases() -> list[Hostile]:
    # A header without rows is a readable, empty case: "loaded 0 of 0 rows" (test_validation).
    return [
        Hostile("empty-file", lambda: b"", fatal="the file is empty"),
        Hostile("only-whitespace", lambda: b" \r\n\t\n  \n", fatal="the file is empty"),
        Hostile("only-a-utf8-bom", lambda: codecs.BOM_UTF8, fatal="the file has no header row"),
        Hostile("only-a-utf16-bom", lambda: codecs.BOM_UTF16_LE, fatal="no header row"),
        Hostile("header-only", lambda: table(rows=[]), loaded=0, rejected=0),
        Hostile(
            "header-only-with-bom-and-blank-lines",
            lambda: codecs.BOM_UTF8 + b"\r\n" + table(rows=[]) + b",,,\r\n\r\n",
            loaded=0,
            rejected=0,
        ),
        Hostile("header-only-xlsx", lambda: xlsx(rows=[]), "events.xlsx", loaded=0, rejected=0),
        Hostile(
            "header-only-without-a-date-column",
            lambda: text("id,outlet\n"),
            loaded=0,
            says=("there is no 'date' column",),
        ),
        Hostile("json-empty-list", lambda: b"[]", name="events.json", fatal="holds no events"),
        Hostile(
            "json-no-events",
            lambda: json_doc({"case": {"title": "x"}, "events": []}),
            name="events.json",
            fatal="holds no events",
        ),
    ]


def _csv_shape_cases() -> list[Hostile]:
    return [
        Hostile(
            "ragged-short-rows-are-padded",
            lambda: text("id,date,outlet,headline,notes\ne1,2022-08-05,A\ne2,2022-08-06,B,h\n"),
            loaded=2,
            rejected=0,
        ),
        Hostile(
            "ragged-long-row-is-rejected",
            lambda: text("id,date,outlet\ne1,2022-08-05,A\ne2,2022-08-06,B,surplus,cells\n"),
            loaded=1,
            rejected=1,
            says=("row 3: the row has 5 cells but the header has 3",),
        ),
        Hostile(
            "ragged-trailing-empty-cells-are-fine",
            lambda: text("id,date,outlet\ne1,2022-08-05,A,,,\ne2,2022-08-06,B,,\n"),
            loaded=2,
            rejected=0,
        ),
        Hostile(
            "stray-quote-never-closed",
            lambda: text('id,date,outlet\ne1,2022-08-05,A\ne2,2022-08-06,"B\ne3,2022-08-07,C\n'),
            loaded=1,
            rejected=1,
            says=('row 3: a quote (") opened in this row is never closed', "(2 lines)"),
        ),
        Hostile(
            "stray-quote-inside-a-cell",
            lambda: text('id,date,outlet\ne1,2022-08-05,The "Sun\ne2,2022-08-06,B\n'),
            loaded=2,
            rejected=0,
            then=_cells_as_written(outlet='The "Sun'),
        ),
        Hostile(
            "text-after-a-closing-quote",
            lambda: text('id,date,outlet\ne1,2022-08-05,"Daily" Mail\n'),
            loaded=1,
            rejected=0,
            then=_cells_as_written(outlet="Daily Mail"),
        ),
        Hostile(
            "doubled-quotes",
            lambda: text('id,date,outlet\ne1,2022-08-05,"He said ""no"""\n'),
            loaded=1,
            then=_cells_as_written(outlet='He said "no"'),
        ),
        Hostile(
            "embedded-newlines-lf-crlf-cr",
            lambda: table(rows=rows_with(headline="two\nlines and\r\na third\rone")),
            loaded=3,
            rejected=0,
            then=_with_newlines,
        ),
        Hostile(
            "lines-end-in-lone-cr",
            lambda: table(newline="\r"),
            loaded=3,
            rejected=0,
            then=_outlets_read_right,
        ),
        Hostile(
            "lines-end-in-lf",
            lambda: table(newline="\n"),
            loaded=3,
            rejected=0,
            then=_outlets_read_right,
        ),
        Hostile(
            "header-cells-duplicated-and-blank",
            lambda: text("id,ID,date,,outlet,Outlet\ne1,x,2022-08-05,y,A,B\n"),
            loaded=1,
            rejected=0,
            says=("row 1, column ID: a second column means 'id'",),
        ),
        Hostile(
            "no-required-columns",
            lambda: text("when,who\n2022-08-05,A\n2022-08-06,B\n"),
            loaded=0,
            rejected=2,
            says=("there is no 'id' column", "there is no 'outlet' column"),
        ),
        Hostile(
            "too-many-columns",
            lambda: text(
                ",".join(["id", "date", "outlet"] + [f"c{i}" for i in range(MAX_COLUMNS)])
                + "\ne1,2022-08-05,A\n"
            ),
            fatal=f"columns, more than the {MAX_COLUMNS:,} ClaimTrace reads",
        ),
        Hostile(
            "as-many-columns-as-allowed",
            lambda: text(
                ",".join(["id", "date", "outlet"] + [f"c{i}" for i in range(MAX_COLUMNS - 3)])
                + "\ne1,2022-08-05,A\n"
            ),
            loaded=1,
            rejected=0,
        ),
    ]


def _cell_size_cases() -> list[Hostile]:
    return [
        Hostile(
            "cell-of-exactly-the-limit",
            lambda: table(rows=rows_with(headline="h" * MAX_CELL_CHARS)),
            loaded=3,
            rejected=0,
        ),
        Hostile(
            "cell-over-the-limit",
            lambda: table(rows=rows_with(headline="h" * (MAX_CELL_CHARS + 1))),
            loaded=2,
            rejected=1,
            says=("row 2, column headline: the cell holds more than 1,000,000 characters",),
        ),
        Hostile(
            "cell-too-big-to-read",
            lambda: table(rows=rows_with(notes="", headline="h" * (4 * MAX_CELL_CHARS + 1))),
            fatal="row 2: a cell holds more than 4,000,000 characters",
        ),
        Hostile(
            "json-cell-over-the-limit",
            lambda: json_doc(records(rows_with(outlet="o" * (MAX_CELL_CHARS + 1)))),
            name="events.json",
            loaded=2,
            rejected=1,
            says=("record 1, column outlet: the cell holds more than 1,000,000 characters",),
        ),
    ]


def _xlsx_cases() -> list[Hostile]:
    gigabytes = 3 << 30
    limit = f"{MAX_XLSX_UNCOMPRESSED / 2**20:,.0f} MB allowed"
    damaged = "the Excel workbook is damaged and cannot be read"
    return [
        Hostile("xlsx-good", xlsx, name="events.xlsx", loaded=3, then=_outlets_read_right),
        Hostile(
            "xlsx-bomb-expands-to-3-gb",
            lambda: xlsx_bomb(gigabytes, gigabytes),  # 3 MB that would expand to 3 GB
            name="events.xlsx",
            fatal=f"the workbook expands to 3,072 MB, more than the {limit}",
        ),
        Hostile(
            "xlsx-bomb-that-lies-about-its-size",
            lambda: xlsx_bomb(2000, 64 << 20),  # says 2 kB, holds 64 MB of blanks
            name="events.xlsx",
            fatal="(Bad CRC-32 for file 'xl/worksheets/sheet1.xml')",
        ),
        Hostile(
            "xlsx-sheet-xml-cut-off",
            lambda: xlsx_with(b'<worksheet xmlns="x"><sheetData><row r="1"><c r="A1"'),
            name="events.xlsx",
            fatal="the Excel workbook cannot be opened (unclosed token",
        ),
        Hostile(
            "xlsx-sheet-xml-cut-off-after-the-header",  # damage met only while reading rows
            lambda: xlsx_with(_sheet_xml().split(b'<row r="3"')[0]),
            name="events.xlsx",
            fatal=damaged,
        ),
        Hostile(
            "xlsx-billion-laughs",
            lambda: xlsx_with(LAUGHS),
            name="events.xlsx",
            fatal="cannot be",
        ),
        Hostile(
            "zip-that-is-no-workbook",
            lambda: zip_of([("word/document.xml", zlib.compress(b"x")[2:-4], zlib.crc32(b"x"), 1)]),
            name="events.xlsx",
            fatal="this zip file is not an Excel workbook (.xlsx)",
        ),
        Hostile(
            "xlsx-cut-in-half",
            lambda: xlsx()[: len(xlsx()) // 2],
            name="events.xlsx",
            fatal="the file looks like XLSX but is damaged",
        ),
        Hostile(
            "xlsx-without-its-sheet",
            lambda: xlsx_with(drop=("xl/worksheets/sheet1.xml",)),
            name="events.xlsx",
            fatal="cannot be",
        ),
        Hostile(
            "xlsx-named-csv",
            xlsx,
            loaded=3,
            then=lambda case: _outlets_read_right(case),
        ),
    ]


def _json_cases() -> list[Hostile]:
    deep = "the JSON is nested too deeply to be a table of events"
    return [
        Hostile("json-nested-10000-deep", lambda: text(nested(10_000)), "events.json", deep),
        Hostile(
            "json-objects-nested-10000-deep",
            lambda: text('{"a":' * 10_000 + "1" + "}" * 10_000),
            "events.json",
            deep,
        ),
        Hostile(
            "json-field-nested-10000-deep",
            lambda: text(
                '[{"id":"e1","date":"2022-08-05","outlet":"A","notes":' + nested(10_000) + "}]"
            ),
            "events.json",
            deep,
        ),
        Hostile(
            "jsonl-line-nested-10000-deep",
            lambda: text(
                '{"id":"e1","date":"2022-08-05","outlet":"A"}\n{"id":' + nested(10_000) + "}\n"
            ),
            "events.jsonl",
            loaded=1,
            rejected=1,
            says=("line 2: not valid JSON (nested too deeply)",),
        ),
        Hostile(
            "json-nested-900-deep-in-a-field",  # deep, yet readable: kept as text
            lambda: text(
                '[{"id":"e1","date":"2022-08-05","outlet":"A","notes":' + nested(900) + "}]"
            ),
            "events.json",
            loaded=1,
        ),
        Hostile(
            "json-nan-and-infinities",
            lambda: text(
                '[{"id": "e1", "date": NaN, "outlet": "A"},'
                ' {"id": "e2", "date": Infinity, "outlet": "B"},'
                ' {"id": "e3", "date": "2022-08-05", "outlet": -Infinity, "notes": 1e999},'
                ' {"id": NaN, "date": "2022-08-05", "outlet": "C"}]'
            ),
            "events.json",
            loaded=1,
            rejected=3,
            says=(
                "record 1, column date: no date",
                "record 2, column date: cannot read 'inf' as a date",
                "record 4, column id: no id",
            ),
            then=_nan_as_text,
        ),
        Hostile(
            "csv-nan-and-infinities",
            lambda: text("id,date,outlet\nNaN,2022-08-05,inf\ne2,nan,B\ne3,-Infinity,C\n"),
            loaded=1,
            rejected=2,
            says=("row 3, column date: cannot read 'nan' as a date",),
            then=lambda case: set(case.events["outlet"]) == {"inf"},
        ),
        Hostile("json-a-number", lambda: b"42", "events.json", "the JSON holds no list of events"),
        Hostile("json-a-string", lambda: b'"events"', "events.json", "holds no list of events"),
        Hostile("json-null", lambda: b"null", "events.json", "holds no list of events"),
        Hostile(
            "json-syntax-error",
            lambda: b'[{"id": "e1",',
            "events.json",
            "the JSON cannot be read: Expecting property name enclosed in double quotes at line 1",
        ),
        Hostile(
            "json-number-with-5000-digits",
            lambda: text('[{"id": ' + "9" * 5000 + ', "date": "2022-08-05", "outlet": "A"}]'),
            "events.json",
            "the JSON cannot be read: a number has more than 4,300 digits",
        ),
        Hostile(
            "jsonl-number-with-5000-digits",
            lambda: text(
                '{"id":"e1","date":"2022-08-05","outlet":"A"}\n{"id":' + "9" * 5000 + "}\n"
            ),
            "events.jsonl",
            loaded=1,
            rejected=1,
            says=("line 2: not valid JSON (a number has more than 4,300 digits)",),
        ),
        Hostile(
            "json-lone-surrogates",
            lambda: text(
                '[{"id": "e1\\ud800", "date": "2022-08-05", "outlet": "A\\udfff",'
                ' "h\\udbff": "x", "headline": "\\ud83d\\ude00 pair"}]'
            ),
            "events.json",
            loaded=1,
            then=_cells_as_written(id="e1\ufffd", outlet="A\ufffd", headline="\U0001f600 pair"),
        ),
        Hostile(
            "json-values-of-every-type",
            lambda: text(
                '[{"id": 1, "date": "2022-08-05", "outlet": true, "headline": {"a": [1, null]},'
                ' "notes": [1.5, "x"], "country": null}]'
            ),
            "events.json",
            loaded=1,
            then=_cells_as_written(
                id="1", outlet="true", headline='{"a": [1, null]}', notes='[1.5, "x"]'
            ),
        ),
        Hostile(
            "json-list-of-non-objects",
            lambda: text('[1, "x", null, [], {"id": "e1", "date": "2022-08-05", "outlet": "A"}]'),
            "events.json",
            loaded=1,
            rejected=4,
            says=("record 1: not an object with named fields",),
        ),
        Hostile(
            "json-too-many-fields",
            lambda: json_doc([{f"k{i}": i for i in range(MAX_COLUMNS + 1)}]),
            "events.json",
            f"more than the {MAX_COLUMNS:,} ClaimTrace reads",
        ),
        Hostile(
            "jsonl-with-a-broken-line",
            lambda: text(
                '{"id":"e1","date":"2022-08-05","outlet":"A"}\n{"id": "e2", oops}\n\n'
                '{"id":"e3","date":"2022-08-06","outlet":"B"}\n'
            ),
            "events.jsonl",
            loaded=2,
            rejected=1,
            says=("line 2: not valid JSON",),
        ),
    ]


def _cites_cases() -> list[Hostile]:
    def chain(cites: dict[str, str]) -> bytes:
        rows = [
            [i, f"2022-08-0{1 + n % 9}", f"O{i}", "", "", "", "", c]
            for n, (i, c) in enumerate(cites.items())
        ]
        return table(rows=rows)

    ring = {f"r{i}": f"r{(i + 1) % 300}" for i in range(300)}
    return [
        Hostile(
            "cycle-a-cites-b-cites-a",
            lambda: chain({"a": "b", "b": "a"}),
            loaded=2,
            says=("events 'a', 'b' cite each other in a circle; the links are drawn",),
            then=_drawn_without_loop({"a", "b"}),
        ),
        Hostile(
            "cycle-of-three-with-a-tail",
            lambda: chain({"a": "c", "b": "a", "c": "b", "d": "c", "e": "d"}),
            loaded=5,
            says=("cite each other in a circle",),
            then=_drawn_without_loop({"a", "b", "c"}),
        ),
        Hostile(
            "cycle-of-300",
            lambda: chain(ring),
            loaded=300,
            says=("cite each other in a circle", "…"),
            then=_drawn_without_loop(set(ring)),
        ),
        Hostile(
            "cycle-through-outlet-names",
            lambda: text(
                "id,date,outlet,cites\na,2022-08-05,Alpha,Beta\nb,2022-08-05,Beta,Alpha\n"
            ),
            loaded=2,
            says=("cite each other in a circle",),
            then=_drawn_without_loop({"a", "b"}),
        ),
        Hostile(
            "self-citation-by-id",
            lambda: chain({"a": "a", "b": "a;b"}),
            loaded=2,
            says=("row 2, column cites: the event cites itself; ignored",),
            then=_no_link_to_itself,
        ),
        Hostile(
            "self-citation-by-own-outlet",
            lambda: text("id,date,outlet,cites\na,2022-08-05,TASS,TASS\n"),
            loaded=1,
            says=("the event cites itself; ignored",),
            then=_no_link_to_itself,
        ),
        Hostile(
            "cites-nobody-in-the-data",
            lambda: chain({"a": ";".join(f"Ghost {i}" for i in range(500))}),
            loaded=1,
            says=("cites 'Ghost 0', which is neither an id nor an outlet",),
            then=lambda case: len(case.external_sources) == 500,
        ),
    ]


def _id_cases() -> list[Hostile]:
    long_a, long_b = "x" * 10_000, "x" * 9_999 + "y"
    return [
        Hostile(
            "duplicate-ids",
            lambda: text("id,date,outlet\ne1,2022-08-05,A\ne1,2022-08-06,B\ne1,2022-08-07,C\n"),
            loaded=1,
            rejected=2,
            says=("row 3, column id: id 'e1' is already used on row 2", "row 4, column id"),
        ),
        Hostile(
            "duplicate-ids-after-trimming",
            lambda: text("id,date,outlet\ne1,2022-08-05,A\n  e1 ,2022-08-06,B\n"),
            loaded=1,
            rejected=1,
            says=("id 'e1' is already used on row 2",),
        ),
        Hostile(
            "ids-of-10000-characters",
            lambda: text(
                f"id,date,outlet,cites\n{long_a},2022-08-05,A,\ne2,2022-08-06,B,{long_a}\n"
                f"{long_b},2022-08-07,C,\n{long_a},2022-08-08,D,\n"
            ),
            loaded=3,
            rejected=1,
            says=("row 5, column id: id 'xxxxxxxx", "…' is already used on row 2"),
            then=_long_id_resolves,
        ),
        Hostile(
            "missing-ids-and-outlets",
            lambda: text("id,date,outlet\n,2022-08-05,A\ne2,2022-08-06,\n ,2022-08-07, \n"),
            loaded=0,
            rejected=3,
            says=("row 2, column id: no id", "row 3, column outlet: no outlet"),
        ),
    ]


def _invisible_cases() -> list[Hostile]:
    rows = [
        ["e1\u202e", "2022-08-02", "Tages\u202danzeiger", "", "", "", "cnn.com\u2066\u202egpj.exe", ""],
        ["e2", "2022-08-05", "Daily\x07Mail\x1b[31m", "", "", "", "\ufeffBOM inside", "e1\u202e"],
        ["e3", "2022-08-06", "Blick", "", "", "", "plain", "e1"],
    ]  # fmt: skip
    prefix = "id,date,outlet,outlet_type,country,language,headline,cites,notes\n"
    late_nul = prefix + "e0,2022-08-01,Filler,,,,,," + "x" * 5000 + "\n"
    return [
        Hostile(
            "right-to-left-override-and-control-characters",
            lambda: table(rows=rows),
            loaded=3,
            rejected=0,
            says=(
                "row 2, column id: removed invisible control characters",
                "row 2, column headline: removed invisible control characters",
                "row 3, column outlet: removed invisible control characters",
            ),
            then=_invisible_removed,
        ),
        Hostile(
            "control-characters-in-unknown-columns",
            lambda: text("id,date,outlet,remark\ne1,2022-08-05,A,bell\x07 and \u202eoverride\n"),
            loaded=1,
            says=("row 2, column remark: removed invisible control characters",),
            then=lambda case: case.events["remark"].iloc[0] == "bell and override",
        ),
        Hostile(
            "nul-after-the-first-kilobytes",  # too late to call the file binary: removed
            lambda: text(late_nul + "e1,2022-08-05,Daily\x00Mail,,,,,,\n"),
            loaded=2,
            says=("row 3, column outlet: removed invisible control characters",),
            then=lambda case: "DailyMail" in set(case.events["outlet"]),
        ),
    ]


CORPUS: list[Hostile] = [
    *_encoding_cases(),
    *_empty_cases(),
    *_binary_cases(),
    *_csv_shape_cases(),
    *_cell_size_cases(),
    *_xlsx_cases(),
    *_json_cases(),
    *_date_cases(),
    *_cites_cases(),
    *_id_cases(),
    *_invisible_cases(),
]
BY_ID = {case.id: case for case in CORPUS}
PLAIN_WORDS = re.compile(r"Traceback|Exception|Error\b|<class|object at 0x|\bNone\b")


def test_the_corpus_is_large_and_named_uniquely():
    assert len(CORPUS) >= 60
    assert len(BY_ID) == len(CORPUS)


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    """Each case's bytes, made once for the tests below (some take a second to make)."""
    return {}


def data_of(case: Hostile, built: dict[str, bytes]) -> bytes:
    if case.id not in built:
        built[case.id] = case.make()
    return built[case.id]


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_a_hostile_file_is_loaded_or_refused_with_a_plain_message(case: Hostile, built, load):
    loaded = load(data_of(case, built), case.name)  # conftest: the promises every file keeps
    problems = "\n".join(str(p) for p in loaded.problems)
    assert not PLAIN_WORDS.search(problems), problems[:2000]
    if case.fatal:
        assert loaded.fatal.startswith(f"{case.name}: "), loaded.fatal
        assert case.fatal in loaded.fatal, loaded.fatal
        assert len(loaded.fatal) < 400
        return
    assert not loaded.fatal, loaded.fatal
    if case.loaded is not None:
        assert len(loaded.events) == case.loaded, problems[:2000]
    if case.rejected is not None:
        assert len(loaded.rejected) == case.rejected, problems[:2000]
    for part in case.says:
        assert part in problems, f"{part!r} not in:\n{problems[:3000]}"
    if case.then is not None:
        assert case.then(loaded) is not False


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_the_command_line_checks_a_hostile_file_without_a_traceback(
    case: Hostile, built, tmp_path: Path, capsys
):
    path = tmp_path / case.name
    path.write_bytes(data_of(case, built))
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if case.fatal:
        assert code == 2
        assert out.startswith(f"error: {case.name}: ") and case.fatal in out
        return
    lines = out.splitlines()
    first = re.fullmatch(r"loaded (\d+) of (\d+) rows \((\d+) rejected\)", lines[0])
    assert first, lines[0]
    loaded, rows, rejected = map(int, first.groups())
    assert loaded + rejected == rows
    assert code == (1 if rejected else 0)
    # Each line is a problem, and the last may be a hint of how to map columns not recognised.
    assert all(line.startswith(("error: ", "warning: ", "hint: ")) for line in lines[1:])
    assert all(not line.startswith("hint: ") for line in lines[1:-1])


def exercise(case: Case) -> dict[str, bytes]:
    """What the page and the exports compute from a case: inferred links, the filtered view,
    the story, both charts (and the outlet network), the details panel's paths, the summary,
    and the files of the export panel."""
    tz = case.meta.timezone
    inferred = infer_links(case.events, case.links, max_per_event=2, min_confidence=0.0)
    view = apply(case, Filters(), pd.concat([case.links, inferred], ignore_index=True))
    documented = documented_only(view)
    story = analysis.story(view.events, documented.links)
    analysis.key_figures(documented.events, documented.links)
    picked = tuple(view.events["id"][:3])
    options = Options(timezone=tz, selected=picked, highlight=picked, colour="outlet_type")
    figures = [
        timeline_figure(view.events, view.links, options, story),
        network_figure(view.events, view.links, view.externals, options, story),
    ]
    outlet_network_figure(view.events, view.links, replace(options, lanes="country"))
    for column in ("language", "country", "outlet_type"):
        diffusion.firsts_by(view.events, documented.links, column)
    diffusion.attribution(view.events, documented.links)
    for event_id in picked:
        diffusion.lineage(view.links, event_id)
        diffusion.chain_back(view.events, view.links, event_id)
    json.dumps(analysis.summary(case), default=str)
    footer = report.provenance(case, Filters(), inferred_shown=True)
    report.fit(figures, report.Report("both", 1600, 900, case.meta.title, case.meta.claim), footer)
    graph = export.diffusion_graph(view, tz)
    return {
        "csv": export.events_csv(case, view),
        "json": export.events_json(case, view, Filters(), footer),
        "rejected": export.rejected_csv(case),
        "gexf": export.gexf_bytes(graph),
        "graphml": export.graphml_bytes(graph),
    }


@pytest.mark.parametrize("case", [c for c in CORPUS if c.drawn and not c.fatal], ids=lambda c: c.id)
def test_what_the_page_computes_from_a_hostile_file_never_fails(case: Hostile, built, load):
    loaded = load(data_of(case, built), case.name)
    if loaded.events.empty:
        pytest.skip("no events: the page shows the problems only")
    files = exercise(loaded)
    for kind in ("gexf", "graphml"):
        parseString(files[kind])  # well-formed, or Gephi refuses it (control characters did)
    assert json.loads(files["json"])["provenance"]["events"] == len(loaded.events)
