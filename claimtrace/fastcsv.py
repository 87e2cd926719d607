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

import numpy as np

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
    """(header, columns, longest) of a plain CSV, or None when the exact reader must read it.

    `columns` are pandas str Series, one per header cell, holding each data row's cell with
    surrounding whitespace stripped (as str.strip() does); row i of a column is the file's row
    i + 2 (the header is row 1). `longest` is the bytes of each column's longest stripped cell
    (the header's too): no cell of it has more characters.
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

    def parse(newlines_in_values: bool):
        return pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=newlines_in_values,
                ignore_empty_lines=False,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    # First as pyarrow reads fastest: blocks cut at any line break, parsed side by side. A
    # block cut inside a quoted cell cannot be parsed to its end, and pyarrow says so; the
    # reading is kept only if no cell holds a line break or a quote at all, so no quoted cell
    # can have spanned lines. Otherwise a second reading takes line breaks inside quotes.
    try:
        table = parse(False)
        if _breaks_or_quotes(table):
            table = None
    except (pa.ArrowException, ValueError):
        table = None
    try:
        table = parse(True) if table is None else table
    except (pa.ArrowException, ValueError):
        return None  # ragged rows, bad UTF-8, a cell longer than a block: the exact reader's case
    if table.num_rows < 2 or table.num_rows - 1 > max_rows:
        return None
    try:
        # One chunk per column: every later pass over it (and pandas) then takes it whole.
        raws = [column.combine_chunks() for column in table.columns]
    except (pa.ArrowException, ValueError):
        return None
    blank = np.ones(table.num_rows, dtype=bool)
    columns = []
    longest = []
    for raw in raws:
        offsets, data = buffers(raw)
        size = np.diff(offsets)
        most = int(size.max())  # bytes: a cell has at most as many characters
        if most > max_cell and pc.max(pc.utf8_length(raw)).as_py() > max_cell:
            return None
        cells = pc.utf8_trim(raw, characters=PY_WHITESPACE) if _may_trim(offsets, data) else raw
        if cells is not raw:
            offsets = buffers(cells)[0]
            size = np.diff(offsets)
            most = int(size.max())
        blank &= size == 0
        columns.append(cells)
        longest.append(most)
    if blank.any():
        return None  # a blank row: the csv module skips it and counts it, pyarrow keeps it
    last = [c[-1].as_py() for c in raws]
    if any("\n" in c or "\r" in c for c in last):
        return None  # the last row may be a quote never closed, which the exact reader reports
    header = [c[0].as_py() for c in columns]
    return header, [c.slice(1).to_pandas() for c in columns], longest


def _breaks_or_quotes(table) -> bool:
    """Whether any cell of the table holds a line break (CR or LF) or a double quote."""
    for column in table.columns:
        for chunk in column.chunks:
            offsets, data = buffers(chunk)
            if len(offsets) and offsets[-1] > offsets[0]:
                cells = data[offsets[0] : offsets[-1]].tobytes()
                if b"\n" in cells or b"\r" in cells or b'"' in cells:
                    return True
    return False


def buffers(text) -> tuple:
    """The offsets (numpy, one more than the cells) and the bytes (numpy uint8) of a string array."""
    import pyarrow as pa

    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets_buffer, data_buffer = text.buffers()[1:3]
    offsets = np.frombuffer(offsets_buffer, dtype=width)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0)
    return offsets.astype(np.int64), data


# The first bytes of the characters str.strip() removes: the ASCII ones themselves, and the lead
# bytes of the others in UTF-8 (\x85 and \xa0: C2; \u1680: E1; \u2000 and up: E2; \u3000: E3).
_EDGE = np.zeros(256, dtype=bool)
_EDGE[[ord(c) for c in PY_WHITESPACE if ord(c) < 0x80]] = True
_EDGE[0x80:] = True  # any byte of a character beyond ASCII: that cell is trimmed to be sure


def _may_trim(offsets: np.ndarray, data: np.ndarray) -> bool:
    """Whether any cell may begin or end with whitespace (then utf8_trim decides): its first or
    last byte is whitespace, or not ASCII. Most columns have no such cell, and then trimming
    would give back every cell unchanged."""
    if not len(data):
        return False
    given = offsets[1:] > offsets[:-1]  # an empty cell has no first or last byte
    first = data[np.minimum(offsets[:-1], len(data) - 1)]
    last = data[np.maximum(offsets[1:] - 1, 0)]
    return bool((given & (_EDGE[first] | _EDGE[last])).any())
