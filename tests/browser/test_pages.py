"""The app in a real browser: the charts draw, an upload goes through the file input, and a
selection in the network shows its details. Screenshots go to artifacts/screenshots/ for a human."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

# The two charts, told apart from any other chart by their widget keys ("timeline",
# "network", perhaps with the data set's hash), which Streamlit puts on the container as a class.
TIMELINE = '[class*="st-key-timeline"] [data-testid="stPlotlyChart"]'
NETWORK = '[class*="st-key-network"] [data-testid="stPlotlyChart"]'
DRAWN = ".main-svg"
EXCEPTION = '[data-testid="stException"]'
CHART_TIMEOUT = 60_000  # ms; plotly.js is about 4.7 MB and a cold start on 2 cores is slow
PICKED = re.compile(r"^(Selected|Picked): 1 event$")

# The centre, in page pixels, of the network node whose customdata is the given event id.
# Plotly binds each marker's data to its SVG path (d3's __data__), so the node is found by id,
# not by its position on the page, which changes whenever the layout does.
NODE_CENTRE = """([chart, id]) => {
  const plot = document.querySelector(chart + ' .js-plotly-plot');
  for (const path of plot.querySelectorAll('.scatterlayer .trace .points path')) {
    const trace = path.closest('.trace').__data__?.[0]?.trace;
    if (trace?.customdata?.[path.__data__.i] === id) {
      const box = path.getBoundingClientRect();
      return {x: box.x + box.width / 2, y: box.y + box.height / 2};
    }
  }
  return null;
}"""


def wait_for_charts(page: Page) -> None:
    """Until the timeline and the network are drawn; an app exception fails at once, with its text."""
    for chart in (TIMELINE, NETWORK):
        drawn = page.locator(f"{chart} {DRAWN}, {EXCEPTION}").first
        drawn.wait_for(timeout=CHART_TIMEOUT)
        errors = page.locator(EXCEPTION)
        assert errors.count() == 0, errors.first.inner_text()


def full_screenshot(page: Page, path: Path) -> None:
    """The whole page and no more: Streamlit scrolls inside its main element, so the window is
    sized to the content (main column or sidebar, whichever is taller) before the shot."""
    height = page.evaluate(
        """() => Math.ceil(Math.max(
            document.querySelector('[data-testid="stMainBlockContainer"]')
                .getBoundingClientRect().bottom,
            document.querySelector('[data-testid="stSidebarUserContent"]')
                ?.getBoundingClientRect().bottom ?? 0))"""
    )
    width = page.viewport_size["width"] if page.viewport_size else 1500
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(500)  # plotly re-measures on resize
    page.screenshot(path=str(path), full_page=True)


def node_centre(page: Page, event_id: str) -> dict[str, float]:
    centre = page.evaluate(NODE_CENTRE, [NETWORK, event_id])
    assert centre, f"no node for {event_id!r} in the network"
    return centre


def details(page: Page) -> Locator:
    return page.get_by_role("heading", name=PICKED)


def rappler_headline(page: Page) -> Locator:
    """Rappler's headline in the details panel (the hover label is SVG, not markdown)."""
    return (
        page.get_by_test_id("stMarkdownContainer")
        .filter(has_text="Fact check: North Korea not sending soldiers to aid Russia")
        .first
    )


def test_bundled_case_draws_both_charts(page: Page, screenshots: Path) -> None:
    wait_for_charts(page)

    expect(page.locator(f"{TIMELINE} {DRAWN}").first).to_be_visible()
    expect(page.locator(f"{NETWORK} {DRAWN}").first).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("North Korea offers Russia"))
    ).to_be_visible()
    expect(page.locator(NETWORK).get_by_text("Daily Mail", exact=True)).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    full_screenshot(page, screenshots / "bundled-case.png")


def test_upload_through_the_file_input(
    page: Page, screenshots: Path, german_csv: bytes, tmp_path: Path
) -> None:
    wait_for_charts(page)
    path = tmp_path / "Recherche Nordkorea.csv"
    path.write_bytes(german_csv)

    page.get_by_text("Upload a file", exact=True).click()
    page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', path)

    network = page.locator(NETWORK)
    expect(network.get_by_text("Süddeutsche Zeitung").first).to_be_visible(timeout=CHART_TIMEOUT)
    expect(network.get_by_text("Neue Zürcher Zeitung").first).to_be_visible()
    expect(page.get_by_role("heading", name="Recherche Nordkorea")).to_be_visible()
    wait_for_charts(page)
    full_screenshot(page, screenshots / "upload.png")


def test_a_click_on_a_network_node_shows_its_details(page: Page) -> None:
    wait_for_charts(page)
    node = node_centre(page, "rappler-0817")

    page.mouse.move(node["x"], node["y"])  # plotly picks the clicked point from the hover
    page.mouse.click(node["x"], node["y"])

    expect(details(page)).to_be_visible(timeout=20_000)
    expect(rappler_headline(page)).to_be_visible()
    expect(page.get_by_text("Path back to its earliest source in the data").first).to_be_visible()


def test_a_box_around_a_network_node_shows_its_details(page: Page) -> None:
    wait_for_charts(page)
    network = page.locator(NETWORK)
    network.hover()  # the mode bar shows on hover
    network.locator('[data-title="Box Select"]').click()
    node = node_centre(page, "rappler-0817")

    # A small drag around the node picks it alone.
    page.mouse.move(node["x"] - 8, node["y"] - 8)
    page.mouse.down()
    page.mouse.move(node["x"] + 8, node["y"] + 8, steps=5)
    page.mouse.up()

    expect(details(page)).to_be_visible(timeout=20_000)
    expect(rappler_headline(page)).to_be_visible()
