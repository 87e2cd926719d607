"""A large upload in the browser: documented links first, inferred links after, in the background.

The case (5,000 synthetic events, above components.inferring.BACKGROUND_FROM) is drawn with its
documented links while a progress bar says the inferred ones are being worked out; the page
answers meanwhile; when they are ready the network draws them, dashed, and the bar is gone.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from components.inferring import BACKGROUND_FROM

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

NETWORK = '[class*="st-key-network"] [data-testid="stPlotlyChart"]'
TIMELINE = '[class*="st-key-timeline"] [data-testid="stPlotlyChart"]'
PROGRESS = '[data-testid="stProgress"]'
EXCEPTION = '[data-testid="stException"]'
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'
EVENTS = 5_000


def legend(page: Page) -> list[str]:
    return page.locator(f"{NETWORK} .legendtext").evaluate_all("els => els.map(e => e.textContent)")


class JobCatcher(threading.Thread):
    """Stops (SIGSTOP) the server's inference job as soon as its process appears, so the page
    can be looked at while the work is under way however fast the machine; `go_on` lets it
    run again (SIGCONT). The job is found by its command line: `python -m claimtrace.jobs`."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.pid: int | None = None
        self.done = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 180
        while self.pid is None and time.monotonic() < deadline:
            for entry in os.listdir("/proc"):
                if entry.isdigit() and self._is_job(entry):
                    os.kill(int(entry), signal.SIGSTOP)
                    self.pid = int(entry)
                    break
            time.sleep(0.005)
        self.done.set()

    @staticmethod
    def _is_job(pid: str) -> bool:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                return b"-m\0claimtrace.jobs\0" in handle.read()
        except OSError:
            return False

    def go_on(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGCONT)


def test_a_large_upload_shows_documented_links_first_and_inferred_ones_when_ready(
    page: Page, screenshots: Path, tmp_path: Path
) -> None:
    assert EVENTS > BACKGROUND_FROM
    path = tmp_path / "large case.csv"
    synth.write_csv(EVENTS, path, seed=5)
    page.locator(f"{NETWORK} .main-svg").first.wait_for(timeout=90_000)
    page.get_by_text("Upload a file", exact=True).click()
    catcher = JobCatcher()
    catcher.start()
    page.set_input_files(UPLOAD, path)
    assert catcher.done.wait(180) and catcher.pid, "no inference job was started"

    bar = page.locator(PROGRESS)
    expect(bar).to_be_visible(timeout=120_000)
    expect(bar).to_contain_text("Inferring likely sources in the background")
    expect(page.get_by_role("heading", name="large case")).to_be_visible()
    page.locator(f"{NETWORK} .main-svg").first.wait_for(timeout=60_000)
    page.locator(f"{TIMELINE} .main-svg").first.wait_for(timeout=60_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("Still being worked out")
    assert not any("inferred" in t for t in legend(page)), "no inferred link before they are ready"
    # The page answers meanwhile: lanes by country redraw the charts, and the bar stays.
    sidebar.get_by_text("Country", exact=True).last.click()
    expect(page.locator(TIMELINE).get_by_text("Russia", exact=True).first).to_be_visible(
        timeout=60_000
    )
    expect(bar).to_be_visible()
    page.screenshot(path=str(screenshots / "background-inference.png"))
    catcher.go_on()

    # Ready: the bar goes, the network draws them (its legend names them), the sidebar counts.
    expect(bar).to_have_count(0, timeout=300_000)
    expect(page.locator(f"{NETWORK} .legendtext", has_text="inferred link")).to_have_count(
        1, timeout=120_000
    )
    expect(sidebar).to_contain_text(re.compile(r"[\d,]+ sources inferred for [\d,]+ of"))
    assert page.locator(EXCEPTION).count() == 0
    page.screenshot(path=str(screenshots / "background-inference-done.png"))
