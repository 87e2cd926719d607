"""The page in German in a real browser: a visitor whose browser speaks Swiss German gets the
page in de-CH without asking; ?lang=de gives German; both charts draw with German words, and
the screenshots go to artifacts/screenshots/ for a human to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_pages import NETWORK, TIMELINE, full_screenshot, wait_for_charts

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1500, "height": 4200}  # as conftest's page fixture


@pytest.mark.parametrize(
    ("locale", "query", "shot"),
    [("de-CH", "", "german-swiss-browser.png"), ("en-GB", "/?lang=de", "german.png")],
)
def test_the_page_in_german(
    browser: Browser, server: str, screenshots: Path, locale: str, query: str, shot: str
) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    page = context.new_page()
    try:
        page.goto(server + query)
        wait_for_charts(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Sprache", exact=True).first).to_be_visible()
        timeline, network = page.locator(TIMELINE), page.locator(NETWORK)
        expect(timeline.get_by_text("Stand der Behauptung").first).to_be_visible()
        expect(timeline.get_by_text(re.compile(r"^Datum \(UTC\)")).first).to_be_visible()
        expect(network.get_by_text("Staatsfernsehen").first).to_be_visible()
        expect(timeline.get_by_text("Claim status")).to_have_count(0)
        if locale == "de-CH":  # the browser's language chose Swiss German: ss, not ß
            expect(page.get_by_text("ß")).to_have_count(0)
        full_screenshot(page, screenshots / shot)
    finally:
        context.close()
