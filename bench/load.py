"""Load: many journalists at once on one server, each opening the bundled case and filtering it.

    python bench/load.py                  # 20 sessions, the issue's test (a few minutes)
    python bench/load.py --sessions 5     # a quick look
    python bench/load.py --ramp 60        # the 20 arriving over a minute, then held together

Starts its own `streamlit run app.py` on a free loopback port and drives N browser contexts of
one headless Chromium (Debian's) at the same time: each opens the page, waits until both charts
are drawn, switches the lanes to countries, then keeps only tabloids, and waits for the charts
each time. Prints one JSON object: the median and 95th percentile time from navigation to both
charts drawn, the same for each filter change, errors (app exceptions, page errors, timeouts)
and the server's memory (VmRSS from /proc) before and after. Bounded in sessions and time;
nothing leaves the machine. Never run in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TIMELINE = '[class*="st-key-timeline"] [data-testid="stPlotlyChart"]'
NETWORK = '[class*="st-key-network"] [data-testid="stPlotlyChart"]'
EXCEPTION = '[data-testid="stException"]'
MAX_SESSIONS = 50  # a bound, whatever is asked


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_s(pid: int) -> float:
    """CPU seconds the process has used (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of the process, from /proc (what the kernel holds for it)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """`streamlit run app.py` on a free loopback port, as the browser tests start it."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"streamlit did not start; see {log}")
            time.sleep(0.2)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                return r.read() == b"ok"
        except OSError:
            return False

    @property
    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    @property
    def cpu_s(self) -> float:
        return cpu_s(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


async def charts_drawn(page: Page, timeout: float) -> None:
    for chart in (TIMELINE, NETWORK):
        await page.locator(f"{chart} .main-svg, {EXCEPTION}").first.wait_for(timeout=timeout)
    if await page.locator(EXCEPTION).count():
        raise RuntimeError(await page.locator(EXCEPTION).first.inner_text())


async def events_shown(page: Page) -> int:
    text = await page.locator('[data-testid="stMetricValue"]').first.inner_text()
    return int(text.replace(",", ""))


async def session(browser, url: str, timeout: float) -> dict:
    """One visitor: open, lanes by country, only tabloids. Seconds for each, or the error."""
    context = await browser.new_context(viewport={"width": 1500, "height": 2400})
    page = await context.new_page()
    page.set_default_timeout(timeout)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    out: dict = {"errors": errors}
    try:
        start = time.perf_counter()
        await page.goto(url, timeout=timeout)
        await charts_drawn(page, timeout)
        out["open"] = time.perf_counter() - start

        start = time.perf_counter()
        await page.get_by_role("radiogroup", name="Lanes").get_by_text("Country").click()
        # Drawn again when the timeline's lanes are countries.
        lane = page.locator(f"{TIMELINE} .ytick text", has_text="Russia")
        await lane.first.wait_for(timeout=timeout)
        await charts_drawn(page, timeout)
        out["lanes"] = time.perf_counter() - start

        everything = await events_shown(page)
        start = time.perf_counter()
        facet = page.locator('[data-testid="stMultiSelect"]', has_text="Outlet type")
        await facet.locator("input").click()
        await page.get_by_role("option", name="Tabloid", exact=True).click()
        await page.keyboard.press("Escape")
        await page.wait_for_function(
            "n => parseInt(document.querySelector('[data-testid=\"stMetricValue\"]')"
            ".innerText.replace(/,/g, '')) < n",
            arg=everything,
            timeout=timeout,
        )
        await charts_drawn(page, timeout)
        out["filter"] = time.perf_counter() - start
    except Exception as exc:  # a timeout or an app exception: counted, reported, not raised
        errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "median_s": round(statistics.median(values), 2) if values else None,
        "p95_s": round(percentile(values, 0.95), 2) if values else None,
        "max_s": round(max(values), 2) if values else None,
    }


async def arriving(delay: float, browser, url: str, timeout: float) -> dict:
    await asyncio.sleep(delay)
    return await session(browser, url, timeout)


async def run(sessions: int, timeout_s: float, ramp_s: float, log: Path) -> dict:
    server = Server(log)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            # One visitor first, so the numbers are of a warm server (imports, first load).
            warm = await session(browser, server.url, timeout_s * 1000)
            before, cpu_before = server.rss_mb, server.cpu_s
            start = time.perf_counter()
            # All at once, or arriving evenly over `ramp_s` seconds; either way held together.
            results = await asyncio.gather(
                *(
                    arriving(i * ramp_s / sessions, browser, server.url, timeout_s * 1000)
                    for i in range(sessions)
                )
            )
            wall = time.perf_counter() - start
            await browser.close()
        after, cpu = server.rss_mb, server.cpu_s - cpu_before
        errors = [e for r in results for e in r["errors"]]
        server_log = log.read_text(errors="replace")
        return {
            "sessions": sessions,
            "arrivals_over_s": ramp_s,
            "cores": len(os.sched_getaffinity(0)),
            "wall_s": round(wall, 1),
            # The server's own share of the work (the browsers run on the same cores).
            "server_cpu_s": round(cpu, 1),
            "server_cpu_s_per_session": round(cpu / sessions, 2),
            "load_average_after": os.getloadavg()[0],
            "warm_up_open_s": round(warm.get("open", float("nan")), 2),
            "to_both_charts": summary([r["open"] for r in results if "open" in r]),
            "lanes_change": summary([r["lanes"] for r in results if "lanes" in r]),
            "filter_change": summary([r["filter"] for r in results if "filter" in r]),
            "completed": sum("filter" in r for r in results),
            "errors": errors,
            "server_tracebacks": server_log.count("Traceback"),
            "server_rss_mb": {"before": round(before, 1), "after": round(after, 1)},
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per step")
    parser.add_argument("--ramp", type=float, default=0, help="arrivals spread over seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "load.json")
    args = parser.parse_args()
    sessions = max(1, min(args.sessions, MAX_SESSIONS))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    ramp = min(max(args.ramp, 0), 600)
    result = asyncio.run(run(sessions, args.timeout, ramp, args.out.with_suffix(".server.log")))
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
