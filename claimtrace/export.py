"""Exports: tables as CSV that is safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

# OWASP's advice for CSV injection: a cell starting with one of these is a formula to Excel.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads the accents) and formula cells neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out.to_csv(index=False).encode("utf-8-sig")


def events_for_export(events: pd.DataFrame, tz: str = "UTC") -> pd.DataFrame:
    """The events as a user would want them back: ISO dates, latest possible moment inclusive."""
    out = events.copy()
    out["date"] = out["date"].dt.tz_convert(tz).map(lambda t: t.isoformat())
    latest = out.pop("date_end")
    out.insert(
        2,
        "date_end",
        (latest - pd.Timedelta(seconds=1)).dt.tz_convert(tz).map(lambda t: t.isoformat()),
    )
    return out
