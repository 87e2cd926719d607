"""`cites` to links, and what the links tell: origins, hop depth and who was first (with ties)."""

from __future__ import annotations

import pandas as pd
import pytest

from claimtrace import diffusion
from claimtrace.diffusion import documented_sources, first_events, firsts_by, hops, origins

HEADER = ["id", "date", "date_end", "outlet", "cites", "stance", "country"]


@pytest.fixture
def case_of(make_csv, load):
    """A case from rows of (id, date, outlet, cites) plus optional stance, country, date_end."""

    def build(*rows: tuple[str, ...] | dict[str, str]):
        table = []
        for r in rows:
            cells = (
                r
                if isinstance(r, dict)
                else dict(zip(["id", "date", "outlet", "cites"], r, strict=False))
            )
            table.append([cells.get(h, "") for h in HEADER])
        return load(make_csv(HEADER, table))

    return build


def link_set(case) -> set[tuple[str, str, str]]:
    return set(zip(case.links["source"], case.links["target"], case.links["via"], strict=True))


def cite_warnings(case) -> list[tuple[int | None, str]]:
    return [(p.row, p.message) for p in case.warnings if p.column == "cites"]


# --- resolution ---------------------------------------------------------------------------------

TASS_DAY = [
    ("t1", "2022-08-04 09:00", "TASS", ""),
    ("t2", "2022-08-04 18:00", "TASS", ""),
    ("t3", "2022-08-05 10:00", "TASS", ""),
]


@pytest.mark.parametrize(
    ("citing", "source", "via"),
    [
        pytest.param(("b", "2022-08-04 20:00", "Bild", "t1"), "t1", "id", id="by-id"),
        pytest.param(("b", "2022-08-04 20:00", "Bild", " t1 "), "t1", "id", id="id-padded"),
        pytest.param(("b", "2022-08-04 20:00", "Bild", "TASS"), "t2", "outlet",
                     id="outlet-latest-before"),
        pytest.param(("b", "2022-08-05 10:00", "Bild", "TASS"), "t3", "outlet",
                     id="outlet-same-minute-counts-as-before"),
        pytest.param(("b", "2022-08-06", "Bild", "TASS"), "t3", "outlet", id="outlet-after-all"),
        pytest.param(("b", "2022-08-04 12:00", "Bild", "tass"), "t1", "outlet",
                     id="outlet-lower-case"),
        pytest.param(("b", "2022-08-04 12:00", "Bild", " T.A.S.S. "), "t1", "outlet",
                     id="outlet-punctuated"),
        # A TASS report citing "TASS" means an earlier TASS report, never itself.
        pytest.param(("t4", "2022-08-05 12:00", "TASS", "TASS"), "t3", "outlet",
                     id="own-outlet-earlier-event"),
    ],
)  # fmt: skip
def test_resolution(case_of, citing, source, via) -> None:
    case = case_of(*TASS_DAY, citing)
    assert link_set(case) == {(source, citing[0], via)}
    assert cite_warnings(case) == []


@pytest.mark.parametrize(
    "spelling",
    ["Neue Zürcher Zeitung", "neue zürcher zeitung", "NEUE ZÜRCHER ZEITUNG", "Neue Zurcher Zeitung",
     "neue-zurcher-zeitung", "Neue_Zürcher_Zeitung"],
)  # fmt: skip
def test_outlet_names_match_ignoring_case_and_accents(case_of, spelling) -> None:
    case = case_of(
        ("nzz", "2022-08-04", "Neue Zürcher Zeitung", ""),
        ("b", "2022-08-05", "Bild", spelling),
    )
    assert link_set(case) == {("nzz", "b", "outlet")}


def test_an_id_wins_over_an_outlet_of_the_same_name(case_of) -> None:
    case = case_of(
        ("RT", "2022-08-04 09:00", "Rossija 1", ""),
        ("rt1", "2022-08-04 10:00", "RT", ""),
        ("b", "2022-08-04 12:00", "Bild", "RT"),
    )
    assert link_set(case) == {("RT", "b", "id")}


def test_an_outlet_cited_before_its_first_event_links_to_it_with_a_warning(case_of) -> None:
    case = case_of(("b", "2022-08-03", "Bild", "TASS"), *TASS_DAY)
    assert link_set(case) == {("t1", "b", "outlet")}
    [(row, message)] = cite_warnings(case)
    assert row == 2
    assert "'TASS'" in message and "dated after this one" in message


def test_several_entries_in_one_cell(case_of) -> None:
    case = case_of(*TASS_DAY, ("b", "2022-08-06", "Bild", "t1; TASS;;t1\nAFP"))
    assert link_set(case) == {
        ("t1", "b", "id"),
        ("t3", "b", "outlet"),
        ("external:AFP", "b", "external"),
    }


def test_split_cites() -> None:
    assert diffusion.split_cites(" a; b ;;\nc;a ") == ["a", "b", "c"]
    assert diffusion.split_cites("") == []


def test_unresolved_entries_become_external_sources(case_of) -> None:
    case = case_of(
        ("a", "2022-08-04 10:00", "Bild", "Interfax"),
        ("b", "2022-08-04 12:00", "Welt", "Interfax; a"),
        ("c", "2022-08-05", "Zeit", "anonymous officials"),
    )

    assert link_set(case) == {
        ("external:Interfax", "a", "external"),
        ("external:Interfax", "b", "external"),
        ("a", "b", "id"),
        ("external:anonymous officials", "c", "external"),
    }
    ext = case.external_sources.set_index("id")
    assert list(ext.index) == ["external:Interfax", "external:anonymous officials"]
    assert ext.loc["external:Interfax", "outlet"] == "Interfax"
    assert ext.loc["external:Interfax", "cited_by"] == ["a", "b"]
    assert ext.loc["external:Interfax", "date"] == pd.Timestamp("2022-08-04 10:00", tz="UTC")
    # Kept and warned about, never dropped: the citing events load as usual.
    assert list(case.events["id"]) == ["a", "b", "c"]
    assert [row for row, _ in cite_warnings(case)] == [2, 3, 4]
    assert all("neither an id nor an outlet" in m for _, m in cite_warnings(case))
    assert diffusion.is_external("external:Interfax") and not diffusion.is_external("a")


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([("a", "2022-08-04", "TASS", "a")], id="by-id"),
        pytest.param([("a", "2022-08-04", "TASS", "TASS")], id="outlet-with-one-event"),
    ],
)
def test_self_citation_is_ignored_with_a_warning(case_of, rows) -> None:
    case = case_of(*rows)  # once raised KeyError: no link was left to check for circles
    assert case.links.empty
    assert cite_warnings(case) == [(2, "the event cites itself; ignored")]
    assert list(case.events["id"]) == ["a"]
    assert origins(case.events, case.links) == ["a"]
    assert list(hops(case.events, case.links)) == [0]


@pytest.mark.filterwarnings("error")
def test_dropped_links_raise_no_pandas_warning(case_of) -> None:
    # A self-citation and a repeat ("t1" and "TASS" both mean t1) drop links; selecting the
    # external ones afterwards once made pandas warn about reindexing a boolean key.
    case = case_of(*TASS_DAY[:1], ("b", "2022-08-05", "Bild", "b; t1; TASS; AFP"))
    assert link_set(case) == {("t1", "b", "id"), ("external:AFP", "b", "external")}
    assert list(case.external_sources["id"]) == ["external:AFP"]


def test_a_cycle_is_warned_drawn_and_has_no_origin(case_of) -> None:
    case = case_of(
        ("A", "2022-08-04 10:00", "TASS", "B"),
        ("B", "2022-08-04 11:00", "RT", "A"),
        ("C", "2022-08-04 12:00", "Bild", "A"),
    )
    assert link_set(case) == {("B", "A", "id"), ("A", "B", "id"), ("A", "C", "id")}
    [(row, message)] = cite_warnings(case)
    assert row == 2
    assert "'A', 'B' cite each other in a circle" in message
    assert origins(case.events, case.links) == []
    # hops terminates: the circle's earliest member counts as a root.
    assert dict(zip(case.events["id"], hops(case.events, case.links), strict=True)) == {
        "A": 0,
        "B": 1,
        "C": 1,
    }


def test_a_circle_reached_from_a_root_takes_depth_from_the_root(case_of) -> None:
    case = case_of(
        ("R", "2022-08-04 09:00", "Rossija 1", ""),
        ("A", "2022-08-04 10:00", "TASS", "R; C"),
        ("B", "2022-08-04 11:00", "RT", "A"),
        ("C", "2022-08-04 12:00", "Izvestia", "B"),
    )
    assert len(cite_warnings(case)) == 1  # one circle, one warning
    depth = dict(zip(case.events["id"], hops(case.events, case.links), strict=True))
    assert depth == {"R": 0, "A": 1, "B": 2, "C": 3}
    assert origins(case.events, case.links) == ["R"]


def test_no_cites_no_links(case_of) -> None:
    case = case_of(("a", "2022-08-04", "TASS", ""), ("b", "2022-08-05", "Bild", ""))
    assert case.links.empty
    assert list(case.links.columns) == list(diffusion.LINK_COLUMNS)
    assert case.external_sources.empty
    assert origins(case.events, case.links) == ["a", "b"]


# --- origins and hops ---------------------------------------------------------------------------

CHAIN = [
    {"id": "r1", "date": "2022-08-04 09:00", "outlet": "Rossija 1", "stance": "originates"},
    {"id": "t1", "date": "2022-08-04 10:00", "outlet": "TASS", "cites": "r1"},
    {"id": "b1", "date": "2022-08-05 08:00", "outlet": "Bild", "cites": "TASS"},
    {"id": "w1", "date": "2022-08-05 09:00", "outlet": "Welt", "cites": "b1; r1"},
    {"id": "z1", "date": "2022-08-05 10:00", "outlet": "Zeit", "cites": "w1"},
    {"id": "k1", "date": "2022-08-04 08:00", "outlet": "Blog", "cites": "Telegram channel"},
    {"id": "c1", "date": "2022-08-03", "outlet": "Correctiv", "stance": "debunks"},
    {"id": "x1", "date": "2022-08-06", "outlet": "Kontext", "stance": "context"},
]


def test_origins_are_claim_carriers_citing_nothing_inside_earliest_first(case_of) -> None:
    case = case_of(*CHAIN)
    # k1 cites only an external source, so inside the data it is an origin; c1 and x1 do not
    # carry the claim.
    assert origins(case.events, case.links) == ["k1", "r1"]


def test_hops_count_the_shortest_chain_from_a_root(case_of) -> None:
    case = case_of(*CHAIN)
    depth = dict(zip(case.events["id"], hops(case.events, case.links), strict=True))
    assert depth == {"r1": 0, "t1": 1, "b1": 2, "w1": 1, "z1": 2, "k1": 0, "c1": 0, "x1": 0}
    assert hops(case.events, case.links).index.equals(case.events.index)


def test_documented_sources_leave_external_ones_out(case_of) -> None:
    case = case_of(*CHAIN)
    assert documented_sources(case.events, case.links) == {
        "t1": ["r1"],
        "b1": ["t1"],
        "w1": ["b1", "r1"],
        "z1": ["w1"],
    }


# --- who was first -------------------------------------------------------------------------------


def first_of(case, ids=None, use_cites=True):
    events = case.events if ids is None else case.events[case.events["id"].isin(ids)]
    sources = documented_sources(case.events, case.links) if use_cites else None
    return first_events(events, sources)


def ev(id_: str, date: str, date_end: str = "", cites: str = "") -> dict[str, str]:
    return {
        "id": id_,
        "date": date,
        "date_end": date_end,
        "outlet": f"Outlet {id_}",
        "cites": cites,
    }


FIRSTS = [
    # rows, expected ids of the first (a tie when several)
    ("earlier-minute", [ev("a", "2022-08-04 10:00"), ev("b", "2022-08-04 10:05")], ("a",)),
    ("same-minute-tie", [ev("a", "2022-08-04 10:00"), ev("b", "2022-08-04 10:00")], ("a", "b")),
    (
        "a-day-overlaps-a-minute-in-it",
        [ev("a", "2022-08-04"), ev("b", "2022-08-04 14:30")],
        ("a", "b"),
    ),
    (
        "a-day-before-the-minute",
        [ev("a", "2022-08-03"), ev("b", "2022-08-04 00:00")],
        ("a",),
    ),
    (
        # The interval starts earlier, but may end after b: earlier only at its start.
        "interval-earlier-only-at-its-start",
        [ev("a", "2022-08-01", "2022-08-10"), ev("b", "2022-08-05 12:00")],
        ("a", "b"),
    ),
    (
        "interval-over-before-the-other",
        [ev("a", "2022-08-01", "2022-08-03"), ev("b", "2022-08-05 12:00")],
        ("a",),
    ),
    (
        "three-way-with-one-clearly-later",
        [ev("a", "2022-08-04"), ev("b", "2022-08-04 22:00"), ev("c", "2022-08-05 01:00")],
        ("a", "b"),
    ),
    (
        # b overlaps a, but cites it: it cannot have been first.
        "citing-event-leaves-the-tie",
        [ev("a", "2022-08-04 14:30"), ev("b", "2022-08-04", cites="a")],
        ("a",),
    ),
    (
        "cites-by-outlet-name-leaves-the-tie",
        [ev("a", "2022-08-04 14:30"), ev("b", "2022-08-04", cites="Outlet a")],
        ("a",),
    ),
    (
        # Events that cite each other in a circle: the data cannot decide, so both stay.
        "circle-keeps-the-tie",
        [ev("a", "2022-08-04", cites="b"), ev("b", "2022-08-04 12:00", cites="a")],
        ("a", "b"),
    ),
    ("single", [ev("a", "2022-08-04")], ("a",)),
]


@pytest.mark.parametrize(("rows", "expected"), [f[1:] for f in FIRSTS], ids=[f[0] for f in FIRSTS])
def test_first_events(case_of, rows, expected) -> None:
    case = case_of(*rows)
    first = first_of(case)
    assert first.ids == expected
    assert first.is_tie == (len(expected) > 1)
    chosen = case.events[case.events["id"].isin(expected)]
    assert first.start == chosen["date"].min()
    assert first.end == case.events["date_end"].min()  # by then one of them had appeared


def test_without_cites_a_citing_event_stays_in_the_tie(case_of) -> None:
    case = case_of(ev("a", "2022-08-04 14:30"), ev("b", "2022-08-04", cites="a"))
    assert first_of(case, use_cites=False).ids == ("b", "a")


def test_citing_through_an_event_outside_the_group_leaves_the_tie(case_of) -> None:
    # b cites x (not in the group), which cites a: b still depends on a.
    case = case_of(
        ev("a", "2022-08-04 14:30"),
        ev("x", "2022-08-04 16:00", cites="a"),
        ev("b", "2022-08-04", cites="x"),
    )
    assert first_of(case, ids=["a", "b"]).ids == ("a",)


def test_the_analysis_of_an_empty_case(load) -> None:
    case = load(b"id,date,outlet,cites\n", "events.csv")
    assert origins(case.events, case.links) == []
    assert hops(case.events, case.links).empty
    assert firsts_by(case.events, case.links, "country") == {}
    assert first_events(case.events) is None


def test_first_of_nothing_is_none() -> None:
    assert first_events(pd.DataFrame(columns=["id", "date", "date_end", "row"])) is None


def test_firsts_by_country(case_of) -> None:
    case = case_of(
        {"id": "r1", "date": "2022-08-04 09:00", "outlet": "Rossija 1", "country": "Russia"},
        {"id": "t1", "date": "2022-08-04 09:00", "outlet": "TASS", "country": "RU"},
        {"id": "s1", "date": "2022-08-04", "outlet": "Spiegel", "country": "DE",
         "stance": "debunks"},
        {"id": "b1", "date": "2022-08-05", "outlet": "Bild", "country": "DE", "cites": "w1"},
        {"id": "w1", "date": "2022-08-05 09:00", "outlet": "Welt", "country": "DE"},
        {"id": "z1", "date": "2022-08-06", "outlet": "Zeit", "country": "DE"},
        {"id": "n1", "date": "2022-08-01", "outlet": "Nobody", "country": ""},
    )  # fmt: skip
    firsts = firsts_by(case.events, case.links, "country")

    assert sorted(firsts) == ["DE", "RU"]  # no country, no entry
    assert firsts["RU"].ids == ("r1", "t1")  # the same minute: a tie
    assert firsts["RU"].is_tie
    # Spiegel debunks (does not carry the claim); Bild overlaps Welt but cites it.
    assert firsts["DE"].ids == ("w1",)
    assert not firsts["DE"].is_tie
    assert firsts["DE"].start == pd.Timestamp("2022-08-05 09:00", tz="UTC")
