"""ClaimTrace's benchmarks: every figure a ratio measured side by side in the same run.

    python bench/run.py --quick     # about a minute: cases up to 10,000 events
    python bench/run.py             # cases up to 100,000 events: several minutes
    python bench/run.py --only ingest_vs_pyarrow,payload_mb
    python bench/run.py --runs 2 --save bench/results.jsonl   # the README's table, twice in a row

Prints one JSON object per line: name, run (1 to --runs), value, target, ok, and the measurements
behind the value (detail). --save writes the same lines to a file, after one header line (date,
mode, machine and its load, versions, git commit), for bench/readme.py to render the README's
table from. Timings are paired (the thing and its yardstick one after the other, several times) and
the median of the ratios is reported, so a busy machine slows both alike. The cases are made by
synth.py (seeded) and twitter.py (real cascades); they are written to --data (a temporary folder
by default). Never run in CI: `make test` does not collect this folder.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import synth  # noqa: E402
import twitter  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SAMPLE_TREE = twitter.DATASET / "sample_trees_twitter16" / "642027433693171712.txt"  # 1,006 edges

# name -> (what, comparison, target)
TARGETS = {
    "ingest_vs_pyarrow": ("load + validate a CSV, over pandas.read_csv(engine='pyarrow')", "<=", 3),
    "analysis_vs_graph": ("documented graph, firsts, hops, status, over a bare networkx graph",
                          "<=", 3),
    "rerun_vs_floor": ("one filter change in AppTest, over the floor app", "<=", 1.5),
    "payload_mb": ("figure JSON sent per chart (the larger of the two), MB", "<=", 5),
    "page_vs_floor": ("browser: navigation to both charts drawn, bundled case, over the floor",
                      "<=", 1.3),
    "network_vs_pyvis": ("largest Twitter15/16 cascade drawn and still: pyvis over ClaimTrace",
                         ">=", 5),
    "growth_exponent": ("slope of log(time) over log(events), load + analysis", "<=", 1.15),
    "peak_rss_mb": ("server peak memory, case loaded and one export made, MB", "<=", 1500),
    "first_sight_s": ("browser: a large CSV uploaded until both its charts are drawn, seconds",
                      "<=", 10),
}  # fmt: skip


def emit(name: str, value: float, detail: dict) -> dict:
    """One result line (run_set prints it, with the run's number)."""
    _, comparison, target = TARGETS[name]
    ok = value <= target if comparison == "<=" else value >= target
    return {"name": name, "value": round(value, 3), "target": target, "ok": bool(ok),
            "detail": detail}  # fmt: skip


def paired(thing: Callable, yardstick: Callable, repeats: int) -> tuple[float, dict]:
    """Median of thing/yardstick over `repeats` alternating runs (after one warm-up each)."""
    thing(), yardstick()
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(_seconds(thing))
        theirs.append(_seconds(yardstick))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return statistics.median(ratios), {
        "ours_s": _round(ours),
        "yardstick_s": _round(theirs),
    }


def _seconds(call: Callable) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _round(values: list[float]) -> list[float]:
    return [round(v, 4) for v in values]


# --- the cases --------------------------------------------------------------------------------


def synthetic(data: Path, events: int) -> Path:
    path = data / f"synth-{events}.csv"
    if not path.exists():
        synth.write_csv(events, path, seed=0)
    return path


def cascade(data: Path, quick: bool) -> Path:
    """The largest Twitter15/16 cascade (quick: a sample tree of about 1,000 retweets)."""
    path = data / ("cascade-sample.csv" if quick else "cascade-largest.csv")
    if not path.exists():
        if quick:
            source = int(SAMPLE_TREE.stem)
            lines = SAMPLE_TREE.read_text(encoding="utf-8").splitlines()
            text = twitter.source_texts().get(source, "")
            twitter.tree_events(lines, source, text).to_csv(path, index=False)
        else:
            twitter.largest(1)[0][1].to_csv(path, index=False)
    return path


# --- core -------------------------------------------------------------------------------------


def ingest_vs_pyarrow(path: Path, repeats: int) -> dict:
    import pandas as pd

    from claimtrace.ingest import load_bytes

    data = path.read_bytes()
    value, detail = paired(
        lambda: load_bytes(data, path.name),
        lambda: pd.read_csv(io.BytesIO(data), engine="pyarrow"),
        repeats,
    )
    return emit("ingest_vs_pyarrow", value, {"events": _rows(path), **detail})


def analyse(events, links) -> None:
    """What the app works out from documented links: the story (milestones, jumps with their
    hops, status, attribution decay) and the firsts by language, country and outlet type."""
    from claimtrace import analysis

    documented = links[links["kind"] == "documented"]
    analysis.story(events, documented)
    analysis.firsts_table(events, documented)


def analysis_vs_graph(path: Path, repeats: int) -> dict:
    import networkx as nx

    from claimtrace.ingest import load_path

    case = load_path(path)
    documented = case.links[case.links["kind"] == "documented"]
    value, detail = paired(
        lambda: analyse(case.events, case.links),
        lambda: nx.DiGraph(list(zip(documented["source"], documented["target"], strict=True))),
        repeats,
    )
    return emit("analysis_vs_graph", value, {"events": len(case.events),
                                              "links": len(documented), **detail})  # fmt: skip


def growth_exponent(paths: list[Path], repeats: int) -> dict:
    import numpy as np

    from claimtrace.ingest import load_bytes

    sizes, times = [], []
    for path in paths:
        data = path.read_bytes()

        def once(data: bytes = data, name: str = path.name) -> None:
            case = load_bytes(data, name)
            analyse(case.events, case.links)

        once()
        times.append(statistics.median(_seconds(once) for _ in range(repeats)))
        sizes.append(_rows(path))
    slope = float(np.polyfit(np.log(sizes), np.log(times), 1)[0])
    return emit("growth_exponent", slope, {"events": sizes, "seconds": _round(times)})


def payload_mb(path: Path) -> dict:
    import plotly.io as pio

    from claimtrace import analysis
    from claimtrace.figures.common import Options
    from claimtrace.figures.network import network_figure, outlet_network_figure
    from claimtrace.figures.timeline import timeline_figure
    from claimtrace.ingest import load_path

    case = load_path(path)
    story = analysis.story(case.events, case.links)
    options = Options(timezone=case.meta.timezone)
    sizes = {}
    for name, build in (
        ("timeline", lambda: timeline_figure(case.events, case.links, options, story)),
        ("network", lambda: network_figure(case.events, case.links, case.external_sources,
                                           options, story)),
        ("outlets", lambda: outlet_network_figure(case.events, case.links, options)),
    ):  # fmt: skip
        start = time.perf_counter()
        figure = build()
        built = time.perf_counter() - start
        sizes[name] = {
            "mb": round(len(pio.to_json(figure, validate=False)) / 1e6, 3),
            "build_s": round(built, 3),
        }
    value = max(sizes["timeline"]["mb"], sizes["network"]["mb"])
    return emit("payload_mb", value, {"events": len(case.events), **sizes})


# --- the app (AppTest, in processes of their own) ---------------------------------------------


def _probe(*args: str, timeout: float) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "probes.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"probes.py {args[0]} failed: {done.stderr.strip()[-800:]}")
    return json.loads(lines[-1])


def rerun_vs_floor(path: Path, repeats: int) -> dict:
    out = _probe("rerun", str(path), "--repeats", str(repeats), timeout=3600)
    return emit("rerun_vs_floor", out.pop("median_ratio"), {"events": _rows(path), **out})


def peak_rss_mb(path: Path) -> dict:
    out = _probe("rss", str(path), timeout=3600)
    return emit("peak_rss_mb", out["peak_mb"], {"events": _rows(path), **out})


# --- the browser ------------------------------------------------------------------------------


@contextlib.contextmanager
def served(script: Path) -> Iterator[str]:
    """`streamlit run script` on a free port, as the browser tests start it; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{script.name} did not start")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _offline(page) -> list[str]:
    """Let the page load only from the local server and files; list what it tried beyond."""
    tried: list[str] = []

    def route(request_route, request) -> None:
        url = request.url
        if url.startswith(("http://127.0.0.1", "file://", "data:", "blob:")):
            request_route.continue_()
        else:
            tried.append(url)
            request_route.abort()

    page.route("**/*", route)
    return tried


CHARTS_DRAWN = """([first, second]) => [first, second].every(
    (name) => document.querySelector(`[class*="st-key-${name}"] .main-svg`))"""


def page_load(browser, url: str, keys: tuple[str, str]) -> float:
    """Seconds from navigation to both charts drawn, in a fresh context (cold cache)."""
    context = browser.new_context(viewport={"width": 1500, "height": 2200})
    page = context.new_page()
    tried = _offline(page)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(CHARTS_DRAWN, arg=list(keys), timeout=120_000, polling=50)
    elapsed = time.perf_counter() - start
    context.close()
    if tried:
        raise RuntimeError(f"the page tried to load from the internet: {tried[:3]}")
    return elapsed


def page_vs_floor(browser, repeats: int) -> dict:
    with served(ROOT / "app.py") as app, served(HERE / "floor_app.py") as floor:
        app_keys, floor_keys = ("timeline-", "network-"), ("timeline", "network")
        page_load(browser, app, app_keys), page_load(browser, floor, floor_keys)  # warm caches
        ours, theirs = [], []
        for _ in range(repeats):
            ours.append(page_load(browser, app, app_keys))
            theirs.append(page_load(browser, floor, floor_keys))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return emit("page_vs_floor", statistics.median(ratios),
                {"app_s": _round(ours), "floor_s": _round(theirs)})  # fmt: skip


# Both charts of the uploaded case drawn: chart elements whose keys (they carry the data's hash)
# were not on the page before the upload.
NEW_CHARTS_DRAWN = """(before) => ["timeline-", "network-"].every((name) =>
    [...document.querySelectorAll(`[class*="st-key-${name}"]`)].some((el) =>
        !before.includes(el.className) && el.querySelector(".main-svg")))"""
CHART_CLASSES = """() => [...document.querySelectorAll('[class*="st-key-timeline-"], '
    + '[class*="st-key-network-"]')].map((el) => el.className)"""
INFERRED_DRAWN = """() => !document.querySelector('[data-testid="stProgress"]')
    && [...document.querySelectorAll('[class*="st-key-network-"] .legendtext')]
        .some((el) => el.textContent.includes("inferred link"))"""


def first_sight(browser, path: Path) -> dict:
    """A visitor opens the page, chooses "Upload a file" and gives it `path`: seconds from the
    file handed over until both of its charts are drawn (documented links; the inferred ones
    follow in the background), and until the inferred links are drawn too."""
    with served(ROOT / "app.py") as app:
        context = browser.new_context(viewport={"width": 1500, "height": 2200})
        page = context.new_page()
        tried = _offline(page)
        page.goto(app)
        page.wait_for_function(CHARTS_DRAWN, arg=["timeline-", "network-"], timeout=120_000)
        before = page.evaluate(CHART_CLASSES)
        page.get_by_text("Upload a file", exact=True).click()
        start = time.perf_counter()
        page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(path))
        page.wait_for_function(NEW_CHARTS_DRAWN, arg=before, timeout=600_000, polling=50)
        seen = time.perf_counter() - start
        page.wait_for_function(INFERRED_DRAWN, timeout=900_000, polling=200)
        inferred = time.perf_counter() - start
        context.close()
    if tried:
        raise RuntimeError(f"the page tried to load from the internet: {tried[:3]}")
    return emit("first_sight_s", seen, {"events": _rows(path), "mb": round(path.stat().st_size
                / 1e6, 1), "inferred_drawn_s": round(inferred, 1)})  # fmt: skip


# vis.js runs its hidden stabilization, shows the graph, then simulates until nothing moves.
PYVIS_STILL = """() => window.network && window.network.physics
    && window.network.physics.stabilized === true"""
PLOTLY_DRAWN = """() => {
    const plot = document.querySelector('.js-plotly-plot');
    return plot && plot._fullLayout && plot.querySelector('.main-svg');
}"""


def network_vs_pyvis(browser, path: Path, work: Path, repeats: int, cap: float) -> dict:
    """The cascade's network drawn by ClaimTrace (plotly, its interactive export) and by pyvis
    (vis.js with its default physics), each page loaded from a file until the drawing is still.
    A page not still after `cap` seconds counts as `cap`: the ratio is then a lower bound."""
    from claimtrace import analysis, export
    from claimtrace.figures.common import Options
    from claimtrace.figures.network import network_figure
    from claimtrace.ingest import load_path

    case = load_path(path)
    figure = network_figure(case.events, case.links, case.external_sources,
                            Options(timezone=case.meta.timezone),
                            analysis.story(case.events, case.links))  # fmt: skip
    ours = work / "claimtrace-network.html"
    page = export.interactive_html([figure], title=path.stem, subtitle="", footer=[])
    ours.write_text(page, encoding="utf-8")
    theirs = work / "pyvis-network.html"
    removed = _pyvis_page(case, theirs)

    capped = []

    def load(file: Path, ready: str) -> float:
        from playwright.sync_api import TimeoutError as Timeout

        context = browser.new_context(viewport={"width": 1500, "height": 1000})
        page = context.new_page()
        tried = _offline(page)
        start = time.perf_counter()
        page.goto(file.as_uri(), timeout=cap * 1000)
        try:
            page.wait_for_function(ready, timeout=cap * 1000, polling="raf")
            elapsed = time.perf_counter() - start
        except Timeout:
            elapsed = cap
            capped.append(file.name)
        context.close()
        if tried:
            raise RuntimeError(f"{file.name} tried to load from the internet: {tried[:3]}")
        return elapsed

    plotly_s, pyvis_s = [], []
    for _ in range(repeats):
        plotly_s.append(load(ours, PLOTLY_DRAWN))
        pyvis_s.append(load(theirs, PYVIS_STILL))
    ratios = [b / a for a, b in zip(plotly_s, pyvis_s, strict=True)]
    return emit("network_vs_pyvis", statistics.median(ratios), {
        "nodes": len(case.events), "edges": len(case.links), "claimtrace_s": _round(plotly_s),
        "pyvis_s": _round(pyvis_s), "pyvis_not_still_by_cap_s": cap if capped else None,
        "pyvis_cdn_tags_removed": removed})  # fmt: skip


def _pyvis_page(case, path: Path) -> int:
    """pyvis's page for the cascade, its scripts inline; the template's links to a CDN
    (bootstrap, only styling) are removed, so the page loads nothing. Returns how many."""
    import re

    from pyvis.network import Network

    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line")
    for r in case.events.itertuples(index=False):
        net.add_node(r.id, label=r.outlet, title=f"{r.outlet} {r.date}")
    for r in case.links.itertuples(index=False):
        if not str(r.source).startswith("external:"):
            net.add_edge(r.source, r.target)
    html = net.generate_html()
    html, removed = re.subn(r"<(link|script)\b[^>]*https?://[^>]*>(\s*</script>)?", "", html)
    path.write_text(html, encoding="utf-8")
    return removed


# --- the run ----------------------------------------------------------------------------------


def _rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def run_set(chosen: list[str], data: Path, quick: bool, run: int) -> list[dict]:
    """Every chosen benchmark once, in the usual order; each line printed as soon as measured."""
    largest = 10_000 if quick else 100_000
    sizes = [1_000, 3_000, 10_000] if quick else [1_000, 10_000, 100_000]
    repeats = 3 if quick else 5
    big = synthetic(data, largest)
    results = []

    def attempt(name: str, measure: Callable[[], dict]) -> None:
        if name not in chosen:
            return
        try:
            line = measure()
        except Exception as exc:  # one failed benchmark must not hide the others
            line = {"name": name, "value": math.nan, "target": TARGETS[name][2], "ok": False,
                    "detail": {"error": f"{type(exc).__name__}: {exc}"}}  # fmt: skip
        line = {"name": name, "run": run, **line}
        print(json.dumps(line), flush=True)
        results.append(line)

    attempt("ingest_vs_pyarrow", lambda: ingest_vs_pyarrow(big, repeats))
    attempt("analysis_vs_graph", lambda: analysis_vs_graph(big, repeats))
    attempt("growth_exponent",
            lambda: growth_exponent([synthetic(data, n) for n in sizes], repeats))  # fmt: skip
    attempt("payload_mb", lambda: payload_mb(big))
    if {"page_vs_floor", "network_vs_pyvis", "first_sight_s"} & set(chosen):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            attempt("network_vs_pyvis",
                    lambda: network_vs_pyvis(browser, cascade(data, quick), data,
                                             1 if quick else 2, 20 if quick else 180))  # fmt: skip
            attempt("page_vs_floor", lambda: page_vs_floor(browser, 1 if quick else repeats))
            attempt("first_sight_s", lambda: first_sight(browser, big))
            browser.close()
    attempt("rerun_vs_floor", lambda: rerun_vs_floor(big, 2 if quick else repeats))
    attempt("peak_rss_mb", lambda: peak_rss_mb(big))
    return results


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for package in ("streamlit", "plotly", "pandas"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = None
    return out


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _commit(saved: Path) -> dict:
    """The commit measured, and whether tracked files differed from it (the results file that
    is being written aside)."""
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no")
    if commit is None or status is None:
        return {"commit": None, "dirty": None}
    results = saved.resolve()
    changed = [line[3:] for line in status.splitlines() if (ROOT / line[3:]).resolve() != results]
    return {"commit": commit.strip(), "dirty": bool(changed)}


def _save(path: Path, header: dict, results: list[dict]) -> None:
    """The header line, then the result lines; written aside and moved into place, so a file
    is either a whole run or left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    lines = [{"header": header}, *results]
    part.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    os.replace(part, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="cases up to 10,000 events")
    parser.add_argument("--only", default="", help="comma-separated names of benchmarks")
    parser.add_argument("--data", type=Path, help="folder for the generated cases")
    parser.add_argument("--runs", type=int, default=1, metavar="N", help="run the set N times")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write the lines to FILE")
    args = parser.parse_args(argv)
    chosen = [n for n in args.only.split(",") if n] or list(TARGETS)
    unknown = set(chosen) - set(TARGETS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    data = args.data or Path(tempfile.gettempdir()) / "claimtrace-bench"
    data.mkdir(parents=True, exist_ok=True)
    started, load_start = datetime.now(UTC), _load()
    results = []
    for run in range(1, args.runs + 1):
        results += run_set(chosen, data, args.quick, run)
    if args.save:
        header = {
            "date": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": "quick" if args.quick else "full",
            "runs": args.runs,
            "chosen": chosen,
            "machine": {"cores": os.cpu_count(), "load_start": load_start, "load_end": _load()},
            "versions": _versions(),
            **_commit(args.save),
        }
        _save(args.save, header, results)
    missed = sorted({r["name"] for r in results if not r["ok"]}, key=chosen.index)
    print(f"# {len(chosen) - len(missed)} of {len(chosen)} targets met"
          + (" in every run" if args.runs > 1 else "")
          + (f"; missed: {', '.join(missed)}" if missed else ""), file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    os.environ.setdefault("BROWSER_PATH", CHROMIUM)
    sys.exit(main())
