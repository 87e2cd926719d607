"""What changed between two revisions: each kind of edit, the Diff it makes and its history line."""

from __future__ import annotations

import pytest

from claimtrace.changes import RowChange, describe, diff
from claimtrace.store import Content

HEADER = ("id", "date", "outlet")
META = {"title": "Troops", "claim": "100,000 volunteers"}
ROWS = (
    ("dm-1", "2022-08-04", "Rossiya 1"),
    ("dm-2", "2022-08-05", "Daily Mail"),
    ("dm-3", "2022-08-05", "NZZ"),
)


def table(rows=ROWS, header=HEADER, **meta) -> Content:
    return Content.of({**META, **meta}, header, rows)


# (name, before, after, the Diff's meta / columns / rows, describe)
CASES = [
    ("no change", table(), table(), {}, "no change"),
    (
        "a changed cell, matched by id",
        table(),
        table([ROWS[0], ("dm-2", "2022-08-06", "Daily Mail"), ROWS[2]]),
        {"rows": (RowChange("id dm-2", "changed", cells=(("date", "2022-08-05", "2022-08-06"),)),)},
        "1 row changed (dm-2: date)",
    ),
    (
        "rows moved and one changed: still matched by id",
        table(),
        table([ROWS[2], ("dm-1", "2022-08-04", "Rossiya-1"), ROWS[1]]),
        {"rows": (RowChange("id dm-1", "changed", cells=(("outlet", "Rossiya 1", "Rossiya-1"),)),)},
        "1 row changed (dm-1: outlet)",
    ),
    (
        "a row added",
        table(),
        table([*ROWS, ("dm-4", "2022-08-06", "")]),
        {"rows": (RowChange("id dm-4", "added", row=(("id", "dm-4"), ("date", "2022-08-06"))),)},
        "1 row added",
    ),
    (
        "a row removed",
        table(),
        table(ROWS[1:]),
        {
            "rows": (
                RowChange(
                    "id dm-1",
                    "removed",
                    row=(("id", "dm-1"), ("date", "2022-08-04"), ("outlet", "Rossiya 1")),
                ),
            )
        },
        "1 row removed",
    ),
    (
        "duplicate ids fall back to the position",
        table([("x", "2022-08-04", "A"), ("x", "2022-08-05", "B")]),
        table([("x", "2022-08-04", "A"), ("x", "2022-08-05", "C")]),
        {"rows": (RowChange("row 2", "changed", cells=(("outlet", "B", "C"),)),)},
        "1 row changed (row 2: outlet)",
    ),
    (
        "rows without an id fall back to the position",
        table([("", "2022-08-04", "A"), ("", "2022-08-05", "B")]),
        table([("", "2022-08-04", "A")]),
        {"rows": (RowChange("row 2", "removed", row=(("date", "2022-08-05"), ("outlet", "B"))),)},
        "1 row removed",
    ),
    (
        "a case detail changed",
        table(),
        table(title="Troops, revisited", claim=""),
        {"meta": (("claim", "100,000 volunteers", ""), ("title", "Troops", "Troops, revisited"))},
        "case details: claim, title",
    ),
    (
        "a case detail that is a mapping",
        table(),
        table(focus={"from": "2022-08-04", "to": "2022-08-10"}),
        {"meta": (("focus", "", "from 2022-08-04, to 2022-08-10"),)},
        "case details: focus",
    ),
    (
        "a column added",
        table([ROWS[0]]),
        table([(*ROWS[0], "seen")], header=(*HEADER, "notes")),
        {
            "columns_added": ("notes",),
            "rows": (RowChange("id dm-1", "changed", cells=(("notes", "", "seen"),)),),
        },
        "1 row changed (dm-1: notes); columns added: notes",
    ),
    (
        "an empty column removed",
        table([(*ROWS[0], "")], header=(*HEADER, "notes")),
        table([ROWS[0]]),
        {"columns_removed": ("notes",)},
        "columns removed: notes",
    ),
    (
        "a row with more cells than the header",
        table([ROWS[0]]),
        table([(*ROWS[0], "stray")]),
        {"rows": (RowChange("id dm-1", "changed", cells=(("cell 4", "", "stray"),)),)},
        "1 row changed (dm-1: cell 4)",
    ),
    (
        "a header written twice: each column is compared",
        table([("dm-1", "first", "second")], header=("id", "notes", "notes")),
        table([("dm-1", "FIRST", "second")], header=("id", "notes", "notes")),
        {"rows": (RowChange("id dm-1", "changed", cells=(("notes", "first", "FIRST"),)),)},
        "1 row changed (dm-1: notes)",
    ),
    (
        "the first revision",
        None,
        table([ROWS[0]]),
        {
            "meta": (("claim", "", "100,000 volunteers"), ("title", "", "Troops")),
            "columns_added": HEADER,
            "rows": (RowChange("id dm-1", "added", row=tuple(zip(HEADER, ROWS[0], strict=True))),),
        },
        "1 row added; columns added: id, date, outlet; case details: claim, title",
    ),
    (
        "many rows changed: three are named",
        table([(f"r{i}", "2022-08-04", "A") for i in range(5)]),
        table([(f"r{i}", "2022-08-05", "A") for i in range(5)]),
        {
            "rows": tuple(
                RowChange(f"id r{i}", "changed", cells=(("date", "2022-08-04", "2022-08-05"),))
                for i in range(5)
            )
        },
        "5 rows changed (r0: date, r1: date, r2: date, …)",
    ),
]


@pytest.mark.parametrize(
    ("before", "after", "expected", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_diff_and_describe(before, after, expected, line) -> None:
    change = diff(before, after)
    assert change.meta == expected.get("meta", ())
    assert change.columns_added == expected.get("columns_added", ())
    assert change.columns_removed == expected.get("columns_removed", ())
    assert change.rows == expected.get("rows", ())
    assert change.empty == (line == "no change")
    assert describe(change) == line


def test_a_large_table_is_compared_quickly() -> None:
    """Every save compares the whole table: matching rows by id must not be quadratic."""
    import time

    rows = [(f"r{i}", "2022-08-04", "A") for i in range(100_000)]
    edited = [*rows[:-1], ("r99999", "2022-08-05", "A")]
    started = time.perf_counter()
    change = diff(table(rows), table(edited))
    assert describe(change) == "1 row changed (r99999: date)"
    assert time.perf_counter() - started < 10
