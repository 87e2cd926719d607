"""Correctness at scale: the thinned and counted views, and the fast paths that large cases take.

Speed is measured in bench/, never here. Each fast path is held to the plain way it replaces:
the pyarrow CSV reader to the csv module's, vectorised date parsing and labels to the scalar
ones, the heap-based stacking to the greedy loop, the cycle peeling to networkx.
"""

from __future__ import annotations

import json
import pickle
import random
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pytest

from claimtrace import analysis, diffusion, readers
from claimtrace.dates import format_interval, format_intervals, parse_dates
from claimtrace.fastcsv import PY_WHITESPACE
from claimtrace.figures import common, scale
from claimtrace.figures.common import Options, stack
from claimtrace.figures.network import network_figure
from claimtrace.figures.timeline import timeline_figure
from claimtrace.ingest import load_bytes

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import synth  # noqa: E402
import twitter  # noqa: E402

BUDGET = 300  # points per chart in these tests (MAX_POINTS is 5,000)


@pytest.fixture(scope="module")
def big():
    """A synthetic case of 2,000 events (a thinned chart at BUDGET), with its story."""
    data = synth.generate(2_000, seed=7).to_csv(index=False).encode()
    case = load_bytes(data, "synthetic.csv")
    return case, analysis.story(case.events, case.links)


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scale, "MAX_POINTS", BUDGET)


def drawn_ids(fig) -> set[str]:
    out: set[str] = set()
    for trace in fig.data:
        if trace.customdata is not None:
            out.update(str(c) for c in np.asarray(trace.customdata).ravel())
    return out


def notes(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name == "thinned"]


# --- the thinned view -------------------------------------------------------------------------


def test_thinning_keeps_every_event_the_story_is_about_and_every_pick(big, small_budget) -> None:
    case, story = big
    picked = tuple(case.events["id"].iloc[[5, 500, 1500]])
    options = Options(selected=picked)
    must = scale.story_ids(story) | set(picked)
    must |= set(case.events.loc[case.events["stance"] == "originates", "id"])
    assert scale.story_ids(story), "the case has milestones and jumps"
    for fig in (
        timeline_figure(case.events, case.links, options, story),
        network_figure(case.events, case.links, case.external_sources, options, story),
    ):
        shown = drawn_ids(fig)
        assert must <= shown
        assert len(shown & set(case.events["id"])) <= BUDGET + len(must)


def test_a_thinned_chart_says_so_in_the_figure_itself(big, small_budget) -> None:
    case, story = big
    fig = timeline_figure(case.events, case.links, Options(), story)
    [note] = notes(fig)
    shown = len(drawn_ids(fig) & set(case.events["id"]))
    assert f"Showing {shown:,} of {len(case.events):,} events" in note
    assert "zoom to see all in a range" in note
    net = network_figure(case.events, case.links, case.external_sources, Options(), story)
    assert len(notes(net)) == 1


def test_a_chart_of_few_events_draws_them_all_without_a_note(big) -> None:
    case, story = big
    fig = timeline_figure(case.events, case.links, Options(), story)
    assert notes(fig) == []
    assert set(case.events["id"]) <= drawn_ids(fig)


def test_the_counted_view_adds_up_to_every_event(big, small_budget) -> None:
    case, story = big
    fig = timeline_figure(case.events, case.links, Options(), story)
    [heat] = [t for t in fig.data if t.type == "heatmap"]
    counts = np.nan_to_num(np.asarray(heat.z, dtype=float))
    assert counts.sum() == len(case.events)
    assert counts.shape == (len(heat.y) - 1, len(heat.x) - 1)  # cells between the edges


def test_zoomed_the_counts_add_up_to_the_events_in_range(big, small_budget) -> None:
    case, story = big
    local = case.events["date"].dt.tz_localize(None)
    lo, hi = local.quantile(0.2), local.quantile(0.6)
    options = Options(x_range=(lo.isoformat(), hi.isoformat()))
    fig = timeline_figure(case.events, case.links, options, story)
    [heat] = [t for t in fig.data if t.type == "heatmap"]
    inside = ((local >= lo) & (local <= hi)).sum()
    assert np.nansum(np.asarray(heat.z, dtype=float)) == inside


def test_thinning_spreads_over_lanes_so_a_sparse_lane_keeps_its_events(big) -> None:
    case, _ = big
    lane_sizes = case.events["country"].value_counts()
    rare = lane_sizes[lane_sizes <= 5].index
    kept = scale.thin(case.events, "country", budget=BUDGET).events
    assert len(kept) == BUDGET
    assert set(rare) <= set(kept["country"])


@pytest.mark.parametrize("n, room", [(10, 3), (100, 7), (7, 7), (50, 1), (1000, 999)])
def test_spread_takes_evenly_through_one_cell(n: int, room: int) -> None:
    one = np.zeros(n, dtype=int)
    picked = scale._spread(one, one, np.arange(n), room)
    assert picked.tolist() == sorted({(2 * j + 1) * n // (2 * room) for j in range(room)})


def test_the_same_input_gives_the_same_figure_also_from_a_cache(big, small_budget) -> None:
    """Caches (st.cache_data pickles what it keeps) must hand back what was drawn."""
    case, story = big
    options = Options(lanes="country", colour="stance", selected=(case.events["id"].iloc[9],))
    first = timeline_figure(case.events, case.links, options, story)
    again = timeline_figure(case.events.copy(), case.links.copy(), options, story)
    assert first.to_json() == again.to_json()
    kept, drawn = (json.loads(f.to_json()) for f in (pickle.loads(pickle.dumps(first)), first))
    for figure in (kept, drawn):
        figure["layout"].pop("title", None)  # an empty title comes back as None: no difference
    assert kept == drawn
    net = network_figure(case.events, case.links, case.external_sources, options, story)
    net_again = network_figure(case.events, case.links, case.external_sources, options, story)
    assert net.to_json() == net_again.to_json()


def test_large_charts_draw_points_with_webgl_and_links_as_one_trace(
    big, small_budget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "WEBGL_FROM", 50)
    case, story = big
    fig = network_figure(case.events, case.links, case.external_sources, Options(), story)
    kinds = {t.name: t.type for t in fig.data}
    assert kinds["documented link (cites)"] in ("scatter", "scattergl")
    assert sum(t.name == "documented link (cites)" for t in fig.data) == 1
    points = [t for t in fig.data if t.customdata is not None and t.type == "scattergl"]
    assert points, "a colour group of WEBGL_FROM points and more is drawn with WebGL"


# --- fast paths against the plain ones --------------------------------------------------------


def test_py_whitespace_is_what_str_strip_removes() -> None:
    assert set(PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


CSV_TEXTS = [
    'id,date,outlet\n1,2022-08-01,"A, B"\n2,2022-08-02,"multi\nline"\n',
    "id,date,outlet\r\n1,2022-08-01,X\r\n2,2022-08-02,Y\r\n",
    'id,date,outlet,h\n1,2022-08-01,X,a "quoted" word\n2,2022-08-02,"Y"z,"b""c"\n',
    "id,date,outlet\n\u3000a\u3000,2022-08-01,\x1dX\x1d\nb,2022-08-02,\u2028\n",
    "id,date,outlet\n1,2022-08-01,X\n\n2,2022-08-02,Y\n",  # a blank row
    "id,date,outlet\n1,2022-08-01,X\n ,, \n2,2022-08-02,Y\n",  # a row of blanks
    "\n\nid,date,outlet\n1,2022-08-01,X\n",  # blank rows above the header
    "id,date,outlet\n1,2022-08-01,X,extra\n2,2022-08-02\n",  # ragged
    "id,date,outlet\n1,2022-08-01,X\r2,2022-08-02,Y\n",  # a lone carriage return
    'id,date,outlet\n1,2022-08-01,X\n2,2022-08-02,"never closed\n3,4,5\n',
    "id;date;outlet\n1;2022-08-01;X\n",
    "id\tdate\toutlet\n1\t2022-08-01\tX\n",
    "id,date,outlet\n1,2022-08-01,X\n\n\n",  # blank rows at the end
]


@pytest.mark.parametrize("text", CSV_TEXTS, ids=range(len(CSV_TEXTS)))
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_the_fast_csv_path_reads_exactly_what_the_csv_module_reads(
    text: str, bom: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = bom + text.encode("utf-8")

    def table(read):
        try:
            raw = read(data, "x.csv")
        except readers.UnreadableFile as exc:
            return str(exc)
        if raw.columns is not None:
            cells = [c.tolist() for c in raw.columns]
        else:
            width = len(raw.header)
            rows = [r[:width] + [None] * (width - len(r)) for r in raw.records]
            cells = [
                [("" if r[i] is None else str(r[i]).strip()) for r in rows] for i in range(width)
            ]
        return (raw.header, cells, raw.numbers, raw.encoding, raw.delimiter, raw.broken)

    fast = table(readers.read_table)
    monkeypatch.setattr(readers, "_read_plain_csv", lambda data: None)
    assert fast == table(readers.read_table)


@pytest.mark.parametrize("spanning", [1_040_000, 1_200_000], ids=["at-a-block-edge", "inside"])
def test_a_quoted_cell_of_many_lines_in_a_large_file_is_read_as_the_csv_module_reads_it(
    spanning: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyarrow reads blocks of 1 MiB; first cut at any line break, one cut falls inside this
    # cell (or, further on, none does): either way the cell keeps its lines, as csv reads it.
    rows = ["id,date,outlet,h"]
    size = 0
    while size < spanning:
        rows.append(f"{len(rows)},2022-08-01,X,plain text of row {len(rows)}")
        size += len(rows[-1]) + 1
    lines = "\n".join(f"line {k}" for k in range(5000))
    rows.append(f'{len(rows)},2022-08-02,Y,"{lines}"')
    rows += [f"{k},2022-08-03,Z,after" for k in range(len(rows), len(rows) + 20_000)]
    data = ("\n".join(rows) + "\n").encode()
    fast = readers.read_table(data, "x.csv")
    assert fast.columns is not None  # the fast path read it
    assert fast.columns[3].iloc[len(rows) - 20_002] == lines
    monkeypatch.setattr(readers, "_read_plain_csv", lambda data: None)
    exact = readers.read_table(data, "x.csv")
    assert fast.header == exact.header and fast.numbers == exact.numbers
    assert [c.tolist() for c in fast.columns] == [
        [str(r[i]).strip() for r in exact.records] for i in range(len(exact.header))
    ]


DATE_VALUES = [
    "2022-08-05", "2022-08-05T14:30", "2022-08-05 14:30:15", "2022-8-5", "2022-08-05t14:30",
    "2022-02-29", "2024-02-29", "2022-13-01", "2022-04-31", "2022-08-05T24:00",
    "2022-08-05T14:60", "2022-08-05T14:30:60", "0000-01-01", "1677-09-21", "2262-04-12",
    "2500-01-01", "2022-03-27 02:30", "2022-10-30 02:30", "05.08.2022 14:30", "August 2022",
    "2022-08-05T14:30+02:00", "2022-08-05T14:30Z", " 2022-08-05", "２０２２-08-05", "", "x",
]  # fmt: skip


@pytest.mark.parametrize("tz", ["UTC", "Europe/Zurich", "America/New_York"])
def test_dates_read_row_by_row_equal_dates_read_as_arrow_text(tz: str) -> None:
    values = pd.Series(DATE_VALUES * 3, dtype=object)
    plain = parse_dates(values, tz)
    arrow = parse_dates(values.astype("str"), tz)
    pd.testing.assert_frame_equal(plain, arrow)
    assert not plain.loc[values.isin(["2500-01-01", "0000-01-01", "2262-04-12"]), "ok"].any()


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_interval_labels_for_a_column_equal_those_one_by_one(tz: str) -> None:
    rng = np.random.default_rng(11)
    n = 3_000
    start = pd.Series(
        pd.to_datetime(rng.integers(631152000, 1893456000, n), unit="s", utc=True)
    ).dt.floor("min")
    end = start + pd.to_timedelta(rng.choice([1, 60, 3600, 86400, 259200, 3456000, 34560000], n),
                                  unit="s")  # fmt: skip
    precision = pd.Series(
        rng.choice(["second", "minute", "hour", "day", "month", "year", "interval"], n)
    )
    start[::97] = pd.NaT
    expected = [format_interval(s, e, p, tz) for s, e, p in zip(start, end, precision, strict=True)]
    assert format_intervals(start, end, precision, tz) == expected


def greedy_stack(start, end, lane, gap):
    """The definition: by lane and start, each item takes the lowest slot free `gap` before."""
    slots = np.zeros(len(start), dtype=int)
    last: dict[int, list[float]] = {}
    for i in np.lexsort((start, lane)):
        ends = last.setdefault(int(lane[i]), [])
        for s, previous in enumerate(ends):
            if start[i] - previous >= gap:
                ends[s], slots[i] = max(end[i], start[i]), s
                break
        else:
            ends.append(max(end[i], start[i]))
            slots[i] = len(ends) - 1
    return slots


@pytest.mark.parametrize("seed", range(8))
def test_stacking_in_n_log_n_matches_the_greedy_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    start = rng.integers(0, 60, n).astype(float) * 0.7
    end = start + rng.integers(0, 25, n) * (seed % 3)
    lane = rng.integers(0, 5, n)
    gap = float(rng.choice([0.0, 1.0, 3.5]))
    assert (stack(start, end, lane, gap) == greedy_stack(start, end, lane, gap)).all()


@pytest.mark.parametrize("seed", range(30))
def test_cycle_peeling_leaves_every_circle_of_the_graph(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 150)
    edges = [(f"n{i}", f"n{i + 1}") for i in range(n - 1)] if seed % 3 == 0 else []  # deep
    edges += [(f"n{rng.randrange(n)}", f"n{rng.randrange(n)}") for _ in range(rng.randint(0, n))]
    edges = [(a, b) for a, b in edges if a != b] or [("a", "b")]
    sources = np.array([a for a, _ in edges], dtype=object)
    targets = np.array([b for _, b in edges], dtype=object)
    left = diffusion._in_cycles(sources, targets)

    def circles(pairs) -> set[frozenset]:
        graph = nx.DiGraph(list(pairs))
        return {frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) > 1}

    rest = circles(zip(sources[left], targets[left], strict=True)) if left.any() else set()
    assert rest == circles(edges)


def test_hops_are_the_shortest_distances_from_the_roots() -> None:
    rng = random.Random(3)
    n = 400
    ids = [f"e{i}" for i in range(n)]
    edges = {(f"e{rng.randrange(i)}", f"e{i}") for i in range(1, n) for _ in range(2)}
    events = pd.DataFrame(
        {"id": ids, "date": pd.date_range("2022-01-01", periods=n, freq="h", tz="UTC")}
    )
    links = pd.DataFrame(sorted(edges), columns=["source", "target"])
    depth = diffusion.hops(events, links)
    graph = nx.DiGraph(sorted(edges))
    graph.add_nodes_from(ids)
    roots = [i for i in ids if graph.in_degree(i) == 0]
    expected = nx.multi_source_dijkstra_path_length(graph, roots)
    assert depth.tolist() == [expected[i] for i in ids]


# --- the benchmark's cases --------------------------------------------------------------------


def test_synthetic_cases_are_seeded_and_shaped_as_the_benchmarks_say() -> None:
    case = synth.generate(3_000, seed=1)
    pd.testing.assert_frame_equal(case, synth.generate(3_000, seed=1))
    assert not case.equals(synth.generate(3_000, seed=2))
    assert 0.25 < (case["cites"] != "").mean() < 0.4  # a third name their source
    assert (case["date_end"] != "").any()  # some dates are ranges
    assert (case["stance"] == "originates").sum() >= 3  # a few origins
    top = case["outlet"].value_counts()
    assert top.iloc[0] > 20 * top.median()  # outlets drawn Zipf-like
    loaded = load_bytes(case.to_csv(index=False).encode(), "s.csv")
    assert loaded.source.rows == len(loaded.events) + len(loaded.rejected) == 3_000


TREE = """['ROOT', 'ROOT', '0.0']->['100', '637868242560638980', '0.0']
['100', '637868242560638980', '0.0']->['200', '637868242560638980', '1.5']
['100', '637868242560638980', '0.0']->['200', '637868242560638980', '1.5']
['100', '637868242560638980', '0.0']->['300', '637868242560638980', '2.25']
['200', '637868242560638980', '1.5']->['300', '637868242560638980', '2.25']
['300', '637868242560638980', '2.25']->['400', '637870000000000000', '0.5']
"""


def test_a_twitter_tree_becomes_events_with_its_edges_as_cites() -> None:
    events = twitter.tree_events(TREE.splitlines(), 637868242560638980, "the claim")
    assert len(events) == 4  # the repeated edge line counts once
    source = events.iloc[0]
    assert (source["date"], source["stance"], source["headline"]) == (
        "2015-08-30 06:03:34",  # from the snowflake id, as the dataset's index says
        "originates",
        "the claim",
    )
    by_id = events.set_index("id")
    assert by_id.loc["300:637868242560638980:2.25", "cites"] == (
        "100:637868242560638980:0.0;200:637868242560638980:1.5"  # both its parents
    )
    assert by_id.loc["200:637868242560638980:1.5", "date"] == "2015-08-30 06:05:04"
    # Dated before its parent, as the file has it: kept so, not "corrected".
    assert (
        by_id.loc["400:637870000000000000:0.5", "date"]
        < by_id.loc["300:637868242560638980:2.25", "date"]
    )
    case = load_bytes(events.to_csv(index=False).encode(), "tree.csv")
    assert len(case.links) == 4 and not len(case.rejected)


def test_a_tweet_id_older_than_snowflakes_is_refused_not_guessed() -> None:
    with pytest.raises(twitter.NotASnowflake):
        twitter.snowflake_time(20_000_000_000)  # a 2010 counter id
    assert twitter.snowflake_time(637868242560638980) == pd.Timestamp("2015-08-30 06:03:34.702Z")


def test_figure_json_of_a_thinned_chart_stays_within_the_payload_budget(big, small_budget) -> None:
    case, story = big
    fig = timeline_figure(case.events, case.links, Options(), story)
    drawn = len(drawn_ids(fig))
    per_point = len(json.dumps(fig.to_plotly_json(), default=str)) / drawn
    assert per_point < 1_000  # bytes: 5,000 points stay well under 5 MB


def test_network_json_stays_within_the_budget_however_tall_the_plot(big) -> None:
    """Links are sampled every 1.5 px to place labels and cut them where they cross one; the
    drawn trace keeps only the turns (at 10,000 events the samples made 100 MB of JSON)."""
    case, story = big
    fig = network_figure(case.events, case.links, case.external_sources, Options(), story)
    assert fig.layout.height > 4_000  # tall: a link may run down thousands of pixels
    edges = next(t for t in fig.data if t.name == "documented link (cites)")
    links = sum(1 for v in edges.x if v is None)  # each link's polyline ends with a None
    assert links > 300
    assert len(edges.x) / links < 60  # points per link: corners, curves, ends and gaps
    per_point = len(json.dumps(fig.to_plotly_json(), default=str)) / len(drawn_ids(fig))
    assert per_point < 1_000


def _on_polyline(px, py, x, y) -> bool:
    """Whether the point (px, py) lies on the polyline x, y (within a thousandth of a pixel)."""
    for x0, y0, x1, y1 in zip(x[:-1], y[:-1], x[1:], y[1:], strict=True):
        cross = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0)
        inside = min(x0, x1) - 1e-9 <= px <= max(x0, x1) + 1e-9
        inside &= min(y0, y1) - 1e-9 <= py <= max(y0, y1) + 1e-9
        if abs(cross) < 1e-3 and inside:
            return True
    return False


def _dense(x, y, step: float = 0.05):
    """A polyline sampled every `step` pixels (its gaps, NaN, left out): the reference the
    segment geometry is checked against."""
    px, py = [], []
    for part_x, part_y in zip(np.split(x, np.flatnonzero(np.isnan(x))),
                              np.split(y, np.flatnonzero(np.isnan(x))), strict=True):  # fmt: skip
        real = ~np.isnan(part_x)
        part_x, part_y = part_x[real], part_y[real]
        if len(part_x) < 2:
            continue
        at = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(part_x), np.diff(part_y)))])
        s = np.arange(0.0, at[-1], step)
        px.append(np.interp(s, at, part_x))
        py.append(np.interp(s, at, part_y))
    return (np.concatenate(px), np.concatenate(py)) if px else (np.zeros(0), np.zeros(0))


def _routes(seed: int, n: int = 12):
    from claimtrace.figures import placement

    rng = np.random.default_rng(seed)
    sx, tx = rng.uniform(0, 400, n), rng.uniform(0, 400, n)
    sy, ty = rng.choice(np.arange(0, 3000, 20.0), n), rng.choice(np.arange(0, 3000, 20.0), n)
    return rng, placement.curves(sx, sy, tx, ty, 5.0, 20.0)


@pytest.mark.parametrize("seed", range(6))
def test_links_are_polylines_of_their_turns_and_measured_on_their_segments(seed: int) -> None:
    """A route is its turns and the ends of its straight runs; what Ink says of a box (links
    through it, the longest run inside) is what the drawn line does there, sampled finely."""
    from claimtrace.figures import placement

    rng, (xs, ys) = _routes(seed)
    assert all(len(x) <= 28 for x in xs)  # 26 points of the route, and its two cut ends
    ink = placement.Ink(xs, ys)
    dense = [_dense(x, y) for x, y in zip(xs, ys, strict=True)]
    for _ in range(150):
        x0, y0 = rng.uniform(-20, 420), rng.uniform(-20, 3020)
        box = (x0, y0, x0 + rng.uniform(2, 120), y0 + rng.uniform(2, 30))
        runs = [((dx >= box[0]) & (dx <= box[2]) & (dy >= box[1]) & (dy <= box[3])).sum() * 0.05
                for dx, dy in dense]  # fmt: skip
        links, longest = ink.crossing(box)
        assert links == sum(1 for r in runs if r > 0)
        assert longest == pytest.approx(max(runs), abs=0.2)
    long = placement.curves(np.array([10.0]), np.array([0.0]), np.array([300.0]),
                            np.array([4000.0]), 5.0, 20.0)  # fmt: skip
    assert len(long[0][0]) < 30  # 4,000 pixels down: one segment, not thousands of points


@pytest.mark.parametrize("seed", range(6))
def test_ink_answers_many_boxes_at_once_as_it_does_one_by_one(seed: int) -> None:
    """crossing_each is crossing box by box, to the bit: boxes in and out of the plot, on
    cell borders, empty and inverted, across many cells and none."""
    from claimtrace.figures import placement

    rng, (xs, ys) = _routes(seed)
    ink = placement.Ink(xs, ys)
    x0 = np.concatenate([rng.uniform(-80, 480, 500), rng.integers(-2, 7, 100) * placement.CELL])
    y0 = np.concatenate([rng.uniform(-80, 3080, 500), rng.integers(-2, 48, 100) * placement.CELL])
    x1, y1 = x0 + rng.uniform(-4, 300, 600), y0 + rng.uniform(-4, 140, 600)
    links, longest = ink.crossing_each(x0, y0, x1, y1)
    boxes = zip(*(v.tolist() for v in (x0, y0, x1, y1)), strict=True)
    one_by_one = [ink.crossing(box) for box in boxes]
    assert list(zip(links.tolist(), longest.tolist(), strict=True)) == one_by_one
    assert 50 < (links > 0).sum() < 550  # both answers are asked
    none = placement.Ink([], [])
    assert [v.tolist() for v in none.crossing_each(x0[:3], y0[:3], x1[:3], y1[:3])] == [
        [0, 0, 0], [0.0, 0.0, 0.0]]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_links_are_cut_where_they_cross_labels_and_nowhere_else(seed: int) -> None:
    from claimtrace.figures import placement

    rng, (xs, ys) = _routes(seed)
    boxes = []
    for _ in range(40):
        x0, y0 = rng.uniform(0, 400), rng.uniform(0, 3000)
        boxes.append((x0, y0, x0 + rng.uniform(10, 80), y0 + 12))
    cut_x, cut_y = placement.knock_out(xs, ys, boxes, margin=2.0)
    grown = np.array([(a - 2, b - 2, c + 2, d + 2) for a, b, c, d in boxes])

    def covered(px, py, grow: float):
        return np.array([((grown[:, 0] - grow <= u) & (u <= grown[:, 2] + grow)
                          & (grown[:, 1] - grow <= v) & (v <= grown[:, 3] + grow)).any()
                         for u, v in zip(px, py, strict=True)], bool)  # fmt: skip

    for x, y, cx, cy in zip(xs, ys, cut_x, cut_y, strict=True):
        drawn_x, drawn_y = _dense(cx, cy)
        # Nothing drawn inside a label's halo (a hundredth of a pixel for rounding) ...
        assert not covered(drawn_x, drawn_y, -0.01).any()
        # ... and the whole route drawn elsewhere: every fine sample outside the halos lies
        # on the cut polyline.
        whole_x, whole_y = _dense(x, y, 0.5)
        keep = ~covered(whole_x, whole_y, 0.01)
        parts = np.split(np.arange(len(cx)), np.flatnonzero(np.isnan(cx)))
        for px, py in zip(whole_x[keep], whole_y[keep], strict=True):
            assert any(_on_polyline(px, py, cx[p][~np.isnan(cx[p])], cy[p][~np.isnan(cx[p])])
                       for p in parts if (~np.isnan(cx[p])).sum() >= 2)  # fmt: skip


@pytest.mark.parametrize("limit", [1, 5, 40, 90])
def test_hover_text_pieces_for_a_column_equal_those_one_by_one(limit: int) -> None:
    values = ["", "plain", "a & b < c > d", "é" * 100, "😀 emoji " * 20, "e\u0301" * 50,
              "<b>bold</b>", "x" * limit, "x" * (limit + 1), "tab\there", "&amp; already"]  # fmt: skip
    one_by_one = [common.esc(common.short(v, limit)) for v in values]
    for kind in (pa.string(), pa.large_string()):
        column = pa.array([*values, None], kind)
        assert common._escaped_array(column, limit).to_pylist() == [*one_by_one, None]
    assert common._escaped_array(pa.array(values), None).to_pylist() == [
        common.esc(v) for v in values
    ]


def test_webgl_only_in_plots_a_browser_can_hold(big, monkeypatch) -> None:
    case, story = big
    assert scale.scatter(5_000, 1_000) is go.Scattergl
    assert scale.scatter(5_000, scale.WEBGL_MAX_PX + 1) is go.Scatter
    assert scale.scatter(10, 100) is go.Scatter
    monkeypatch.setattr(scale, "WEBGL_FROM", 50)  # 2,000 events: WebGL where the plot is short
    fig = network_figure(case.events, case.links, case.external_sources, Options(), story)
    tall = max(y for t in fig.data if t.y is not None for y in t.y if y is not None)
    kinds = {t.type for t in fig.data}
    assert ("scattergl" in kinds) == (tall <= scale.WEBGL_MAX_PX), (tall, kinds)
    monkeypatch.setattr(scale, "WEBGL_MAX_PX", 10**9)
    fig = network_figure(case.events, case.links, case.external_sources, Options(), story)
    assert "scattergl" in {t.type for t in fig.data}


def test_files_get_the_same_points_as_vectors(big, monkeypatch) -> None:
    case, story = big
    monkeypatch.setattr(scale, "WEBGL_FROM", 50)
    monkeypatch.setattr(scale, "WEBGL_MAX_PX", 10**9)  # whatever the chart's height
    fig = timeline_figure(case.events, case.links, Options(), story)
    webgl = [i for i, t in enumerate(fig.data) if t.type == "scattergl"]
    assert webgl
    out = scale.vector(fig)
    assert {t.type for t in out.data} & {"scattergl"} == set()
    assert [t.type for t in fig.data].count("scattergl") == len(webgl)  # the original is kept
    for i in webgl:
        before, after = fig.data[i].to_plotly_json(), out.data[i].to_plotly_json()
        assert before.pop("type") == "scattergl" and after.pop("type") == "scatter"
        assert json.dumps(before, default=str, sort_keys=True) == json.dumps(
            after, default=str, sort_keys=True
        )

    def shown(layout) -> str:  # an empty title object is the same as none
        return json.dumps({k: v for k, v in layout.to_plotly_json().items() if v != {}},
                          default=str, sort_keys=True)  # fmt: skip

    assert shown(out.layout) == shown(fig.layout)


@pytest.mark.parametrize("seed", range(4))
def test_the_raster_rules_out_many_places_at_once_as_it_does_one_by_one(seed: int) -> None:
    from claimtrace.figures import placement

    rng = np.random.default_rng(seed)
    raster = placement.Raster(300.0, 200.0)
    for _ in range(40):
        x, y = rng.uniform(-10, 310), rng.uniform(-10, 210)
        raster.take((x, y, x + rng.uniform(0, 12), y + rng.uniform(0, 12)))
    # Boxes in and out of the plot, half-pixel sides (rounding), empty and inverted ones.
    x0 = np.concatenate([rng.uniform(-20, 320, 400), rng.integers(-5, 300, 200) + 0.5])
    y0 = np.concatenate([rng.uniform(-20, 220, 400), rng.integers(-5, 200, 200) + 0.5])
    x1, y1 = x0 + rng.uniform(-2, 40, 600), y0 + rng.uniform(-2, 16, 600)
    each = raster.free_each(x0, y0, x1, y1)
    one_by_one = [raster.free(box) for box in zip(x0, y0, x1, y1, strict=True)]
    assert each.tolist() == one_by_one
    assert 50 < each.sum() < 550  # both answers are asked


def test_mean_of_a_few_positions_is_numpys_to_the_bit() -> None:
    """The network's barycentres (figures.common.mean) are np.mean's numbers, short lists
    added one after another and long ones pairwise, as numpy adds them."""
    rng = np.random.default_rng(7)
    for size in range(1, 20):
        for _ in range(300):
            values = (rng.uniform(0, 20_000, size) * rng.choice([1, 1e-3, 1e3])).tolist()
            assert common.mean(values) == float(np.mean(values)), values
