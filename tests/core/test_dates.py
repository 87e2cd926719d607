"""Date cells to UTC intervals [start, end), and intervals back to labels."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from claimtrace.dates import format_interval, parse_dates


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def parse_one(value: object, tz: str = "UTC") -> tuple[object, object, object, bool]:
    row = parse_dates(pd.Series([value], dtype=object), tz).iloc[0]
    return row["start"], row["end"], row["precision"], row["ok"]


# value -> (start UTC, exclusive end UTC, precision), read in UTC.
FORMS = [
    # ISO 8601, with and without time, seconds, fractions and offsets.
    ("2022-08-04", "2022-08-04", "2022-08-05", "day"),
    ("2022-8-4", "2022-08-04", "2022-08-05", "day"),
    ("2022-08-04T14:30", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    ("2022-08-04 14:30", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    ("2022-08-04T14:30:15", "2022-08-04 14:30:15", "2022-08-04 14:30:16", "second"),
    ("2022-08-04T14:30:15.250", "2022-08-04 14:30:15.25", "2022-08-04 14:30:16.25", "second"),
    ("2022-08-04T14:30:15,5", "2022-08-04 14:30:15.5", "2022-08-04 14:30:16.5", "second"),
    ("2022-08-04T14:30Z", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    ("2022-08-04T14:30:00z", "2022-08-04 14:30", "2022-08-04 14:30:01", "second"),
    ("2022-08-04T14:30+02:00", "2022-08-04 12:30", "2022-08-04 12:31", "minute"),
    ("2022-08-04T14:30+0200", "2022-08-04 12:30", "2022-08-04 12:31", "minute"),
    ("2022-08-04T14:30+02", "2022-08-04 12:30", "2022-08-04 12:31", "minute"),
    ("2022-08-04T01:30+05:30", "2022-08-03 20:00", "2022-08-03 20:01", "minute"),
    ("2022-08-04T22:30-04:00", "2022-08-05 02:30", "2022-08-05 02:31", "minute"),
    ("2022-08-04 14:30 UTC", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    ("2022-08-04 14:30 GMT", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    # Day first, with dots (German and Swiss newsrooms, Excel with a German locale).
    ("04.08.2022", "2022-08-04", "2022-08-05", "day"),
    ("4.8.2022", "2022-08-04", "2022-08-05", "day"),
    ("04.08.2022 14:30", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    ("04.08.2022 9:05", "2022-08-04 09:05", "2022-08-04 09:06", "minute"),
    ("04.08.2022 14:30:59", "2022-08-04 14:30:59", "2022-08-04 14:31", "second"),
    ("29.02.2024", "2024-02-29", "2024-03-01", "day"),  # a leap day exists
    ("31.12.2022", "2022-12-31", "2023-01-01", "day"),  # the year turns at the end
    # Month names, English and German, with or without the German dot after the day.
    ("4 August 2022", "2022-08-04", "2022-08-05", "day"),
    ("4. August 2022", "2022-08-04", "2022-08-05", "day"),
    ("4 Aug 2022", "2022-08-04", "2022-08-05", "day"),
    ("4. Aug. 2022", "2022-08-04", "2022-08-05", "day"),
    ("August 4, 2022", "2022-08-04", "2022-08-05", "day"),
    ("Aug 4th 2022", "2022-08-04", "2022-08-05", "day"),
    ("4 august 2022", "2022-08-04", "2022-08-05", "day"),
    ("4. März 2022", "2022-03-04", "2022-03-05", "day"),
    ("4. Maerz 2022", "2022-03-04", "2022-03-05", "day"),
    ("4. Marz 2022", "2022-03-04", "2022-03-05", "day"),
    ("1. Januar 2023", "2023-01-01", "2023-01-02", "day"),
    ("1. Jänner 2023", "2023-01-01", "2023-01-02", "day"),  # Austrian
    ("3. Mai 2022", "2022-05-03", "2022-05-04", "day"),
    ("17. Juni 2022", "2022-06-17", "2022-06-18", "day"),
    ("9. Oktober 2022", "2022-10-09", "2022-10-10", "day"),
    ("9. Okt. 2022", "2022-10-09", "2022-10-10", "day"),
    ("24. Dezember 2022", "2022-12-24", "2022-12-25", "day"),
    ("4 August 2022 14:30", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    ("4. August 2022, 14:30", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    # Coarser than a day: the whole month or year.
    ("August 2022", "2022-08-01", "2022-09-01", "month"),
    ("Dezember 2022", "2022-12-01", "2023-01-01", "month"),
    ("2022-08", "2022-08-01", "2022-09-01", "month"),
    ("2022", "2022-01-01", "2023-01-01", "year"),
    # Untidy cells.
    ("  2022-08-04  ", "2022-08-04", "2022-08-05", "day"),
    ("4.  August   2022", "2022-08-04", "2022-08-05", "day"),
    ("2022-08-04\u00a014:30", "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
]


@pytest.mark.parametrize(("value", "start", "end", "precision"), FORMS, ids=[f[0] for f in FORMS])
def test_date_forms(value: str, start: str, end: str, precision: str) -> None:
    assert parse_one(value) == (utc(start), utc(end), precision, True)


# Spreadsheet cells that are real dates (openpyxl gives datetime; JSON never does).
CELLS = [
    (dt.datetime(2022, 8, 4, 14, 30), "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    (dt.datetime(2022, 8, 4, 14, 30, 5), "2022-08-04 14:30:05", "2022-08-04 14:30:06", "second"),
    (dt.datetime(2022, 8, 4), "2022-08-04", "2022-08-05", "day"),  # Excel: a date is midnight
    (dt.date(2022, 8, 4), "2022-08-04", "2022-08-05", "day"),
    (pd.Timestamp("2022-08-04 14:30"), "2022-08-04 14:30", "2022-08-04 14:31", "minute"),
    (
        dt.datetime(2022, 8, 4, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        "2022-08-04 11:30",
        "2022-08-04 11:31",
        "minute",
    ),
    # An aware midnight is a moment, not a whole day.
    (pd.Timestamp("2022-08-04 00:00", tz="UTC"), "2022-08-04", "2022-08-04 00:01", "minute"),
]


@pytest.mark.parametrize(
    ("value", "start", "end", "precision"), CELLS, ids=[repr(c[0]) for c in CELLS]
)
def test_date_cells(value: object, start: str, end: str, precision: str) -> None:
    assert parse_one(value) == (utc(start), utc(end), precision, True)


UNREADABLE = [
    "2022-13-32",
    "2022-02-30",
    "31.02.2022",
    "29.02.2023",  # not a leap year
    "32.01.2022",
    "yesterday",
    "",
    "   ",
    "25:00",
    "2022-08-04 25:00",
    "2022-08-04T24:00",
    "2022-08-04 14:60",
    "2022-08-04+02:00",  # an offset without a time
    "2022-08-04T14:30+15:00",  # no such offset
    "4.8.22",  # a two-digit year is ambiguous
    "08/04/2022",  # month or day first? not guessed
    "4 Augustus 2022",
    "Sommer 2022",
    "2022-08-04 or 2022-08-05",
    "n/a",
]


@pytest.mark.parametrize("value", UNREADABLE, ids=[repr(v) for v in UNREADABLE])
def test_unreadable_text(value: str) -> None:
    start, end, _, ok = parse_one(value)
    assert not ok
    assert pd.isna(start) and pd.isna(end)


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), pd.NaT, 42, 4.5, True, ["2022-08-04"]],
    ids=["None", "nan", "NaT", "int", "float", "bool", "list"],
)
def test_cells_that_are_no_dates(value: object) -> None:
    assert not parse_one(value)[3]


# Naive times are wall-clock times in the case's zone; explicit offsets win over it.
ZONES = [
    # value, tz, start UTC, end UTC
    ("2022-08-04 14:30", "Europe/Zurich", "2022-08-04 12:30", "2022-08-04 12:31"),  # CEST
    ("2022-01-15 14:30", "Europe/Zurich", "2022-01-15 13:30", "2022-01-15 13:31"),  # CET
    ("04.08.2022 14:30", "Europe/Zurich", "2022-08-04 12:30", "2022-08-04 12:31"),
    ("2022-08-04T14:30+02:00", "Europe/Zurich", "2022-08-04 12:30", "2022-08-04 12:31"),
    ("2022-08-04T14:30+00:00", "Europe/Zurich", "2022-08-04 14:30", "2022-08-04 14:31"),
    ("2022-08-04T14:30Z", "Europe/Zurich", "2022-08-04 14:30", "2022-08-04 14:31"),
    ("2022-08-04T14:30-05:00", "Europe/Zurich", "2022-08-04 19:30", "2022-08-04 19:31"),
    ("2022-08-04 14:30 UTC", "Europe/Zurich", "2022-08-04 14:30", "2022-08-04 14:31"),
    # A whole day in Zurich is 22:00 to 22:00 UTC in summer, 23:00 to 23:00 in winter.
    ("2022-08-04", "Europe/Zurich", "2022-08-03 22:00", "2022-08-04 22:00"),
    ("15.01.2022", "Europe/Zurich", "2022-01-14 23:00", "2022-01-15 23:00"),
    # The days clocks change last 23 and 25 hours.
    ("2022-03-27", "Europe/Zurich", "2022-03-26 23:00", "2022-03-27 22:00"),
    ("2022-10-30", "Europe/Zurich", "2022-10-29 22:00", "2022-10-30 23:00"),
    ("August 2022", "Europe/Zurich", "2022-07-31 22:00", "2022-08-31 22:00"),
    ("2022-08-04 14:30", "America/New_York", "2022-08-04 18:30", "2022-08-04 18:31"),
    ("2022-08-04 14:30", "Asia/Kolkata", "2022-08-04 09:00", "2022-08-04 09:01"),
    ("2022-08-04 14:30", "UTC", "2022-08-04 14:30", "2022-08-04 14:31"),
]


@pytest.mark.parametrize(
    ("value", "tz", "start", "end"), ZONES, ids=[f"{z[0]}@{z[1]}" for z in ZONES]
)
def test_time_zones(value: str, tz: str, start: str, end: str) -> None:
    got_start, got_end, _, ok = parse_one(value, tz)
    assert ok
    assert (got_start, got_end) == (utc(start), utc(end))


@pytest.mark.parametrize(
    "value",
    [
        "2022-03-27 02:30",  # skipped when clocks went forward
        "2022-10-30 02:30",  # happened twice when clocks went back
    ],
)
def test_wall_clock_times_a_clock_change_skips_or_repeats_are_not_guessed(value: str) -> None:
    assert not parse_one(value, "Europe/Zurich")[3]
    assert parse_one(value + "+01:00", "Europe/Zurich")[3]  # an offset settles it


def test_parse_dates_keeps_the_index_and_parses_repeats_alike() -> None:
    values = pd.Series(
        ["2022-08-04", "nonsense", "2022-08-04", None, "04.08.2022"], index=[10, 11, 12, 13, 14]
    )
    out = parse_dates(values, "UTC")
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert list(out["ok"]) == [True, False, True, False, True]
    assert out.loc[10, "start"] == out.loc[12, "start"] == out.loc[14, "start"]
    assert str(out["start"].dt.tz) == "UTC"


@pytest.mark.parametrize(
    "values", [[], [None, None], ["someday"], ["2022-08-04"]], ids=["none", "blank", "bad", "good"]
)
def test_parse_dates_columns_are_always_utc(values: list) -> None:
    # An all-blank date_end column once came back tz-naive, and comparing it with date raised.
    out = parse_dates(pd.Series(values, dtype=object), "Europe/Zurich")
    assert str(out["start"].dtype) == str(out["end"].dtype) == "datetime64[ns, UTC]"


def test_parse_dates_of_an_empty_column() -> None:
    out = parse_dates(pd.Series([], dtype=object), "UTC")
    assert out.empty
    assert {"start", "end", "precision", "ok"} <= set(out.columns)


# --- format_interval --------------------------------------------------------------------------

LABELS = [
    # start, end, precision, tz -> label
    ("2022-08-04", "2022-08-05", "day", "UTC", "4 Aug 2022"),
    ("2022-08-04 14:30", "2022-08-04 14:31", "minute", "UTC", "4 Aug 2022 14:30 UTC"),
    ("2022-08-04 14:30:15", "2022-08-04 14:30:16", "second", "UTC", "4 Aug 2022 14:30:15 UTC"),
    ("2022-08-04 14:00", "2022-08-04 15:00", "hour", "UTC", "4 Aug 2022 14:00–14:59 UTC"),
    ("2022-08-01", "2022-09-01", "month", "UTC", "Aug 2022"),
    ("2022-01-01", "2023-01-01", "year", "UTC", "2022"),
    # Intervals of days from date_end: the end shown is the last day, not the exclusive end.
    ("2022-08-05", "2022-09-01", "interval", "UTC", "5–31 Aug 2022"),
    ("2022-07-30", "2022-08-03", "interval", "UTC", "30 Jul – 2 Aug 2022"),
    ("2021-12-30", "2022-01-03", "interval", "UTC", "30 Dec 2021 – 2 Jan 2022"),
    ("2022-08-04", "2022-08-05", "interval", "UTC", "4 Aug 2022"),
    # Shown in the case's time zone.
    ("2022-08-04 12:30", "2022-08-04 12:31", "minute", "Europe/Zurich", "4 Aug 2022 14:30 CEST"),
    ("2022-01-15 13:30", "2022-01-15 13:31", "minute", "Europe/Zurich", "15 Jan 2022 14:30 CET"),
    ("2022-08-04 23:30", "2022-08-04 23:31", "minute", "Europe/Zurich", "5 Aug 2022 01:30 CEST"),
    ("2022-08-03 22:00", "2022-08-04 22:00", "day", "Europe/Zurich", "4 Aug 2022"),
    # A UTC day seen from Zurich spans two local days.
    ("2022-08-04", "2022-08-05", "day", "Europe/Zurich", "4–5 Aug 2022"),
]


@pytest.mark.parametrize(
    ("start", "end", "precision", "tz", "label"), LABELS, ids=[lb[4] for lb in LABELS]
)
def test_format_interval(start: str, end: str, precision: str, tz: str, label: str) -> None:
    assert format_interval(utc(start), utc(end), precision, tz) == label


def test_format_interval_of_nothing_is_empty() -> None:
    assert format_interval(pd.NaT, pd.NaT, "day") == ""


@pytest.mark.parametrize(
    ("value", "tz"),
    [
        ("2022-08-04", "UTC"),
        ("04.08.2022 14:30", "UTC"),
        ("4. August 2022", "Europe/Zurich"),
        ("2022-08-04 14:30:15", "Europe/Zurich"),
        ("August 2022", "Europe/Zurich"),
    ],
)
def test_a_parsed_value_labels_as_the_journalist_wrote_it(value: str, tz: str) -> None:
    start, end, precision, _ = parse_one(value, tz)
    label = format_interval(start, end, precision, tz)
    local = start.tz_convert(tz)
    assert f"{local:%b %Y}" in label
    if precision in ("day", "minute", "second"):
        assert label.startswith(f"{local.day} ")  # one day, not a span of two
        assert "–" not in label
