"""The common CSV, read in C: plain UTF-8, one record per row, no blank rows.

pyarrow reads such a file several times faster than the csv module. It is used only where it
gives exactly what readers._read_csv would give: whenever the file is anything else (another
encoding, a BOM other than UTF-8's, blank or whitespace-only rows, rows of the wrong width, a
lone carriage return, a cell too long, too many rows) `read` returns None and the exact reader
decides, with its own messages. So a hostile file never meets this code's judgement, only its
refusal.
"""

from __future__ import annotations

import codecs
import csv
import io

# Exactly the characters str.strip() removes (str.isspace()); tests check the list is complete.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
HEAD_BYTES = 256 * 1024  # enough for the format checks, which look at the first 64 KiB of text


def head_text(data: bytes) -> str | None:
    """The start of `data` as text, when the file may be plain UTF-8 (else None)."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data[:HEAD_BYTES], final=False)
    except UnicodeDecodeError:
        return None


def read(data: bytes, delimiter: str, head: str, max_rows: int, max_cell: int):
    """(header, columns) of a plain CSV, or None when the exact reader must read it.

    `columns` are pandas str Series, one per header cell, holding each data row's cell with
    surrounding whitespace stripped (as str.strip() does); row i of a column is the file's row
    i + 2 (the header is row 1).
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
    except ImportError:  # pyarrow comes with streamlit; without it the exact reader does all
        return None
    if "\r" in head and head.count("\r") != head.count("\r\n"):
        return None  # a lone carriage return is a line break to csv, not to pyarrow
    try:
        first = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, strict=False))
    except (csv.Error, StopIteration):
        return None
    width = len(first)
    if width < 2 or not any(c.strip() for c in first):
        return None  # one column could be a JSON value; a blank first row shifts the numbering
    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None  # ragged rows, bad UTF-8, a cell longer than a block: the exact reader's case
    if table.num_rows < 2 or table.num_rows - 1 > max_rows:
        return None
    blank = None
    columns = []
    for raw in table.columns:
        if pc.max(pc.utf8_length(raw)).as_py() > max_cell:
            return None
        cells = pc.utf8_trim(raw, characters=PY_WHITESPACE)
        empty = pc.equal(pc.binary_length(cells), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
        columns.append(cells)
    if pc.any(blank).as_py():
        return None  # a blank row: the csv module skips it and counts it, pyarrow keeps it
    last = [c[-1].as_py() for c in table.columns]
    if any("\n" in c or "\r" in c for c in last):
        return None  # the last row may be a quote never closed, which the exact reader reports
    header = [c[0].as_py() for c in columns]
    return header, [c.slice(1).to_pandas() for c in columns]
