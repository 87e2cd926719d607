"""The case store in the real browser: copy the bundled case, edit a cell in the table editor,
save, reload the page, and find the edit kept (issue: cases that live)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EDITOR = '[class*="st-key-case-editor-"] [data-testid="stDataFrame"]'
NEW_HEADLINE = "Edited in the browser: the volunteers claim"


def idle(page: Page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=120_000)


def test_a_case_edited_in_the_table_editor_is_there_after_a_reload(page: Page, screenshots) -> None:
    page.get_by_role("button", name="Copy into the case store, to edit it").click(timeout=120_000)
    expect(page.get_by_text(re.compile(r"Revision 1 \(the latest\)"))).to_be_visible(timeout=60_000)
    idle(page)
    page.locator('[data-testid="stExpander"] summary', has_text="Edit this case").click()
    grid = page.locator(EDITOR)
    expect(grid).to_be_visible(timeout=30_000)
    grid.scroll_into_view_if_needed()
    # The editor is a canvas (glide-data-grid) with an accessible table beside it that says
    # which cell is selected. Click a cell of the first row, walk to its headline with the arrow
    # keys (checking the selection), then edit as a person does: Enter, select all, type, Enter.
    header = grid.locator('[role="columnheader"]', has_text=re.compile(r"^headline$"))
    target = int(header.get_attribute("aria-colindex"))
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 35 + 17)
    selected = grid.locator('[role="gridcell"][aria-selected="true"]')
    expect(selected).to_have_count(1, timeout=10_000)
    col, row = map(int, selected.get_attribute("id").split("-")[-2:])  # glide-cell-COL-ROW
    keys = ["ArrowRight" if target > col else "ArrowLeft"] * abs(target - col) + ["ArrowUp"] * row
    for key in keys:
        page.keyboard.press(key)
    cell = grid.locator(f'[id="glide-cell-{target}-0"]')
    expect(cell).to_have_attribute("aria-selected", "true", timeout=10_000)
    page.keyboard.press("Enter")
    overlay = page.locator("#portal textarea, #portal input").first
    expect(overlay).to_be_visible(timeout=10_000)
    overlay.fill(NEW_HEADLINE)
    page.keyboard.press("Enter")
    idle(page)
    expect(page.get_by_text(re.compile(r"Unsaved: 1 row changed"))).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Save as revision 2").click()
    expect(page.get_by_text(re.compile(r"Saved as revision 2"))).to_be_visible(timeout=60_000)
    idle(page)
    assert re.search(r"[?&]rev=2\b", page.url)
    page.screenshot(path=str(screenshots / "store-saved.png"), full_page=True)

    page.reload()
    expect(page.get_by_text(re.compile(r"Revision 2 \(the latest\)"))).to_be_visible(
        timeout=120_000
    )
    idle(page)
    page.locator('[data-testid="stExpander"] summary', has_text="Edit this case").click()
    grid = page.locator(EDITOR)
    expect(grid).to_contain_text(NEW_HEADLINE, timeout=30_000)
    page.screenshot(path=str(screenshots / "store-reloaded.png"), full_page=True)
    page.get_by_role("tab", name="History").click()
    history = page.locator('[data-testid="stDataFrame"]', has_text="1 row changed")
    expect(history).to_contain_text("headline", timeout=30_000)
    page.screenshot(path=str(screenshots / "store-history.png"), full_page=True)


def test_the_wording_tab_reads_word_by_word(page: Page, screenshots) -> None:
    """Issue 15's wording along the path, as a reader sees it: struck-through and bold words."""
    panel = page.locator('[data-testid="stExpander"] summary', has_text="Who was first")
    panel.click(timeout=120_000)  # the analysis panel, made when opened
    tab = page.get_by_role("tab", name="Wording")
    tab.click(timeout=60_000)
    idle(page)
    panel = page.locator('[role="tabpanel"]', has_text="documented links change the wording")
    expect(panel).to_be_visible(timeout=60_000)
    expect(panel.locator("del").first).to_be_visible()  # a dropped word, struck through
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "wording.png"), full_page=True)
