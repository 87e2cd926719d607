"""The README's Performance table, rendered from a results file of bench/run.py --save.

    python bench/run.py --runs 2 --save bench/results.jsonl
    python bench/readme.py bench/results.jsonl            # rewrites the table in README.md
    python bench/readme.py bench/results.jsonl --check    # exits 1 if README.md differs

The table sits between the markers <!-- bench:table --> and <!-- /bench:table --> and is never
typed by hand. One row per name of TARGETS (in bench/run.py), then any other name in the file:
what, target, each run's value with the numbers behind it, and "met" only if every run met it.
Names that have their own formatter below get their key numbers ("0.78 s against 0.04 s");
any other name still gets its value and the plain numbers of its detail.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import statistics
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
START, END = "<!-- bench:table -->", "<!-- /bench:table -->"
COLUMNS = ("name", "what", "target", "measured", "")
ERROR_CHARS = 160  # an error's message in the table; the whole of it is in the results file
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def run_module():
    """bench/run.py as a module. It puts bench/ on sys.path when it is loaded; the path is put
    back as it was (the tests load this too)."""
    spec = importlib.util.spec_from_file_location("claimtrace_bench_run", HERE / "run.py")
    module = importlib.util.module_from_spec(spec)
    path = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path
    return module


def targets() -> dict[str, tuple[str, str, float]]:
    """bench/run.py's TARGETS: name -> (what, comparison, target)."""
    return run_module().TARGETS


def read(path: Path) -> tuple[dict, list[dict]]:
    """The header and the result lines of a results file."""
    header, results = None, []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        line = json.loads(text)
        if "header" in line:
            if header is not None:
                raise ValueError(f"{path}: line {number}: a second header")
            header = line["header"]
        elif "name" in line:
            results.append(line)
        else:
            raise ValueError(f"{path}: line {number}: neither a header nor a result")
    if header is None:
        raise ValueError(f"{path}: no header line (write it with bench/run.py --save)")
    return header, results


# --- numbers ----------------------------------------------------------------------------------


def num(x) -> str:
    """3 significant digits, thousands with commas: 18.8, 2.2, 0.51, 1.75, 37, 1,089."""
    if x is None:
        return "none"
    if isinstance(x, bool):
        return str(x).lower()
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def seconds(values) -> str:
    """A time, or the median of several."""
    value = statistics.median(values) if isinstance(values, list) else values
    return f"{num(value)} s"


def count(n) -> str:
    return f"{int(n):,}"


# --- one formatter per known name: (case, value, numbers) from a result line ------------------


def _events(d: dict) -> str:
    return f"{count(d['events'])} events"


def _against(ours: str, theirs: str) -> Callable[[dict], str]:
    return lambda d: f"{seconds(d[ours])} against {seconds(d[theirs])}"


def _growth(d: dict) -> str:
    return ", ".join(
        f"{seconds(s)} at {count(n)}" for n, s in zip(d["events"], d["seconds"], strict=True)
    )


def _charts(d: dict) -> str:
    charts = [f"{k} {num(v['mb'])} MB" for k, v in d.items() if isinstance(v, dict)]
    if not charts:
        raise KeyError("no chart sizes")
    return ", ".join(charts)


def _pyvis(d: dict) -> str:
    text = f"ClaimTrace {seconds(d['claimtrace_s'])}, pyvis {seconds(d['pyvis_s'])}"
    cap = d.get("pyvis_not_still_by_cap_s")
    return text + (f"; pyvis still moving at the {num(cap)} s cap" if cap else "")


def _pyvis_value(line: dict) -> str:
    capped = line["detail"].get("pyvis_not_still_by_cap_s")
    return ("≥ " if capped else "") + num(line["value"])  # capped: a lower bound


def _memory(d: dict) -> str:
    text = f"{num(d['after_load_mb'])} MB once loaded"
    return text + ("" if d.get("image_made", True) else "; no image was made")


def _mb(line: dict) -> str:
    return f"{num(line['value'])} MB"


def _value(line: dict) -> str:
    return num(line["value"])


# name -> (case: detail -> str | None, value: line -> str, numbers: detail -> str)
FORMATS: dict[str, tuple[Callable, Callable, Callable]] = {
    "ingest_vs_pyarrow": (_events, _value, _against("ours_s", "yardstick_s")),
    "analysis_vs_graph": (
        lambda d: f"{count(d['events'])} events, {count(d['links'])} documented links",
        _value,
        _against("ours_s", "yardstick_s"),
    ),
    "growth_exponent": (
        lambda d: f"{count(min(d['events']))} to {count(max(d['events']))} events",
        _value,
        _growth,
    ),
    "payload_mb": (_events, _mb, _charts),
    "rerun_vs_floor": (_events, _value, _against("app_s", "floor_s")),
    "page_vs_floor": (lambda d: None, _value, _against("app_s", "floor_s")),
    "network_vs_pyvis": (
        lambda d: f"{count(d['nodes'])} nodes, {count(d['edges'])} links",
        _pyvis_value,
        _pyvis,
    ),
    "peak_rss_mb": (_events, _mb, _memory),
    "first_sight_s": (
        lambda d: f"{count(d['events'])} events, {num(d['mb'])} MB",
        lambda line: f"{num(line['value'])} s",
        lambda d: f"inferred links drawn after {seconds(d['inferred_drawn_s'])}",
    ),
}


def plain(detail: dict, prefix: str = "") -> str:
    """Any detail as text: "key value", lists of numbers in full (their median past five),
    nested objects with dotted keys."""
    parts = []
    for key, v in detail.items():
        name = f"{prefix}{key}"
        if isinstance(v, dict):
            inner = plain(v, f"{name}.")
            parts += [inner] if inner else []
        elif isinstance(v, list):
            if v and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v):
                if len(v) <= 5:
                    parts.append(f"{name} {', '.join(num(x) for x in v)}")
                else:
                    parts.append(f"{name} median {num(statistics.median(v))} of {len(v)}")
            elif v:
                parts.append(f"{name} {', '.join(str(x) for x in v)}")
        elif v is not None:
            parts.append(f"{name} {num(v) if isinstance(v, int | float) else v}")
    return ", ".join(parts)


def _fallback_case(d: dict) -> str | None:
    return _events(d) if isinstance(d.get("events"), int) else None


def _plain_numbers(d: dict) -> str:
    return plain({k: v for k, v in d.items() if k != "events" or not isinstance(v, int)})


FALLBACK = (_fallback_case, _value, _plain_numbers)


def _error(line: dict) -> str | None:
    error = line["detail"].get("error") if isinstance(line.get("detail"), dict) else None
    if error is None and not math.isnan(float(line["value"])):
        return None
    text = " ".join(str(error or "no value").split())
    return "error: " + (text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…")


def _formatted(name: str, line: dict) -> tuple[str | None, str]:
    """(case, "value (numbers)") of one run; a missed run's value in bold."""
    error = _error(line)
    if error:
        return None, f"**{error}**"
    detail = line.get("detail") or {}
    case_of, value_of, numbers_of = FORMATS.get(name, FALLBACK)
    try:
        case, value, numbers = case_of(detail), value_of(line), numbers_of(detail)
    except (KeyError, TypeError, ValueError, AttributeError, statistics.StatisticsError):
        # the detail no longer has the shape its formatter knows: still show every number
        case_of, value_of, numbers_of = FALLBACK
        case, value, numbers = case_of(detail), value_of(line), numbers_of(detail)
    value = value if line["ok"] else f"**{value}**"
    return case, value + (f" ({numbers})" if numbers else "")


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def row(name: str, lines: list[dict], known: dict[str, tuple[str, str, float]]) -> list[str]:
    """One row of the table: name, what, target, measured (each run), met or missed."""
    runs = sorted(lines, key=lambda line: line.get("run", 1))
    if name in known:
        what, comparison, target = known[name]
        target_text = f"{'≤' if comparison == '<=' else '≥'} {num(target)}"
    else:
        what = "(not in bench/run.py's TARGETS)"
        target_text = num(runs[0]["target"]) if runs else ""
    if not runs:
        return [f"`{name}`", _cell(what), target_text, "—", "not measured"]
    formatted = [_formatted(name, line) for line in runs]
    cases = list(dict.fromkeys(case for case, _ in formatted if case))
    if cases:
        what = f"{what} ({'; '.join(cases)})"
    missed = sum(not line["ok"] for line in runs)
    if not missed:
        verdict = "met"
    elif missed == len(runs):
        verdict = "missed"
    else:
        verdict = f"missed in {missed} of {len(runs)} runs"
    measured = "; ".join(text for _, text in formatted)
    return [f"`{name}`", _cell(what), target_text, _cell(measured), verdict]


def rows(results: list[dict], known: dict[str, tuple[str, str, float]]) -> list[list[str]]:
    """Every name of TARGETS, in its order (measured or not), then other names as they come."""
    names = list(known) + [r["name"] for r in results if r["name"] not in known]
    return [row(n, [r for r in results if r["name"] == n], known) for n in dict.fromkeys(names)]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def day(iso: str) -> str:
    when = datetime.fromisoformat(iso)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def sentence(header: dict) -> str:
    """Measured on … (full run, DATE, N runs in a row):"""
    machine = header.get("machine") or {}
    cores = machine.get("cores")
    text = f"Measured on a {cores}-core machine" if cores else "Measured on one machine"
    loads = [machine.get(k) for k in ("load_start", "load_end")]
    if all(loads):
        text += f" (load average {num(loads[0][0])} at the start, {num(loads[1][0])} at the end)"
    versions = header.get("versions") or {}
    labels = {"python": "Python", "streamlit": "Streamlit", "plotly": "plotly", "pandas": "pandas"}
    named = [f"{label} {versions[key]}" for key, label in labels.items() if versions.get(key)]
    if named:
        text += " with " + _and(named)
    if header.get("commit"):
        text += f", at commit `{header['commit'][:7]}`"
        text += " with uncommitted changes" if header.get("dirty") else ""
    runs = int(header.get("runs", 1))
    in_a_row = "1 run" if runs == 1 else f"{runs} runs in a row"
    return f"{text} ({header.get('mode', 'full')} run, {day(header['date'])}, {in_a_row}):"


def block(header: dict, results: list[dict], known: dict | None = None) -> str:
    """What goes between the markers: the sentence and the table."""
    known = targets() if known is None else known
    table = [list(COLUMNS), ["---"] * len(COLUMNS), *rows(results, known)]
    lines = [sentence(header), "", *("| " + " | ".join(cells) + " |" for cells in table)]
    return "\n".join(lines)


def replace(readme: str, new_block: str) -> str:
    """The README with the block between the markers replaced (markers kept)."""
    if readme.count(START) != 1 or readme.count(END) != 1:
        raise ValueError(f"README must have {START} and {END} once each")
    before, rest = readme.split(START)
    _, after = rest.split(END)
    return f"{before}{START}\n{new_block}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a file written by bench/run.py --save")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the README differs")
    args = parser.parse_args(argv)
    header, results = read(args.results)
    readme = args.readme.read_text(encoding="utf-8")
    updated = replace(readme, block(header, results))
    if args.check:
        if updated != readme:
            print(f"{args.readme}: the table differs from {args.results}; run "
                  f"python bench/readme.py {args.results}", file=sys.stderr)  # fmt: skip
            return 1
        return 0
    if updated != readme:
        args.readme.write_text(updated, encoding="utf-8")
    print(f"{args.readme}: table from {args.results} ({len(results)} lines)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
