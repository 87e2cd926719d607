"""A case as a table to edit: stored content in, an editable frame out, and back again.

The table editor shows every row a revision holds, rejected ones included, with what is wrong with
each; what the user edits is saved as text cells, exactly as a file would hold them, and loaded
through the same validation as a file (ingest.load_table).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from claimtrace import schema
from claimtrace.model import Case
from claimtrace.store import Content
from claimtrace.vocab import country_code, country_name, language_code, language_name

PICKERS = ("outlet_type", "country", "language", "stance", "evidence")
PROBLEM = "problem"  # the editor's read-only column: why a row is rejected, or its caveats
# Cells of a row past the header's end (the file's row had more cells than it has headers, and
# is rejected for it): shown in columns of their own, saved back as cells past the end.
OVERFLOW = "cell past the header"
CITE_SEPARATOR = ";"


def canonical(column: str, value: str) -> str:
    """The vocabulary code a picker column's value means ("State TV" -> "state_tv"), or the
    value as written when it means none (validation then says so, as for a file)."""
    value = value.strip()
    if not value:
        return ""
    if column == "country":
        return country_code(value) or value
    if column == "language":
        return language_code(value) or value
    if column in schema.VOCABULARIES:
        return schema.match_value(column, value) or value
    return value


def picker_options(column: str) -> list[str]:
    """The codes a picker offers, in the order a person looks for them."""
    if column == "country":
        from claimtrace.vocab import COUNTRIES_CSV

        return _codes(COUNTRIES_CSV)
    if column == "language":
        from claimtrace.vocab import LANGUAGES_CSV

        return _codes(LANGUAGES_CSV)
    return list(schema.VOCABULARIES[column])


def _codes(path) -> list[str]:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return table.sort_values("display")["code"].tolist()


def option_label(column: str, code: str) -> str:
    if not code:
        return ""
    if column == "country":
        return f"{country_name(code) or code} ({code})"
    if column == "language":
        return f"{language_name(code) or code} ({code})"
    return schema.label(column, code)


def _unique(names: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names):
        shown = str(name).strip() or f"column {i + 1}"
        while shown in seen:
            shown += " (2)"
        seen.add(shown)
        out.append(shown)
    return out


def content_from_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    meta: dict,
    columns: dict[str, str] | None = None,
) -> Content:
    """What a case store keeps of a file: the header with the user's column mapping applied (a
    mapped column takes the contract's name), every contract column present, picker values as
    their codes where they are recognised, and every row (rejected ones too)."""
    columns = columns or {}
    named = []
    for h in header:
        if h in columns:
            named.append(columns[h] if columns[h] in schema.COLUMN_NAMES else h)
        else:
            named.append(schema.match_header(h) or h)
    named = _unique(named)
    extras = [h for h in named if h not in schema.COLUMN_NAMES]
    full = [*schema.COLUMN_NAMES, *extras]
    position = {h: i for i, h in enumerate(named)}
    out = []
    for row in rows:
        cells = list(row) + [""] * (len(named) - len(row))
        record = []
        for column in full:
            i = position.get(column)
            text = "" if i is None or cells[i] is None else str(cells[i]).strip()
            if column in PICKERS:
                text = canonical(column, text)
            elif column == "cites":  # as the table editor writes them back, so no edit shows
                text = CITE_SEPARATOR.join(c.strip() for c in text.split(";") if c.strip())
            record.append(text)
        out.append(record + [str(c) for c in cells[len(named) :]])
    return Content.of(meta, full, out)


def editor_frame(content: Content, case: Case | None = None) -> pd.DataFrame:
    """The rows as the table editor shows them: text cells, `cites` as a list of names, and the
    problems of each row (from the case loaded from this content) in a read-only column."""
    width = max([len(content.header), *(len(r) for r in content.rows)])
    header = [
        *content.header,
        *(f"{OVERFLOW} {i}" for i in range(len(content.header) + 1, width + 1)),
    ]
    cells = [list(r) + [""] * (width - len(r)) for r in content.rows]
    frame = pd.DataFrame(cells, columns=header, dtype=str)
    if "cites" in frame:
        frame["cites"] = frame["cites"].map(
            lambda text: [c.strip() for c in str(text).split(";") if c.strip()]
        )
    problems = [""] * len(frame)
    if case is not None:
        by_row: dict[int, list[str]] = {}
        rejected = set(case.rejected["row"].astype(int)) if len(case.rejected) else set()
        for p in case.problems:
            if p.row is not None and 1 <= p.row <= len(frame):
                where = f"{p.column}: " if p.column else ""
                by_row.setdefault(p.row, []).append(where + p.message)
        for row, messages in by_row.items():
            lead = "REJECTED: " if row in rejected else "note: "
            problems[row - 1] = lead + "; ".join(messages)
    frame.insert(0, PROBLEM, problems)
    return frame


def content_from_frame(frame: pd.DataFrame, meta: dict, header: Sequence[str]) -> Content:
    """The edited table as a revision's content. A row left wholly empty (an added row never
    filled in) is not kept; every other row is, as typed."""
    columns = [c for c in header if c in frame.columns]
    columns += [
        c
        for c in frame.columns
        if c not in columns and c != PROBLEM and not str(c).startswith(OVERFLOW)
    ]
    overflow = [c for c in frame.columns if str(c).startswith(OVERFLOW)]
    rows = []
    for record in frame[columns + overflow].itertuples(index=False, name=None):
        cells = [
            _cell(column, value) for column, value in zip(columns + overflow, record, strict=True)
        ]
        if any(cells):
            rows.append(cells)
    return Content.of(meta, columns, rows)


def _cell(column: str, value: object) -> str:
    if isinstance(value, list | tuple):
        return CITE_SEPARATOR.join(str(v).strip() for v in value if str(v).strip())
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def cite_options(content: Content) -> list[str]:
    """What `cites` can name: the ids of the case's events, then the outlets it names."""
    header = list(content.header)
    ids, outlets = [], []
    if "id" in header:
        ids = [r[header.index("id")] for r in content.rows if r[header.index("id")]]
    if "outlet" in header:
        outlets = sorted({r[header.index("outlet")] for r in content.rows} - {""})
    cited = []
    if "cites" in header:
        for r in content.rows:
            cited += [c.strip() for c in r[header.index("cites")].split(";") if c.strip()]
    return list(dict.fromkeys([*ids, *outlets, *cited]))
