"""Properties of the loader and the analysis, for any input hypothesis can think of.

For any bytes, any table of any text, and any case built from messy rows (duplicate and blank
ids, dates good and bad, cites that loop, name themselves or nobody), nothing raises, and the
promises hold: every row is loaded or rejected, intervals run forward in UTC, links join real
nodes, walks along links end, inferred links are what the README says they are.

Runs a fixed set of examples by default (`derandomize`), so the suite gives the same answer
every time; CLAIMTRACE_HYPOTHESIS=deep searches ten times as long, with fresh examples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrace import analysis, diffusion, export, report
from claimtrace.dates import FIRST_YEAR, LAST_YEAR, parse_dates
from claimtrace.export import FORMULA_START, neutralise
from claimtrace.filters import Filters, apply, documented_only
from claimtrace.inference import infer_links
from claimtrace.ingest import load_bytes
from claimtrace.model import Case
from components.text import md, safe_url

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "deep",
    max_examples=600,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("CLAIMTRACE_HYPOTHESIS", "ci"))

EARLIEST = pd.Timestamp(f"{FIRST_YEAR}-01-01", tz="UTC")
LATEST = pd.Timestamp(f"{LAST_YEAR + 1}-01-01", tz="UTC")
NAMES = ("events.csv", "events.json", "events.jsonl", "events.xlsx", "events.txt")

# --- strategies ---------------------------------------------------------------------------------

nasty_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("\u202e\x00\x07;,\"'\n\r\t<>[]()=@+-"),
    max_size=30,
)
ids = (
    st.sampled_from(["a", "b", "c", "d", "A", " a ", "", "x" * 300, "a\u202e", "<b>"]) | nasty_text
)
outlets = st.sampled_from(["TASS", "tass", "Daily Mail", "", "=cmd", "<img src=x>"]) | nasty_text
offsets = st.sampled_from(["", "Z", "+02:00", "-05:30", "+14:00", " UTC", "+0100"])


@st.composite
def date_texts(draw) -> str:
    """Dates in every form the README lists, some a little out of range, and junk."""
    moment = draw(
        st.datetimes(min_value=dt.datetime(1899, 12, 25), max_value=dt.datetime(2100, 1, 5))
    )
    form = draw(st.integers(0, 9))
    if form == 0:
        return moment.strftime("%Y-%m-%d")
    if form == 1:
        return moment.strftime("%Y-%m-%dT%H:%M") + draw(offsets)
    if form == 2:
        return moment.strftime("%d.%m.%Y %H:%M")
    if form == 3:
        return f"{moment.day} {moment:%B %Y}"
    if form == 4:
        return moment.strftime("%Y-%m")
    if form == 5:
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") + draw(offsets)
    if form == 6:
        return draw(st.sampled_from(["9999-12-31", "0000-01-01", "2022-02-30", "NaN", "inf"]))
    if form == 7:
        return draw(st.sampled_from(["2022-03-27 02:30", "2022-10-30 02:30", "yesterday", ""]))
    return draw(nasty_text)


@st.composite
def event_rows(draw) -> list[dict]:
    n = draw(st.integers(0, 18))
    rows = []
    for _ in range(n):
        cites = draw(st.lists(ids | outlets, max_size=4))
        rows.append(
            {
                "id": draw(ids),
                "date": draw(date_texts()),
                "date_end": draw(st.sampled_from(["", "", ""]) | date_texts()),
                "outlet": draw(outlets),
                "outlet_type": draw(
                    st.sampled_from(
                        [
                            "",
                            "state_tv",
                            "tabloid",
                            "wire",
                            "fact_checker",
                            "state_official",
                            "politician",
                            "State TV",
                            "weird",
                        ]
                    )
                ),
                "country": draw(st.sampled_from(["", "RU", "GB", "Germany", "xx"])),
                "language": draw(st.sampled_from(["", "ru", "en", "German", "zz"])),
                "headline": draw(nasty_text),
                "url": draw(st.sampled_from(["", "https://x.invalid/a", "javascript:alert(1)"])),
                "cites": ";".join(cites),
                "stance": draw(
                    st.sampled_from(
                        [
                            "",
                            "originates",
                            "repeats",
                            "questions",
                            "debunks",
                            "denies",
                            "confirms",
                            "context",
                            "nonsense",
                        ]
                    )
                ),
                "notes": draw(nasty_text),
            }
        )
    return rows


def as_file(rows: list[dict], kind: str, delimiter: str, encoding: str) -> tuple[bytes, str]:
    header = ["id", "date", "date_end", "outlet", "outlet_type", "country", "language",
              "headline", "url", "cites", "stance", "notes"]  # fmt: skip
    if kind == "json":
        return json.dumps(rows, ensure_ascii=False).encode(), "events.json"
    if kind == "jsonl":
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return body.encode(), "events.jsonl"
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([r[c] for c in header] for r in rows)
    return out.getvalue().encode(encoding), "events.csv"


cases = st.builds(
    as_file,
    event_rows(),
    st.sampled_from(["csv", "csv", "json", "jsonl"]),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)


# --- the loader ---------------------------------------------------------------------------------


def check_case(case: Case, name: str) -> None:
    """What every loaded case promises (conftest's `load` checks the core of it too)."""
    if case.fatal:
        assert case.fatal.startswith(f"{name}: ")
        assert case.events.empty and case.rejected.empty
        return
    events = case.events
    assert len(events) + len(case.rejected) == case.source.rows
    assert set(events["row"]).isdisjoint(case.rejected["row"])
    assert events["id"].is_unique and (events["id"] != "").all() and (events["outlet"] != "").all()
    assert (events["date"] < events["date_end"]).all()
    assert (events["date"] >= EARLIEST).all() and (events["date_end"] <= LATEST).all()
    assert events.sort_values(["date", "row"]).index.equals(events.index)
    for column in ("id", "outlet", "headline", "cites", "notes"):
        assert not events[column].str.contains("[\x00-\x08\u202a-\u202e]", regex=True).any()
    for problem in case.problems:
        assert problem.severity in ("error", "warning") and problem.message
        assert "Traceback" not in problem.message


@given(data=st.binary(max_size=3000), name=st.sampled_from(NAMES))
def test_any_bytes_load_or_are_refused(load, data, name):
    check_case(load(data, name), name)


@given(
    cells=st.lists(st.lists(nasty_text, min_size=0, max_size=6), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_any_table_of_any_text_loads_or_is_refused(load, cells, delimiter):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(cells)
    check_case(load(out.getvalue().encode("utf-8"), "events.csv"), "events.csv")


@given(file=cases)
def test_any_messy_case_keeps_its_promises(load, file):
    data, name = file
    check_case(load(data, name), name)


# --- the analysis -------------------------------------------------------------------------------


def check_analysis(case: Case) -> None:
    events, links = case.events, case.links
    ids = set(events["id"])
    # Documented links join loaded events (or a named external source), never an event to itself.
    assert links["target"].isin(ids).all()
    assert (links["source"].isin(ids) | links["source"].str.startswith("external:")).all()
    assert not (links["source"] == links["target"]).any()
    assert not links.duplicated(["source", "target"]).any()
    # Walks along links end, whatever circles the cites make.
    depth = diffusion.hops(events, links)
    assert (depth >= 0).all()
    origins = set(diffusion.origins(events, links))
    assert origins <= ids
    for event_id in list(ids)[:6]:
        up, down = diffusion.lineage(links, event_id)
        assert event_id not in up and event_id not in down
        chain = diffusion.chain_back(events, links, event_id)
        assert chain[-1]["id"] == event_id and len({s["id"] for s in chain}) == len(chain)
    # Firsts name claim-carrying events of their value, as early as anything of that value.
    claim = events[diffusion.carries_claim(events)]
    for column in ("language", "country", "outlet_type"):
        for value, first in diffusion.firsts_by(events, links, column).items():
            group = claim[claim[column] == value]
            assert set(first.ids) <= set(group["id"]) and first.ids
            assert first.start == group.set_index("id").loc[list(first.ids), "date"].min()
            assert first.start < first.end
    story = analysis.story(events, links)
    dates = [c["date"] for c in story.status]
    assert dates == sorted(dates)
    # Inferred links: to claim-carrying events that cite nothing, confident enough, few.
    inferred = infer_links(events, links, max_per_event=2, min_confidence=0.2)
    assert (inferred["kind"] == "inferred").all()
    assert inferred["confidence"].between(0.2, 1).all()
    assert inferred["target"].value_counts().le(2).all()
    targets = events.set_index("id").loc[list(inferred["target"])]
    assert (targets["cites"] == "").all() and diffusion.carries_claim(targets).all()
    assert not targets["stance"].isin(["originates", "context"]).any()
    assert not (inferred["source"] == inferred["target"]).any()


@given(file=cases)
def test_the_analysis_of_any_messy_case_ends_and_holds(load, file):
    case = load(*file)
    if not case.fatal:
        check_analysis(case)


@given(file=cases, chosen=st.sets(st.sampled_from(["tabloid", "wire", "other", "state_tv"])))
def test_filters_keep_a_subset_and_its_links(load, file, chosen):
    case = load(*file)
    if case.fatal:
        return
    view = apply(case, Filters(outlet_type=tuple(chosen)))
    assert set(view.events["id"]) <= set(case.events["id"])
    if chosen:
        assert view.events["outlet_type"].isin(chosen).all()
    else:
        assert len(view.events) == len(case.events) and view.hidden == 0
    shown = set(view.events["id"])
    assert view.links["target"].isin(shown).all()
    assert (
        view.links["source"].isin(shown) | view.links["source"].str.startswith("external:")
    ).all()


@given(file=cases)
def test_exports_of_any_case_are_safe_and_load_back(load, file):
    case = load(*file)
    if case.fatal:
        return
    view = documented_only(apply(case, Filters()))
    rows = list(
        csv.reader(io.StringIO(export.events_csv(case, view).decode("utf-8-sig"), newline=""))
    )
    assert len(rows) == 1 + len(case.events)
    assert not [c for row in rows for c in row if c.startswith(FORMULA_START)]
    if case.events.empty:
        return  # an export of nothing reads back as "the JSON holds no events"
    footer = report.provenance(case, Filters(), inferred_shown=False)
    again = load_bytes(export.events_json(case, view, Filters(), footer), "again.json")
    assert not again.fatal and len(again.rejected) == 0
    ours = case.events.set_index("id")[["date", "date_end", "outlet"]].sort_index()
    theirs = again.events.set_index("id")[["date", "date_end", "outlet"]].sort_index()
    assert list(ours.index) == list(theirs.index)
    assert (ours["outlet"] == theirs["outlet"]).all()
    assert (ours["date"] == theirs["date"]).all()
    assert (ours["date_end"] == theirs["date_end"]).all()


# --- dates and text -----------------------------------------------------------------------------


@given(values=st.lists(date_texts() | nasty_text, max_size=20),
       tz=st.sampled_from(["UTC", "Europe/Zurich", "Pacific/Kiritimati", "America/St_Johns"]))  # fmt: skip
def test_any_date_text_parses_to_a_forward_interval_or_not_at_all(values, tz):
    out = parse_dates(pd.Series(values, dtype=object), tz)
    good = out[out["ok"]]
    assert (good["start"] < good["end"]).all()
    assert (good["start"] >= EARLIEST).all() and (good["end"] <= LATEST).all()
    assert out.index.equals(pd.RangeIndex(len(values)))


@given(
    moment=st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2099, 12, 30)),
    minutes=st.integers(-12 * 60, 14 * 60),
)
def test_an_iso_time_with_an_offset_means_that_instant(moment, minutes):
    moment = moment.replace(second=0, microsecond=0)
    sign = "+" if minutes >= 0 else "-"
    text = f"{moment:%Y-%m-%dT%H:%M}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    out = parse_dates(pd.Series([text]), "Europe/Zurich").iloc[0]
    expected = pd.Timestamp(moment, tz="UTC") - pd.Timedelta(minutes=minutes)
    assert out["ok"] and out["start"] == expected
    assert out["end"] - out["start"] == pd.Timedelta(minutes=1)


@given(text=nasty_text | st.text(max_size=200))
def test_markdown_escaping_shows_any_text_as_written(text):
    escaped = md(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text.replace("\n", " ")
    assert not re.search(r"(?<!\\)[\[\]()<>*_`!#|~]", escaped)


@given(url=st.text(max_size=60) | st.from_regex(r"(?i)(https?|javascript|data):[^\n]{0,40}"))
def test_only_plain_web_addresses_become_links(url):
    linked = safe_url(url)
    assert linked == "" or (
        re.match(r"(?i)https?://", linked) and not re.search(r"[\s<>\"']", linked)
    )


@given(value=nasty_text | st.from_regex(r"[=+\-@\t\r][^\n]{0,10}"))
def test_no_cell_leaves_for_a_spreadsheet_as_a_formula(value):
    out = neutralise(value)
    assert not out.startswith(FORMULA_START)
    assert out in (value, "'" + value)
