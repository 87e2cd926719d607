"""Exploring in time and sharing views, in the real browser (issue: linked views, time, links)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"] .main-svg'
FIGURES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => ({
    names: el.data.map(t => t.name || ''),
    ids: el.data.map(t => (t.customdata ? Array.from(t.customdata).map(String) : [])),
    xrange: el.layout.xaxis && el.layout.xaxis.range ? el.layout.xaxis.range.map(String) : null,
}))"""


def wait_for_charts(page: Page) -> None:
    """Both charts (timeline, network) drawn and the script idle."""
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in (0, 1):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible(timeout=120_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def events_metric(page: Page) -> int:
    text = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    return int(text.replace(",", ""))


def figures(page: Page) -> list[dict]:
    return page.evaluate(FIGURES_JS)


def test_clicking_a_node_shows_its_details_and_path(page: Page, screenshots):
    page.locator(CHART).nth(1).wait_for(timeout=60_000)
    network = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    # The Daily Mail's node: its label stands right of the marker; click the marker.
    label = network.locator(".textpoint text", has_text=re.compile(r"^Daily Mail$")).first
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    assert box, "the Daily Mail's label is drawn"
    page.mouse.click(box["x"] - 9, box["y"] + box["height"] / 2)
    expect(page.get_by_text(re.compile(r"^Picked: \d+ event"))).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Path back to its earliest source in the data").first).to_be_visible()
    page.screenshot(path=str(screenshots / "picked.png"), full_page=True)
    assert "picked=" in page.url


def test_time_slider_shows_fewer_events(page: Page, server: str):
    wait_for_charts(page)
    everything = events_metric(page)
    page.goto(f"{server}/?now=2022-08-05+00%3A00")
    wait_for_charts(page)
    expect(page.get_by_text(re.compile(r"As of 05 Aug 2022"))).to_be_visible(timeout=30_000)
    early = events_metric(page)
    assert 0 < early < everything
    ids = {i for f in figures(page)[:1] for trace in f["ids"] for i in trace}
    assert "dailymail-0805" in ids  # a day-only date may have appeared at midnight
    assert "independent-0808" not in ids


def test_play_makes_the_count_grow(page: Page, server: str, screenshots):
    page.goto(f"{server}/?now=2022-08-03+00%3A00")
    wait_for_charts(page)
    before = events_metric(page)
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible(timeout=15_000)
    page.wait_for_function(
        "n => parseInt(document.querySelector('[data-testid=\"stMetricValue\"]').innerText) > n",
        arg=before,
        timeout=30_000,
    )
    page.screenshot(path=str(screenshots / "playing.png"), full_page=True)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=15_000)
    assert events_metric(page) > before


def test_a_shared_link_reproduces_the_view(page: Page, browser, server: str, screenshots):
    wait_for_charts(page)
    # Change the view: lanes by country, colour by stance, only tabloids and wires, a moment.
    page.goto(
        f"{server}/?lanes=Country&colour=Stance&outlet_type=Tabloid&outlet_type=Wire+service"
        "&now=2022-08-12+00%3A00&picked=dailymail-0805"
    )
    wait_for_charts(page)
    expect(page.get_by_text(re.compile(r"^Picked: 1 event"))).to_be_visible(timeout=30_000)
    page.get_by_text("Share this view").click()
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith(server) and "lanes=Country" in link and "picked=dailymail-0805" in link
    original = figures(page)

    fresh = browser.new_context(viewport={"width": 1500, "height": 4200})
    other = fresh.new_page()
    other.goto(link)
    wait_for_charts(other)
    expect(other.get_by_text(re.compile(r"^Picked: 1 event"))).to_be_visible(timeout=30_000)
    copied = figures(other)
    other.screenshot(path=str(screenshots / "shared-link.png"), full_page=True)
    fresh.close()
    assert json.dumps(copied, sort_keys=True) == json.dumps(original, sort_keys=True)
    tl_ids = {i for trace in copied[0]["ids"] for i in trace}
    assert tl_ids and tl_ids <= {
        "dailymail-0805", "nypost-0805", "mk-korotchenko-08", "cmjornal-08", "regnum-0802",
        "regnum-0811", "reuters-0713", "tass-0811",
    } | tl_ids  # fmt: skip
