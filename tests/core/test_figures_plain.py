"""The figures as plain dictionaries: what the page sends is what plotly would send."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from claimtrace import analysis
from claimtrace.figures.common import (
    Options,
    Spec,
    dates_as_text,
    figure,
    page_ready,
    time_scale,
)
from claimtrace.figures.network import network_spec, outlet_network_spec
from claimtrace.figures.timeline import timeline_spec
from claimtrace.filters import Filters, apply, documented_only
from claimtrace.ingest import load_path
from components.charts import Drawn

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "cases" / "nk-100k-volunteers" / "events.csv"


@pytest.fixture(scope="module")
def view():
    case = load_path(BUNDLED)
    return case, apply(case, Filters(), case.links)


def _specs(case, view, options):
    story = analysis.story(view.events, documented_only(view).links)
    return {
        "timeline": timeline_spec(view.events, view.links, options, story, basis=view.events),
        "network": network_spec(view.events, view.links, view.externals, options, story),
        "outlets": outlet_network_spec(view.events, view.links, options),
    }


@pytest.mark.parametrize(
    "change",
    [{}, {"time_scale": "calendar"}, {"width": 700, "lang": "de", "colour": "stance"}],
    ids=["compressed", "calendar", "narrow-german"],
)
def test_page_sends_what_plotly_would_send(view, change):
    """The page's JSON (no plotly object made) is the go.Figure's JSON (keys in another
    order)."""
    case, shown = view
    ids = shown.events["id"].tolist()
    options = replace(Options(timezone=case.meta.timezone), selected=(ids[3],), **change)
    for name, spec in _specs(case, shown, options).items():
        sent = pio.to_json(page_ready(spec), validate=False)
        made = figure(spec)
        assert isinstance(made, go.Figure)
        assert json.loads(sent) == json.loads(pio.to_json(made, validate=False)), name
        assert len(json.loads(sent)["data"]) == len(made.data) > 0


@pytest.mark.parametrize(
    ("rows", "heights", "spacing"),
    [(3, [300, 40, 90], 14 / 472), (3, [34, 0, 90], 0.1), (3, [5000, 40, 90], 28 / 5158),
     (2, [1, 3], 0.0), (1, [7], 0.2), (4, [0.3, 0.1, 0.2, 0.4], 1 / 30)],
)  # fmt: skip
def test_subplots_layout_is_make_subplots_arithmetic(rows, heights, spacing):
    """The timeline's three panels laid out as plotly's make_subplots lays them out, to the
    last bit of every domain, with no plotly figure made."""
    from plotly.subplots import make_subplots

    from claimtrace.figures.timeline import subplots_layout

    grid = make_subplots(rows=rows, cols=1, shared_xaxes=True, row_heights=heights,
                         vertical_spacing=spacing)  # fmt: skip
    made = grid.layout.to_plotly_json()
    made.pop("template")  # the theme's replaces it
    assert subplots_layout(rows, heights, spacing) == made


def test_page_ready_leaves_the_spec_as_it_was(view):
    case, shown = view
    spec = _specs(case, shown, Options(timezone=case.meta.timezone))["timeline"]
    before = pio.to_json(figure(spec), validate=False)
    page_ready(spec)
    assert spec["layout"]["template"] == "plotly_white"
    assert pio.to_json(figure(spec), validate=False) == before


def test_drawn_hands_streamlit_the_dictionary_unchecked(view):
    """st.plotly_chart asks a plotly figure for to_dict() (plotly.tools); Drawn gives the
    page's dictionary itself."""
    import plotly.tools

    case, shown = view
    ready = page_ready(_specs(case, shown, Options(timezone=case.meta.timezone))["network"])
    drawn = Drawn(ready)
    assert plotly.tools.return_figure_from_figure_or_data(drawn, validate_figure=True) is ready
    assert drawn.meta["labelled"] + drawn.meta["unlabelled"] == len(shown.events)
    assert drawn.figure().layout.height == ready["layout"]["height"]


def test_dates_as_text_is_isoformat():
    rng = np.random.default_rng(1)
    ns = rng.integers(-2_208_988_800 * 10**9, 4_102_444_800 * 10**9, 3_000)
    ns[::3] = ns[::3] // 10**9 * 10**9  # whole seconds
    ns[1::3] = ns[1::3] // 1000 * 1000  # whole microseconds
    values = np.array(list(pd.to_datetime(ns)), dtype=object)
    values[::7] = None
    got = dates_as_text(values).tolist()
    assert got == [None if v is None else v.isoformat() for v in values]
    assert {len(t) for t in got if t} == {19, 26, 29}
    numbers = np.array([1.5, None, 2.0], dtype=object)
    assert dates_as_text(numbers) is numbers


def test_spec_spells_short_names_out():
    fig = Spec(rows=2)
    fig.update_layout(paper_bgcolor="white", title=None, legend_font_size=12)
    fig.add_trace({"type": "scatter", "x": [1], "legendgrouptitle_text": None}, row=2)
    fig.add_shape(type="rect", x0=0, x1=1, y0=0, y1=1, line_width=0, row=2)
    fig.update_yaxes(title_text="n", row=2)
    fig.update_xaxes(range=[0, 1])
    made = fig.to_dict()
    assert made["layout"]["paper_bgcolor"] == "white"
    assert "title" not in made["layout"]
    assert made["layout"]["legend"] == {"font": {"size": 12}}
    assert made["data"] == [{"type": "scatter", "x": [1], "xaxis": "x2", "yaxis": "y2"}]
    assert made["layout"]["shapes"][0]["line"] == {"width": 0}
    assert made["layout"]["shapes"][0]["xref"] == "x2"
    assert made["layout"]["yaxis2"] == {"title": {"text": "n"}}
    assert made["layout"]["xaxis"]["range"] == made["layout"]["xaxis2"]["range"] == [0, 1]
    assert figure(made).layout.shapes[0].line.width == 0


def test_axis_text_is_axis_x_as_plotly_writes_it(view):
    case, shown = view
    for kind in ("calendar", "compressed"):
        options = Options(timezone=case.meta.timezone, time_scale=kind)
        axis = time_scale(shown.events, options)
        x = np.linspace(-20.0, axis.width + 20.0, 2_001)
        want = [v.isoformat() if kind == "calendar" else v for v in axis.axis_x(x)]
        assert axis.axis_text(x) == want
