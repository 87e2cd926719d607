"""Where the browser spends its time opening the page: a Chromium performance trace of one cold
open of app.py and of the floor app (bench/floor_app.py), side by side.

    python bench/trace.py                    # one traced open of each, after a warm-up
    python bench/trace.py --screenshot /tmp/page.png

Serves both apps as run.py does (`served`), opens each in a fresh browser context (cold cache),
records Chromium's trace (devtools.timeline, V8's sampling profiler) from navigation to both
charts drawn (CHARTS_DRAWN), and prints one JSON object: for each page the time to both charts,
the main thread's time by kind (scripting, layout and style, paint, loading, other, idle), the
trace events and script functions that took most of it (self time), the longest tasks, and what
Streamlit sent over its websocket (frames, bytes, by element type, and the server's script run:
the first frame to the last one before the charts were drawn). The raw traces are kept in
--out (/tmp by default), to open in Chromium's DevTools (Performance, Load profile).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from run import CHARTS_DRAWN, CHROMIUM, _offline, served  # noqa: E402

CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "disabled-by-default-devtools.timeline.frame",
    "disabled-by-default-v8.cpu_profiler",
    "v8.execute",
    "v8",
    "blink.user_timing",
    "toplevel",
    "loading",
]
DRAWN_MARK = "claimtrace-charts-drawn"
# The predicate of run.py, marking the moment it first holds in the page's own timeline.
MARKED = f"""(keys) => {{
    const drawn = ({CHARTS_DRAWN})(keys);
    if (drawn && !performance.getEntriesByName("{DRAWN_MARK}").length) {{
        performance.mark("{DRAWN_MARK}");
    }}
    return drawn;
}}"""
TASKS = {"RunTask", "ThreadControllerImpl::RunTask", "ThreadPool_RunTask"}
SCRIPTING = {
    "EvaluateScript",
    "FunctionCall",
    "TimerFire",
    "EventDispatch",
    "FireAnimationFrame",
    "FireIdleCallback",
    "RunMicrotasks",
    "XHRReadyStateChange",
    "XHRLoad",
    "MinorGC",
    "MajorGC",
    "ParseScript",
    "CompileScript",
    "CompileCode",
    "StreamingCompileScript",
    "ScheduledAction",
    "HandlePostMessage",
    "WebSocketReceive",
}
LAYOUT = {
    "Layout",
    "UpdateLayoutTree",
    "RecalculateStyles",
    "ScheduleStyleRecalculation",
    "InvalidateLayout",
    "HitTest",
    "ParseAuthorStyleSheet",
    "UpdateLayout",
    "IntersectionObserverController::computeIntersections",
    "LayoutShift",
}
PAINT = {
    "Paint",
    "PaintImage",
    "PrePaint",
    "Layerize",
    "UpdateLayer",
    "UpdateLayerTree",
    "CompositeLayers",
    "Commit",
    "PaintSetup",
    "Decode Image",
    "ImageDecodeTask",
    "Rasterize",
    "Draw LazyPixelRef",
}
LOADING = {
    "ParseHTML",
    "ResourceSendRequest",
    "ResourceReceiveResponse",
    "ResourceReceivedData",
    "ResourceFinish",
    "ResourceWillSendRequest",
}


def kind(name: str) -> str:
    """DevTools' grouping of a trace event, by its name."""
    if name in SCRIPTING or name.lower().startswith(("v8", "blinkgc", "gc")):
        return "scripting"
    if name in LAYOUT:
        return "layout_style"
    if name in PAINT:
        return "paint"
    if name in LOADING:
        return "loading"
    return "other"


def _events(raw: bytes) -> list[dict]:
    data = json.loads(raw)
    return data["traceEvents"] if isinstance(data, dict) else data


def _spans(events: list[dict]) -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    """(pid, tid) -> [(start, end, name)] of the timed events (complete, or begin/end pairs)."""
    spans: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
    open_: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for e in sorted((e for e in events if e.get("ph") in ("X", "B", "E")), key=lambda e: e["ts"]):
        where = (e["pid"], e["tid"])
        if e["ph"] == "X":
            spans[where].append((e["ts"], e["ts"] + e.get("dur", 0), e["name"]))
        elif e["ph"] == "B":
            open_[where].append(e)
        elif open_[where]:
            begun = open_[where].pop()
            spans[where].append((begun["ts"], e["ts"], begun["name"]))
    return spans


def _self_times(spans: list[tuple[float, float, str]], lo: float, hi: float) -> Counter:
    """Self time (ms) by event name of the spans starting in [lo, hi] on one thread."""
    out: Counter = Counter()
    stack: list[list] = []  # [end, name, self]
    for start, end, name in sorted(spans, key=lambda s: (s[0], -s[1])):
        while stack and stack[-1][0] <= start:
            done = stack.pop()
            out[done[1]] += done[2]
        if not lo <= start <= hi:
            continue
        end = min(end, hi)
        if stack:
            stack[-1][2] -= min(end, stack[-1][0]) - start
        stack.append([end, name, end - start])
    for done in stack:
        out[done[1]] += done[2]
    return Counter({name: us / 1000 for name, us in out.items()})


def _profile(events: list[dict], pid: int, tid: int, lo: float, hi: float) -> list[dict]:
    """The script functions with the most self time, from V8's sampling profiler."""
    nodes: dict[tuple, dict] = {}
    self_us: Counter = Counter()
    for profile_id in {
        e.get("id") for e in events if e.get("name") == "Profile" and e["pid"] == pid
    }:
        chunks = [
            e
            for e in events
            if e.get("name") == "ProfileChunk" and e["pid"] == pid and e.get("id") == profile_id
        ]
        start = next(
            (
                e["args"]["data"].get("startTime")
                for e in events
                if e.get("name") == "Profile" and e.get("id") == profile_id
            ),
            None,
        )
        t = start or 0
        for chunk in sorted(chunks, key=lambda e: e["ts"]):
            data = chunk["args"]["data"]
            profile = data.get("cpuProfile", {})
            for node in profile.get("nodes", []):
                nodes[(profile_id, node["id"])] = node["callFrame"]
            for sample, delta in zip(
                profile.get("samples", []), data.get("timeDeltas", []), strict=False
            ):
                t += delta
                if lo <= t <= hi:
                    self_us[(profile_id, sample)] += delta
    by_function: Counter = Counter()
    for key, us in self_us.items():
        frame = nodes.get(key, {})
        name = frame.get("functionName") or "(anonymous)"
        url = frame.get("url", "").rsplit("/", 1)[-1]
        if name in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            url = ""
        by_function[f"{name} {url}".strip()] += us
    return [
        {"function": f, "self_ms": round(us / 1000, 1)} for f, us in by_function.most_common(15)
    ]


def _requests(events: list[dict], pid: int, lo: float, hi: float) -> list[tuple[str, int, list]]:
    """Files the page asked for before the charts were drawn: name, size, and when it asked
    for each, when the answer began and ended (ms after navigation)."""
    asked, began, ended = {}, {}, {}
    for e in events:
        data = (e.get("args") or {}).get("data") or {}
        request = data.get("requestId")
        if e.get("pid") != pid or request is None:
            continue
        if e["name"] == "ResourceSendRequest":
            asked[request] = (e["ts"], data.get("url", "").rsplit("/", 1)[-1])
        elif e["name"] == "ResourceReceiveResponse":
            began[request] = e["ts"]
        elif e["name"] == "ResourceFinish":
            ended[request] = (e["ts"], data.get("decodedBodyLength") or 0)
    out = []
    for request, (ts, name) in sorted(asked.items(), key=lambda kv: kv[1][0]):
        end, size = ended.get(request, (None, 0))
        if ts <= hi:
            at = [round((t - lo) / 1000) if t else None for t in (ts, began.get(request), end)]
            out.append((name, size, at))
    return out


def _large_files(requests: list[tuple[str, int, list]]) -> list[str]:
    """The files over 100 kB of `requests`, with their times."""
    return [
        f"{name} {size / 1e6:.2f}MB asked {at[0]} answered {at[1]} done {at[2]}"
        for name, size, at in requests
        if size > 100_000
    ]


def _scripts(requests: list[tuple[str, int, list]]) -> dict:
    """How many script files (Streamlit's elements load theirs when first drawn) and how much."""
    scripts = [size for name, size, _ in requests if name.endswith(".js")]
    return {"count": len(scripts), "mb": round(sum(scripts) / 1e6, 2)}


def summarise(raw: bytes) -> dict:
    """The main thread's time, from navigation to the charts drawn, by kind and by event."""
    events = _events(raw)
    names = {
        (e["pid"], e["tid"]): e["args"].get("name")
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }
    marks = [e for e in events if e.get("name") == DRAWN_MARK]
    if not marks:
        raise RuntimeError("the trace has no mark of the charts drawn")
    drawn = marks[0]
    pid = drawn["pid"]
    main = next(
        where for where, name in names.items() if where[0] == pid and name == "CrRendererMain"
    )
    starts = [e["ts"] for e in events if e.get("name") == "navigationStart" and e["pid"] == pid]
    spans = _spans(events)
    lo = min(starts) if starts else min(s[0] for s in spans[main])
    hi = drawn["ts"]
    requests = _requests(events, pid, lo, hi)
    thread = spans[main]
    tasks = []  # the outermost tasks (a RunTask may hold another)
    for task in sorted(
        (s for s in thread if s[2] in TASKS and lo <= s[0] <= hi), key=lambda s: (s[0], -s[1])
    ):
        if not tasks or task[0] >= tasks[-1][1]:
            tasks.append(task)
    busy, reach = 0.0, lo
    for start, end, _ in tasks:  # tasks do not overlap, but be safe
        end = min(end, hi)
        if end > reach:
            busy += end - max(start, reach)
            reach = end
    selfs = _self_times(thread, lo, hi)
    by_kind: Counter = Counter()
    for name, ms in selfs.items():
        by_kind["other" if name in TASKS else kind(name)] += ms
    window = (hi - lo) / 1000
    longest = sorted(tasks, key=lambda s: s[1] - s[0], reverse=True)[:8]

    def inside(task) -> str:
        children = [s for s in thread if task[0] <= s[0] and s[1] <= task[1] and s[2] not in TASKS]
        top = _self_times(children, task[0], task[1]).most_common(3)
        return ", ".join(f"{n} {ms:.0f}" for n, ms in top)

    return {
        "_navigation_us": lo,
        "navigation_to_drawn_ms": round(window),
        "large_files": _large_files(requests),
        "scripts_before_drawn": _scripts(requests),
        "main_thread_ms": {
            **{
                k: round(by_kind[k])
                for k in ("scripting", "layout_style", "paint", "loading", "other")
            },
            "busy": round(busy / 1000),
            "idle": round(window - busy / 1000),
        },
        "top_events_self_ms": {n: round(ms) for n, ms in selfs.most_common(14)},
        "tasks": {"count": len(tasks), "over_50ms": sum(1 for s in tasks if s[1] - s[0] > 50_000)},
        "longest_tasks": [
            {
                "at_ms": round((s[0] - lo) / 1000),
                "ms": round((s[1] - s[0]) / 1000),
                "inside_self_ms": inside(s),
            }
            for s in longest
        ],
        "top_functions_self_ms": _profile(events, pid, main[1], lo, hi),
    }


def _message(payload: bytes) -> tuple[str, list[tuple[str, int]]]:
    """A ForwardMsg's type, and the element types (with their sizes) it adds to the page."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:
        return "unparsed", []
    which = msg.WhichOneof("type") or "?"
    if which != "delta":
        return which, []
    delta = msg.delta
    sort = delta.WhichOneof("type") or "?"
    if sort == "new_element":
        element = delta.new_element.WhichOneof("type") or "?"
        return "delta", [(element, delta.new_element.ByteSize())]
    return "delta", [(sort, delta.ByteSize())]


def open_traced(browser, url: str, keys: tuple[str, str], trace: Path, screenshot: Path | None):
    """One cold open of `url`, traced; returns its summary."""
    context = browser.new_context(viewport={"width": 1500, "height": 2200})
    page = context.new_page()
    tried = _offline(page)
    frames: list[tuple[float, int, str, list]] = []

    def on_socket(ws) -> None:
        def received(payload) -> None:
            data = payload if isinstance(payload, bytes) else payload.encode()
            frames.append((time.perf_counter(), len(data), *_message(data)))

        ws.on("framereceived", received)

    page.on("websocket", on_socket)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Network.enable")
    stamps: list[float] = []  # when the page took each websocket frame (s, the trace's clock)
    cdp.on("Network.webSocketFrameReceived", lambda event: stamps.append(event["timestamp"]))
    browser.start_tracing(page=page, path=str(trace), screenshots=False, categories=CATEGORIES)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(MARKED, arg=list(keys), timeout=120_000, polling=50)
    elapsed = time.perf_counter() - start
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    raw = browser.stop_tracing()
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=False)
    context.close()
    if tried:
        raise RuntimeError(f"the page tried to load from the internet: {tried[:3]}")
    summary = {"wall_s": round(elapsed, 3), **summarise(raw)}
    navigation = summary.pop("_navigation_us")
    drawn_at = navigation + summary["navigation_to_drawn_ms"] * 1000
    # The page's own times for the frames (Playwright's come when Python gets to them).
    if len(stamps) == len(frames):
        frames = [(t * 1e6, *f[1:]) for t, f in zip(stamps, frames, strict=True)]
        start, elapsed, unit = navigation, drawn_at - navigation, 1e6
    else:
        unit = 1
    summary["cdp_metrics_ms"] = {
        name: round(metrics.get(key, 0) * 1000)
        for name, key in (
            ("script", "ScriptDuration"),
            ("layout", "LayoutDuration"),
            ("style", "RecalcStyleDuration"),
            ("task", "TaskDuration"),
        )
    }
    summary["cdp_metrics_counts"] = {
        k: int(metrics.get(k, 0)) for k in ("Nodes", "LayoutCount", "RecalcStyleCount")
    }
    before = [f for f in frames if f[0] <= start + elapsed]
    elements: Counter = Counter()
    element_bytes: Counter = Counter()
    for f in before:
        for element, size in f[3]:
            elements[element] += 1
            element_bytes[element] += size
    summary["websocket"] = {
        "frames": len(frames),
        "bytes": sum(f[1] for f in frames),
        "frames_before_drawn": len(before),
        "bytes_before_drawn": sum(f[1] for f in before),
        "messages": dict(Counter(f[2] for f in before)),
        "elements": dict(elements.most_common()),
        "element_bytes": dict(element_bytes.most_common(8)),
        "clock": "page (CDP)" if unit != 1 else "playwright",
        "first_frame_ms": round((frames[0][0] - start) * 1000 / unit) if frames else None,
        "script_run_ms": round((before[-1][0] - before[0][0]) * 1000 / unit) if before else None,
        "last_frame_to_drawn_ms": round((start + elapsed - before[-1][0]) * 1000 / unit)
        if before
        else None,
        # When each frame came (ms after navigation): its message or elements, and its size.
        "arrivals": [
            f"{(f[0] - start) * 1000 / unit:.0f}ms "
            f"{'+'.join(e for e, _ in f[3]) or f[2]} {f[1] / 1000:.1f}kB"
            for f in before
        ],
    }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp"), help="folder for the traces")
    parser.add_argument("--repeats", type=int, default=1, help="traced opens of each page")
    parser.add_argument("--screenshot", type=Path, help="a screenshot of the page, drawn")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    pages = {
        "app": (ROOT / "app.py", ("timeline-", "network-")),
        "floor": (HERE / "floor_app.py", ("timeline", "network")),
    }
    results: dict[str, list[dict]] = {name: [] for name in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        with served(pages["app"][0]) as app, served(pages["floor"][0]) as floor:
            urls = {"app": app, "floor": floor}
            for name, (_, keys) in pages.items():  # warm the servers' caches, untraced
                context = browser.new_context()
                page = context.new_page()
                page.goto(urls[name])
                page.wait_for_function(CHARTS_DRAWN, arg=list(keys), timeout=120_000)
                context.close()
            for i in range(args.repeats):
                for name, (_, keys) in pages.items():
                    trace = args.out / f"claimtrace-trace-{name}-{i}.json"
                    shot = args.screenshot if name == "app" and i == 0 else None
                    results[name].append(open_traced(browser, urls[name], keys, trace, shot))
        browser.close()
    out = {name: runs[0] if len(runs) == 1 else runs for name, runs in results.items()}
    out["ratio_wall"] = round(
        statistics.median(
            a["wall_s"] / b["wall_s"] for a, b in zip(results["app"], results["floor"], strict=True)
        ),
        3,
    )
    out["traces"] = sorted(str(p) for p in args.out.glob("claimtrace-trace-*.json"))
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
