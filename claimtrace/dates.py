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

import pandas as pd

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
    # Parse each distinct value once: text by itself, other cell types by type and value.
    keys = pd.Series(
        [v if isinstance(v, str) else f"\x00{type(v).__name__}:{v!r}" for v in values],
        index=values.index,
        dtype=object,
    )
    parsed: dict[str, _Parts] = {}
    for key, value in zip(keys, values, strict=True):
        if key not in parsed:
            parts = _parse_value(value)
            if parts is not None:
                parsed[key] = parts
    table = pd.DataFrame(
        list(parsed.values()),
        columns=list(_Parts.__dataclass_fields__),
        index=pd.Index(list(parsed), dtype=object),
    )
    start = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns, UTC]")
    end = start.copy()
    for precision, step in _STEP.items():
        group = table[table["precision"] == precision]
        if group.empty:
            continue
        # Wall-clock times; dates outside pandas' range (year 0, 9999 + 1 day) become NaT.
        local = pd.to_datetime(group[list(_WALL_CLOCK)], errors="coerce")
        try:
            local_end = local + step
        except (OverflowError, pd.errors.OutOfBoundsDatetime):
            local_end = local.map(lambda t, step=step: _add_or_nat(t, step))
        aware = group["offset_minutes"].notna()
        if aware.any():
            # An explicit offset wins over the case's time zone.
            shift = pd.to_timedelta(group.loc[aware, "offset_minutes"].astype(float), unit="min")
            start[aware[aware].index] = (local[aware] - shift).dt.tz_localize("UTC")
            end[aware[aware].index] = (local_end[aware] - shift).dt.tz_localize("UTC")
        naive = ~aware
        if naive.any():
            start[naive[naive].index] = _localize(local[naive], tz)
            end[naive[naive].index] = _localize(local_end[naive], tz)
    # set_axis, not to_numpy: an all-NaT column must stay UTC-aware, or comparing it fails.
    out = pd.DataFrame(
        {
            "start": start.reindex(keys).set_axis(values.index),
            "end": end.reindex(keys).set_axis(values.index),
            "precision": table["precision"].reindex(keys).to_numpy(),
        },
        index=values.index,
    )
    out["ok"] = out["start"].notna() & out["end"].notna()
    return out


_WALL_CLOCK = ("year", "month", "day", "hour", "minute", "second", "microsecond")


def _add_or_nat(t: pd.Timestamp, step: object) -> pd.Timestamp:
    try:
        return t + step
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT


def _localize(naive: pd.Series, tz: str) -> pd.Series:
    # A wall-clock time that a DST change skips or repeats is not silently moved: it becomes NaT.
    return naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")


def format_interval(start: pd.Timestamp, end: pd.Timestamp, precision: str, tz: str = "UTC") -> str:
    """A reader's label for an interval: '5 Aug 2022', '8 Aug 2022 13:00 UTC', '5–31 Aug 2022'."""
    if pd.isna(start):
        return ""
    s = start.tz_convert(tz)
    e = (end - pd.Timedelta(microseconds=1)).tz_convert(tz)
    zone = "UTC" if tz == "UTC" else s.strftime("%Z")
    if precision == "second":
        return f"{_day(s)} {s:%H:%M:%S} {zone}"
    if precision == "minute":
        return f"{_day(s)} {s:%H:%M} {zone}"
    if precision == "hour":
        return f"{_day(s)} {s:%H}:00–{s:%H}:59 {zone}"
    if precision == "month":
        return f"{s:%b %Y}"
    if precision == "year":
        return f"{s:%Y}"
    if s.date() == e.date():
        return _day(s)
    # An interval of days (from date_end, or a day in another zone).
    if s.year != e.year:
        return f"{_day(s)} – {_day(e)}"
    if s.month != e.month:
        return f"{s.day} {s:%b} – {_day(e)}"
    return f"{s.day}–{_day(e)}"


def _day(t: pd.Timestamp) -> str:
    return f"{t.day} {t:%b %Y}"
