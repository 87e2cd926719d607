"""Inferred links: likely sources for claim-carrying events that name none (see inference.py)."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from claimtrace import analysis, diffusion, inference
from claimtrace.inference import (
    FLOOR,
    MAX_CANDIDATES,
    PAGE_MIN_CONFIDENCE,
    PAGE_PER_EVENT,
    infer_links,
    inference_report,
    lag_phrase,
    shared_phrase,
)
from claimtrace.ingest import load_path

DAY = pd.Timedelta(days=1)


def events_of(*rows: dict) -> pd.DataFrame:
    """An events frame as the loader makes it, from dicts with id and date (plus any column).

    `date` is an ISO string; `date_end` defaults to one minute later (minute precision).
    """
    records = []
    for number, r in enumerate(rows, start=2):
        date = pd.Timestamp(r["date"], tz="UTC")
        end = (
            pd.Timestamp(r["date_end"], tz="UTC")
            if "date_end" in r
            else date + pd.Timedelta(1, "min")
        )
        records.append(
            {
                "id": r["id"],
                "date": date,
                "date_end": end,
                "outlet": r.get("outlet", r["id"]),
                "outlet_type": r.get("outlet_type", ""),
                "country": r.get("country", ""),
                "language": r.get("language", ""),
                "headline": r.get("headline", ""),
                "url": "",
                "cites": r.get("cites", ""),
                "stance": r.get("stance", "repeats"),
                "evidence": "",
                "notes": "",
                "date_precision": "minute",
                "row": number,
            }
        )
    return pd.DataFrame(records)


def infer(events: pd.DataFrame, **kwargs) -> pd.DataFrame:
    links, _, _ = diffusion.resolve_cites(events)
    return infer_links(events, links, **kwargs)


def report(events: pd.DataFrame, **kwargs) -> inference.InferenceReport:
    links, _, _ = diffusion.resolve_cites(events)
    return inference_report(events, links, **kwargs)


def pairs(inferred: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(inferred["source"], inferred["target"], strict=True))


HEADLINE = "North Korea offers Russia 100,000 volunteers for the war in Ukraine"


@pytest.fixture
def obvious() -> pd.DataFrame:
    """`target` is an English tabloid story; `twin` ran the same story an hour earlier."""
    return events_of(
        {
            "id": "old-en",
            "date": "2022-07-20 09:00",
            "language": "en",
            "country": "GB",
            "headline": "Grain deal talks resume in Istanbul",
        },
        {
            "id": "german",
            "date": "2022-08-05 06:00",
            "language": "de",
            "country": "DE",
            "outlet_type": "broadsheet",
            "headline": "Nordkorea bietet Russland angeblich Freiwillige an",
        },
        {
            "id": "twin",
            "date": "2022-08-05 08:00",
            "language": "en",
            "country": "GB",
            "outlet_type": "tabloid",
            "headline": "North Korea 'offers Russia 100,000 volunteers' for war in Ukraine",
        },
        {
            "id": "target",
            "date": "2022-08-05 09:00",
            "language": "en",
            "country": "GB",
            "outlet_type": "tabloid",
            "headline": HEADLINE,
        },
    )


def test_the_obvious_source_is_the_top_link(obvious):
    inferred = infer(obvious, max_per_event=3)
    mine = inferred[inferred["target"] == "target"]
    assert mine["source"].iloc[0] == "twin"
    assert mine["confidence"].is_monotonic_decreasing
    assert mine["confidence"].iloc[0] > 0.5
    reason = mine["reason"].iloc[0]
    assert reason.startswith("1 hour earlier, same language (en), same country (GB)")
    assert "both say 'North Korea offers Russia 100,000 volunteers'" in reason


def test_columns_kind_and_confidence_range(obvious):
    inferred = infer(obvious)
    assert tuple(inferred.columns) == diffusion.LINK_COLUMNS
    assert not inferred.empty
    assert set(inferred["kind"]) == {"inferred"}
    assert set(inferred["via"]) == {"inferred"}
    assert set(inferred["entry"]) == {""}
    assert inferred["confidence"].between(FLOOR, 1).all()
    assert not inferred["reason"].str.contains("\n").any()


@pytest.mark.parametrize("cites", ["twin", "German", "TASS"], ids=["id", "outlet", "external"])
def test_an_event_that_names_a_source_gets_no_inferred_link(obvious, cites):
    events = obvious.copy()
    events.loc[events["id"] == "target", "cites"] = cites
    events.loc[events["id"] == "german", "outlet"] = "German"
    inferred = infer(events, max_per_event=5)
    assert "target" not in set(inferred["target"])


@pytest.mark.parametrize("stance", ["debunks", "denies", "context"])
def test_events_that_reject_the_claim_are_neither_target_nor_source(obvious, stance):
    events = obvious.copy()
    events.loc[events["id"] == "twin", "stance"] = stance
    inferred = infer(events, max_per_event=5)
    assert "twin" not in set(inferred["source"]) | set(inferred["target"])


def test_a_lone_weak_candidate_is_below_the_floor_and_counted():
    events = events_of(
        {"id": "old", "date": "2022-07-01 10:00", "language": "ru", "headline": "Урожай"},
        {"id": "new", "date": "2022-08-05 10:00", "language": "en", "headline": HEADLINE},
    )
    found = report(events)
    assert found.links.empty
    # Two targets: `old` has no candidate at all, `new` one below the floor.
    assert (found.targets, found.with_source, found.below_floor) == (2, 0, 1)
    assert "1 candidate below the floor of 5%" in found.sentence()
    assert found.as_dict()["below_floor"] == 1


def test_nothing_below_the_floor_is_ever_proposed(obvious):
    found = report(obvious, max_per_event=3)
    assert (found.links["confidence"] >= FLOOR).all()
    # Every one of the best three per target is proposed or counted as left out.
    left_out = found.below_floor + found.beyond_gap + found.below_minimum
    assert found.targets == 4  # old-en, german, twin, target: with 0, 1, 2 and 3 candidates
    assert len(found.links) + left_out == 0 + 1 + 2 + 3


def test_a_gap_the_lag_distribution_makes_implausible_gets_no_source():
    # Issue 13: a 2015 TV report proposed for a 2018 ministry briefing, "1129 days earlier".
    events = events_of(
        {"id": "tv-2015", "date": "2015-03-01 19:00", "headline": HEADLINE, "language": "en"},
        {"id": "briefing", "date": "2018-04-03 10:00", "headline": HEADLINE, "language": "en"},
    )
    found = report(events)
    assert found.links.empty
    assert found.beyond_gap == 1 and found.below_floor == 0
    assert found.max_gap_hours < 1129 * 24
    assert "1 candidate more than" in found.sentence()
    assert "too long a gap to propose" in found.sentence()


@pytest.mark.parametrize("stance", ["originates", "context"])
def test_no_source_is_inferred_for_an_event_whose_stance_says_otherwise(obvious, stance):
    events = obvious.copy()
    events.loc[events["id"] == "target", "stance"] = stance
    found = report(events, max_per_event=5)
    assert "target" not in set(found.links["target"])
    assert found.skipped[stance] == 1
    assert f"1 event with stance {stance} not given one" in found.sentence()


def test_an_originating_event_is_still_a_candidate(obvious):
    events = obvious.copy()
    events.loc[events["id"] == "twin", "stance"] = "originates"
    inferred = infer(events)
    assert ("twin", "target") in pairs(inferred)
    reason = inferred[inferred["target"] == "target"]["reason"].iloc[0]
    assert "the claim's origin" in reason


def test_the_summary_lists_exactly_the_links_infer_links_gives():
    case = load_path("data/cases/nk-100k-volunteers/events.csv")
    data = analysis.summary(case)
    # The summary uses the page's opening settings: it lists the links the page draws.
    settings = {"max_per_event": PAGE_PER_EVENT, "min_confidence": PAGE_MIN_CONFIDENCE}
    inferred = infer_links(case.events, case.links, **settings)
    assert [(d["source"], d["target"], d["reason"]) for d in data["inferred_links"]] == list(
        zip(inferred["source"], inferred["target"], inferred["reason"], strict=True)
    )
    assert [d["confidence"] for d in data["inferred_links"]] == [
        round(float(c), 3) for c in inferred["confidence"]
    ]
    figures = data["inference"]
    assert figures["links"] == len(inferred)
    assert figures["floor"] == FLOOR
    assert figures["sentence"].startswith(f"{len(inferred)} source")
    found = inference_report(case.events, case.links, **settings)
    assert figures == found.as_dict()


@pytest.mark.parametrize(
    ("start_diff", "lag", "widest", "phrase"),
    [
        (0, 0, 0, "same time"),
        (0.5, 0, 0.02, "30 minutes earlier"),
        (5, 0, 0.02, "5 hours earlier"),
        (30, 0, 24, "same day"),
        (100, 0, 720, "dates overlap"),
        (0.005, 0.005, 0, "under a minute earlier"),
        (1 / 60, 1 / 60, 0, "1 minute earlier"),
        (4 / 60, 4 / 60, 0, "4 minutes earlier"),
        (54 / 60, 54 / 60, 0, "54 minutes earlier"),
        (59 / 60, 59 / 60, 0, "1 hour earlier"),
        (1, 1, 0, "1 hour earlier"),
        (3, 3, 0, "3 hours earlier"),
        (47, 47, 0, "47 hours earlier"),
        (48, 48, 0, "2 days earlier"),
        (13 * 24, 13 * 24, 0, "13 days earlier"),
        (35 * 24, 35 * 24, 0, "5 weeks earlier"),
        (90 * 24, 90 * 24, 0, "3 months earlier"),
        (1129 * 24, 1129 * 24, 0, "3 years earlier"),
    ],
)
def test_lag_phrases_in_the_unit_a_person_uses(start_diff, lag, widest, phrase):
    assert lag_phrase(start_diff, lag, widest) == phrase


@pytest.mark.parametrize(
    ("source", "target", "phrase"),
    [
        (
            "North Korea 'offers Russia 100,000 volunteers'",
            "Pyongyang offers 100,000 volunteers",
            "both say '100,000 volunteers'",
        ),
        (HEADLINE, HEADLINE.upper(), "same headline"),
        ("Grain deal talks resume", "Volunteers for Ukraine", ""),
        ("Troops at the border", "A border dispute", "both say 'border'"),
        (
            "Außenministerium dementiert",
            "Aussenministerium dementiert Bericht",
            "both say 'Aussenministerium dementiert'",
        ),
        ("of the and", "of the and", "same headline"),
        ("", HEADLINE, ""),
    ],
    ids=["phrase", "same", "nothing", "one word", "accents folded", "stopwords only", "empty"],
)
def test_shared_phrases(source, target, phrase):
    assert shared_phrase(source, target) == phrase


def test_links_never_point_forward_in_time(obvious):
    inferred = infer(obvious, max_per_event=10)
    start = dict(zip(obvious["id"], obvious["date"], strict=True))
    assert len(inferred) > 0
    assert all(start[s] <= start[t] for s, t in pairs(inferred))


def test_an_earlier_interval_that_overlaps_counts_with_zero_lag():
    events = events_of(
        {"id": "month", "date": "2022-08-01", "date_end": "2022-09-01", "headline": HEADLINE},
        {"id": "later", "date": "2022-08-20 12:00", "headline": HEADLINE},
        {"id": "after", "date": "2022-09-10 12:00", "headline": "Something else entirely"},
    )
    inferred = infer(events, max_per_event=1)
    reasons = dict(zip(pairs(inferred), inferred["reason"], strict=True))
    assert reasons[("month", "later")].startswith("dates overlap")
    # `after` cannot be anyone's source: it started after both.
    assert "after" not in set(inferred["source"])


def union_graph(events: pd.DataFrame, inferred: pd.DataFrame) -> nx.DiGraph:
    links, _, _ = diffusion.resolve_cites(events)
    inner = links[links["source"].isin(set(events["id"]))]
    graph = nx.DiGraph(pairs(inner))
    graph.add_edges_from(pairs(inferred))
    return graph


CYCLE_CASES = {
    # Same start: `a` is cited by `b`, so `b` must not be proposed as `a`'s source.
    "descendant": [
        {"id": "a", "date": "2022-08-05", "date_end": "2022-08-06", "headline": HEADLINE},
        {
            "id": "b",
            "date": "2022-08-05",
            "date_end": "2022-08-06",
            "headline": HEADLINE,
            "cites": "a",
        },
    ],
    # Two undocumented events of the same day, each a candidate for the other.
    "mutual": [
        {"id": "a", "date": "2022-08-05", "date_end": "2022-08-06", "headline": HEADLINE},
        {"id": "b", "date": "2022-08-05", "date_end": "2022-08-06", "headline": HEADLINE},
        {"id": "c", "date": "2022-08-05", "date_end": "2022-08-06", "headline": HEADLINE},
    ],
    # A documented link backward in time: `p` cites `q`, which started later.
    "backward": [
        {"id": "p", "date": "2022-08-01 10:00", "headline": HEADLINE, "cites": "q"},
        {"id": "q", "date": "2022-08-03 10:00", "headline": HEADLINE},
        {"id": "r", "date": "2022-08-04 10:00", "headline": HEADLINE, "cites": "p"},
        {"id": "s", "date": "2022-08-05 10:00", "headline": HEADLINE},
    ],
}


@pytest.mark.parametrize("name", list(CYCLE_CASES))
def test_no_inferred_link_closes_a_circle(name):
    events = events_of(*CYCLE_CASES[name])
    # The prior model (no "latest" factor), so that same-day twins tie.
    inferred = report(events, max_per_event=5, fitted=inference.PRIOR_MODEL).links
    assert nx.is_directed_acyclic_graph(union_graph(events, inferred))
    if name == "descendant":
        assert ("b", "a") not in pairs(inferred)
    if name == "mutual":
        # One direction per pair; on a tie, the earlier row is the source.
        assert sorted(pairs(inferred)) == [("a", "b"), ("a", "c"), ("b", "c")]
    if name == "backward":
        assert ("p", "q") not in pairs(inferred) and ("r", "q") not in pairs(inferred)
        assert set(inferred["target"]) <= {"q", "s"}


def test_the_same_input_gives_the_same_output(obvious):
    first = infer(obvious, max_per_event=3)
    assert first.equals(infer(obvious, max_per_event=3))
    shuffled = obvious.sample(frac=1, random_state=7)
    pd.testing.assert_frame_equal(
        first.reset_index(drop=True), infer(shuffled, max_per_event=3).reset_index(drop=True)
    )


def test_equal_candidates_tie_to_the_earlier_row():
    same = {"date": "2022-08-05 08:00", "language": "en", "headline": HEADLINE}
    events = events_of(
        {"id": "second", **same},
        {"id": "first", **same},
        {"id": "target", "date": "2022-08-05 10:00", "language": "en", "headline": HEADLINE},
    )
    # The prior model: the fitted one prefers the latest candidate, which breaks the tie.
    inferred = report(events, max_per_event=2, fitted=inference.PRIOR_MODEL).links
    mine = inferred[inferred["target"] == "target"]
    assert list(mine["source"]) == ["second", "first"]  # `second` has the earlier row
    assert mine["confidence"].iloc[0] == pytest.approx(mine["confidence"].iloc[1])


@pytest.mark.parametrize("k", [1, 2, 3])
def test_max_per_event(obvious, k):
    inferred = report(obvious, max_per_event=k, floor=0.0).links
    assert inferred.groupby("target").size().max() <= k
    assert (inferred["target"] == "target").sum() == k  # it has three candidates


@pytest.mark.parametrize("threshold", [0.01, 0.1, 0.5, 0.9])
def test_min_confidence(obvious, threshold):
    everything = report(obvious, max_per_event=10, floor=0.0).links
    kept = report(obvious, max_per_event=10, min_confidence=threshold, floor=0.0).links
    assert (kept["confidence"] >= threshold).all()
    expected = everything[everything["confidence"] >= threshold]
    assert pairs(kept) == pairs(expected)


def test_only_the_most_recent_candidates_are_looked_at():
    # The identical headline sits just outside the K most recent earlier events.
    base = pd.Timestamp("2022-08-01 00:00")
    rows = [{"id": "oldest", "date": str(base), "headline": HEADLINE, "cites": "x"}]
    rows += [
        {"id": f"e{i}", "date": str(base + pd.Timedelta(minutes=i + 1)), "cites": "x"}
        for i in range(MAX_CANDIDATES)
    ]
    rows.append({"id": "target", "date": str(base + DAY), "headline": HEADLINE})
    # The prior model: this is about the window; the fitted "latest" factor can outweigh a
    # headline here.
    prior = inference.PRIOR_MODEL
    inferred = report(events_of(*rows), max_per_event=1, floor=0.0, fitted=prior).links
    assert list(inferred["target"]) == ["target"]
    assert list(inferred["source"]) != ["oldest"]
    rows.pop(1)  # now it is inside the window
    inferred = report(events_of(*rows), max_per_event=1, floor=0.0, fitted=prior).links
    assert list(inferred["source"]) == ["oldest"]


def test_outlet_type_transitions_seen_in_documented_links_help():
    events = events_of(
        {"id": "tv1", "date": "2022-08-01 10:00", "outlet_type": "state_tv"},
        {"id": "tab1", "date": "2022-08-01 12:00", "outlet_type": "tabloid", "cites": "tv1"},
        {"id": "tv2", "date": "2022-08-02 10:00", "outlet_type": "state_tv"},
        {"id": "tab2", "date": "2022-08-02 12:00", "outlet_type": "tabloid", "cites": "tv2"},
        {"id": "tv", "date": "2022-08-05 09:00", "outlet_type": "state_tv"},
        {"id": "blog", "date": "2022-08-05 09:00", "outlet_type": "blog"},
        {"id": "target", "date": "2022-08-05 10:00", "outlet_type": "tabloid"},
    )

    # The prior model: the fitted one's "latest" factor would outweigh the transitions here.
    inferred = report(events, max_per_event=1, fitted=inference.PRIOR_MODEL, floor=0.0).links
    mine = inferred[inferred["target"] == "target"]
    assert list(mine["source"]) == ["tv"]
    assert "state_tv → tabloid seen 2× in documented links" in mine["reason"].iloc[0]


def test_empty_input():
    empty = events_of({"id": "x", "date": "2022-08-01"}).iloc[0:0]
    inferred = infer_links(empty, diffusion.empty_links())
    assert inferred.empty
    assert tuple(inferred.columns) == diffusion.LINK_COLUMNS


@pytest.mark.parametrize(
    "rows",
    [
        [{"id": "only", "date": "2022-08-01"}],
        [{"id": "a", "date": "2022-08-01"}, {"id": "b", "date": "2022-08-02", "cites": "a"}],
        [{"id": "a", "date": "2022-08-01", "stance": "debunks"}, {"id": "b", "date": "2022-08-02"}],
    ],
    ids=["single event", "all cited", "no claim-carrying candidate"],
)
def test_nothing_to_infer(rows):
    inferred = infer(events_of(*rows))
    assert inferred.empty
    assert tuple(inferred.columns) == diffusion.LINK_COLUMNS


def test_the_bundled_case():
    case = load_path("data/cases/nk-100k-volunteers/events.csv")
    events = case.events
    inferred = infer_links(events, case.links)
    assert not inferred.empty
    by_id = events.set_index("id")
    claim = diffusion.carries_claim(events).to_numpy()
    carrying = set(events.loc[claim, "id"])
    assert (by_id.loc[inferred["target"], "cites"] == "").all()
    assert set(inferred["target"]) <= carrying
    assert set(inferred["source"]) <= carrying
    assert (
        by_id.loc[inferred["source"], "date"].to_numpy()
        <= by_id.loc[inferred["target"], "date"].to_numpy()
    ).all()
    assert nx.is_directed_acyclic_graph(union_graph(events, inferred))
    # Documented figures are untouched: inferred links are a separate frame.
    assert set(case.links["kind"]) == {"documented"}


def test_the_origin_is_a_candidate_however_many_events_came_between():
    base = pd.Timestamp("2022-08-01 00:00")
    rows = [{"id": "origin", "date": str(base), "stance": "originates", "headline": HEADLINE}]
    rows += [
        {"id": f"e{i}", "date": str(base + pd.Timedelta(minutes=i + 1)), "cites": "x"}
        for i in range(MAX_CANDIDATES + 50)
    ]
    rows.append({"id": "target", "date": str(base + DAY), "headline": HEADLINE})
    setting = inference.prepare(events_of(*rows), diffusion.resolve_cites(events_of(*rows))[0])
    found = list(inference.candidates(setting))
    mine = next(c for c in found if setting.ids[c.target] == "target")
    assert "origin" in set(setting.ids[mine.cands])
    assert len(mine.cands) == MAX_CANDIDATES + 1
    inferred = infer(events_of(*rows), max_per_event=1)
    assert ("origin", "target") in pairs(inferred)


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("@Ann @bob_2 thanks", ("ann", "bob_2")),
        ("  @ann: yes", ("ann",)),
        ("Thanks @ann", ()),
        ("", ()),
    ],
)
def test_the_handles_a_text_opens_with(text, handles):
    assert inference.addressed(text) == handles


def reply_thread() -> pd.DataFrame:
    """ann posts; bob and cat answer her; dan answers bob ("@bob @ann": Twitter's reply form)."""
    return events_of(
        {"id": "ann", "date": "2016-01-01 10:00", "stance": "originates", "headline": "Big news"},
        {"id": "bob", "date": "2016-01-01 10:05", "headline": "@ann really?"},
        {"id": "cat", "date": "2016-01-01 10:06", "headline": "@ann wow"},
        {"id": "eve", "date": "2016-01-01 10:07", "headline": "@ann source?"},
        {"id": "dan", "date": "2016-01-01 10:08", "headline": "@bob @ann yes, really"},
    )


def test_whom_a_reply_addresses_is_a_feature():
    events = reply_thread()
    links, _, _ = diffusion.resolve_cites(events)
    setting = inference.prepare(events, links)
    found = {setting.ids[c.target]: c for c in inference.candidates(setting)}
    dan = found["dan"]
    names = list(setting.ids[dan.cands])
    column = dan.features[:, inference.FEATURES.index("addresses")]
    assert dict(zip(names, column, strict=True)) == {"ann": 0, "bob": 1, "cat": 1, "eve": 1}
    # dan answers bob, whom no one else's text names; the origin is not the one answered most.
    unanswered = dan.features[:, inference.FEATURES.index("origin_unanswered")]
    assert unanswered[names.index("ann")] == 1
    # cat answers ann, the most answered handle: the origin keeps its pull.
    cat = found["cat"]
    assert cat.features[:, inference.FEATURES.index("origin_unanswered")].sum() == 0


def test_a_reply_to_a_reply_is_traced_and_the_reason_says_whom_both_address():
    inferred = report(reply_thread(), max_per_event=1).links
    dan = inferred[inferred["target"] == "dan"]
    assert list(dan["source"]) != ["ann"]
    assert "both address @ann" in dan["reason"].iloc[0]
    # The first replies answer ann's post.
    first = inferred[inferred["target"].isin(["bob", "cat", "eve"])]
    assert set(first["source"]) == {"ann"}
