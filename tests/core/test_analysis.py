"""Hand-made cases with known answers for firsts, crossings, status and the bundled case."""

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from claimtrace import analysis, diffusion
from claimtrace.ingest import load_bytes, load_path

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "cases" / "nk-100k-volunteers" / "events.csv"

HEADER = "id,date,date_end,outlet,outlet_type,country,language,cites,stance\n"


def case_of(*rows: str):
    case = load_bytes((HEADER + "\n".join(rows) + "\n").encode(), "hand.csv")
    assert not case.errors, case.errors
    return case


def first_ids(case, column, value):
    return diffusion.firsts_by(case.events, case.links, column)[value].ids


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [
                "a,2022-08-05,,Daily Mail,tabloid,GB,en,,repeats",
                "b,2022-08-05,,NY Post,tabloid,US,en,,repeats",
            ],
            {"a", "b"},
            id="same-day-tie",
        ),
        pytest.param(
            [
                "a,2022-08-05T10:00Z,,Daily Mail,tabloid,GB,en,,repeats",
                "b,2022-08-05T11:00Z,,NY Post,tabloid,US,en,,repeats",
            ],
            {"a"},
            id="known-times-order",
        ),
        pytest.param(
            [
                "a,2022-08-04,2022-08-20,Early only at start,digital,GB,en,,repeats",
                "b,2022-08-05,,NY Post,tabloid,US,en,,repeats",
            ],
            {"a", "b"},
            id="interval-earlier-only-at-its-start",
        ),
        pytest.param(
            [
                "a,2022-08-01,2022-08-03,Blog,blog,GB,en,,repeats",
                "b,2022-08-05,,NY Post,tabloid,US,en,,repeats",
            ],
            {"a"},
            id="interval-wholly-earlier",
        ),
        pytest.param(
            [
                "a,2022-08-05,,Daily Mail,tabloid,GB,en,,repeats",
                "b,2022-08-05,,Repost,blog,US,en,a,repeats",
            ],
            {"a"},
            id="citing-event-cannot-be-first",
        ),
        pytest.param(
            [
                "a,2022-08-05,,Daily Mail,tabloid,GB,en,,repeats",
                "b,2022-08-01,,Debunker,fact_checker,US,en,,debunks",
            ],
            {"a"},
            id="debunks-do-not-carry-the-claim",
        ),
    ],
)
def test_first_in_english(rows, expected):
    assert set(first_ids(case_of(*rows), "language", "en")) == expected


def test_crossings_into_new_language_and_out_of_state_media():
    case = case_of(
        "tv,2022-08-04,,Russian state TV,state_tv,RU,ru,,originates",
        "agency,2022-08-04T18:00Z,,TASS,state_agency,RU,ru,tv,repeats",
        "nyp,2022-08-05,,New York Post,tabloid,US,en,tv,repeats",
        "ind,2022-08-08,,The Independent,broadsheet,GB,en,nyp,repeats",
    )
    found = analysis.crossings(case.events, case.links)
    kinds = {(c["kind"], c["to"]): c for c in found}
    english = kinds[("language", "en")]
    assert english["event"] == "nyp" and english["from"] == "ru"
    assert english["hops"] == 1
    assert english["elapsed_hours"] == 24.0
    assert kinds[("country", "US")]["event"] == "nyp"
    assert kinds[("country", "GB")]["event"] == "ind" and kinds[("country", "GB")]["hops"] == 2
    jump = kinds[("state_to_independent", "tabloid")]
    assert jump["from"] == "state" and jump["event"] == "nyp"
    assert ("language", "ru") not in kinds  # the origin's own language is no crossing


def test_status_sequence():
    case = case_of(
        "a,2022-08-02,,Regnum,wire,RU,ru,,originates",
        "b,2022-08-05,,Daily Mail,tabloid,GB,en,a,repeats",
        "c,2022-08-08,,Newsweek,fact_checker,US,en,,debunks",
        "d,2022-08-11,,Russian MFA,state_official,RU,ru,,denies",
        "e,2025-04-26,,General Staff,state_official,RU,ru,,confirms",
    )
    changes = analysis.status_changes(case.events)
    assert [(c["status"], c["event"]) for c in changes] == [
        ("uncorroborated", "a"),
        ("debunked", "c"),
        ("debunked and denied", "d"),
        ("confirmed", "e"),
    ]


def test_official_denial_wins_over_a_report_of_it():
    case = case_of(
        "a,2022-08-02,,Regnum,wire,RU,ru,,originates",
        "r,2022-08-10,2022-08-20,Some paper,broadsheet,PL,pl,,denies",
        "m,2022-08-11,,Russian MFA,state_official,RU,ru,,denies",
    )
    changes = analysis.status_changes(case.events)
    assert changes[-1]["status"] == "denied" and changes[-1]["event"] == "m"


@pytest.fixture(scope="module")
def bundled():
    return load_path(BUNDLED)


def test_bundled_first_in_english_is_the_daily_mail_new_york_post_tie(bundled):
    first = diffusion.firsts_by(bundled.events, bundled.links, "language")["en"]
    assert first.is_tie
    assert {"dailymail-0805", "nypost-0805"} <= set(first.ids)
    events = bundled.events.set_index("id")

    day = pd.Timestamp("2022-08-05", tz="UTC")
    for event_id in first.ids:
        # Every other member is an English item whose interval overlaps 5 August 2022.
        assert events.loc[event_id, "language"] == "en"
        assert events.loc[event_id, "date"] <= day < events.loc[event_id, "date_end"]
    # Reposts that cite the Daily Mail or the New York Post are never in the tie.
    assert "bcnn1-0805" not in first.ids
    assert "yahoo-08" not in first.ids


def test_bundled_summary_has_the_analysis_keys(bundled):
    data = analysis.summary(bundled)
    for key in (
        "first_by_language",
        "first_by_country",
        "first_by_outlet_type",
        "crossings",
        "status_changes",
        "max_hops",
    ):
        assert key in data
    assert data["status_changes"][0]["status"] == "uncorroborated"
    assert data["status_changes"][0]["event"] in ("regnum-0802", "korotchenko-0804")
    assert any(c["status"].startswith("debunked") for c in data["status_changes"])
    assert data["max_hops"] >= 2


def test_bundled_summary_inferred_links_only_for_events_citing_nothing(bundled):
    data = analysis.summary(bundled)
    cites = dict(zip(bundled.events["id"], bundled.events["cites"], strict=True))
    assert data["inferred_links"], "the bundled case has undocumented events"
    for link in data["inferred_links"]:
        assert cites[link["target"]] == ""
        assert 0 < link["confidence"] <= 1 and link["reason"]


def test_inferred_links_never_change_documented_figures(bundled):
    from claimtrace.inference import infer_links

    both = pd.concat([bundled.links, infer_links(bundled.events, bundled.links)])
    plain = analysis.story(bundled.events, bundled.links)
    mixed = analysis.story(bundled.events, both)
    assert plain.crossings == mixed.crossings
    assert [m.first.ids for m in plain.milestones] == [m.first.ids for m in mixed.milestones]


def test_a_view_opens_on_the_claims_own_period() -> None:
    """The case's focus where it gives one; else the shortest stretch holding 90% of what
    carries or answers the claim; a short case is its own period."""
    case = load_path(BUNDLED)
    assert analysis.claim_period(case) == (*case.meta.focus, "the case's focus")
    unfocused = replace(case, meta=replace(case.meta, focus=()))
    first, last, why = analysis.claim_period(unfocused)
    assert "worked out from the data" in why
    assert first <= "2022-08-04" and last >= "2022-08-11"  # Regnum to the denial
    assert last < "2024-01-01"  # the 2024-25 context stays one step away
    short = load_bytes(b"id,date,outlet\n" + b"".join(
        f"e{i},2022-08-{i + 1:02d},Outlet {i}\n".encode() for i in range(9)), "short.csv")  # fmt: skip
    assert analysis.claim_period(short) == ("", "", "")


def test_who_denies_is_kept_apart_from_who_relays_the_denial() -> None:
    """The ministry denies; the agencies and outlets that report its denial relay it: a rule on
    the stance `denies` (not official, and citing an event that denies), shown apart."""
    case = load_path(BUNDLED)
    split = analysis.denials(case.events, case.links)
    assert "mfa-0811" in split["official"] and "mfa-0811" not in split["relayed"]
    for relay in ("regnum-0811", "tass-0811", "rbc-0811", "republicworld-0811", "rp-08"):
        assert relay in split["relayed"]
    assert not set(split["official"]) & set(split["relayed"])
    assert analysis.summary(case)["denials"] == split
    # The status band dates the denial by the ministry, not by an outlet reporting it.
    denied = next(c for c in analysis.status_changes(case.events) if "denied" in c["status"])
    assert denied["event"] in split["official"]
