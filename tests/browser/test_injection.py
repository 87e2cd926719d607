"""Hostile text in a real browser: a file full of HTML, Markdown and script is shown as text.

One visitor uploads it, opens every view (both charts, hovered and clicked, the details panel,
the events table, the problems, the share link, the analysis tabs, the outlet network, the
export panel) and the page must never run, load or link what the file holds: no dialog, no
injected element, no script but the page's own, no link but http(s), no request leaving
the machine. The upload limit is checked here too: it is the first guard a hostile file meets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

TIMELINE = '[class*="st-key-timeline"] [data-testid="stPlotlyChart"]'
NETWORK = '[class*="st-key-network"] [data-testid="stPlotlyChart"]'
OUTLETS = '[class*="st-key-outlets"] [data-testid="stPlotlyChart"]'
EXCEPTION = '[data-testid="stException"]'
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART_TIMEOUT = 60_000

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">click</a>'
MARKDOWN = "[click](javascript:alert(1)) **bold** `code` <b>b</b>"
TRACKER = "![t](https://tracker.invalid/pixel.png)"
EVERYWHERE = f"{SCRIPT} {IMG} {LINK} {MARKDOWN}"

# Anything in the page that a payload could have made: an element, a handler, a link that is
# not http(s). (An http(s) address in text may become a link: that is the README's rule.)
INJECTED_JS = r"""() => {
  const found = [];
  for (const img of document.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    if (src === 'x' || src.includes('tracker.invalid')) found.push('img ' + src);
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href').trim().toLowerCase();
    if (!/^(https?:|#|\/|\?)/.test(href)) found.push('a ' + href);  // links are http(s) only
    const text = a.textContent.trim();
    if (text === 'click' || text === 'n') found.push('a made by Markdown: ' + text);
  }
  for (const s of document.querySelectorAll('script')) {
    const text = s.textContent || '';
    if (text.includes('alert(1)')) found.push('script ' + text.slice(0, 80));
  }
  for (const el of document.querySelectorAll('[onerror], [onload], [onclick], iframe, object, embed'))
    found.push('element ' + el.outerHTML.slice(0, 80));
  return found;
}"""
# Every point of a chart, with the centre of its marker (plotly binds data to the SVG paths).
POINTS_JS = """(chart) => {
  const plot = document.querySelector(chart + ' .js-plotly-plot');
  const out = [];
  for (const path of plot.querySelectorAll('.scatterlayer .trace .points path')) {
    const trace = path.closest('.trace').__data__?.[0]?.trace;
    const id = trace?.customdata?.[path.__data__.i];
    const box = path.getBoundingClientRect();
    if (id && box.width) out.push({id: String(id), x: box.x + box.width / 2, y: box.y + box.height / 2});
  }
  return out;
}"""


def hostile_events(url_of_second: str = "javascript:alert(1)") -> list[dict]:
    return [
        {
            "id": "origin",
            "date": "2022-08-02",
            "outlet": "Origin " + EVERYWHERE,
            "outlet_type": "state_tv",
            "country": "RU",
            "language": "ru",
            "headline": "Headline " + EVERYWHERE,
            "url": "javascript:alert(1)",
            "notes": "Notes " + EVERYWHERE,
            "stance": "originates",
            f"extra {IMG}": "Extra " + EVERYWHERE,
        },
        {
            "id": f"second {IMG}",
            "date": "2022-08-03T10:00+02:00",
            "outlet": "Tabloid " + MARKDOWN,
            "outlet_type": "tabloid",
            "country": "GB",
            "language": "en",
            "headline": '=HYPERLINK("https://evil.invalid") ' + LINK,
            "url": url_of_second,
            "cites": "origin",
            "notes": "data:text/html,<script>alert(1)</script>",
            f"extra {IMG}": "@SUM(1)",
        },
        {
            "id": "third",
            "date": "2022-08-04",
            "outlet": "Wire " + IMG,
            "outlet_type": "wire",
            "country": "US",
            "language": "en",
            "headline": "plain",
            "url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "cites": f"second {IMG};Ghost {SCRIPT}",
            "stance": "repeats",
        },
        {
            "id": "check",
            "date": "2022-08-05",
            "outlet": "Checker",
            "outlet_type": "fact_checker",
            "country": "DE",
            "language": "de",
            "headline": "debunked " + SCRIPT,
            "url": "https://example.invalid/ok",
            "cites": "third",
            "stance": "debunks",
        },
        {"id": "", "date": "someday " + SCRIPT, "outlet": IMG},  # rejected: the Problems panel
    ]


def hostile_file(**case: str) -> bytes:
    meta = {"title": "Hostile case", "claim": "A claim", "summary": "A summary"} | case
    return json.dumps({"case": meta, "events": hostile_events()}, ensure_ascii=False).encode()


class Visitor:
    """A browser context of its own (so its own Streamlit session) that records whatever a
    payload could set off: dialogs, requests leaving the machine, errors in the page."""

    def __init__(self, browser: Browser, server: str) -> None:
        self.context = browser.new_context(viewport={"width": 1500, "height": 4200})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.offsite: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on(
            "request",
            lambda r: (
                None if r.url.startswith((server, "data:", "blob:")) else self.offsite.append(r.url)
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(server)

    def upload(self, data: bytes, name: str) -> None:
        page = self.page
        page.get_by_text("Upload a file").click(timeout=CHART_TIMEOUT)
        page.set_input_files(
            UPLOAD, files=[{"name": name, "mimeType": "application/json", "buffer": data}]
        )
        for chart in (TIMELINE, NETWORK):
            page.locator(f"{chart} .main-svg, {EXCEPTION}").first.wait_for(timeout=CHART_TIMEOUT)
            assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()

    def injected(self) -> list[str]:
        return self.page.evaluate(INJECTED_JS)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(browser: Browser, server: str) -> Iterator[Visitor]:
    v = Visitor(browser, server)
    yield v
    v.close()


def open_expander(page: Page, title: str) -> None:
    details = page.locator('[data-testid="stExpander"] details', has_text=title).first
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details).to_have_attribute("open", "")


def hover_every_point(page: Page, chart: str) -> list[str]:
    """Hover each point of a chart; returns the hover labels' text as a reader sees it."""
    seen = []
    for point in page.evaluate(POINTS_JS, chart):
        page.mouse.move(point["x"], point["y"])
        label = page.locator(f"{chart} .hoverlayer .hovertext")
        try:
            label.first.wait_for(timeout=2_000)
        except Exception:  # a point under another one's label: its neighbour shows it
            continue
        seen.append(label.first.text_content() or "")
        # The label is SVG text made by plotly: no element of the payload made it in.
        assert (
            page.locator(f"{chart} .hoverlayer").evaluate(
                "el => el.querySelectorAll('image, foreignObject, a, script').length"
            )
            == 0
        )
    page.mouse.move(1, 1)
    return seen


def test_a_hostile_file_is_shown_as_text_in_every_view(visitor: Visitor, screenshots: Path):
    page = visitor.page
    visitor.upload(hostile_file(), "hostile.json")

    labels = hover_every_point(page, TIMELINE) + hover_every_point(page, NETWORK)
    assert any(SCRIPT in label for label in labels), labels  # the payload, to read, as text
    assert any(IMG in label for label in labels), labels

    # A click on the origin's node opens its details: text, and its javascript: link as text.
    origin = next(p for p in page.evaluate(POINTS_JS, NETWORK) if p["id"] == "origin")
    page.mouse.click(origin["x"], origin["y"])
    expect(page.get_by_text(re.compile(r"^Picked: \d+ event"))).to_be_visible(timeout=30_000)
    panel = page.get_by_test_id("stMarkdownContainer").filter(has_text="Origin <script>").first
    expect(panel).to_be_visible()
    expect(page.get_by_text("Link (not a web address, shown as text)").first).to_be_visible()

    # Every other view: the events table (and its search), problems, share link, tabs, export.
    page.wait_for_selector(IDLE)
    open_expander(page, "Events table")  # made when opened, as the analysis panel below
    search = page.get_by_label("Search the events")
    search.fill("<img src=x")  # in three of the four events
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"^3 of 4 events")).first).to_be_visible(timeout=30_000)
    for expander in ("Share this view", "Export: images", "Problems:", "Who was first"):
        open_expander(page, expander)
    for tab in ("Jumps", "Claim status", "Attribution decay", "Firsts"):  # each made when opened
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        page.wait_for_timeout(300)  # the rerun starts
        page.wait_for_selector(IDLE)
    page.locator('[data-testid="stButtonGroup"] button', has_text="Outlets").click()
    page.locator(f"{OUTLETS} .main-svg").first.wait_for(timeout=CHART_TIMEOUT)
    page.wait_for_selector(IDLE)
    hover_every_point(page, OUTLETS)
    page.screenshot(path=str(screenshots / "hostile.png"), full_page=True)

    assert visitor.dialogs == []
    assert visitor.injected() == []
    assert page.locator('img[src="x"]').count() == 0
    assert visitor.offsite == []
    assert page.locator(EXCEPTION).count() == 0
    rejected = page.get_by_text(re.compile(r"Problems: 1 rows rejected"))
    expect(rejected.first).to_be_visible()


def test_title_file_name_and_url_are_text_too(visitor: Visitor):
    # Once Markdown in each (header.py, share.py, sidebar.py, app.py; a ')' in charts.py's link).
    events = hostile_events(url_of_second="https://ok.invalid/a)" + TRACKER)
    meta = {"title": "Title " + TRACKER + MARKDOWN, "claim": "c", "summary": TRACKER + IMG}
    data = json.dumps({"case": meta, "events": events}).encode()
    visitor.upload(data, "![i](x)[n](javascript:alert(1)).json")
    page = visitor.page
    second = next(p for p in page.evaluate(POINTS_JS, NETWORK) if p["id"].startswith("second"))
    page.mouse.click(second["x"], second["y"])
    expect(page.get_by_text(re.compile(r"^Picked: \d+ event"))).to_be_visible(timeout=30_000)
    page.wait_for_selector(IDLE)
    assert visitor.injected() == [] and visitor.offsite == []


def test_a_file_over_the_upload_limit_is_refused_with_a_message(visitor: Visitor, tmp_path: Path):
    page = visitor.page
    page.get_by_text("Upload a file").click(timeout=CHART_TIMEOUT)
    big = tmp_path / "big.csv"
    big.write_bytes(b"id,date,outlet\n" + b"x" * (51 * 2**20))
    page.set_input_files(UPLOAD, big)
    expect(page.get_by_text(re.compile(r"File must be 50(\.0)?\s*MB or smaller"))).to_be_visible(
        timeout=30_000
    )
    assert page.locator(EXCEPTION).count() == 0
    assert page.locator(TIMELINE).count() == 0
