"""The figure measurer (tests/figmeasure.py) on tiny figures whose answer is known."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest
from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from figmeasure import figure_svg, measure_svg

CHROMIUM = Path("/usr/bin/chromium")
W, H = 500, 400


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    """Debian's Chromium, headless. Missing, it is a failure, not a skip: CI installs it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: apt-get install -y chromium (never `playwright install`)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield browser.new_page(viewport={"width": W, "height": H})
        browser.close()


def _fig(*traces: go.Scatter) -> go.Figure:
    fig = go.Figure(list(traces))
    fig.update_layout(
        showlegend=False,
        margin={"l": 40, "r": 40, "t": 40, "b": 40},
        xaxis={"range": [0, 10], "showticklabels": False, "showgrid": False},
        yaxis={"range": [0, 10], "showticklabels": False, "showgrid": False},
    )
    return fig


def _labels(x: list[float], y: list[float], text: list[str]) -> go.Scatter:
    return go.Scatter(x=x, y=y, text=text, mode="text", textposition="middle center")


def measure(page: Page, fig: go.Figure) -> dict:
    return measure_svg(page, figure_svg(fig, W, H))


def test_overlapping_labels_count_once(page: Page) -> None:
    m = measure(page, _fig(_labels([5, 5.2], [5, 5], ["Overlapping label", "Overlapping label"])))
    assert m["n_texts"] == 2
    assert m["label_overlaps"] == 1
    assert m["overlap_pairs"] == [("Overlapping label", "Overlapping label")]


def test_labels_apart_do_not_overlap(page: Page) -> None:
    m = measure(page, _fig(_labels([2, 8], [2, 8], ["One label", "Another label"])))
    assert m["n_texts"] == 2
    assert m["label_overlaps"] == 0
    assert m["cut_labels"] == 0
    assert m["link_px_through_labels"] == 0


def test_a_line_through_a_label_is_measured(page: Page) -> None:
    line = go.Scatter(x=[0, 10], y=[5, 5], mode="lines")
    m = measure(page, _fig(line, _labels([5], [5], ["A label on the line"])))
    assert m["n_link_paths"] == 1
    # The line crosses the whole label: about its width in px.
    width = m["texts"][0]["box"][2] - m["texts"][0]["box"][0]
    assert 0.5 * width < m["link_px_through_labels"] <= width
    apart = measure(page, _fig(line, _labels([5], [8], ["A label off the line"])))
    assert apart["link_px_through_labels"] == 0


def test_an_ellipsis_is_a_cut_label(page: Page) -> None:
    m = measure(page, _fig(_labels([2, 7], [5, 5], ["Russian Embassy in the DP…", "Whole"])))
    assert m["cut_labels"] == 1
    assert m["cut_list"][0]["text"] == "Russian Embassy in the DP…"


def test_a_label_past_the_edge_is_cut(page: Page) -> None:
    fig = _fig(_labels([10], [5], ["A long label that runs past the edge"]))
    fig.update_traces(cliponaxis=False)
    m = measure(page, fig)
    assert [c["why"] for c in m["cut_list"]] == ["outside"]


def test_markers_on_one_spot_overlap(page: Page) -> None:
    same = go.Scatter(x=[5, 5, 2], y=[5, 5, 2], mode="markers", marker={"size": 14})
    m = measure(page, _fig(same))
    assert m["n_markers"] == 3
    assert m["marker_overlaps"] == 1


def test_open_rings_do_not_count_as_covering(page: Page) -> None:
    dot = go.Scatter(x=[5], y=[5], mode="markers", marker={"size": 14})
    ring = go.Scatter(x=[5], y=[5], mode="markers", marker={"size": 20, "symbol": "circle-open"})
    m = measure(page, _fig(dot, ring))
    assert m["n_markers"] == 2
    assert m["marker_overlaps"] == 0


def test_a_label_on_a_marker(page: Page) -> None:
    dot = go.Scatter(x=[5], y=[5], mode="markers", marker={"size": 14})
    m = measure(page, _fig(dot, _labels([5], [5], ["On the dot"])))
    assert m["label_marker_overlaps"] == 1
    off = measure(page, _fig(dot, _labels([5], [8], ["Off the dot"])))
    assert off["label_marker_overlaps"] == 0
