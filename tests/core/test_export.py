"""Exports: every format written and read back; report figures asserted on the figure object.

Images are rendered by one kaleido browser (Debian's chromium), started once for this module,
so each image after the first costs a fraction of a second.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import struct
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pandas as pd
import pypdf
import pytest

from claimtrace import export, report
from claimtrace.__main__ import main
from claimtrace.figures.common import Options
from claimtrace.filters import Filters, View, apply
from claimtrace.ingest import load_bytes, load_path

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "cases" / "nk-100k-volunteers" / "events.csv"
NOW = datetime(2024, 5, 6, 7, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def case():
    return load_path(BUNDLED)


@pytest.fixture(scope="module")
def focus(case):
    filters = Filters(*case.meta.focus)
    return filters, apply(case, filters)


@pytest.fixture(scope="module")
def both(focus):
    """The page's two figures of the focus view; the tests only read them."""
    return report.figures_for(focus[1], Options(), "both")


@pytest.fixture(scope="module")
def renderer():
    """One browser for the images of this module."""
    export.start_renderer()
    yield
    export.stop_renderer()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (no imaging library needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def with_inferred(view: View) -> View:
    """The view plus two inferred links, the second with gaps (no reason, no confidence)."""
    ids = list(view.events.sort_values("date")["id"])
    extra = pd.DataFrame(
        [
            {
                "source": ids[0],
                "target": ids[-1],
                "kind": "inferred",
                "via": None,
                "entry": None,
                "confidence": 0.42,
                "reason": "same language, 2 days later",
            },
            {
                "source": ids[1],
                "target": ids[-2],
                "kind": "inferred",
                "via": None,
                "entry": None,
                "confidence": float("nan"),
                "reason": None,
            },
        ]
    )
    links = pd.concat([view.links, extra], ignore_index=True)
    return View(view.events, links, view.externals, view.hidden)


# --- provenance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("inferred", [False, True], ids=["documented-only", "inferred-shown"])
def test_provenance_names_case_file_hash_filters_time_and_credit(case, inferred):
    filters = Filters("2022-08-01", "2022-08-31", outlet_type=("tabloid", "wire"))
    lines = report.provenance(case, filters, inferred_shown=inferred, now=NOW)
    text = "\n".join(lines)
    assert f"Case: {case.meta.title}" in lines
    assert f"Data: events.csv, SHA-256 {case.source.sha256[:8]}" in lines
    assert "Filters: 2022-08-01 to 2022-08-31; outlet_type: tabloid, wire" in lines
    assert "Exported 2024-05-06 07:08 UTC" in text
    assert case.meta.credit in lines
    assert ("dashed = inferred link" in lines) is inferred


def test_provenance_says_the_time_zone_of_the_filter_days(case):
    zurich = replace(case, meta=replace(case.meta, timezone="Europe/Zurich"))
    lines = report.provenance(zurich, Filters("2022-08-01"), inferred_shown=False, now=NOW)
    assert "Filters: 2022-08-01 to … (days in Europe/Zurich)" in lines


def test_long_footer_items_wrap_and_nothing_is_lost():
    items = ["Case: short", "Filters: " + "; ".join(f"country: C{i}" for i in range(60))]
    lines = report.pack(items, 600, 11)
    limit = int(600 / (11 * report.CHAR))
    assert len(lines) > 2
    assert all(len(line) <= limit for line in lines)
    assert " ".join(lines).replace(" · ", " ").split() == " ".join(items).split()


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("North Korea offers Russia 100,000 volunteers (August 2022)", None),
        ("Über «Fälschungen»: Zürich", "uber-falschungen-zurich"),
        ("!!!", "claimtrace"),
    ],
)
def test_file_stem_is_a_plain_slug(case, title, stem):
    got = report.file_stem(replace(case, meta=replace(case.meta, title=title)))
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", got)
    assert len(got) <= 48
    if stem:
        assert got == stem


# --- the report figure ---------------------------------------------------------------------------


def test_stacked_figure_keeps_every_trace_shape_and_note(both):
    timeline, network = both
    stacked = report.stack(timeline, network)
    assert len(stacked.data) == len(timeline.data) + len(network.data)
    assert len(stacked.layout.shapes) == len(timeline.layout.shapes) + len(network.layout.shapes)
    texts = [a.text for a in stacked.layout.annotations]
    assert texts == [a.text for a in (*timeline.layout.annotations, *network.layout.annotations)]
    # The network's traces sit on the axes after the timeline's, with its lanes as tick labels.
    shift = sum(1 for k in timeline.layout.to_plotly_json() if re.match(r"xaxis\d*$", k))
    lower = stacked.data[len(timeline.data)]
    assert lower.xaxis == f"x{shift + 1}" and lower.yaxis == f"y{shift + 1}"
    moved = stacked.layout[f"yaxis{shift + 1}"]
    assert list(moved.ticktext) == list(network.layout.yaxis.ticktext)
    assert list(moved.range) == list(network.layout.yaxis.range)
    assert stacked.layout.yaxis.ticktext == timeline.layout.yaxis.ticktext


def test_stacked_rows_keep_their_proportions_and_do_not_overlap(both):
    timeline, network = both
    stacked = report.stack(timeline, network, height=1800, top=150, bottom=120)
    names = [k for k in stacked.layout.to_plotly_json() if re.match(r"yaxis\d*$", k)]
    domains = [tuple(stacked.layout[k].domain) for k in names]
    ordered = sorted(domains, reverse=True)
    for (lo, _), (_, hi) in itertools.pairwise(ordered):
        assert hi <= lo  # each row lies wholly below the one above it
    # the network (last axes) takes the bottom band, the timeline's rows the top one
    network_band = domains[-1][1]
    timeline_band = 1 - min(lo for lo, _ in domains[:-1])
    natural = [f.layout.height - f.layout.margin.t - f.layout.margin.b for f in (timeline, network)]
    plot = 1800 - 150 - 120
    assert (timeline_band * plot) / (network_band * plot) == pytest.approx(
        natural[0] / natural[1], rel=0.02
    )


def test_stacked_legend_shows_the_colour_key_once(both):
    stacked = report.stack(*both)
    shown = [(t.legendgroup, t.name) for t in stacked.data if t.showlegend is not False and t.name]
    assert len(shown) == len(set(shown))


def test_report_figure_sizes_titles_and_signs_a_copy(case, focus):
    filters, view = focus
    parts = report.figures_for(view, Options(), "timeline")
    before = json.loads(parts[0].to_json())
    footer = report.provenance(case, filters, inferred_shown=False, now=NOW)
    spec = report.Report("timeline", 1080, 1080, "A <b>title</b>", "The claim & more")
    fig = report.report_figure(parts, spec, footer)
    assert json.loads(parts[0].to_json()) == before  # the page's figure is untouched
    assert (fig.layout.width, fig.layout.height) == (1080, 1080)
    texts = [a.text for a in fig.layout.annotations]
    assert "<b>A &lt;b&gt;title&lt;/b&gt;</b>" in texts  # user text shown, never rendered
    assert "The claim &amp; more" in texts
    foot = texts[-1]
    assert case.source.short_hash in foot and "Exported 2024-05-06 07:08 UTC" in foot
    assert fig.layout.margin.t > parts[0].layout.margin.t
    assert fig.layout.margin.b > parts[0].layout.margin.b
    assert fig.layout.title.text is None


def test_fit_says_when_labels_would_overlap_and_which_height_avoids_it(case, focus, both):
    filters, _ = focus
    parts = both
    footer = report.provenance(case, filters, inferred_shown=False, now=NOW)
    squeezed, enough = report.fit(parts, report.Report("both", 1600, 900), footer)
    assert squeezed < 0.6
    roomy, _ = report.fit(parts, report.Report("both", 1600, enough), footer)
    assert roomy == pytest.approx(1, abs=0.01)


# --- images --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_fig(case, focus):
    """Both charts, report size, with a footer that marks inferred links."""
    filters, view = focus
    view = with_inferred(view)
    parts = report.figures_for(view, Options(), "both")
    footer = report.provenance(case, filters, inferred_shown=True, now=NOW)
    spec = report.Report("both", 1600, 2400, case.meta.title, case.meta.claim)
    return report.report_figure(parts, spec, footer)


@pytest.mark.parametrize(
    ("preset", "scale"), [("report", 1), ("square", 2), ("a4", 3)], ids=["1x", "2x", "3x"]
)
def test_png_has_width_and_height_times_scale(case, focus, both, renderer, preset, scale):
    filters, _ = focus
    width, height = report.SIZES[preset]
    parts = both[:1]
    footer = report.provenance(case, filters, inferred_shown=False, now=NOW)
    fig = report.report_figure(parts, report.Report("timeline", width, height, "T"), footer)
    assert png_size(export.image_bytes(fig, "png", scale)) == (width * scale, height * scale)


def test_svg_holds_the_footer_with_the_file_hash(case, renderer, report_fig):
    svg = export.image_bytes(report_fig, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert f"SHA-256 {case.source.short_hash}" in svg
    assert "Exported 2024-05-06 07:08 UTC" in svg
    assert "dashed = inferred link" in svg
    assert "Data: ClaimTrace research compilation" in svg


def test_pdf_opens_with_one_page(renderer, report_fig):
    pdf = pypdf.PdfReader(io.BytesIO(export.image_bytes(report_fig, "pdf")))
    assert len(pdf.pages) == 1
    # 1600 x 2400 layout pixels are 1200 x 1800 points (96 px = 72 pt per inch)
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1200, 1800)


def test_a4_preset_is_an_a4_page(case, focus, both, renderer):
    filters, _ = focus
    parts = both[1:]
    footer = report.provenance(case, filters, inferred_shown=False, now=NOW)
    fig = report.report_figure(parts, report.Report("network", *report.SIZES["a4"], "T"), footer)
    box = pypdf.PdfReader(io.BytesIO(export.image_bytes(fig, "pdf"))).pages[0].mediabox
    # A4 landscape is 842 x 595 points
    assert float(box.width) == pytest.approx(842, abs=1.5)
    assert float(box.height) == pytest.approx(595, abs=1.5)


def test_images_from_several_threads_each_get_their_own(case, focus, both, renderer):
    """Streamlit renders each session in its own thread; kaleido's server is one queue."""
    filters, _ = focus
    parts = both[:1]
    footer = report.provenance(case, filters, inferred_shown=False, now=NOW)
    sizes = [(700 + 10 * i, 500 + 10 * i) for i in range(4)]
    figs = [report.report_figure(parts, report.Report("timeline", w, h), footer) for w, h in sizes]
    got: dict[int, tuple[int, int]] = {}

    def run(i: int) -> None:
        got[i] = png_size(export.image_bytes(figs[i], "png"))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(figs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert got == dict(enumerate(sizes))


# --- the interactive page ------------------------------------------------------------------------


def test_html_works_offline_and_shows_provenance_as_text(case, focus, both):
    filters, _ = focus
    parts = both
    footer = [*report.provenance(case, filters, inferred_shown=False, now=NOW), "<img src=x>"]
    page = export.interactive_html(
        parts, title="<script>alert(1)</script>", subtitle="", footer=footer
    )
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert page.count("<script") >= 2 and "Plotly.newPlot" in page
    assert page.count("plotly.js v") == 1  # inlined once, for both charts
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "&lt;img src=x&gt;" in page
    assert f"SHA-256 {case.source.short_hash}" in page


# --- tables --------------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+49 30 1234", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("cell", FORMULAS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_csv_cells_that_excel_would_run_are_neutralised(cell):
    # The "cr" case once split its row: with LF line ends a lone CR went out unquoted.
    frame = pd.DataFrame({"id": ["a"], "headline": [cell], "notes": ["fine"], cell: ["x"]})
    rows = list(csv.reader(io.StringIO(export.safe_csv(frame).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["id", "headline", "notes", "'" + cell]  # headers too
    assert rows[1] == ["a", "'" + cell, "fine", "x"]


def test_neutralise_leaves_other_cells_alone():
    assert export.neutralise("Daily Mail") == "Daily Mail"
    assert export.neutralise("a=b") == "a=b"
    assert export.neutralise(5) == 5


def test_events_csv_of_a_loaded_file_is_neutralised(make_csv, load):
    header = ["id", "date", "outlet", "headline", "notes"]
    case = load(make_csv(header, [["a", "2022-08-05", "@Channel", "=cmd|' /C calc'!A0", "ok"]]))
    rows = list(
        csv.DictReader(
            io.StringIO(export.events_csv(case, apply(case, Filters())).decode("utf-8-sig"))
        )
    )
    assert rows[0]["outlet"] == "'@Channel"
    assert rows[0]["headline"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["notes"] == "ok"
    assert rows[0]["date"] == "2022-08-05T00:00:00+00:00"


def test_rejected_rows_csv_is_neutralised(make_csv, load):
    case = load(
        make_csv(["id", "date", "outlet"], [["a", "2022-08-05", "X"], ["", "x", "=HYPERLINK()"]])
    )
    rows = list(csv.reader(io.StringIO(export.rejected_csv(case).decode("utf-8-sig"))))
    assert len(rows) == 2 and "'=HYPERLINK()" in rows[1]


def test_events_json_carries_case_and_provenance_and_loads_back(case, focus):
    filters, view = focus
    footer = report.provenance(case, filters, inferred_shown=False, now=NOW)
    data = export.events_json(case, view, filters, footer)
    document = json.loads(data)
    assert document["case"]["title"] == case.meta.title
    assert document["provenance"]["sha256"] == case.source.sha256
    assert document["provenance"]["filters"] == filters.describe()
    assert document["provenance"]["footer"] == footer
    assert [e["id"] for e in document["events"]] == list(view.events["id"])
    assert document["events"][0]["date"].startswith("2022-")
    again = load_bytes(data, "events.json")
    assert not len(again.rejected)
    assert again.meta.title == case.meta.title
    merged = view.events.merge(again.events, on="id", suffixes=("", "_again"))
    assert len(merged) == len(view.events)
    assert (merged["date"] == merged["date_again"]).all()
    assert (merged["date_end"] == merged["date_end_again"]).all()


# --- the graph -----------------------------------------------------------------------------------


def _same_graph(written: nx.DiGraph, read: nx.DiGraph) -> None:
    assert set(read.nodes) == set(written.nodes)
    assert set(read.edges) == set(written.edges)
    for node, attrs in written.nodes(data=True):
        assert {k: read.nodes[node][k] for k in attrs} == attrs, node
    for s, t, attrs in written.edges(data=True):
        assert {k: read.edges[s, t][k] for k in attrs} == attrs, (s, t)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_reads_back_with_the_same_nodes_edges_and_attributes(focus, tmp_path, fmt):
    _, view = focus
    view = with_inferred(view)
    graph = export.diffusion_graph(view)
    path = tmp_path / f"graph.{fmt}"
    path.write_bytes(export.gexf_bytes(graph) if fmt == "gexf" else export.graphml_bytes(graph))
    read = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    assert isinstance(read, nx.DiGraph)
    _same_graph(graph, read)
    kinds = nx.get_edge_attributes(read, "kind")
    assert set(kinds.values()) == {"documented", "inferred"}
    externals = [n for n, ext in read.nodes(data="external") if ext]
    assert externals and all(n.startswith("external:") for n in externals)
    node = read.nodes[view.events["id"].iloc[0]]
    for key in ("outlet", "outlet_type", "country", "language", "date", "stance", "evidence"):
        assert key in node
    assert node["date"].startswith("2022-")


def test_graph_has_no_missing_values_and_inferred_links_keep_confidence(focus):
    _, view = focus
    graph = export.diffusion_graph(with_inferred(view))
    values = [v for _, a in graph.nodes(data=True) for v in a.values()]
    values += [v for _, _, a in graph.edges(data=True) for v in a.values()]
    assert all(v is not None and v == v for v in values)  # no None, no NaN
    inferred = [a for _, _, a in graph.edges(data=True) if a["kind"] == "inferred"]
    assert sorted(a["confidence"] for a in inferred) == [0.0, 0.42]
    assert {a["reason"] for a in inferred} == {"", "same language, 2 days later"}


# --- the command line ----------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimtrace", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_render_writes_one_file_per_format_and_prints_each_path(tmp_path, case):
    out = run(
        "render", str(BUNDLED), "--out", str(tmp_path / "figs"),
        "--format", "png,svg,html,csv,json,gexf,graphml",
        "--view", "timeline", "--width", "1200", "--height", "800", "--scale", "2",
        "--from", "2022-08-01", "--to", "2022-08-31", "--outlet-type", "tabloid", "State TV",
        "--title", "Test title",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    paths = [Path(line) for line in out.stdout.splitlines()]
    formats = ["png", "svg", "html", "csv", "json", "gexf", "graphml"]
    assert [p.suffix for p in paths] == [f".{f}" for f in formats]
    assert all(p.is_file() and p.parent == tmp_path / "figs" for p in paths)
    png, svg, page, table, document, gexf, graphml = paths
    assert png.name == "north-korea-offers-russia-100-000-volunteers-timeline.png"
    assert png_size(png.read_bytes()) == (2400, 1600)
    text = svg.read_text(encoding="utf-8")
    assert "Test title" in text and case.source.short_hash in text
    assert "outlet_type: tabloid, state_tv" in text
    assert "<script src" not in page.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert rows and {r["outlet_type"] for r in rows} <= {"tabloid", "state_tv"}
    assert len(json.loads(document.read_text(encoding="utf-8"))["events"]) == len(rows)
    assert nx.read_gexf(gexf).number_of_nodes() == nx.read_graphml(graphml).number_of_nodes()


def test_render_exits_three_when_the_browser_does_not_start(tmp_path):
    """A browser that dies at start used to leave the render waiting for ever."""
    out = subprocess.run(
        [sys.executable, "-m", "claimtrace", "render", str(BUNDLED), "--out", str(tmp_path),
         "--format", "png,csv,svg"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "BROWSER_PATH": "/bin/false"},
    )  # fmt: skip
    assert out.returncode == 3
    assert "error: the browser at /bin/false did not start or stopped" in out.stderr
    # one error, and the formats that need no browser are written all the same
    assert out.stderr.count("error: ") == 1
    assert [Path(p).suffix for p in out.stdout.splitlines()] == [".csv"]


def test_render_defaults_to_both_views_tall_enough_to_stay_legible(tmp_path, renderer, capsys):
    assert main(["render", str(BUNDLED), "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    (path,) = out.splitlines()
    assert path.endswith("-both.png")
    width, height = png_size(Path(path).read_bytes())
    # No height asked for: 1600 wide, and as tall as the charts need to keep their on-screen size.
    assert width == 1600 and height > 900
    assert f"height {height}" in err


def test_render_warns_when_an_asked_for_height_squeezes_the_charts(tmp_path, renderer, capsys):
    args = ["render", str(BUNDLED), "--out", str(tmp_path), "--height", "900"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    (path,) = out.splitlines()
    assert png_size(Path(path).read_bytes()) == (1600, 900)
    assert "--height" in err  # the suggestion of a height that keeps labels apart


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "no such file"),
        ([str(BUNDLED), "--format", "png,gif"], "unknown format 'gif'"),
        ([str(BUNDLED), "--from", "05.08.2022"], "not a date as YYYY-MM-DD"),
        ([str(BUNDLED), "--language", "Klingon"], "unknown language 'Klingon'"),
        ([str(BUNDLED), "--width", "20"], "outside 300 to 5000"),
    ],
    ids=["missing-file", "format", "date", "language", "width"],
)
def test_render_exits_two_on_bad_input(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        main(["render", *args, "--out", str(tmp_path)])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_render_exits_two_for_an_unreadable_file(tmp_path, capsys):
    bad = tmp_path / "events.csv"
    bad.write_bytes(b"")
    assert main(["render", str(bad), "--out", str(tmp_path / "out"), "--format", "csv"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("error: ") and out == ""


# --- the docs ------------------------------------------------------------------------------------


def test_readme_exports_section_names_every_format_and_render_option(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("## Exports", 1)[1].split("\n## ", 1)[0].split())
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    options = set(re.findall(r"(--[a-z][a-z-]+)", capsys.readouterr().out)) - {"--help"}
    assert options, "no options found in the help"
    missing = [o for o in sorted(options) if o not in section]
    assert missing == []
    for fmt in export.FORMATS:
        assert fmt.upper() in section or fmt in section, fmt
    assert "OWASP" in section and "`=`, `+`, `-`, `@`, a tab or a carriage return" in section
    for preset in report.SIZES.values():
        assert "{} × {}".format(*preset) in section
