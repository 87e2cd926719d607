"""Input files built in code, so each test shows exactly what it reads (nothing is downloaded).

A table is a header plus rows of cell values. Text formats write `datetime` cells with a
`date_format`; XLSX writes them as real date cells, the way Excel stores them. The builders are
handed to tests as factory fixtures, and `load` is `load_bytes` plus the invariants every
loaded case must keep, so each test that loads a file checks them too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence

import openpyxl
import pytest

from claimtrace.ingest import load_bytes
from claimtrace.model import Case, CaseMeta

Header = Sequence[str]
Rows = Sequence[Sequence[object]]

ISO_MINUTES = "%Y-%m-%d %H:%M"


def _text(value: object, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime(date_format)
    if isinstance(value, dt.date):
        return value.strftime(date_format.split(" ")[0])
    return str(value)


def csv_bytes(
    header: Header,
    rows: Rows,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    date_format: str = ISO_MINUTES,
    lineterminator: str = "\r\n",
) -> bytes:
    """A CSV as Excel or a script would save it; `encoding` is a Python codec name
    (utf-8, utf-8-sig, utf-16 with BOM, utf-16-le without, cp1252)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(v, date_format) for v in row])
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    header: Header,
    rows: Rows,
    *,
    sheet: str = "events",
    before: Sequence[str] = (),
    after: Sequence[str] = (),
    leading_rows: int = 0,
) -> bytes:
    """A workbook with the table on `sheet`, other (decoy) sheets before and after it, and
    `leading_rows` blank rows above the header. Dates stay real date cells."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in before:
        decoy = book.create_sheet(name)
        decoy.append(["not", "the", "events"])
        decoy.append(["x", "y", "z"])
    table = book.create_sheet(sheet)
    for _ in range(leading_rows):
        table.append([])
    table.append(list(header))
    for row in rows:
        table.append(list(row))
    for name in after:
        book.create_sheet(name).append(["decoy"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _records(header: Header, rows: Rows, date_format: str) -> list[dict[str, object]]:
    def cell(value: object) -> object:
        return _text(value, date_format) if isinstance(value, dt.date) else value

    return [dict(zip(header, map(cell, row), strict=True)) for row in rows]


def json_bytes(
    header: Header,
    rows: Rows,
    *,
    case: dict | None = None,
    wrap: bool = False,
    encoding: str = "utf-8",
    date_format: str = "%Y-%m-%dT%H:%M",
) -> bytes:
    """A JSON array of objects, or {"events": [...]} (with `case` metadata, when given)."""
    events = _records(header, rows, date_format)
    document: object = events
    if wrap or case is not None:
        document = {"events": events} if case is None else {"case": case, "events": events}
    return json.dumps(document, ensure_ascii=False, indent=1).encode(encoding)


def jsonl_bytes(
    header: Header,
    rows: Rows,
    *,
    encoding: str = "utf-8",
    date_format: str = "%Y-%m-%dT%H:%M",
) -> bytes:
    """JSON Lines: one object per line."""
    lines = [json.dumps(r, ensure_ascii=False) for r in _records(header, rows, date_format)]
    return ("\n".join(lines) + "\n").encode(encoding)


def load_checked(data: bytes, name: str = "events.csv", meta: CaseMeta | None = None) -> Case:
    """load_bytes, plus the promises that hold for every file, good or bad."""
    case = load_bytes(data, name, meta)
    if case.fatal:
        assert case.events.empty and case.rejected.empty
        assert [p.severity for p in case.problems] == ["error"]
        assert name in case.fatal
        return case
    # Every row of the file is either loaded or rejected, never lost.
    assert len(case.events) + len(case.rejected) == case.source.rows
    assert set(case.events["row"]).isdisjoint(case.rejected["row"])
    assert case.events["id"].is_unique
    # Each rejected row has a reason, and an error that names it.
    error_rows = {p.row for p in case.errors}
    for row, reason in zip(case.rejected["row"], case.rejected["reason"], strict=True):
        assert reason
        assert row in error_rows or any(p.row is None for p in case.errors), row
    # Intervals are in UTC, and end after they start.
    assert str(case.events["date"].dt.tz) == "UTC"
    assert (case.events["date_end"] > case.events["date"]).all()
    return case


@pytest.fixture
def make_csv() -> Callable[..., bytes]:
    return csv_bytes


@pytest.fixture
def make_xlsx() -> Callable[..., bytes]:
    return xlsx_bytes


@pytest.fixture
def make_json() -> Callable[..., bytes]:
    return json_bytes


@pytest.fixture
def make_jsonl() -> Callable[..., bytes]:
    return jsonl_bytes


@pytest.fixture
def load() -> Callable[..., Case]:
    return load_checked
