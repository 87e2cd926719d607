"""The README's Performance table is bench/readme.py's rendering of bench/results.jsonl, never
typed by hand; and the renderer's rows for hand-made results (met, missed, missed in one run of
two, a name it has no formatter for, a benchmark that failed)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results.jsonl"


def _readme_module():
    spec = importlib.util.spec_from_file_location("bench_readme", ROOT / "bench" / "readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


readme = _readme_module()

# The renderer's own targets for these tests, so that a new wording in TARGETS changes no row.
KNOWN = {
    "ingest_vs_pyarrow": ("load and validate, over pyarrow", "<=", 3),
    "network_vs_pyvis": ("drawn and still: pyvis over ClaimTrace", ">=", 5),
    "payload_mb": ("figure JSON per chart, MB", "<=", 5),
}
HEADER = {
    "date": "2026-12-04T01:53:23+00:00",
    "mode": "full",
    "runs": 2,
    "machine": {"cores": 2, "load_start": [0.5, 0.4, 0.3], "load_end": [1.25, 0.9, 0.4]},
    "versions": {"python": "3.11.7", "streamlit": "1.67.0", "plotly": "7.1.0", "pandas": "3.1.1"},
    "commit": "947c0fd0123456789abcdef0123456789abcdef0",
    "dirty": False,
}


def _ingest(run: int, value: float, ours: list[float], theirs: list[float]) -> dict:
    detail = {"events": 100_000, "ours_s": ours, "yardstick_s": theirs}
    return {"name": "ingest_vs_pyarrow", "run": run, "value": value, "target": 3,
            "ok": value <= 3, "detail": detail}  # fmt: skip


CASES = {
    "met": (
        [_ingest(1, 2.5, [0.75, 0.8, 0.78], [0.3, 0.31, 0.32])],
        ["`ingest_vs_pyarrow`", "load and validate, over pyarrow (100,000 events)", "≤ 3",
         "2.5 (0.78 s against 0.31 s)", "met"],
    ),
    "missed": (
        [_ingest(2, 15.8, [0.8, 0.82, 0.79], [0.05, 0.05, 0.05]),
         _ingest(1, 18.8, [0.78, 0.77, 0.79], [0.04, 0.04, 0.042])],
        ["`ingest_vs_pyarrow`", "load and validate, over pyarrow (100,000 events)", "≤ 3",
         "**18.8** (0.78 s against 0.04 s); **15.8** (0.8 s against 0.05 s)", "missed"],
    ),
    "missed in one run of two": (
        [_ingest(1, 2.9, [0.29, 0.3], [0.1, 0.1]), _ingest(2, 3.1, [0.31, 0.31], [0.1, 0.1])],
        ["`ingest_vs_pyarrow`", "load and validate, over pyarrow (100,000 events)", "≤ 3",
         "2.9 (0.295 s against 0.1 s); **3.1** (0.31 s against 0.1 s)",
         "missed in 1 of 2 runs"],
    ),
    "a name without a formatter": (
        [{"name": "first_sight_s", "run": 1, "value": 1.3125, "target": 2, "ok": True,
          "detail": {"events": 1000, "app_s": [1.2, 1.4, 1.3], "cold": True, "browser": "x",
                     "phases": {"load_s": 0.5, "none": None}, "empty": []}}],
        ["`first_sight_s`", "(not in bench/run.py's TARGETS) (1,000 events)", "2",
         "1.31 (app_s 1.2, 1.4, 1.3, cold true, browser x, phases.load_s 0.5)", "met"],
    ),
    "a benchmark that failed (NaN)": (
        [{"name": "network_vs_pyvis", "run": 1, "value": math.nan, "target": 5, "ok": False,
          "detail": {"error": "RuntimeError: chromium | did not\nstart"}}],
        ["`network_vs_pyvis`", "drawn and still: pyvis over ClaimTrace", "≥ 5",
         "**error: RuntimeError: chromium \\| did not start**", "missed"],
    ),
    "a capped lower bound": (
        [{"name": "network_vs_pyvis", "run": 1, "value": 37.5, "target": 5, "ok": True,
          "detail": {"nodes": 3089, "edges": 3124, "claimtrace_s": [4.8, 4.9],
                     "pyvis_s": [180.0, 180.0], "pyvis_not_still_by_cap_s": 180,
                     "pyvis_cdn_tags_removed": 2}}],
        ["`network_vs_pyvis`", "drawn and still: pyvis over ClaimTrace (3,089 nodes, 3,124 links)",
         "≥ 5", "≥ 37.5 (ClaimTrace 4.85 s, pyvis 180 s; pyvis still moving at the 180 s cap)",
         "met"],
    ),
    "a known name whose detail changed shape": (
        [{"name": "payload_mb", "run": 1, "value": 3.1, "target": 5, "ok": True,
          "detail": {"events": 500, "charts_mb": [3.1, 2.7]}}],
        ["`payload_mb`", "figure JSON per chart, MB (500 events)", "≤ 5", "3.1 (charts_mb 3.1, 2.7)", "met"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("lines, expected", CASES.values(), ids=CASES.keys())
def test_a_row_shows_every_run_and_is_met_only_if_every_run_met(lines, expected):
    assert readme.row(expected[0].strip("`"), lines, KNOWN) == expected


def test_every_target_has_a_row_and_other_names_follow_in_order():
    results = [*CASES["a name without a formatter"][0], *CASES["met"][0]]
    rows = readme.rows(results, KNOWN)
    assert [r[0] for r in rows] == [
        "`ingest_vs_pyarrow`", "`network_vs_pyvis`", "`payload_mb`", "`first_sight_s`"
    ]  # fmt: skip
    assert rows[1] == ["`network_vs_pyvis`", "drawn and still: pyvis over ClaimTrace", "≥ 5",
                       "—", "not measured"]  # fmt: skip


def test_the_sentence_says_where_when_and_how_many_runs():
    assert readme.sentence(HEADER) == (
        "Measured on a 2-core machine (load average 0.5 at the start, 1.25 at the end) with "
        "Python 3.11.7, Streamlit 1.67.0, plotly 7.1.0 and pandas 3.1.1, at commit `947c0fd` "
        "(full run, 4 December 2026, 2 runs in a row):"
    )
    quick = {**HEADER, "mode": "quick", "runs": 1, "dirty": True}
    assert readme.sentence(quick).endswith(
        "at commit `947c0fd` with uncommitted changes (quick run, 4 December 2026, 1 run):"
    )


def test_the_command_rewrites_the_block_and_check_tells_when_it_differs(tmp_path):
    results = tmp_path / "results.jsonl"
    lines = [{"header": HEADER}, *CASES["missed"][0], *CASES["a benchmark that failed (NaN)"][0]]
    results.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    page = tmp_path / "README.md"
    page.write_text(
        "# Title\n\nBefore.\n\n<!-- bench:table -->\nhand-typed\n<!-- /bench:table -->\n\nAfter.\n",
        encoding="utf-8",
    )
    assert readme.main([str(results), "--readme", str(page), "--check"]) == 1
    assert readme.main([str(results), "--readme", str(page)]) == 0
    assert readme.main([str(results), "--readme", str(page), "--check"]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nBefore.\n\n<!-- bench:table -->\nMeasured on a 2-core")
    assert text.endswith(" |\n<!-- /bench:table -->\n\nAfter.\n")
    assert "hand-typed" not in text
    assert "| **18.8** (0.78 s against 0.04 s); **15.8** (0.8 s against 0.05 s) | missed |" in text
    assert "**error: RuntimeError: chromium \\| did not start**" in text  # NaN read back


def test_what_run_py_saves_is_what_readme_py_reads(tmp_path):
    run = readme.run_module()
    lines = [*CASES["missed in one run of two"][0], *CASES["a benchmark that failed (NaN)"][0]]
    saved = tmp_path / "out" / "results.jsonl"
    run._save(saved, HEADER, lines)
    assert [p.name for p in saved.parent.iterdir()] == ["results.jsonl"]  # no part left over
    header, results = readme.read(saved)
    assert header == HEADER
    assert results[:2] == lines[:2]
    assert math.isnan(results[2]["value"]) and results[2]["detail"] == lines[2]["detail"]
    assert readme.targets() == run.TARGETS


def test_the_readme_table_is_the_rendering_of_the_committed_results():
    header, results = readme.read(RESULTS)
    page = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.replace(page, readme.block(header, results)) == page, (
        "README.md's table differs from bench/results.jsonl: run "
        "python bench/readme.py bench/results.jsonl"
    )
    # Every figure measured as many times in a row as the header says, each run numbered.
    assert header["runs"] >= 2
    names = {r["name"] for r in results}
    for name in names:
        runs = sorted(r["run"] for r in results if r["name"] == name)
        assert runs == list(range(1, header["runs"] + 1)), name
    assert names <= set(readme.targets())
