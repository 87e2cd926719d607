"""App measurements that need Streamlit's AppTest, each in a process of its own (run.py starts
them): `rerun` times one filter change in the app and in the floor app side by side, `rss`
loads a case, makes one export and reports the process's peak memory.

    python bench/probes.py rerun FILE --repeats 5
    python bench/probes.py rss FILE

Each prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
sys.path.insert(0, str(ROOT))
FLOOR = Path(__file__).resolve().parent / "floor_app.py"
FIRST_RUN_TIMEOUT = 900  # seconds: the first run of a large case


def _upload(script: Path, data: bytes, name: str, source_radio: bool):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=FIRST_RUN_TIMEOUT).run()
    if source_radio:
        at.radio(key="source").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value((name, data, "text/csv")).run()
    _check(at, script)
    # A large case's inferred links are worked out in the background: measure the page with
    # them, as a visitor sees it once they are drawn, and with no job taking a core meanwhile.
    from components.state import INFERENCE_JOB  # the job working out inferred links

    held = at.session_state.get(INFERENCE_JOB)
    if held:
        job = held[1]
        deadline = time.monotonic() + FIRST_RUN_TIMEOUT
        while not job.finished() and time.monotonic() < deadline:
            time.sleep(0.5)
        at.run()
        _check(at, script)
    return at


def _check(at, script: Path) -> None:
    if at.exception:
        raise RuntimeError(f"{script.name}: {at.exception[0].message}")


def rerun(path: Path, repeats: int) -> dict:
    """Seconds per filter change in the app and in the floor, alternating, same selections."""
    import pandas as pd

    data = path.read_bytes()
    types = sorted(pd.read_csv(path, usecols=["outlet_type"], dtype=str)["outlet_type"].unique())
    started = time.perf_counter()
    app = _upload(APP, data, path.name, source_radio=True)
    floor = _upload(FLOOR, data, path.name, source_radio=False)
    first = time.perf_counter() - started
    app_times, floor_times = [], []
    for k in range(repeats):
        # Every change a different selection (all but one type), so no cache can answer it.
        chosen = [t for t in types if t != types[k % len(types)]]
        for at, times, script in ((app, app_times, APP), (floor, floor_times, FLOOR)):
            widget = at.multiselect(key="outlet_type").set_value(chosen)
            start = time.perf_counter()
            widget.run()
            times.append(time.perf_counter() - start)
            _check(at, script)
    return {
        "app_s": app_times,
        "floor_s": floor_times,
        "ratios": [a / f for a, f in zip(app_times, floor_times, strict=True)],
        "first_runs_s": round(first, 1),
        "charts": len(app.get("plotly_chart")),
    }


def rss(path: Path) -> dict:
    """Peak memory of this process once the case is loaded and one image is exported."""
    data = path.read_bytes()
    start = time.perf_counter()
    at = _upload(APP, data, path.name, source_radio=True)
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    at.session_state["export-panel"] = True  # the visitor opens the export panel
    at.run()
    at.button(key="export-prepare").click().run()
    _check(at, APP)
    made = [b for b in at.get("download_button") if "export-download-image" in str(b.proto.id)]
    return {
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "after_load_mb": loaded_mb,
        "image_made": bool(made) or any("png" in str(e.proto) for e in at.get("imgs")),
        "seconds": round(time.perf_counter() - start, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("probe", choices=["rerun", "rss"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    out = rerun(args.file, args.repeats) if args.probe == "rerun" else rss(args.file)
    if args.probe == "rerun":
        out["median_ratio"] = statistics.median(out["ratios"])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
