"""Soak: upload after upload for ten minutes, and watch the server's memory.

    python bench/soak.py                 # 10 minutes, the issue's test
    python bench/soak.py --minutes 2     # a quick look

Starts its own `streamlit run app.py` on a free loopback port; one headless Chromium uploads a
new file (a different one each time, 300 events, seeded) and waits until both charts are drawn,
again and again, opening a fresh session every few uploads and closing the old one, as
journalists come and go. The server's resident memory (VmRSS, /proc) is sampled every few
seconds. Prints one JSON object: uploads done, errors, memory at the start, after the first
upload, at the end and at its peak, and the trend over the second half of the run (MB per
minute, least squares): about zero when memory levels off. Samples go to bench/out/soak.json.
Never run in CI.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import CHROMIUM, EXCEPTION, NETWORK, ROOT, TIMELINE, Server

UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TYPES = ("state_tv", "state_agency", "tabloid", "broadsheet", "wire", "digital", "fact_checker")
COUNTRIES = ("RU", "GB", "US", "DE", "FR", "KP", "KR", "UA")
LANGUAGES = ("ru", "en", "de", "fr", "ko", "uk")
STANCES = ("", "originates", "repeats", "repeats", "questions", "debunks", "denies")


def events_csv(seed: int, n: int = 300) -> bytes:
    """A case of n events over about two months, a third citing an earlier one; seeded."""
    rnd = random.Random(seed)
    lines = ["id,date,outlet,outlet_type,country,language,headline,cites,stance"]
    for i in range(n):
        day = 1 + i * 60 // n
        when = f"2022-{7 + day // 31:02d}-{1 + day % 28:02d}T{rnd.randrange(24):02d}:{rnd.randrange(60):02d}"
        cites = f"s{seed}-{rnd.randrange(i)}" if i and rnd.random() < 0.35 else ""
        lines.append(
            f"s{seed}-{i},{when},Outlet {rnd.randrange(80)},{rnd.choice(TYPES)},"
            f"{rnd.choice(COUNTRIES)},{rnd.choice(LANGUAGES)},Claim {seed} retold {i},"
            f"{cites},{rnd.choice(STANCES)}"
        )
    return ("\n".join(lines) + "\n").encode()


def upload_and_wait(page: Page, seed: int, timeout_ms: float) -> bool:
    """Upload case `seed` and wait until the page is drawn for it; whether all its events
    show (a time slider left over from the previous file can hide them: see the README)."""
    name = f"case-{seed}.csv"
    page.set_input_files(UPLOAD, files=[{"name": name, "mimeType": "text/csv",
                                         "buffer": events_csv(seed)}])  # fmt: skip
    page.get_by_text(re.compile(rf"Data: {re.escape(name)} ")).first.wait_for(timeout=timeout_ms)
    for chart in (TIMELINE, NETWORK):
        page.locator(f"{chart} .main-svg").first.wait_for(timeout=timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    if page.locator(EXCEPTION).count():
        raise RuntimeError(page.locator(EXCEPTION).first.inner_text())
    metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    return metric.replace(",", "") == "300"


def slope_mb_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of memory over time."""
    if len(samples) < 3:
        return float("nan")
    ts = [t / 60 for t, _ in samples]
    ms = [m for _, m in samples]
    mt, mm = statistics.fmean(ts), statistics.fmean(ms)
    var = sum((t - mt) ** 2 for t in ts)
    return sum((t - mt) * (m - mm) for t, m in zip(ts, ms, strict=True)) / var if var else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--per-session", type=int, default=4, help="uploads before a new visitor")
    parser.add_argument("--every", type=float, default=5, help="seconds between memory samples")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "soak.json")
    args = parser.parse_args()
    minutes = min(args.minutes, 60)  # bounded, whatever is asked
    args.out.parent.mkdir(parents=True, exist_ok=True)
    server = Server(args.out.with_suffix(".server.log"))
    samples: list[tuple[float, float]] = []
    began = time.monotonic()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.monotonic() - began, server.rss_mb))
            stop.wait(args.every)

    sampler = threading.Thread(target=sample, daemon=True)
    uploads, errors, after_first, partial = 0, [], None, 0
    start_mb = server.rss_mb
    try:
        sampler.start()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            deadline = began + minutes * 60
            while time.monotonic() < deadline:
                context = browser.new_context(viewport={"width": 1400, "height": 2400})
                page = context.new_page()
                try:
                    page.goto(f"{server.url}/?source=Upload+a+file", timeout=120_000)
                    for _ in range(args.per_session):
                        if time.monotonic() >= deadline:
                            break
                        partial += not upload_and_wait(page, uploads, 180_000)
                        uploads += 1
                        if after_first is None:
                            after_first = server.rss_mb
                except Exception as exc:  # reported, and the soak goes on with a new visitor
                    errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
                finally:
                    context.close()
            browser.close()
    finally:
        stop.set()
        sampler.join()
        end_mb = server.rss_mb
        log = args.out.with_suffix(".server.log")
        server.stop()
    second_half = [(t, m) for t, m in samples if t >= samples[-1][0] / 2]
    result = {
        "minutes": round((time.monotonic() - began) / 60, 1),
        "uploads": uploads,
        "uploads_with_events_hidden": partial,
        "errors": errors,
        "server_tracebacks": log.read_text(errors="replace").count("Traceback"),
        "rss_mb": {
            "start": round(start_mb, 1),
            "after_first_upload": round(after_first or float("nan"), 1),
            "end": round(end_mb, 1),
            "peak": round(max(m for _, m in samples), 1),
            "second_half_mb_per_min": round(slope_mb_per_min(second_half), 2),
            "first_half_mb_per_min": round(
                slope_mb_per_min([s for s in samples if s not in second_half]), 2
            ),
        },
    }
    args.out.write_text(json.dumps(result | {"samples": samples}, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
