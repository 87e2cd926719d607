"""The vectorised date paths (plain ISO rows, everyday forms of distinct values) against the
exact per-value parser they stand in for: the same intervals, precision and verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from claimtrace import dates

FORMS = [
    "2022-08-05",
    "2022-08-05T14:30",
    "2022-08-05 14:30:15",
    "2022-08-05t14:30",
    "2022-08-05T14:30:15Z",
    "2022-08-05T14:30:15+02:00",
    "2022-08-05T14:30-05:00",
    "2022-08-05T23:59:59.5+14:00",
    "2022-08",
    "2022",
    "5.8.2022",
    "05.08.2022 14:30",
    "5. August 2022",
    "5 Aug 2022",
    "August 2022",
    "2022-08-01/2022-08-05",
    "2022-08-01 – 2022-08-05",
    "2022-03-27T02:30",  # skipped by the clocks in Europe
    "2022-10-30T02:30",  # happens twice in Europe
    "2022-02-30",
    "2022-13-01",
    "1899-12-31",
    "2100-01-01",
    "yesterday",
    "",
    "  2022-08-05  ",
]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]


def _exact(values: pd.Series, tz: str, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """parse_dates with both fast paths switched off: every value by _parse_value."""
    with monkeypatch.context() as m:
        m.setattr(dates, "_plain_rows", lambda text, tz, *a: np.zeros(len(text), dtype=bool))
        m.setattr(dates, "_fast_parts", lambda distinct, table: np.zeros(len(distinct), bool))
        return dates.parse_dates(values, tz)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("dtype", ["str", object])
def test_the_fast_date_paths_agree_with_the_exact_parser(
    tz: str, dtype: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = pd.Series(FORMS + FORMS[::-1], dtype=dtype)  # repeats: the distinct-value mapping
    fast = dates.parse_dates(values, tz)
    exact = _exact(values, tz, monkeypatch)
    pd.testing.assert_series_equal(fast["ok"], exact["ok"])
    pd.testing.assert_series_equal(fast["start"], exact["start"])
    pd.testing.assert_series_equal(fast["end"], exact["end"])
    ok = fast["ok"].to_numpy()
    assert list(fast["precision"][ok]) == list(exact["precision"][ok])
