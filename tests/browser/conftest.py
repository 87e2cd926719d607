"""The real thing: `streamlit run app.py` on a free port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1500, "height": 4200}  # tall: Streamlit scrolls inside its own container
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> str:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode()
    except OSError:
        return ""


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served as in production; yields its base URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",  # else it looks up its external IP on the internet
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    # A case store of its own (never the developer's data/store/): SQLite in a temporary folder.
    store = tmp_path_factory.mktemp("store") / "cases.sqlite"
    env = {**os.environ, "CLAIMTRACE_DATABASE_URL": f"sqlite:///{store}"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while _health(url) != "ok":
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"streamlit did not answer {url}/_stcore/health within "
                        f"{START_TIMEOUT:.0f} s (exit code {process.poll()}):\n"
                        + log_path.read_text(errors="replace")[-3000:]
                    )
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless. Missing, it is a failure, not a skip: CI installs it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found. The browser tests use Debian's Chromium: "
            "apt-get install -y chromium (never `playwright install`)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",  # we run as root in CI containers
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh visitor (own context, own Streamlit session) on the app's front page."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(server)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
