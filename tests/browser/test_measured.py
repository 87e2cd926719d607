"""The figures as drawn, measured: Chromium lays out each exported SVG (tests/figmeasure.py)
and counts what an editor would reject: labels on labels, labels cut short or off the page,
points hiding points, lines drawn through names.

On the bundled case (its focus, the page's default view, and the whole case) and on two
synthetic cases of the sizes a newsroom meets (a burst of 200 events in one day; 1,000 events
over a year), the default timeline and network must show no overlapping label, no cut label,
no point half-covering another, and under 60 px of links through labels.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page

from claimtrace import analysis, report, wording
from claimtrace.figures.common import Options
from claimtrace.filters import Filters, apply
from claimtrace.inference import infer_links
from claimtrace.ingest import load_bytes, load_path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402
from figmeasure import figure_svg, measure_svg  # noqa: E402

BUNDLED = ROOT / "data" / "cases" / "nk-100k-volunteers" / "events.csv"
MOST_LINK_PX = 60


@pytest.fixture(scope="module")
def blank(browser: Browser) -> Iterator[Page]:
    """An empty page of the session's Chromium (Debian's; see conftest), for SVGs."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _squeezed(n: int, seed: int, span: pd.Timedelta) -> bytes:
    """A synthetic case of `n` events whose times are squeezed (or stretched) into `span`,
    in the same order, so every citation still follows what it cites."""
    table = synth.generate(n, seed=seed)
    when = pd.to_datetime(table["date"], format="mixed")
    lo, hi = when.min(), when.max()
    table["date"] = (lo + (when - lo) / (hi - lo) * span).dt.strftime("%Y-%m-%dT%H:%M")
    table["date_end"] = ""
    return table.to_csv(index=False).encode()


def _module(path: Path):
    """A Python file loaded as a module of its own name (a conftest is not importable by name)."""
    spec = importlib.util.spec_from_file_location(f"shared_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _view(name: str):
    if name == "bundled-focus":
        case = load_path(BUNDLED)
        return case, apply(case, Filters(*case.meta.focus))
    if name in ("bundled-page", "bundled-page-de"):  # as the page opens, with inferred links
        case = load_path(BUNDLED)
        inferred = infer_links(case.events, case.links, max_per_event=1, min_confidence=0.25)
        links = pd.concat([case.links, inferred], ignore_index=True)
        return case, apply(case, Filters(*case.meta.focus), links)
    if name == "bundled-all":
        case = load_path(BUNDLED)
        return case, apply(case, Filters())
    if name == "german-upload":  # a Swiss/German newsroom's semicolon, Windows-1252 file
        files = _module(ROOT / "tests" / "conftest.py")  # the German file the app tests upload
        data = ("\r\n".join((files.GERMAN_HEADER, *files.GERMAN_ROWS)) + "\r\n").encode("cp1252")
        case = load_bytes(data, "Recherche Nordkorea.csv")
        return case, apply(case, Filters())
    if name == "burst-200-in-a-day":
        case = load_bytes(_squeezed(200, 11, pd.Timedelta(hours=23)), "burst.csv")
    else:
        case = load_bytes(_squeezed(1_000, 12, pd.Timedelta(days=365)), "year.csv")
    return case, apply(case, Filters())


CASES = (
    "bundled-focus",
    "bundled-page",
    "bundled-page-de",  # the same in German: longer words, other dates
    "bundled-all",
    "german-upload",
    "burst-200-in-a-day",
    "1000-over-a-year",
)


@pytest.fixture(scope="module", params=CASES)
def drawn(request, blank: Page) -> dict:
    """Both default figures of a case at the page's width, measured as Chromium draws them."""
    case, view = _view(request.param)
    lang = "de" if request.param.endswith("-de") else "en"
    options = Options(timezone=case.meta.timezone, lang=lang)
    # As the page draws them: the wording marks on the network.
    drifts = wording.drifts(case) if request.param.startswith("bundled-page") else ()
    timeline, network = report.figures_for(view, options, "both", drifts=drifts)
    out = {"case": request.param, "network_meta": network.layout.meta}
    for name, fig in (("timeline", timeline), ("network", network)):
        svg = figure_svg(fig, options.width, int(fig.layout.height))
        out[name] = measure_svg(blank, svg)
    return out


@pytest.mark.parametrize("figure", ["timeline", "network"])
def test_no_label_overlaps_another(drawn: dict, figure: str) -> None:
    m = drawn[figure]
    assert m["n_texts"] > 10, "nothing measured: the selectors missed the labels"
    assert m["label_overlaps"] == 0, m["overlap_pairs"]


@pytest.mark.parametrize("figure", ["timeline", "network"])
def test_no_label_is_cut_short_or_off_the_figure(drawn: dict, figure: str) -> None:
    assert drawn[figure]["cut_labels"] == 0, drawn[figure]["cut_list"]


@pytest.mark.parametrize("figure", ["timeline", "network"])
def test_no_point_half_covers_another(drawn: dict, figure: str) -> None:
    assert drawn[figure]["n_markers"] > 3
    assert drawn[figure]["marker_overlaps"] == 0


def test_links_are_not_drawn_through_labels(drawn: dict) -> None:
    m = drawn["network"]
    assert m["n_link_paths"] > 0, "no link measured"
    assert m["link_px_through_labels"] < MOST_LINK_PX


def test_the_network_names_the_story_and_says_what_it_left_unnamed(drawn: dict) -> None:
    meta = drawn["network_meta"]
    labelled = {t["text"] for t in drawn["network"]["texts"] if t["group"] == "point-label"}
    if drawn["case"] == "german-upload":  # every name in full: "Faktencheck Österreich", not "…Ö…"
        assert "Faktencheck Österreich" in labelled and meta["unlabelled"] == 0
    if drawn["case"] in ("bundled-focus", "bundled-page", "bundled-page-de"):
        # The chain a reader must be able to trace, by name, in the default view.
        for name in ("Regnum", "Russian state TV (Igor Korotchenko)", "Daily Mail",
                     "New York Post", "Russian Foreign Ministry", "TASS", "Rappler",
                     "PolitiFact", "RIA Novosti"):  # fmt: skip
            assert name in labelled, f"{name} is not named in the network"
    assert meta["labelled"] + meta["unlabelled"] > 0
    assert meta["labelled"] >= min(20, meta["labelled"] + meta["unlabelled"])


def test_the_story_case_gets_the_compressed_scale_and_the_caption_says_why() -> None:
    case = load_path(BUNDLED)
    view = apply(case, Filters(*case.meta.focus))
    story = analysis.story(view.events, view.links)
    fig = report.figures_for(view, Options(), "network")[0]
    assert story.milestones
    assert fig.layout.meta["scale"].startswith("Time: compressed")
    assert "Chosen because" in fig.layout.meta["scale"]


@pytest.mark.parametrize("width", [780, 1920])  # two printed columns (175 mm); a slide
def test_the_print_and_slide_widths_are_as_clean(blank: Page, width: int) -> None:
    """Laid out for the preset's width (labels placed for it, the legend beneath on the narrow
    one), the bundled case's figures measure as cleanly as on the page."""
    case, view = _view("bundled-focus")
    options = Options(timezone=case.meta.timezone, width=width)
    for fig in report.figures_for(view, options, "both"):
        m = measure_svg(blank, figure_svg(fig, width, int(fig.layout.height)))
        assert m["label_overlaps"] == 0, m["overlap_pairs"]
        assert m["cut_labels"] == 0, m["cut_list"]
        assert m["marker_overlaps"] == 0
        assert m["link_px_through_labels"] < MOST_LINK_PX
