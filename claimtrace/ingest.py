"""A file in, a Case out: every row is either loaded or rejected with its reasons.

Validation returns data (Problems with row, column and message); it never raises for bad input.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claimtrace import diffusion, fastcsv, lookup, schema
from claimtrace.dates import DATE_HINT, FIRST_YEAR, LAST_YEAR, parse_dates
from claimtrace.model import Case, CaseMeta, Problem, Source
from claimtrace.readers import MAX_CELL_CHARS, RawTable, UnreadableFile, cell_text, read_table
from claimtrace.vocab import country_code, language_code

# Columns of the events table besides the contract's own.
DERIVED = ("date_precision", "row")
TEXT_COLUMNS = ("outlet", "headline", "headline_en", "quote", "url", "cites", "notes")
_SHOWN_LIMIT = 60  # characters of a value quoted back in a message


def load_path(
    path: str | Path, meta: CaseMeta | None = None, *, columns: dict[str, str] | None = None
) -> Case:
    """Load a file from disk; a `case.json` beside it supplies the metadata. `columns` is the
    header mapping, as load_bytes takes it."""
    path = Path(path)
    if meta is None:
        side = path.with_name("case.json")
        if side.exists():
            meta = meta_from_dict(json.loads(side.read_text(encoding="utf-8")), path.name)
    return load_bytes(path.read_bytes(), path.name, meta, columns=columns)


def load_bytes(
    data: bytes,
    name: str,
    meta: CaseMeta | None = None,
    timezone: str | None = None,
    columns: dict[str, str] | None = None,
) -> Case:
    """Load a file's bytes. Metadata comes from `meta`, else from a JSON file's `case` object;
    `timezone`, when given, is the zone of times written without an offset; `columns` maps the
    file's own headers to contract columns ("" keeps one as an extra column), over the synonyms."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        raw = read_table(data, name)
    except UnreadableFile as exc:
        return _unreadable(name, digest, f"{name}: {exc}", meta)
    if meta is None:
        meta = meta_from_dict(raw.meta, name)
    if timezone:
        meta = replace(meta, timezone=timezone)
    return build_case(raw, Source(name, digest), meta, columns)


def table_cells(raw: RawTable) -> tuple[list[str], list[list[str]]]:
    """A raw table as text cells, every record (the broken ones as their raw text in the first
    column), so it can be kept and read again exactly as the file was."""
    header = [h or f"column {i + 1}" for i, h in enumerate(raw.header)]
    if raw.columns is not None:
        records = [list(r) for r in zip(*raw.columns, strict=True)] if raw.columns else []
    else:
        records = raw.records
    rows = [(n, [_cell_text(v) for v in r]) for n, r in zip(raw.numbers, records, strict=True)]
    rows += [(n, [text]) for n, _, text in raw.broken]
    rows.sort(key=lambda item: item[0])
    return header, [cells for _, cells in rows]


def mapped_header(header: list[str], columns: dict[str, str]) -> list[str]:
    """The header with the user's mapping applied: a mapped column takes the contract's name."""
    out = []
    for h in header:
        target = columns.get(h)
        out.append(target if target else h)
    return out


def load_table(
    header: list[str], rows: list[list[str]], meta: CaseMeta, name: str, digest: str
) -> Case:
    """A table of text cells (a stored revision, the table editor) through the same validation
    as a file. Rows are numbered 1, 2, 3 … as the table editor shows them."""
    raw = RawTable(
        header=list(header),
        records=[list(r) for r in rows],
        numbers=list(range(1, len(rows) + 1)),
        unit="table row",
        format="case store",
    )
    return build_case(raw, Source(name, digest), meta)


def meta_to_dict(meta: CaseMeta) -> dict:
    """A CaseMeta as case.json writes it (meta_from_dict reads it back)."""
    out = {
        "title": meta.title,
        "claim": meta.claim,
        "summary": meta.summary,
        "timezone": meta.timezone,
        "sources": meta.sources,
        "credit": meta.credit,
    }
    if meta.focus:
        out["focus"] = {"from": meta.focus[0], "to": meta.focus[1]}
    return out


def meta_from_dict(data: dict, name: str) -> CaseMeta:
    def text(key: str, default: str = "") -> str:
        value = data.get(key, default)
        return value.strip() if isinstance(value, str) else default

    title = text("title") or Path(name).stem or "Untitled case"
    timezone = text("timezone", "UTC") or "UTC"
    try:
        pd.Timestamp("2022-01-01").tz_localize(timezone)
    except Exception:
        timezone = "UTC"
    focus = data.get("focus")
    window: tuple[str, str] | tuple[()] = ()
    if (
        isinstance(focus, dict)
        and isinstance(focus.get("from"), str)
        and isinstance(focus.get("to"), str)
    ):
        try:
            pd.Timestamp(focus["from"]), pd.Timestamp(focus["to"])
            window = (focus["from"], focus["to"])
        except ValueError:
            window = ()
    return CaseMeta(
        title=title,
        claim=text("claim"),
        summary=text("summary"),
        timezone=timezone,
        sources=text("sources"),
        credit=text("credit"),
        focus=window,
    )


def _unreadable(name: str, digest: str, message: str, meta: CaseMeta | None) -> Case:
    empty = _empty_events()
    return Case(
        events=empty,
        links=diffusion.empty_links(),
        rejected=pd.DataFrame(columns=["row", "reason"]),
        problems=(Problem("error", message),),
        meta=meta or CaseMeta(title=Path(name).stem or "Untitled case"),
        source=Source(name, digest),
        fatal=message,
    )


def _empty_events() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in schema.COLUMN_NAMES})
    frame["date"] = pd.Series(dtype="datetime64[ns, UTC]")
    frame["date_end"] = pd.Series(dtype="datetime64[ns, UTC]")
    frame["date_precision"] = pd.Series(dtype=object)
    frame["row"] = pd.Series(dtype=int)
    return frame


_cell_text = cell_text  # one definition, shared with the case store


def _translate(
    series: pd.Series, convert: Callable[[str], str | None], fallback: str
) -> tuple[tuple[pd.api.extensions.ExtensionArray, np.ndarray], pd.Series]:
    """Each value converted (each distinct one once), `fallback` where it is empty or unknown,
    as (the converted distinct values, each cell's code: take them for a column); and which
    were unknown (given, but not converted)."""
    if isinstance(series.dtype, pd.StringDtype) and not series.isna().any():
        encoded = pc.dictionary_encode(lookup.text_array(series))
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
        uniques = encoded.dictionary.to_pylist()
    else:
        codes, uniques = pd.factorize(series)
    found = [convert(v) if v else None for v in uniques]
    converted = pd.array([f or fallback for f in found], dtype="str")
    unknown = np.array([bool(v) and f is None for v, f in zip(uniques, found, strict=True)])
    if not len(codes):
        return (converted, np.zeros(0, dtype=np.intp)), pd.Series(False, index=series.index)
    return (converted, codes), pd.Series(unknown[codes], index=series.index)


_WEB_LINK = re.compile(r"(?i)https?://\S+$")
_PLAIN_ASCII = r"^[\x21-\x7e]*$"  # printable ASCII without spaces: where a prefix says it all


def _web_links(url: pd.Series) -> pd.Series:
    """Which cells are http(s) links (_WEB_LINK); plain ASCII cells are judged by their prefix,
    the rest by the regular expression itself."""
    out = np.zeros(len(url), dtype=bool)
    if isinstance(url.dtype, pd.StringDtype) and not url.isna().any():
        # On the bytes: a plain cell is ASCII, so its bytes are its characters, and its first
        # eight with the 0x20 bit set read "http://" or "https://" only where lower() would.
        offsets, data = fastcsv.buffers(lookup.text_array(url))
        if not len(data):
            return pd.Series(out, index=url.index)
        begin, length = offsets[:-1], np.diff(offsets)
        cells = data[offsets[0] : offsets[-1]]  # (the buffer may hold more than these cells)
        odd = np.flatnonzero((cells < 0x21) | (cells > 0x7E)) + offsets[0]  # no plain cell's
        plain = np.ones(len(url), dtype=bool)
        plain[np.searchsorted(offsets, odd, "right") - 1] = False
        https = length >= 9
        http = length >= 8
        for k, (a, b) in enumerate(zip(b"https://", b"http://", strict=False)):
            byte = data[np.minimum(begin + k, len(data) - 1)] | 0x20
            https &= byte == a
            http &= byte == b
        https &= data[np.minimum(begin + 7, len(data) - 1)] == ord("/")
    else:
        plain = url.str.match(_PLAIN_ASCII).to_numpy(dtype=bool)
        lower = url.str.slice(0, 8).str.lower()
        length = url.str.len().to_numpy()
        https = lower.str.startswith("https://").to_numpy(dtype=bool)
        http = lower.str.startswith("http://").to_numpy(dtype=bool)
    out[plain] = ((https & (length >= 9)) | (http & (length >= 8)))[plain]
    for i in np.flatnonzero(~plain):
        out[i] = bool(_WEB_LINK.match(url.iloc[i]))
    return pd.Series(out, index=url.index)


def _flags(found: pa.Array) -> np.ndarray:
    return found.to_numpy(zero_copy_only=False).astype(bool)


# Characters that change how text reads without being seen (bidirectional overrides: the "Trojan
# Source" trick), control codes that XML exports cannot hold, and stray byte-order marks.
_INVISIBLE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"


def _visible(
    cells: pd.Series, column: str, numbers: pd.Series, unit: str, problems: list[Problem]
) -> pd.Series:
    """The cells without invisible control characters; a warning names each cell changed."""
    if not _maybe_invisible(cells):
        return cells
    found = cells.str.contains(_INVISIBLE, regex=True).to_numpy(dtype=bool)
    for i in np.flatnonzero(found):
        problems.append(
            Problem(
                "warning",
                "removed invisible control characters (such as a right-to-left override) "
                "that would make the text read differently from what it holds",
                int(numbers[i]),
                column,
                unit,
            )
        )
    if not found.any():
        return cells
    return cells.str.replace(_INVISIBLE, "", regex=True).str.strip()


def _longest(cells: pd.Series) -> int:
    """The characters of the longest cell (one pass in Arrow)."""
    return int(pc.max(pc.utf8_length(lookup.text_array(cells))).as_py() or 0)


def _maybe_invisible(cells: pd.Series) -> bool:
    """Whether any cell may hold an _INVISIBLE character: every one of them is a control byte
    other than tab, line feed and carriage return, or DEL, or begins with a byte of 0x80 and up
    in UTF-8. Most columns have none of these bytes, and one pass over them is cheap."""
    text = lookup.text_array(cells)
    offsets, data = text.buffers()[1:3]
    if data is None:
        return False
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=width)[text.offset : text.offset + len(text) + 1]
    raw = np.frombuffer(data, dtype=np.uint8)[bounds[0] : bounds[-1]] if len(bounds) else []
    suspect = (raw < 0x20) & (raw != 0x09) & (raw != 0x0A) & (raw != 0x0D) | (raw >= 0x7F)
    return bool(suspect.any())


def _parse_given(values: pd.Series, given: np.ndarray, tz: str) -> pd.DataFrame:
    """parse_dates(values, tz) of the `given` cells; the others are not read (NaT, not ok)."""
    if given.all():
        return parse_dates(values, tz)
    rows = np.flatnonzero(given)
    part = parse_dates(values.iloc[rows], tz)
    out = {}
    for column in ("start", "end"):
        ns = np.full(len(values), np.iinfo(np.int64).min, dtype=np.int64)
        ns[rows] = part[column].array.as_unit("ns").asi8
        out[column] = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").array
    precision = np.full(len(values), np.nan, dtype=object)
    precision[rows] = part["precision"].to_numpy(dtype=object)
    ok = np.zeros(len(values), dtype=bool)
    ok[rows] = part["ok"].to_numpy(dtype=bool)
    precision = pd.Series(precision, index=values.index, dtype=object)  # (not read as text)
    return pd.DataFrame({**out, "precision": precision, "ok": ok}, index=values.index)


def _date_messages(
    values: pd.Series, parsed: pd.DataFrame, tz: str, zone: str | None = None
) -> list[str]:
    """Why each of these date cells (`parsed` by parse_dates in `tz`) cannot be placed: its
    year, a clock change, or its form."""
    zone = f" in time zone {tz}" if zone is None else zone
    # A time read, but outside the years a timeline can show (or so far out it cannot be read).
    placed = (parsed["start"].notna() & parsed["end"].notna()).to_numpy()
    # A wall-clock time that a clock change skips or repeats is fine in UTC.
    in_utc = (
        parse_dates(values, "UTC")["ok"].to_numpy() if tz != "UTC" else np.zeros(len(values), bool)
    )
    out = []
    for value, read, fine_in_utc in zip(values, placed, in_utc, strict=True):
        shown = _quote(value)
        years = [int(y) for y in re.findall(r"(?<![0-9])[0-9]{4}(?![0-9])", _cell_text(value))]
        if read or (years and not any(FIRST_YEAR <= y <= LAST_YEAR for y in years)):
            out.append(
                f"{shown} is outside the years {FIRST_YEAR} to {LAST_YEAR} (in UTC), which a "
                "timeline can show"
            )
        elif fine_in_utc:
            out.append(
                f"{shown} does not exist, or happens twice, in time zone {tz}: the clocks "
                "changed then; add the offset, such as +01:00"
            )
        else:
            out.append(f"cannot read {shown} as a date{zone} ({DATE_HINT})")
    return out


def _quote(value: object) -> str:
    text = _cell_text(value)
    return repr(text if len(text) <= _SHOWN_LIMIT else text[:_SHOWN_LIMIT] + "…")


def build_case(
    raw: RawTable, source: Source, meta: CaseMeta, columns: dict[str, str] | None = None
) -> Case:
    """Validate a raw table into a Case; `columns` maps headers to contract columns ("" = extra)
    where the user said what a header means."""
    unit = raw.unit
    problems = [Problem("error", reason, number, None, unit) for number, reason, _ in raw.broken]

    # --- headers ----------------------------------------------------------------------------
    mapping: dict[int, str] = {}  # position -> contract column
    extra: dict[int, str] = {}  # position -> extra column name as shown
    used_names: set[str] = set(schema.COLUMN_NAMES) | set(DERIVED)
    columns = columns or {}
    # Columns the user gave to a header of the file: no synonym of another header takes them.
    claimed = {c for h, c in columns.items() if c in schema.COLUMN_NAMES and h in raw.header}
    for pos, header in enumerate(raw.header):
        column = schema.match_header(header) if header else None
        if header in columns:
            chosen = columns[header]
            column = chosen if chosen in schema.COLUMN_NAMES else None
        elif column in claimed:
            column = None
        if column and column not in mapping.values():
            mapping[pos] = column
            continue
        shown = header or f"column {pos + 1}"
        if column:
            problems.append(
                Problem(
                    "warning",
                    f"a second column means {column!r}; the first is used, this one is kept "
                    "as an extra column",
                    1 if unit == "row" else None,
                    header,
                    unit,
                )
            )
        while shown in used_names:
            shown += " (extra)"
        used_names.add(shown)
        extra[pos] = shown
    missing = [c for c in schema.REQUIRED if c not in mapping.values()]

    width = len(raw.header)
    records = raw.records
    if raw.columns is not None:
        # The fast CSV path: text cells, column by column, already stripped.
        frame = pd.DataFrame(dict(enumerate(raw.columns)))
    else:
        frame = pd.DataFrame(
            [r[:width] + [None] * (width - len(r)) if len(r) != width else r for r in records],
            columns=list(range(width)),
            dtype=object,
        )
    frame.index = pd.RangeIndex(len(frame))

    def clean(cells: pd.Series) -> pd.Series:
        """The cells as stripped text (what _cell_text makes of each)."""
        return cells if raw.columns is not None else cells.map(_cell_text)

    numbers = pd.Series(raw.numbers, dtype=int)
    reasons: dict[int, list[str]] = {}  # position -> why the row is rejected

    def reject(index: int, column: str | None, message: str) -> None:
        reasons.setdefault(index, []).append(f"column {column}: {message}" if column else message)
        problems.append(Problem("error", message, int(numbers[index]), column, unit))

    for i, record in enumerate(records):
        if len(record) > width and any(_cell_text(c) for c in record[width:]):
            reject(i, None, f"the row has {len(record)} cells but the header has {width}")

    cols: dict[str, pd.Series] = {}
    for pos, column in mapping.items():
        cols[column] = frame[pos]
    if missing:
        looked = {
            c.name: ", ".join((c.name, *c.synonyms[:6])) for c in schema.COLUMNS if c.required
        }
        for column in missing:
            problems.insert(
                0,
                Problem(
                    "error",
                    f"{source.name}: there is no {column!r} column (looked for headers such as "
                    f"{looked[column]}); every row is rejected",
                ),
            )
        for i in range(len(frame)):
            reasons.setdefault(i, []).append(
                "no " + " or ".join(repr(c) for c in missing) + " column"
            )

    # A column the file does not have: empty text, as pandas' (Arrow-backed) str, made in Arrow.
    empty = pa.repeat(pa.scalar("", pa.large_string()), len(frame)).to_pandas()
    text = {
        c: (clean(cols[c]) if c in cols else empty)
        for c in schema.COLUMN_NAMES
        if c not in ("date", "date_end")
    }
    for c, cells in text.items():
        text[c] = _visible(cells, c, numbers, unit, problems)

    # --- required cells, ids ------------------------------------------------------------------
    if not missing:
        for i in np.flatnonzero((text["id"] == "").to_numpy()):
            reject(int(i), "id", "no id")
        ids = text["id"]
        given = (ids != "").to_numpy()
        repeated = np.flatnonzero(given & ids.duplicated().to_numpy())
        if len(repeated):
            first_row = dict(zip(ids[given][::-1], numbers[given][::-1], strict=True))
            for i in repeated:
                value = ids.iloc[i]
                reject(
                    int(i), "id", f"id {_quote(value)} is already used on {unit} {first_row[value]}"
                )
        for i in np.flatnonzero((text["outlet"] == "").to_numpy()):
            reject(int(i), "outlet", "no outlet")

    # --- over-long cells ----------------------------------------------------------------------
    # What the reader measured (an upper bound: _visible only removes characters) spares a pass.
    measured = {c: raw.longest[pos] for pos, c in mapping.items()} if raw.longest else {}
    for column, series in text.items():
        if column not in cols or measured.get(column, MAX_CELL_CHARS + 1) <= MAX_CELL_CHARS:
            continue  # (a column the file does not have is empty)
        if len(series) and _longest(series) <= MAX_CELL_CHARS:
            continue
        long = series.str.len() > MAX_CELL_CHARS
        for i in np.flatnonzero(long.to_numpy()):
            reject(int(i), column, f"the cell holds more than {MAX_CELL_CHARS:,} characters")

    # --- dates ----------------------------------------------------------------------------------
    tz = meta.timezone
    if "date" not in cols:
        # Every row is rejected, but the columns must still be UTC datetimes.
        dates = parse_dates(pd.Series(None, index=frame.index, dtype=object), tz)
    else:
        raw_dates = cols["date"]
        dates = parse_dates(raw_dates, tz)
        blank = clean(raw_dates) == ""
        for i in np.flatnonzero(blank.to_numpy()):
            reject(int(i), "date", "no date")
        failed = np.flatnonzero((~dates["ok"] & ~blank).to_numpy())
        messages = _date_messages(raw_dates.iloc[failed], dates.iloc[failed], tz)
        for i, message in zip(failed, messages, strict=True):
            reject(int(i), "date", message)
    start, end, precision = dates["start"], dates["end"].copy(), dates["precision"].copy()
    if "date_end" in cols:
        raw_end = cols["date_end"]
        given = clean(raw_end) != ""
        ends = _parse_given(raw_end, given.to_numpy(dtype=bool), tz)
        failed = np.flatnonzero((given & ~ends["ok"]).to_numpy())
        messages = _date_messages(raw_end.iloc[failed], ends.iloc[failed], tz, "")
        for i, message in zip(failed, messages, strict=True):
            reject(int(i), "date_end", message)
        usable = given & ends["ok"] & dates["ok"]
        before = usable & (ends["end"] <= start)
        for i in np.flatnonzero(before.to_numpy()):
            reject(
                int(i),
                "date_end",
                f"date_end {_quote(raw_end.iloc[i])} is before date {_quote(cols['date'].iloc[i])}",
            )
        widen = usable & ~before & (ends["end"] > end)
        end = end.mask(widen, ends["end"])
        precision = precision.mask(widen, "interval")

    # --- vocabularies and codes (warnings only) -----------------------------------------------
    rejected_mask = pd.Series(False, index=frame.index, dtype=bool)
    rejected_mask.iloc[sorted(reasons)] = True
    values = {}
    for column in ("outlet_type", "stance", "evidence"):
        fallback = "other" if column == "outlet_type" else ""
        series = text[column]
        values[column], unknown = _translate(
            series, lambda v, c=column: schema.match_value(c, v), fallback
        )
        unknown &= ~rejected_mask
        allowed = ", ".join(schema.VOCABULARIES[column])
        for i in np.flatnonzero(unknown.to_numpy()):
            shown = "other" if fallback else "empty"
            problems.append(
                Problem(
                    "warning",
                    f"unknown {column} {_quote(series.iloc[i])}, shown as {shown} "
                    f"(known: {allowed})",
                    int(numbers[i]),
                    column,
                    unit,
                )
            )
    for column, convert in (("country", country_code), ("language", language_code)):
        series = text[column]
        values[column], unknown = _translate(series, convert, "")
        unknown &= ~rejected_mask
        kind = "ISO 3166 code" if column == "country" else "ISO 639-1 code"
        for i in np.flatnonzero(unknown.to_numpy()):
            problems.append(
                Problem(
                    "warning",
                    f"unknown {column} {_quote(series.iloc[i])}, left empty (use a name or an {kind})",
                    int(numbers[i]),
                    column,
                    unit,
                )
            )
    url = text["url"]
    bad_url = (url != "") & ~_web_links(url) & ~rejected_mask
    for i in np.flatnonzero(bad_url.to_numpy()):
        problems.append(
            Problem(
                "warning",
                f"{_quote(url.iloc[i])} is not an http(s) link; it is shown as text",
                int(numbers[i]),
                "url",
                unit,
            )
        )

    # --- assemble -------------------------------------------------------------------------------
    keep = ~rejected_mask.to_numpy()
    kept_numbers, kept_start = numbers.to_numpy()[keep], start.array.asi8[keep]
    if len(kept_numbers) < 2 or bool((np.diff(kept_numbers) > 0).all()):
        # Rows in the order of their numbers (as every reader gives them): a stable sort by
        # date alone keeps ties in row order, as sorting by (date, row) does.
        order = np.argsort(kept_start, kind="stable")
    else:
        order = np.lexsort((kept_numbers, kept_start))
    taken = np.flatnonzero(keep)[order]  # the loaded rows, by date, then row

    def column(cells: pd.Series | np.ndarray | tuple) -> pd.Series:
        # The loaded rows' text, as pandas' (Arrow-backed) str.
        if isinstance(cells, tuple):  # from _translate: distinct values and codes, one take
            converted, codes = cells
            return pd.Series(converted.take(codes[taken]))
        if not isinstance(getattr(cells, "dtype", None), pd.StringDtype):
            cells = pd.array(np.asarray(cells, dtype=object)[taken], dtype="str")
            return pd.Series(cells)
        return pd.Series(cells.array.take(taken))

    loaded = pd.DataFrame(
        {
            "id": column(text["id"]),
            "date": pd.Series(start.array.take(taken)),
            "date_end": pd.Series(end.array.take(taken)),
            "outlet": column(text["outlet"]),
            "outlet_type": column(values["outlet_type"]),
            "country": column(values["country"]),
            "language": column(values["language"]),
            "headline": column(text["headline"]),
            "headline_en": column(text["headline_en"]),
            "quote": column(text["quote"]),
            "url": column(url),
            "cites": column(text["cites"]),
            "stance": column(values["stance"]),
            "evidence": column(values["evidence"]),
            "notes": column(text["notes"]),
            "date_precision": column(precision),
            "row": pd.Series(numbers.to_numpy()[taken], dtype=int),
        }
    )
    for pos, shown in extra.items():
        loaded[shown] = column(_visible(clean(frame[pos]), shown, numbers, unit, problems))

    rejected = _rejected_table(raw, frame, numbers, reasons, extra, mapping)
    links, externals, cite_problems = diffusion.resolve_cites(loaded, unit)
    problems.extend(cite_problems)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0, p.severity != "error"))
    rows = len(frame) + len(raw.broken)
    return Case(
        events=loaded,
        links=links,
        rejected=rejected,
        problems=tuple(problems),
        meta=meta,
        source=Source(
            source.name,
            source.sha256,
            raw.format,
            raw.encoding,
            raw.delimiter,
            raw.sheet,
            rows,
        ),
        extra_columns=tuple(extra.values()),
        external_sources=externals,
    )


def _rejected_table(raw, frame, numbers, reasons, extra, mapping) -> pd.DataFrame:
    """The rejected rows as the user wrote them, with the row number and the reasons."""
    names = {pos: mapping.get(pos) or extra.get(pos) for pos in frame.columns}
    header = [raw.header[pos] or names[pos] for pos in frame.columns]
    out_rows = []
    for i in sorted(reasons):
        cells = [_cell_text(v) for v in frame.iloc[i].tolist()]
        out_rows.append([int(numbers[i]), "; ".join(reasons[i]), *cells])
    columns = _unique(["row", "reason", *header])
    if raw.broken:
        # Records that were not rows at all keep their raw text in a column of their own.
        columns = _unique([*columns, "content"])
        out_rows = [[*r, ""] for r in out_rows]
        for number, reason, text in raw.broken:
            out_rows.append([number, reason, *[""] * len(header), text])
    table = pd.DataFrame(out_rows, columns=columns)
    return table.sort_values("row", kind="stable").reset_index(drop=True)


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        shown = name or "column"
        while shown in seen:
            shown += " (2)"
        seen.add(shown)
        out.append(shown)
    return out
