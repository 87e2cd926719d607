"""The figure measurer (tests/figmeasure.py) on tiny figures whose answer is known."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest
from playwright.sync_api import Browser, Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from figmeasure import figure_svg, measure_svg

W, H = 500, 400


@pytest.fixture(scope="module")
def blank(browser: Browser) -> Iterator[Page]:
    """An empty page of the session's Chromium (Debian's; see conftest), for SVGs."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


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


def measure(blank: Page, fig: go.Figure) -> dict:
    return measure_svg(blank, figure_svg(fig, W, H))


def test_overlapping_labels_count_once(blank: Page) -> None:
    m = measure(blank, _fig(_labels([5, 5.2], [5, 5], ["Overlapping label", "Overlapping label"])))
    assert m["n_texts"] == 2
    assert m["label_overlaps"] == 1
    assert m["overlap_pairs"] == [("Overlapping label", "Overlapping label")]


def test_labels_apart_do_not_overlap(blank: Page) -> None:
    m = measure(blank, _fig(_labels([2, 8], [2, 8], ["One label", "Another label"])))
    assert m["n_texts"] == 2
    assert m["label_overlaps"] == 0
    assert m["cut_labels"] == 0
    assert m["link_px_through_labels"] == 0


def test_a_line_through_a_label_is_measured(blank: Page) -> None:
    line = go.Scatter(x=[0, 10], y=[5, 5], mode="lines")
    m = measure(blank, _fig(line, _labels([5], [5], ["A label on the line"])))
    assert m["n_link_paths"] == 1
    # The line crosses the whole label: about its width in px.
    width = m["texts"][0]["box"][2] - m["texts"][0]["box"][0]
    assert 0.5 * width < m["link_px_through_labels"] <= width
    apart = measure(blank, _fig(line, _labels([5], [8], ["A label off the line"])))
    assert apart["link_px_through_labels"] == 0


def test_an_ellipsis_is_a_cut_label(blank: Page) -> None:
    m = measure(blank, _fig(_labels([2, 7], [5, 5], ["Russian Embassy in the DP…", "Whole"])))
    assert m["cut_labels"] == 1
    assert m["cut_list"][0]["text"] == "Russian Embassy in the DP…"


def test_a_label_past_the_edge_is_cut(blank: Page) -> None:
    fig = _fig(_labels([10], [5], ["A long label that runs past the edge"]))
    fig.update_traces(cliponaxis=False)
    m = measure(blank, fig)
    assert [c["why"] for c in m["cut_list"]] == ["outside"]


def test_markers_on_one_spot_overlap(blank: Page) -> None:
    same = go.Scatter(x=[5, 5, 2], y=[5, 5, 2], mode="markers", marker={"size": 14})
    m = measure(blank, _fig(same))
    assert m["n_markers"] == 3
    assert m["marker_overlaps"] == 1


def test_open_rings_do_not_count_as_covering(blank: Page) -> None:
    dot = go.Scatter(x=[5], y=[5], mode="markers", marker={"size": 14})
    ring = go.Scatter(x=[5], y=[5], mode="markers", marker={"size": 20, "symbol": "circle-open"})
    m = measure(blank, _fig(dot, ring))
    assert m["n_markers"] == 2
    assert m["marker_overlaps"] == 0


def test_a_label_on_a_marker(blank: Page) -> None:
    dot = go.Scatter(x=[5], y=[5], mode="markers", marker={"size": 14})
    m = measure(blank, _fig(dot, _labels([5], [5], ["On the dot"])))
    assert m["label_marker_overlaps"] == 1
    off = measure(blank, _fig(dot, _labels([5], [8], ["Off the dot"])))
    assert off["label_marker_overlaps"] == 0
