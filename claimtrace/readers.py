"""Bytes in, a raw table out: the format, encoding and delimiter are detected, never asked for.

A RawTable keeps every record of the file with the number the user sees for it (the spreadsheet
row, the JSON record, the JSON Lines line), so validation can name it and nothing is lost.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from claimtrace import fastcsv
from claimtrace.vocab import normalize_key

# Guards so that one file cannot take the server down.
MAX_CELL_CHARS = 1_000_000
MAX_ROWS = 500_000
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_JSON_DEPTH = 200
MAX_COLUMNS = 500
DELIMITERS = (",", ";", "\t", "|")


class UnreadableFile(ValueError):
    """The file is not a table we can read at all; the message says why in plain words."""


@dataclass
class RawTable:
    header: list[str]
    records: list[list[object]]  # cells as read: text, or real dates/numbers from XLSX/JSON
    numbers: list[int]  # the row / record / line number of each record, as the user sees it
    unit: str = "row"
    format: str = "csv"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    meta: dict = field(default_factory=dict)
    # Records that could not be read as a row at all: (number, reason, raw text).
    broken: list[tuple[int, str, str]] = field(default_factory=list)
    # The cells column by column instead of `records` (which is then empty), as pandas str
    # Series already stripped of surrounding whitespace: what the fast CSV path (fastcsv) gives.
    columns: list | None = None
    # With `columns`: no cell of column i has more characters than longest[i] (fastcsv).
    longest: list[int] | None = None


def read_table(data: bytes, name: str = "") -> RawTable:
    """Detect the format of `data` and read it; raises UnreadableFile with a plain message."""
    table = _read_any(data, name)
    if len(table.header) > MAX_COLUMNS:
        raise UnreadableFile(_too_many_columns(len(table.header)))
    return table


def _too_many_columns(count: int) -> str:
    # Thousands of columns cost the loader and the events table far more than their bytes.
    return (
        f"the file has {count:,} columns, more than the {MAX_COLUMNS:,} ClaimTrace reads; "
        "keep the event columns and save it again"
    )


def _read_any(data: bytes, name: str) -> RawTable:
    if not data or (not data[:64].strip() and not data.strip()):  # (strip copies the file)
        raise UnreadableFile("the file is empty")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            "this is an old Excel .xls file; save it as .xlsx or CSV in Excel and upload that"
        )
    plain = _read_plain_csv(data)
    if plain is not None:
        return plain
    text, encoding = decode(data)
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{") or _is_json_value(stripped):
        return _read_json(stripped, encoding, name)
    return _read_csv(text, encoding)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the name of its encoding: BOMs first, then UTF-8, then Windows-1252."""
    for bom, codec, label in (
        (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError as exc:
                raise UnreadableFile(
                    f"the file says it is {label} but is not: {exc.reason}"
                ) from exc
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    head = data[:2000]
    if head.count(b"\x00") > len(head) // 4:
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        codec = "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = "\x00"
        if _looks_binary(text):  # a run of NUL bytes decodes as UTF-16 too
            raise UnreadableFile(
                "this is not a table: it looks like a binary file, not CSV, XLSX or JSON"
            ) from None
        return text, "UTF-16"
    try:
        text, label = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, label = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, label = data.decode("latin-1"), "Latin-1"
    if _looks_binary(text):
        raise UnreadableFile(
            "this is not a table: it looks like a binary file, not CSV, XLSX or JSON"
        )
    return text, label


def _is_json_value(text: str) -> bool:
    """Whether the whole text is one JSON value (`42`, `"x"`, `null`): JSON, though no table."""
    try:
        json.loads(text)  # a CSV fails at its first comma or letter, so this costs nothing
    except (ValueError, RecursionError):
        return False
    return True


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v")
    return controls > max(8, len(sample) // 50)


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line, counted outside quotes; comma when there is none."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for ch in text[:65536]:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes:
            if ch in "\r\n":
                if any(counts.values()):
                    break
                continue
            if ch in counts:
                counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str, encoding: str) -> RawTable:
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    records: list[list[object]] = []
    numbers: list[int] = []
    number = 0
    last_start = 0  # the line of the file where the last record began
    try:
        lines_read = 0
        for cells in reader:
            number += 1
            last_start, lines_read = lines_read, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank rows are layout, not data
            if header is None:
                header = [c.strip() for c in cells]
                header_number = number
                continue
            records.append(cells)
            numbers.append(number)
            if len(records) > MAX_ROWS:
                raise UnreadableFile(f"the file has more than {MAX_ROWS:,} rows; split it")
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFile(
                f"row {number + 1}: a cell holds more than {MAX_CELL_CHARS * 4:,} characters"
            ) from None
        raise UnreadableFile(f"row {number + 1}: the CSV cannot be read ({exc})") from None
    if header is None:
        raise UnreadableFile("the file has no header row")
    # Spreadsheet numbering: the header row is row 1 wherever blank lines came before it.
    shift = header_number - 1
    numbers = [n - shift for n in numbers]
    broken = []
    if records and _unclosed_quote(records[-1], text, last_start, delimiter):
        # Everything after a quote that is never closed landed in one cell of this row.
        tail = "".join(io.StringIO(text, newline="").readlines()[last_start:])
        lines = tail.count("\n") + tail.count("\r") - tail.count("\r\n")
        reason = (
            f'a quote (") opened in this row is never closed, so the rest of the file '
            f"({lines:,} lines) was read as one cell; close the quote or remove it"
        )
        shown = tail if len(tail) <= _SHOWN_RAW else tail[:_SHOWN_RAW] + "…"
        broken.append((numbers.pop(), reason, shown))
        records.pop()
    return RawTable(header, records, numbers, "row", "csv", encoding, delimiter, broken=broken)


_SHOWN_RAW = 2000  # characters of a broken record's text kept in the rejected rows


def _unclosed_quote(cells: list, text: str, start: int, delimiter: str) -> bool:
    """Whether the record that begins at line `start` runs to the end inside a quoted cell.

    The lenient reader closes such a cell at the end of the file and says nothing; a strict
    reading of the same lines reports it."""
    if not any("\n" in c or "\r" in c for c in cells):
        return False  # a record on one line cannot have swallowed the lines below it
    tail = "".join(io.StringIO(text, newline="").readlines()[start:])
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _read_plain_csv(data: bytes) -> RawTable | None:
    """A plain UTF-8 CSV read by pyarrow (see fastcsv), exactly as _read_csv would read it;
    None for anything else, which then takes the ordinary way."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    body, label = (
        (data[len(codecs.BOM_UTF8) :], "UTF-8 with BOM")
        if data.startswith(codecs.BOM_UTF8)
        else (data, "UTF-8")
    )
    head = fastcsv.head_text(body)
    if head is None or "\x00" in head or _looks_binary(head) or head.lstrip()[:1] in ("[", "{"):
        return None
    delimiter = sniff_delimiter(head)
    if head.partition("\n")[0].count(delimiter) >= MAX_COLUMNS:
        return None  # too wide: the exact reader refuses it at once, pyarrow would take seconds
    found = fastcsv.read(body, delimiter, head, MAX_ROWS, MAX_CELL_CHARS * 4)
    if found is None:
        return None
    header, columns, longest = found
    numbers = list(range(2, len(columns[0]) + 2))  # no blank rows: row i + 2, header row 1
    return RawTable(
        header, [], numbers, "row", "csv", label, delimiter, columns=columns, longest=longest
    )


def _read_xlsx(data: bytes) -> RawTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile("the file looks like XLSX but is damaged") from None
    if "xl/workbook.xml" not in archive.namelist():
        raise UnreadableFile("this zip file is not an Excel workbook (.xlsx)")
    if expanded > MAX_XLSX_UNCOMPRESSED:
        raise UnreadableFile(
            f"the workbook expands to {expanded / 2**20:,.0f} MB, more than the "
            f"{MAX_XLSX_UNCOMPRESSED / 2**20:,.0f} MB allowed; save the events sheet as CSV"
        )
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise UnreadableFile(f"the Excel workbook cannot be opened ({exc})") from None
    try:
        names = book.sheetnames
        chosen = next((s for s in names if normalize_key(s) == "events"), names[0])
        sheet = book[chosen]
        header: list[str] | None = None
        records: list[list[object]] = []
        numbers: list[int] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = list(row)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            if header is None:
                header = ["" if c is None else str(c).strip() for c in cells]
                continue
            records.append(cells)
            numbers.append(number)
            if len(records) > MAX_ROWS:
                raise UnreadableFile(f"the sheet has more than {MAX_ROWS:,} rows; split it")
    except UnreadableFile:
        raise
    except Exception as exc:  # the sheet is read lazily: damaged XML or data shows only here
        raise UnreadableFile(f"the Excel workbook is damaged and cannot be read ({exc})") from None
    finally:
        book.close()
    if header is None:
        raise UnreadableFile(f"the sheet {chosen!r} is empty")
    return RawTable(header, records, numbers, "row", "xlsx", "", "", chosen)


def _read_json(text: str, encoding: str, name: str) -> RawTable:
    try:
        document = _no_lone_surrogates(json.loads(text), text)
    except RecursionError:
        raise UnreadableFile("the JSON is nested too deeply to be a table of events") from None
    except json.JSONDecodeError as exc:
        if text.startswith("{") and "\n" in text.strip():
            return _read_jsonl(text, encoding)
        raise UnreadableFile(
            f"the JSON cannot be read: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError:  # Python reads integers of at most 4,300 digits
        raise UnreadableFile(f"the JSON cannot be read: {_TOO_LONG_NUMBER}") from None
    meta: dict = {}
    if isinstance(document, dict):
        if isinstance(document.get("events"), list):
            items = document["events"]
            if isinstance(document.get("case"), dict):
                meta = document["case"]
        else:
            # A single JSON object that is not {"events": [...]}: maybe JSON Lines of one line.
            items = [document]
    elif isinstance(document, list):
        items = document
    else:
        raise UnreadableFile("the JSON holds no list of events")
    table = _records_from_objects(((i, item) for i, item in enumerate(items, start=1)), "record")
    table.format, table.encoding, table.meta = "json", encoding, meta
    return table


def _read_jsonl(text: str, encoding: str) -> RawTable:
    def objects():
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield number, _no_lone_surrogates(json.loads(line), line)
            except json.JSONDecodeError as exc:
                yield number, _Broken(f"not valid JSON ({exc.msg})", line)
            except RecursionError:
                yield number, _Broken("not valid JSON (nested too deeply)", line)
            except ValueError:
                yield number, _Broken(f"not valid JSON ({_TOO_LONG_NUMBER})", line)

    table = _records_from_objects(objects(), "line")
    table.format, table.encoding = "jsonl", encoding
    return table


_TOO_LONG_NUMBER = "a number has more than 4,300 digits"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(value: object, text: str) -> object:
    """JSON can escape half of a UTF-16 pair ("\\ud800"): such a character cannot be shown or
    written as UTF-8, so it becomes U+FFFD. `text` is the JSON read: without such an escape
    there is nothing to do."""
    return _replace_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


def _replace_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


@dataclass
class _Broken:
    reason: str
    text: str


def _records_from_objects(items, unit: str) -> RawTable:
    header: list[str] = []
    seen: dict[str, int] = {}
    rows: list[dict] = []
    numbers: list[int] = []
    broken: list[tuple[int, str, str]] = []
    for number, item in items:
        if isinstance(item, _Broken):
            broken.append((number, item.reason, item.text))
            continue
        if not isinstance(item, dict):
            broken.append((number, "not an object with named fields", _to_text(item)))
            continue
        for key in item:
            if key not in seen:
                seen[key] = len(header)
                header.append(str(key))
        if len(header) > MAX_COLUMNS:  # before a cell is made for every field of every record
            raise UnreadableFile(_too_many_columns(len(header)))
        rows.append(item)
        numbers.append(number)
        if len(rows) + len(broken) > MAX_ROWS:
            raise UnreadableFile(f"the file has more than {MAX_ROWS:,} records; split it")
    if not rows and not broken:
        raise UnreadableFile("the JSON holds no events")
    records = [[_json_cell(row.get(key)) for key in header] for row in rows]
    return RawTable(header, records, numbers, unit, broken=broken)


def _json_cell(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN is an empty cell
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else str(value)
    return _to_text(value)


def _to_text(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return str(value)


def cell_text(value: object) -> str:
    """A cell as stripped text: a whole float without its ".0", a date in ISO form, None and
    NaN as "". What a stored table and a validated file both hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()
