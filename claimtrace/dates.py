"""Dates as intervals: every event lies in [start, end), both in UTC.

A value without a time covers its whole day (a month name alone, its whole month); a value with
minutes covers that minute. Times without an offset are read in the case's time zone. Parsing is
done once per distinct value, then vectorised, so 100,000 rows cost little more than their
distinct dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from babel import Locale

from claimtrace.vocab import normalize_key

# Units of precision, finest first, and how far an interval of that precision reaches.
PRECISIONS = ("second", "minute", "hour", "day", "month", "year")
_STEP = {
    "second": pd.Timedelta(seconds=1),
    "minute": pd.Timedelta(minutes=1),
    "hour": pd.Timedelta(hours=1),
    "day": pd.DateOffset(days=1),
    "month": pd.DateOffset(months=1),
    "year": pd.DateOffset(years=1),
}

_MONTHS = {
    "january": 1, "jan": 1, "januar": 1, "janner": 1, "jaenner": 1,
    "february": 2, "feb": 2, "februar": 2, "feber": 2,
    "march": 3, "mar": 3, "marz": 3, "maerz": 3, "mrz": 3,
    "april": 4, "apr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juni": 6,
    "july": 7, "jul": 7, "juli": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12, "dezember": 12, "dez": 12,
}  # fmt: skip

_TIME = r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?)?"
_OFFSET = r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _OFFSET, re.I)
_ISO_MONTH = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})")
_YEAR = re.compile(r"(?P<y>\d{4})")
_DOTTED = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME + _OFFSET, re.I)
_DAY_MONTH_NAME = re.compile(
    r"(?P<d>\d{1,2})\.?\s*(?P<mon>[^\W\d_]+)\.?,?\s+(?P<y>\d{4})"
    + _TIME.replace("[T ]", "[T ,]+")
    + _OFFSET,
    re.I,
)
_MONTH_NAME_DAY = re.compile(
    r"(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
    + _TIME.replace("[T ]", "[T ,]+")
    + _OFFSET,
    re.I,
)
_MONTH_NAME_YEAR = re.compile(r"(?P<mon>[^\W\d_]+)\.?\s+(?P<y>\d{4})", re.I)

DATE_HINT = "write dates like 2022-08-05, 2022-08-05T14:30+02:00, 05.08.2022 14:30 or 5 August 2022"


@dataclass(frozen=True)
class _Parts:
    """One value taken apart: local wall-clock parts, an optional UTC offset, and its precision."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    microsecond: int
    offset_minutes: int | None
    precision: str


def _offset_minutes(text: str | None) -> int | None:
    if not text:
        return None
    text = text.upper()
    if text in ("Z", "UTC", "GMT"):
        return 0
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4]) if len(digits) > 2 else 0
    if hours > 14 or minutes > 59:
        raise ValueError("offset out of range")
    return sign * (hours * 60 + minutes)


def _from_match(m: re.Match[str], month: int) -> _Parts:
    hour = m.group("H")
    sec = m.group("S")
    frac = m.group("frac")
    if hour is None:
        precision = "day"
    elif sec is None:
        precision = "minute"
    else:
        precision = "second"
    parts = _Parts(
        year=int(m.group("y")),
        month=month,
        day=int(m.group("d")),
        hour=int(hour or 0),
        minute=int(m.group("M") or 0),
        second=int(sec or 0),
        microsecond=int((frac or "0")[:6].ljust(6, "0")),
        offset_minutes=_offset_minutes(m.group("tz")),
        precision=precision,
    )
    if parts.offset_minutes is not None and precision == "day":
        raise ValueError("an offset needs a time")
    # Validate the calendar and the clock (raises ValueError for 2022-13-32 or 25:00).
    dt.datetime(parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second)
    return parts


def _month_number(name: str) -> int:
    key = normalize_key(name)
    if key not in _MONTHS:
        raise ValueError(f"unknown month {name!r}")
    return _MONTHS[key]


def _parse_text(text: str) -> _Parts:
    """Take one date text apart; raises ValueError when it is not a date we read."""
    text = " ".join(text.split())
    if m := _ISO.fullmatch(text):
        return _from_match(m, int(m.group("m")))
    if m := _DOTTED.fullmatch(text):
        return _from_match(m, int(m.group("m")))
    if m := _DAY_MONTH_NAME.fullmatch(text):
        return _from_match(m, _month_number(m.group("mon")))
    if m := _MONTH_NAME_DAY.fullmatch(text):
        return _from_match(m, _month_number(m.group("mon")))
    if (m := _ISO_MONTH.fullmatch(text)) or (m := _MONTH_NAME_YEAR.fullmatch(text)):
        month = int(m.group("m")) if "m" in m.groupdict() else _month_number(m.group("mon"))
        dt.date(int(m.group("y")), month, 1)
        return _Parts(int(m.group("y")), month, 1, 0, 0, 0, 0, None, "month")
    if m := _YEAR.fullmatch(text):
        return _Parts(int(m.group("y")), 1, 1, 0, 0, 0, 0, None, "year")
    raise ValueError("not a date")


def _parse_value(value: object) -> _Parts | None:
    """Parts of a cell value (text, or a real date cell from Excel), or None when unreadable."""
    if isinstance(value, dt.datetime | pd.Timestamp):
        if pd.isna(value):
            return None
        offset = None
        if value.tzinfo is not None:
            delta = value.utcoffset()
            offset = int(delta.total_seconds() // 60) if delta is not None else None
        # An Excel date cell without a time arrives as midnight: it means the whole day.
        is_day = offset is None and (value.hour, value.minute, value.second, value.microsecond) == (
            0,
            0,
            0,
            0,
        )
        precision = (
            "day" if is_day else ("second" if value.second or value.microsecond else "minute")
        )
        return _Parts(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            offset,
            precision,
        )
    if isinstance(value, dt.date):
        return _Parts(value.year, value.month, value.day, 0, 0, 0, 0, None, "day")
    if not isinstance(value, str):
        return None
    try:
        return _parse_text(value)
    except (ValueError, OverflowError):
        return None


def parse_dates(values: pd.Series, tz: str = "UTC") -> pd.DataFrame:
    """Parse a column of cell values into intervals.

    Returns a frame on the same index with `start` and `end` (UTC, end exclusive), `precision`,
    and `ok` (False where the value could not be read, or does not exist in that time zone).
    """
    n = len(values)
    start = np.full(n, _NAT, dtype=np.int64)
    end = start.copy()
    precision = np.full(n, np.nan, dtype=object)
    rest = np.arange(n)
    if isinstance(values.dtype, pd.StringDtype) and not values.isna().any():
        # Text as a file gives it: the plain ISO forms row by row in a few vectorised steps.
        rest = np.flatnonzero(~_plain_rows(pa.array(values), tz, start, end, precision))
    if len(rest):
        others = values.iloc[rest] if len(rest) < n else values
        # Parse each distinct value once: text by itself, other cell types by type and value.
        originals: dict[str, object] = {}
        if isinstance(others.dtype, pd.StringDtype) and not others.isna().any():
            keys = others
        else:
            keys = pd.Series(
                [v if isinstance(v, str) else _key(v, originals) for v in others], dtype=object
            )
        codes, uniques = pd.factorize(keys)
        table = _parts(np.asarray(uniques, dtype=object), originals)
        first, last = _intervals(table, tz)
        start[rest], end[rest] = first[codes], last[codes]
        precision[rest] = table["precision"].to_numpy(dtype=object)[codes]
    out = pd.DataFrame(
        {"start": _utc(start), "end": _utc(end), "precision": precision}, index=values.index
    )
    out["ok"] = (out["start"] >= _EARLIEST) & (out["end"] <= _LATEST)
    return out


# The years a case can span. Pandas holds differences of times up to 292 years (nanoseconds);
# two centuries leave the charts room to pad the time axis of any case.
FIRST_YEAR, LAST_YEAR = 1900, 2099
_EARLIEST = pd.Timestamp(f"{FIRST_YEAR}-01-01", tz="UTC")
_LATEST = pd.Timestamp(f"{LAST_YEAR + 1}-01-01", tz="UTC")

# 2022-08-05, 2022-08-05T14:30 and 2022-08-05 14:30:15: by far the most common dates in files.
_PLAIN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?$"
_PLAIN_UNITS = {10: ("day", 86_400), 16: ("minute", 60), 19: ("second", 1)}
_SECOND = 1_000_000_000


def _plain_rows(
    text: pa.Array, tz: str, start: np.ndarray, end: np.ndarray, precision: np.ndarray
) -> np.ndarray:
    """Fill start, end and precision where a value is a plain ISO date or date and time that
    exists (and nanoseconds can hold); returns where. The others are left to _parse_value."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    done = pc.match_substring_regex(text, _PLAIN).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(done)
    if not len(rows):
        return done
    if len(rows) < len(text):
        text = text.take(pa.array(rows))
    length = pc.utf8_length(text).to_numpy()
    # Padded to 19 ASCII characters, the values are one byte matrix: digits by position.
    plain = pc.utf8_rpad(text, width=19, padding="0").cast(pa.string())
    offsets = np.frombuffer(plain.buffers()[1], dtype=np.int32)[plain.offset :][: len(plain) + 1]
    data = np.frombuffer(plain.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    digit = data.reshape(len(plain), 19).astype(np.int16) - ord("0")

    def part(a: int, b: int) -> np.ndarray:
        out = digit[:, a].astype(np.int64)
        for k in range(a + 1, b):
            out = out * 10 + digit[:, k]
        return out

    year, month, day = part(0, 4), part(5, 7), part(8, 10)
    hour, minute, second = part(11, 13), part(14, 16), part(17, 19)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last_day = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + (leap & (month == 2))
    good = (year >= 1678) & (year <= 2261) & month_ok & (day >= 1) & (day <= last_day)
    good &= (hour <= 23) & (minute <= 59) & (second <= 59)
    rows, length = rows[good], length[good]
    done[:] = False
    done[rows] = True
    clock = (hour * 3600 + minute * 60 + second)[good]
    local = (_days_from_civil(year[good], month[good], day[good]) * 86_400 + clock) * _SECOND
    step = np.zeros(len(rows), dtype=np.int64)
    for size, (unit, seconds) in _PLAIN_UNITS.items():
        step[length == size] = seconds * _SECOND
        precision[rows[length == size]] = unit
    start[rows] = _wall_clock_to_utc(local, tz)
    end[rows] = _wall_clock_to_utc(local + step, tz)
    return done


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (Hinnant's algorithm; years >= 1)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _wall_clock_to_utc(local: np.ndarray, tz: str) -> np.ndarray:
    """Wall-clock nanoseconds in `tz` as UTC nanoseconds; skipped or repeated times as _NAT."""
    if tz == "UTC":
        return local
    return _ns(_localize(pd.Series(local.view("datetime64[ns]")), tz))


def _utc(ns: np.ndarray) -> pd.arrays.DatetimeArray:
    # Always tz-aware UTC, even when empty or all NaT: comparing a naive column with date fails.
    return pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC").array


_WALL_CLOCK = ("year", "month", "day", "hour", "minute", "second", "microsecond")
_PART_COLUMNS = (*_WALL_CLOCK, "offset_minutes", "precision")
_NAT = np.iinfo(np.int64).min
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])

# The everyday forms (ISO and dotted, ASCII digits, at most single spaces) read in one pass over
# all distinct values; whatever they do not match, or match with an impossible date or offset,
# goes to _parse_value, which decides. So both ways give the same answer for every value.
_FAST_TIME = (
    r"(?:[Tt ](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<frac>[0-9]{1,9}))?)?)?"
)
_FAST_OFFSET = r" ?(?P<tz>[Zz]|[Uu][Tt][Cc]|[Gg][Mm][Tt]|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
_FAST_FORMS = (
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})" + _FAST_TIME + _FAST_OFFSET,
    r"^(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})" + _FAST_TIME + _FAST_OFFSET,
)


def _key(value: object, originals: dict[str, object]) -> str:
    key = f"\x00{type(value).__name__}:{value!r}"
    originals.setdefault(key, value)
    return key


def _parts(distinct: np.ndarray, originals: dict[str, object]) -> pd.DataFrame:
    """The parts of each distinct value (row i for distinct[i]); precision NaN where unreadable."""
    table = pd.DataFrame(
        {
            **{c: np.zeros(len(distinct), dtype=np.int64) for c in _WALL_CLOCK},
            "offset_minutes": np.full(len(distinct), np.nan),
            "precision": np.full(len(distinct), np.nan, dtype=object),
        }
    )
    done = _fast_parts(distinct, table)
    for i in np.flatnonzero(~done):
        key = distinct[i]
        parts = _parse_value(originals.get(key, key))
        if parts is not None:
            table.iloc[i] = [
                *(getattr(parts, c) for c in _WALL_CLOCK),
                np.nan if parts.offset_minutes is None else parts.offset_minutes,
                parts.precision,
            ]
    return table


def _fast_parts(distinct: np.ndarray, table: pd.DataFrame) -> np.ndarray:
    """Fill `table` for the values in an everyday form; returns which rows it filled."""
    done = np.zeros(len(distinct), dtype=bool)
    if not len(distinct):
        return done
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(distinct, type=pa.string(), from_pandas=True)
    for form in _FAST_FORMS:
        todo = np.flatnonzero(~done)
        if not len(todo):
            break
        found = pc.extract_regex(text.take(pa.array(todo)), form)
        matched = pc.is_valid(found).to_numpy(zero_copy_only=False)
        if not matched.any():
            continue
        rows = todo[matched]
        found = found.filter(pa.array(matched))

        def field(name, found=found):
            return pc.fill_null(pc.struct_field(found, name), "")

        def number(name, field=field):
            cells = field(name)
            zero = pc.if_else(pc.equal(cells, ""), "0", cells)
            return pc.cast(zero, pa.int64()).to_numpy()

        year, month, day = number("y"), number("m"), number("d")
        hour, minute, second = number("H"), number("M"), number("S")
        frac = pc.utf8_rpad(pc.utf8_slice_codeunits(field("frac"), 0, 6), width=6, padding="0")
        micro = pc.cast(frac, pa.int64()).to_numpy()
        has_time = pc.not_equal(field("H"), "").to_numpy(zero_copy_only=False)
        has_second = pc.not_equal(field("S"), "").to_numpy(zero_copy_only=False)
        zones = field("tz").to_numpy(zero_copy_only=False)
        offsets, good = _offsets(zones)
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        month_ok = (month >= 1) & (month <= 12)
        last_day = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + (leap & (month == 2))
        good &= (year >= 1) & month_ok & (day >= 1) & (day <= last_day)
        good &= (hour <= 23) & (minute <= 59) & (second <= 59)
        good &= has_time | np.isnan(offsets)  # an offset needs a time
        rows, keep = rows[good], good
        precision = np.where(has_second, "second", np.where(has_time, "minute", "day"))
        for column, data in zip(
            _PART_COLUMNS,
            (year, month, day, hour, minute, second, micro, offsets, precision.astype(object)),
            strict=True,
        ):
            table.iloc[rows, table.columns.get_loc(column)] = data[keep]
        done[rows] = True
    return done


def _offsets(zones: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minutes east of UTC for each offset text (NaN for none), and which were valid."""
    minutes = np.full(len(zones), np.nan)
    good = np.ones(len(zones), dtype=bool)
    for zone in set(zones.tolist()) - {""}:
        at = zones == zone
        try:
            minutes[at] = _offset_minutes(zone)
        except ValueError:
            good[at] = False
    return minutes, good


def _intervals(table: pd.DataFrame, tz: str) -> tuple[np.ndarray, np.ndarray]:
    """UTC start and end (int64 nanoseconds, _NAT where none) of each row of parts."""
    start = np.full(len(table), _NAT, dtype=np.int64)
    end = start.copy()
    precision = table["precision"].to_numpy(dtype=object)
    for unit, step in _STEP.items():
        rows = np.flatnonzero(precision == unit)
        if not len(rows):
            continue
        group = table.iloc[rows]
        # Wall-clock times; dates outside pandas' range (year 0, 9999 + 1 day) become NaT.
        local = pd.to_datetime(group[list(_WALL_CLOCK)], errors="coerce")
        try:
            local_end = local + step
        except (OverflowError, pd.errors.OutOfBoundsDatetime):
            local_end = local.map(lambda t, step=step: _add_or_nat(t, step))
        # Beyond what nanoseconds hold (before 1677, after 2262) no time zone can be applied.
        local, local_end = _within_ns(local), _within_ns(local_end)
        offset = group["offset_minutes"].to_numpy(dtype=float)
        aware = ~np.isnan(offset)
        if aware.any():
            # An explicit offset wins over the case's time zone.
            shift = pd.to_timedelta(offset[aware], unit="min")
            start[rows[aware]] = _ns((local[aware] - shift).dt.tz_localize("UTC"))
            end[rows[aware]] = _ns((local_end[aware] - shift).dt.tz_localize("UTC"))
        if (~aware).any():
            start[rows[~aware]] = _ns(_localize(local[~aware], tz))
            end[rows[~aware]] = _ns(_localize(local_end[~aware], tz))
    return start, end


def _ns(times: pd.Series) -> np.ndarray:
    """UTC times as int64 nanoseconds; NaT, and times nanoseconds cannot hold, as _NAT."""
    inside = times.notna() & (times >= _MIN_NS) & (times <= _MAX_NS)
    naive = times.where(inside).dt.tz_localize(None).dt.as_unit("ns")
    return naive.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _within_ns(naive: pd.Series) -> pd.Series:
    return naive.where((naive >= pd.Timestamp.min) & (naive <= pd.Timestamp.max))


_MIN_NS = pd.Timestamp.min.tz_localize("UTC")
_MAX_NS = pd.Timestamp.max.tz_localize("UTC")


def _add_or_nat(t: pd.Timestamp, step: object) -> pd.Timestamp:
    try:
        return t + step
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT


def _localize(naive: pd.Series, tz: str) -> pd.Series:
    # A wall-clock time that a DST change skips or repeats is not silently moved: it becomes NaT.
    return naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")


def format_interval(
    start: pd.Timestamp, end: pd.Timestamp, precision: str, tz: str = "UTC", lang: str = "en"
) -> str:
    """A reader's label for an interval: '5 Aug 2022', '8 Aug 2022 13:00 UTC', '5–31 Aug 2022'
    (German: '5. Aug. 2022', '5.–31. Aug. 2022')."""
    if pd.isna(start):
        return ""
    one = pd.Series([start]), pd.Series([end]), pd.Series([precision])
    return format_intervals(*one, tz=tz, lang=lang)[0]


_MONTH_NAMES = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")  # fmt: skip
_GERMAN_MONTHS = ("", *(Locale.parse("de_DE").months["format"]["abbreviated"][m]
                        for m in range(1, 13)))  # fmt: skip
# Per language: month names, and the day, day range and month range forms.
_FORMS = {
    "en": (_MONTH_NAMES, "{d} {m} {y}", "{d}–{d2} {m} {y}", "{d} {m} – {d2} {m2} {y}"),
    "de": (_GERMAN_MONTHS, "{d}. {m} {y}", "{d}.–{d2}. {m} {y}", "{d}. {m} – {d2}. {m2} {y}"),
}


def format_intervals(
    start: pd.Series, end: pd.Series, precision: pd.Series, tz: str = "UTC", lang: str = "en"
) -> list[str]:
    """format_interval for whole columns, many times faster (strftime on zoned times goes
    through Python for every value; this reads their fields). `lang`: en, de or de-CH."""
    if not len(start):
        return []
    months, day_form, days_form, span_form = _FORMS.get(lang.split("-")[0], _FORMS["en"])
    s = start.dt.tz_convert(tz)
    e = (end - pd.Timedelta(microseconds=1)).dt.tz_convert(tz)

    def fields(t: pd.Series) -> tuple[list, ...]:
        parts = (t.dt.year, t.dt.month, t.dt.day, t.dt.hour, t.dt.minute, t.dt.second)
        return tuple(p.fillna(0).astype(int).tolist() for p in parts)

    sy, sm, sd, sh, smin, ss = fields(s)
    ey, em, ed, _, _, _ = fields(e)
    zone = ["UTC"] * len(s) if tz == "UTC" else _zone_names(start, s)
    missing = start.isna().tolist()
    out = []
    for i, unit in enumerate(precision.tolist()):
        if missing[i]:
            out.append("")
            continue
        day = day_form.format(d=sd[i], m=months[sm[i]], y=sy[i])
        if unit == "second":
            out.append(f"{day} {sh[i]:02d}:{smin[i]:02d}:{ss[i]:02d} {zone[i]}")
        elif unit == "minute":
            out.append(f"{day} {sh[i]:02d}:{smin[i]:02d} {zone[i]}")
        elif unit == "hour":
            out.append(f"{day} {sh[i]:02d}:00–{sh[i]:02d}:59 {zone[i]}")
        elif unit == "month":
            out.append(f"{months[sm[i]]} {sy[i]}")
        elif unit == "year":
            out.append(f"{sy[i]}")
        elif (sy[i], sm[i], sd[i]) == (ey[i], em[i], ed[i]):
            out.append(day)
        elif sy[i] != ey[i]:
            out.append(f"{day} – " + day_form.format(d=ed[i], m=months[em[i]], y=ey[i]))
        elif sm[i] != em[i]:
            out.append(span_form.format(d=sd[i], m=months[sm[i]], d2=ed[i], m2=months[em[i]],
                                        y=ey[i]))  # fmt: skip
        else:
            out.append(days_form.format(d=sd[i], d2=ed[i], m=months[em[i]], y=ey[i]))
    return out


def _zone_names(utc: pd.Series, local: pd.Series) -> list[str]:
    """The zone's abbreviation (CET, CEST) of each time: strftime once per distinct offset."""
    offset = (local.dt.tz_localize(None) - utc.dt.tz_convert("UTC").dt.tz_localize(None)).fillna(
        pd.Timedelta(0)
    )
    names: dict[pd.Timedelta, str] = {}
    for at in pd.Series(np.arange(len(local))).groupby(offset.to_numpy()).first().tolist():
        if pd.notna(local.iloc[at]):
            names[offset.iloc[at]] = local.iloc[at].strftime("%Z")
    return [names.get(o, "") for o in offset.tolist()]
