"""Figures are asserted on the figure object, not on pixels."""

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from claimtrace import analysis
from claimtrace.figures import theme
from claimtrace.figures.common import Options
from claimtrace.figures.network import network_figure
from claimtrace.figures.timeline import timeline_figure
from claimtrace.ingest import load_bytes, load_path

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "cases" / "nk-100k-volunteers" / "events.csv"


@pytest.fixture(scope="module")
def case():
    return load_path(BUNDLED)


def ids_in(fig) -> set[str]:
    out = set()
    for trace in fig.data:
        if trace.customdata is not None:
            out.update(str(c) for c in trace.customdata)
    return out


def test_timeline_draws_every_event_once(case):
    fig = timeline_figure(case.events, case.links, Options())
    drawn = [c for t in fig.data if t.customdata is not None for c in t.customdata]
    assert sorted(drawn) == sorted(case.events["id"])


def test_timeline_draws_uncertain_dates_as_bars(case):
    fig = timeline_figure(case.events, case.links, Options())
    bars = [t for t in fig.data if t.mode == "lines" and t.name and t.name.endswith("date range")]
    intervals = case.events["date_precision"].eq("interval").sum()
    segments = sum(sum(1 for x in t.x if x is None) for t in bars)
    assert intervals > 10
    assert segments == intervals


def test_timeline_annotates_milestones_with_ties(case):
    story = analysis.story(case.events, case.links)
    fig = timeline_figure(case.events, case.links, Options(), story)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "First in English" in texts
    # The label names the earliest-starting members only; the tie itself holds both papers.
    assert "Daily Mail" in texts
    first_english = next(m.first for m in story.milestones if m.key == "first_english")
    assert {"dailymail-0805", "nypost-0805"} <= set(first_english.ids)
    assert "(tie)" in texts


def test_network_edges_run_from_cited_to_citing(case):
    fig = network_figure(case.events, case.links, case.external_sources, Options())
    assert ids_in(fig) >= set(case.events["id"])
    external = [t for t in fig.data if t.name == "cited, not in the data"]
    assert external and len(external[0].x) == len(case.external_sources)
    labels = next(t for t in fig.data if t.name == "labels")
    assert "RIA Novosti" in labels.text  # named in full, beside its square
    edges = [t for t in fig.data if t.mode == "lines" and t.name == "documented link (cites)"]
    assert edges
    # One hover point per link, at its middle, saying which event cites which.
    details = [t for t in fig.data if t.name == "documented link (cites) details"]
    assert sum(len(t.x) for t in details) == len(case.links)
    texts = [h for t in details for h in t.hovertext]
    assert any("Daily Mail cites" in h or "dailymail-0805 cites" in h for h in texts)


def test_same_input_same_picture(case):
    a = network_figure(case.events, case.links, case.external_sources, Options()).to_json()
    b = network_figure(case.events, case.links, case.external_sources, Options()).to_json()
    assert a == b


@pytest.mark.parametrize("lanes", ["outlet_type", "country", "language"])
@pytest.mark.parametrize("colour", ["language", "country", "outlet_type", "stance", "evidence"])
def test_every_lane_and_colour_choice_draws(case, lanes, colour):
    options = Options(lanes=lanes, colour=colour)
    t = timeline_figure(case.events, case.links, options)
    n = network_figure(case.events, case.links, case.external_sources, options)
    assert ids_in(t) == set(case.events["id"])
    assert ids_in(n) >= set(case.events["id"])
    legend = [x.name for x in t.data if x.showlegend is not False and x.name]
    assert len(legend) == len(set(legend)), "a legend entry appears twice"


def test_user_markup_is_shown_as_text():
    data = (
        b"id,date,outlet,headline\n"
        b'x1,2022-08-05,<b>Evil</b><script>alert(1)</script>,"<img src=x onerror=alert(1)>"\n'
    )
    case = load_bytes(data, "evil.csv")
    fig = timeline_figure(case.events, case.links, Options())
    # Decode plotly's JSON (it writes "<" as \u003c) and look at the text as plotly.js gets it.
    spec = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)
    assert "<script>" not in spec and "<img" not in spec and "<b>Evil" not in spec
    assert "&lt;script&gt;" in spec and "&lt;img src=x" in spec


@pytest.mark.parametrize("choice", ["calendar", "compressed"])
def test_both_charts_put_a_moment_at_the_same_x(case, choice):
    """Same range, same plot width, same x for the same moment, in either time scale."""
    options = Options(time_scale=choice)
    story = analysis.story(case.events, case.links)
    t = timeline_figure(case.events, case.links, options, story)
    n = network_figure(case.events, case.links, case.external_sources, options, story)
    assert list(t.layout.xaxis.range) == list(n.layout.xaxis.range)
    assert (t.layout.margin.l, t.layout.margin.r) == (n.layout.margin.l, n.layout.margin.r)
    assert (
        t.layout.xaxis.type == n.layout.xaxis.type == ("date" if choice == "calendar" else "linear")
    )
    if choice == "compressed":
        assert list(t.layout.xaxis.tickvals) == list(n.layout.xaxis.tickvals)


def test_no_network_label_is_cut_with_an_ellipsis(case):
    fig = network_figure(case.events, case.links, case.external_sources, Options())
    labels = next(t for t in fig.data if t.name == "labels")
    assert not [t for t in labels.text if "…" in t]
    assert "Russian state TV (Igor Korotchenko)" in labels.text


def test_the_legend_keeps_every_link_kind_drawn_after_a_pick(case):
    links = case.links.copy()
    extra = links.iloc[:1].assign(kind="inferred", confidence=0.5, reason="test")
    links = pd.concat([links, extra], ignore_index=True)
    picked = ("politifact-0929",)
    fig = network_figure(case.events, links, case.external_sources,
                         Options(selected=picked, highlight=picked))  # fmt: skip
    shown = {t.name for t in fig.data if t.showlegend is not False and t.mode == "lines"}
    assert {"documented link (cites)", "inferred link"} <= shown


def test_empty_view_gives_a_message_not_an_error(case):
    empty = case.events.iloc[0:0]
    fig = timeline_figure(empty, case.links.iloc[0:0], Options())
    assert "No events" in fig.layout.annotations[0].text
    fig = network_figure(empty, case.links.iloc[0:0], case.external_sources.iloc[0:0], Options())
    assert "No events" in fig.layout.annotations[0].text


def test_picking_fades_everything_off_the_path(case):
    from claimtrace import diffusion

    story = analysis.story(case.events, case.links)
    up, down = diffusion.lineage(case.links, "dailymail-0805")
    keep = ("dailymail-0805", *up, *down)
    options = Options(selected=("dailymail-0805",), highlight=keep)
    for fig in (
        timeline_figure(case.events, case.links, options, story),
        network_figure(case.events, case.links, case.external_sources, options, story),
    ):
        for trace in fig.data:
            if trace.customdata is None or str(trace.customdata[0]).startswith("external:"):
                continue
            for event_id, opacity in zip(trace.customdata, trace.marker.opacity, strict=True):
                assert opacity == (1.0 if event_id in keep else theme.FADED_OPACITY), event_id
        rings = [t for t in fig.data if t.name and t.name.startswith("jump into")]
        assert rings and min(rings[0].marker.opacity) == theme.FADED_OPACITY
    assert "regnum-0802" in up and "bcnn1-0805" in down


@pytest.mark.parametrize("which", ["timeline", "network"])
def test_every_other_lane_is_shaded_behind_the_points(case, which):
    story = analysis.story(case.events, case.links)
    if which == "timeline":
        fig = timeline_figure(case.events, case.links, Options(), story)
    else:
        fig = network_figure(case.events, case.links, case.external_sources, Options(), story)
    shades = [s for s in fig.layout.shapes if s.fillcolor == theme.LANE_SHADE]
    lanes = case.events["outlet_type"].nunique()
    assert len(shades) == (lanes + 1) // 2
    assert all(s.layer == "below" and s.xref == "x domain" and s.yref == "y" for s in shades)
    bands = sorted((s.y0, s.y1) for s in shades)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(bands))  # a gap between


def test_unknown_never_shares_a_colour_and_the_rest_are_named_as_other():
    """Nine languages and some rows without one: seven get the palette, the two rarest share
    the grey "Other (2)" entry that names them, and "Unknown" keeps its own paler grey."""
    languages = ["en"] * 9 + ["ru"] * 8 + ["de"] * 7 + ["fr"] * 6 + ["es"] * 5 + ["it"] * 4
    languages += ["ko"] * 3 + ["pl"] * 2 + ["uk"] * 1 + [""] * 2
    rows = [f"e{i},2022-08-{1 + i % 20:02d},Outlet {i},{lang}" for i, lang in enumerate(languages)]
    case = load_bytes(("id,date,outlet,language\n" + "\n".join(rows)).encode(), "many.csv")
    fig = timeline_figure(case.events, case.links, Options(colour="language"))
    swatches = [t for t in fig.data if t.legendgroup and t.legendgroup.startswith("colour-")
                and t.showlegend is not False and t.hoverinfo == "skip"]  # fmt: skip
    colours = [t.marker.color for t in swatches]
    assert len(colours) == len(set(colours)), "two legend entries share a colour"
    by_name = {t.name: t.marker.color for t in swatches}
    assert by_name["Unknown"] == theme.UNKNOWN_COLOUR
    other = next(n for n in by_name if n.startswith("Other (2)"))
    assert "Polish" in other and "Ukrainian" in other
    assert by_name[other] == theme.OTHER_COLOUR != theme.UNKNOWN_COLOUR


def test_a_relayed_denial_has_its_own_shape_legend_and_hover(case):
    fig = timeline_figure(case.events, case.links, Options(colour="language"))
    shapes = {t.name: t.marker.symbol for t in fig.data if t.legendgroup == "stance"}
    assert shapes["Denies"] == theme.STANCE_SYMBOLS["denies"]
    assert shapes["Relays a denial it cites"] == theme.RELAY_SYMBOL
    points = [t for t in fig.data if t.customdata is not None and t.mode == "markers"]
    symbol = {i: s for t in points for i, s in zip(t.customdata, t.marker.symbol, strict=True)}
    hover = {i: h for t in points for i, h in zip(t.customdata, t.hovertext, strict=True)}
    assert symbol["tass-0811"] == theme.RELAY_SYMBOL and symbol["mfa-0811"] == "square"
    assert "relays a denial it cites" in hover["tass-0811"]
    assert "relays" not in hover["mfa-0811"]


# --- the wording marks and the figures' language ------------------------------------------------


def test_the_network_marks_the_links_whose_wording_hardened(case):
    from claimtrace import wording

    drifts = wording.drifts(case)
    fig = network_figure(case.events, case.links, case.external_sources, Options(), None,
                         drifts=drifts)  # fmt: skip
    (marks,) = [t for t in fig.data if t.legendgroup == "wording"]
    hardened = {(h.source, h.target) for h in drifts if any(map(wording.hardens, h.drifts))}
    documented = set(zip(case.links["source"], case.links["target"], strict=True))
    assert len(marks.x) == len(hardened & documented) > 5
    assert any("hedge dropped" in t for t in marks.hovertext)
    assert any("“volunteers” → “soldiers”" in t for t in marks.hovertext)
    plain = network_figure(case.events, case.links, case.external_sources, Options())
    assert not [t for t in plain.data if t.legendgroup == "wording"]


@pytest.mark.parametrize(
    ("kind", "before", "after", "marked"),
    [
        ("hedge_dropped", "reportedly", "", True),
        ("hedge_added", "", "reportedly", False),
        ("number_changed", "up to 100,000", "100,000", True),
        ("number_changed", "100,000", "", False),  # only left out
        ("term_changed", "volunteers", "troops", True),
        ("attribution_dropped", "Regnum", "Daily Mail", False),  # marked on the event instead
    ],
)
def test_which_drifts_harden_the_claim(kind, before, after, marked):
    from claimtrace.wording import Drift, hardens

    assert hardens(Drift(kind, before, after)) is marked


def test_the_figures_in_german(case):
    story = analysis.story(case.events, case.links)
    options = Options(lang="de")
    timeline = timeline_figure(case.events, case.links, options, story)
    network = network_figure(case.events, case.links, case.external_sources, options, story)
    parts = [json.loads(timeline.to_json()), json.loads(network.to_json())]
    text = json.dumps(parts, ensure_ascii=False)
    for german in ("Staatsfernsehen", "Stand der Behauptung", "Erstes Auftreten", "Datum (UTC)",
                   "Haltung (Form)", "belegte Verbindung (zitiert)", "Russisch", "Aug."):  # fmt: skip
        assert german in text, german
    for english in ("Wire service", "Digital outlet", "Claim status", "First appearance", "Stance (shape)",
                    "documented link", "Russian\"", "Date (UTC)"):  # fmt: skip
        assert english not in text, english
