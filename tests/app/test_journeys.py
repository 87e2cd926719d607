"""What a journalist does with the app, run through AppTest: open it, upload, filter, read problems.

Assertions are on what the page holds (the figure JSON each chart receives, widget values,
texts), never on pixels; tests/browser looks at the pixels.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

CASE_DIR = Path(__file__).resolve().parents[2] / "data" / "cases" / "nk-100k-volunteers"
EXTERNAL = "external:"  # customdata prefix of sources cited but not in the data


# --- reading the page ------------------------------------------------------------------------


def figure(at: AppTest, key: str) -> dict:
    """The figure JSON of the chart keyed `key` ("timeline", "network"), hash suffix or not."""
    charts = at.get("plotly_chart")
    # The element id ends with the widget key, which may carry the data set's hash.
    found = [c for c in charts if re.search(rf"-{key}(-\w+)?$", c.proto.id)]
    assert len(found) == 1, f"no single {key!r} chart among {[c.proto.id for c in charts]}"
    return json.loads(found[0].proto.spec)


def event_ids(fig: dict) -> set[str]:
    """Ids of the events drawn: the customdata of every trace, external sources left out."""
    out = set()
    for trace in fig["data"]:
        for item in trace.get("customdata") or []:
            value = item[0] if isinstance(item, list) else item
            if isinstance(value, str) and not value.startswith(EXTERNAL):
                out.add(value)
    return out


def trace_texts(fig: dict) -> str:
    """Every label and hover text of a figure, joined: what a reader can see of the data."""
    parts = []
    for trace in fig["data"]:
        for field in ("text", "hovertext"):
            value = trace.get(field)
            parts.extend(value if isinstance(value, list) else [value or ""])
    return "\n".join(str(p) for p in parts)


def plain(markdown: str) -> str:
    """Markdown as read: the app escapes user text (`events\\.csv`), a reader sees `events.csv`."""
    return re.sub(r"\\(.)", r"\1", markdown)


def page_text(at: AppTest) -> str:
    """All text on the page, tables included, for "does the visitor get told X anywhere"."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption"):
        parts += [plain(e.value) for e in getattr(at, kind)]
    for kind in ("error", "warning", "info", "success"):
        parts += [plain(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.label for e in at.expander]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)


def table(where, *columns: str):
    """The first dataframe in `where` (the app, or a block of it) that has all these columns."""
    for frame in where.dataframe:
        if set(columns) <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with columns {columns}")


def open_panel(at: AppTest, name: str) -> AppTest:
    """Open the panel keyed `name` (or `name-<hash of the file>`), as a click does, and run."""
    at.session_state[next(k for k in at.session_state if re.fullmatch(rf"{name}(-\w+)?", k))] = True
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def widget(widgets, name: str):
    """The widget keyed `name`, or `name-<hash of the data set>`."""
    found = [w for w in widgets if w.key and re.fullmatch(rf"{name}(-\w+)?", w.key)]
    assert len(found) == 1, f"no single widget keyed {name} among {[w.key for w in widgets]}"
    return found[0]


def bundled_rows() -> list[dict[str, str]]:
    """The bundled case's rows, read with the csv module: an oracle independent of the loader."""
    with (CASE_DIR / "events.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- the bundled case --------------------------------------------------------------------------


def test_default_run_draws_the_bundled_case(bundled: AppTest) -> None:
    assert not bundled.exception
    meta = json.loads((CASE_DIR / "case.json").read_text(encoding="utf-8"))
    assert [plain(t.value) for t in bundled.title] == [meta["title"]]

    timeline, network = figure(bundled, "timeline"), figure(bundled, "network")
    drawn = event_ids(timeline)
    assert {"dailymail-0805", "nypost-0805", "regnum-0802", "mfa-0811"} <= drawn
    # The case opens on its focus window (2022); the 2024-25 deployment events are context.
    in_2022 = {r["id"] for r in bundled_rows() if r["date"].startswith("2022-")}
    assert drawn == in_2022
    assert event_ids(network) == drawn

    externals = [t for t in network["data"] if "cited, not in the data" in (t.get("name") or "")]
    assert externals, "the network has no trace for sources cited but not in the data"
    assert all(str(i).startswith(EXTERNAL) for t in externals for i in t.get("customdata") or [])

    assert metric(bundled, "Events") == str(len(drawn))
    assert {"Events", "Outlets", "Countries", "Languages"} <= {m.label for m in bundled.metric}


# --- uploads ---------------------------------------------------------------------------------


def test_german_windows_1252_upload_keeps_its_umlauts(upload, german_csv: bytes) -> None:
    at = upload(german_csv, "Recherche Nordkorea.csv")

    assert not at.exception
    assert not at.error
    ids = {f"de-0{i}" for i in range(1, 6)}
    timeline, network = figure(at, "timeline"), figure(at, "network")
    assert event_ids(timeline) == ids
    assert event_ids(network) == ids

    shown = trace_texts(timeline) + trace_texts(network)
    for text in ("Süddeutsche Zeitung", "Neue Zürcher Zeitung", "Faktencheck Österreich",
                 "Korotschenko über «100’000 Freiwillige»"):  # fmt: skip
        assert text in shown
    for mojibake in ("Ã", "â€", "Â", "\ufffd"):
        assert mojibake not in shown

    open_panel(at, "events-panel")  # the events table's panel, made when opened
    rows = table(at, "id", "outlet", "notes").set_index("id")
    assert rows.loc["de-03", "outlet"] == "Neue Zürcher Zeitung"
    assert rows.loc["de-03", "notes"] == "Büro Zürich"
    assert rows.loc["de-02", "notes"] == "Paywall, 3 €"
    # German vocabulary and names arrive as the contract's codes.
    assert rows.loc["de-02", "type"] == "broadsheet"
    assert rows.loc["de-04", "type"] == "tabloid"
    assert rows.loc["de-05", "country"] == "AT"

    described = plain(" ".join(c.value for c in at.caption))
    assert "semicolon" in described
    assert "Windows-1252" in described


def test_a_file_with_bad_rows_lists_every_problem(upload) -> None:
    data = (
        b"id,date,outlet,outlet_type\r\n"
        b"a1,2022-08-05,Daily Mail,tabloid\r\n"
        b"a2,gestern,Bild,tabloid\r\n"  # row 3: not a date
        b"a1,2022-08-06,New York Post,tabloid\r\n"  # row 4: the id of row 2 again
        b"a3,2022-08-07,Blick,boulevard\r\n"
    )
    at = upload(data, "bad.csv")

    assert not at.exception
    assert event_ids(figure(at, "timeline")) == {"a1", "a3"}

    problems = next(e for e in at.expander if e.label.startswith("Problems"))
    assert "2 rows rejected" in problems.label
    listed = table(problems, "where", "problem")
    found = dict(zip(listed["where"], listed["problem"], strict=True))
    row3 = next(p for w, p in found.items() if w.startswith("row 3"))
    row4 = next(p for w, p in found.items() if w.startswith("row 4"))
    assert "cannot read" in row3 and "gestern" in row3
    assert "already used on row 2" in row4

    rejected = table(problems, "row", "reason")
    assert rejected["row"].tolist() == [3, 4]
    assert "gestern" in rejected.to_string()  # the rows as the user wrote them

    downloads = problems.get("download_button")
    assert [d.label for d in downloads] == ["Download the rejected rows (CSV)"]
    assert "2 rows rejected" in plain(" ".join(c.value for c in at.caption))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("junk.csv", random.Random(7).randbytes(4096), "looks like a binary file"),
        ("empty.csv", b"", "the file is empty"),
        ("events.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "old Excel .xls file"),
        ("events.json", b"[]", "holds no events"),
    ],
    ids=["binary-junk", "empty", "legacy-xls", "json-without-events"],
)
def test_an_unreadable_file_gets_a_plain_error(upload, name: str, data: bytes, reason: str) -> None:
    at = upload(data, name)

    assert not at.exception
    assert len(at.error) == 1
    message = plain(at.error[0].value)
    assert "could not be read" in message
    assert reason in message
    assert "Traceback" not in message and len(message) < 300
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"id,outlet\r\na1,Bild\r\n", "no 'date' column"),
        (b"id,date,outlet\r\na1,gestern,Bild\r\n", "cannot read 'gestern'"),
    ],
    ids=["no-date-column", "no-readable-date"],
)
def test_a_file_with_no_loadable_row_explains_why(upload, data: bytes, reason: str) -> None:
    at = upload(data, "nothing-loads.csv")

    assert not at.exception, at.exception[0].value if at.exception else ""
    assert reason in page_text(at)
    warnings = [plain(w.value) for w in at.warning]
    assert any("No row of nothing-loads.csv could be loaded" in w for w in warnings)
    assert not at.get("plotly_chart")
    if reason == "no 'date' column":  # the page offers to say what each column means
        assert any("were not recognised from their headers" in w for w in warnings)


# --- filters -----------------------------------------------------------------------------------


def test_outlet_type_filter_leaves_only_tabloids(bundled: AppTest) -> None:
    widget(bundled.multiselect, "outlet_type").set_value(["tabloid"]).run()

    assert not bundled.exception
    tabloids = {r["id"] for r in bundled_rows() if r["outlet_type"] == "tabloid"}
    drawn = event_ids(figure(bundled, "timeline"))
    assert {"dailymail-0805", "nypost-0805"} <= drawn
    assert drawn == tabloids
    assert event_ids(figure(bundled, "network")) == drawn
    assert metric(bundled, "Events") == str(len(drawn))


def test_date_range_keeps_events_that_overlap_the_day(bundled: AppTest) -> None:
    day = dt.date(2022, 8, 11)
    widget(bundled.date_input, "dates").set_value((day, day)).run()

    assert not bundled.exception
    drawn = event_ids(figure(bundled, "timeline"))
    # Dated that day, or a range that covers it: shown.
    assert {"mfa-0811", "tass-0811", "dzen-tass-08", "ru-embassy-dprk-08"} <= drawn
    # Before, or after: hidden. News Tomato is 12 Aug 09:22 in Seoul, 00:22 UTC: the next day.
    assert not {"dailymail-0805", "reuters-0713", "rappler-0817", "newstomato-0812"} & drawn
    assert event_ids(figure(bundled, "network")) == drawn


# --- a second file in the same session -------------------------------------------------------


def _days_csv(prefix: str, first: str, days: int) -> bytes:
    start = dt.date.fromisoformat(first)
    rows = [f"{prefix}-{i},{start + dt.timedelta(days=i)},Outlet {i}" for i in range(days)]
    return ("id,date,outlet\n" + "\n".join(rows) + "\n").encode()


def test_a_second_upload_starts_at_its_own_end_not_at_the_old_moment(upload) -> None:
    # The first file ends on 5 Aug; the visitor steps back to 3 Aug. The second file runs to
    # 10 Aug: 3 Aug is one of its moments too, yet it must open on all of its events.
    at = upload(_days_csv("a", "2022-08-01", 5), "first.csv")
    now = at.select_slider(key="now")
    assert now.value.startswith("2022-08-06")  # the end of the last day
    now.set_value("2022-08-03 00:00").run()
    assert metric(at, "Events") == "3"  # 1, 2 and 3 Aug: a day counts from its first moment
    at.file_uploader(key="upload").set_value(
        ("second.csv", _days_csv("b", "2022-08-01", 10), "text/csv")
    ).run()
    assert not at.exception
    assert at.select_slider(key="now").value.startswith("2022-08-11")
    assert metric(at, "Events") == "10"
    assert event_ids(figure(at, "timeline")) == {f"b-{i}" for i in range(10)}


def test_a_long_events_table_lists_its_first_rows_and_says_so(upload, monkeypatch) -> None:
    import components.tables

    monkeypatch.setattr(components.tables, "TABLE_ROWS", 3)
    at = upload(_days_csv("c", "2022-08-01", 5), "long.csv")
    open_panel(at, "events-panel")
    assert len(table(at, "id", "outlet")) == 3
    captions = plain(" ".join(c.value for c in at.caption))
    assert "5 of 5 events · the first 3 are listed here" in captions
    # The search looks at every event, not only those listed.
    widget(at.text_input, "search").set_value("c-4").run()
    assert list(table(at, "id", "outlet")["id"]) == ["c-4"]
    assert "1 of 5 events" in plain(" ".join(c.value for c in at.caption))


# --- panels made only when open ----------------------------------------------------------------


def test_the_export_panel_is_made_when_opened_and_warns_of_a_squeezed_size(bundled) -> None:
    assert "export-prepare" not in [b.key for b in bundled.button]  # closed: nothing made
    bundled.session_state["export-panel"] = True
    bundled.run()
    assert "export-prepare" in [b.key for b in bundled.button]
    assert not bundled.warning
    # Both views stacked at 1600 x 900 squeeze the charts: measured on the figures drawn.
    bundled.radio(key="export-view").set_value("both").run()
    bundled.selectbox(key="export-size").set_value("custom").run()
    squeezed = [plain(w.value) for w in bundled.warning]
    assert any("labels and points overlap" in w for w in squeezed), squeezed
    assert not bundled.exception


def test_the_tables_are_made_only_when_their_panels_are_opened(bundled) -> None:
    """Closed, the events table, the analysis and the problems send no table (the browser would
    fetch the table's code and draw it before the charts); opened, each holds its table."""
    assert not bundled.dataframe and not bundled.tabs
    panels = {e.label: e for e in bundled.expander}
    for label in ("Events table, with a search", "Who was first, and how it spread"):
        assert label in panels
    assert any(label.startswith("Problems: 0 rows rejected") for label in panels)
    opened = {"events-panel": ("id", "outlet", "headline"), "analysis-panel": ("first", "when")}
    opened["problems-panel"] = ("where", "problem")
    for panel, columns in opened.items():
        assert not open_panel(bundled, panel).exception
        table(bundled, *columns)  # raises when not there
    assert len(event_ids(figure(bundled, "timeline"))) == len(table(bundled, "id", "outlet"))


def test_each_analysis_tab_is_worked_out_when_opened(bundled) -> None:
    labels = ("Firsts", "Jumps", "Claim status", "Attribution decay", "Wording")
    open_panel(bundled, "analysis-panel")
    assert [t.label for t in bundled.tabs] == list(labels)
    shown = {}
    for label in labels:
        bundled.session_state["analysis-tab"] = label
        bundled.run()
        assert not bundled.exception
        shown[label] = page_text(bundled)
    assert "tie" in shown["Firsts"] or "first" in shown["Firsts"]
    assert "stop naming the original source" in shown["Attribution decay"]
    assert "stop naming the original source" not in shown["Firsts"]
    assert "documented links change the wording" in shown["Wording"]
    assert "documented links change the wording" not in shown["Jumps"]


def _pruned(value):
    """Figure JSON without empty objects (a figure kept in the cache drops `title: {}`)."""
    if isinstance(value, dict):
        pruned = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v != {}}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def test_figures_come_from_the_cache_only_for_the_same_view(bundled) -> None:
    first = _pruned(figure(bundled, "timeline")), _pruned(figure(bundled, "network"))
    again = AppTest.from_file(str(CASE_DIR.parents[2] / "app.py"), default_timeout=30).run()
    assert (_pruned(figure(again, "timeline")), _pruned(figure(again, "network"))) == first
    bundled.multiselect(key="outlet_type").set_value(["tabloid"]).run()
    tabloids = event_ids(figure(bundled, "timeline"))
    assert tabloids and tabloids < event_ids(first[0])  # not the cached whole case
    bundled.multiselect(key="outlet_type").set_value([]).run()
    assert _pruned(figure(bundled, "timeline")) == first[0]
    # Another moment is another view, and so another figure.
    now = bundled.select_slider(key="now")
    now.set_value(now.options[len(now.options) // 2]).run()
    assert event_ids(figure(bundled, "timeline")) < event_ids(first[0])


def test_time_slider_and_zoom_follow_a_filter_back_to_the_whole_case(bundled) -> None:
    whole_now, whole_zoom = (
        bundled.select_slider(key="now").value,
        bundled.select_slider(key="zoom").value,
    )
    bundled.multiselect(key="outlet_type").set_value(["tabloid"]).run()
    # The tabloids end earlier: "now" and the zoom follow their end ...
    assert bundled.select_slider(key="now").value < whole_now
    assert bundled.select_slider(key="zoom").value[1] < whole_zoom[1]
    bundled.multiselect(key="outlet_type").set_value([]).run()
    # ... and come back with the whole case, rather than hiding what came after.
    assert bundled.select_slider(key="now").value == whole_now
    assert bundled.select_slider(key="zoom").value == whole_zoom
    assert metric(bundled, "Events") == str(len(event_ids(figure(bundled, "timeline"))))
    # A moment the visitor chose is kept while it lies inside the case.
    now = bundled.select_slider(key="now")
    chosen = now.options[len(now.options) // 2]
    now.set_value(chosen).run()
    bundled.multiselect(key="language").set_value(["en"]).run()
    assert bundled.select_slider(key="now").value == chosen


def test_a_link_opens_on_its_moment_and_zoom() -> None:
    at = AppTest.from_file(str(CASE_DIR.parents[2] / "app.py"), default_timeout=30)
    at.query_params["zoom"] = ["2022-08-04 00:00", "2022-08-10 00:00"]
    at.query_params["now"] = "2022-08-06 00:00"
    at.query_params["time_scale"] = "Calendar"  # a date axis, whose range is dates
    at.run()
    assert not at.exception
    assert at.radio(key="time_scale").value == "calendar"
    assert at.select_slider(key="zoom").value == ("2022-08-04 00:00", "2022-08-10 00:00")
    assert at.select_slider(key="now").value == "2022-08-06 00:00"
    start, end = figure(at, "timeline")["layout"]["xaxis"]["range"]
    assert "2022-08-03" <= start < "2022-08-04" and "2022-08-10" < end <= "2022-08-11"


def test_a_path_says_where_it_leaves_the_data_not_that_it_found_the_origin() -> None:
    """PolitiFact's chain ends at a late Facebook post: that is where this path leaves the data,
    not where the claim began, and the case's documented origins are named as not reached."""
    at = AppTest.from_file(str(CASE_DIR.parents[2] / "app.py"), default_timeout=30)
    at.query_params["picked"] = "politifact-0929"
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "Path back to its earliest source in the data" in text
    assert "earliest source in the data on this path" in text
    assert ": origin" not in text
    assert "does not reach the case's documented origins" in text
    # Regnum is reached (by an inferred link); the other documented origin is named.
    not_reached = text.split("does not reach the case's documented origins", 1)[1]
    assert "Russian state TV" in not_reached.split("\n", 1)[0]


def test_each_chart_gives_its_image_with_the_footer_and_no_bare_camera(bundled: AppTest) -> None:
    """The camera of plotly's tool bar saved a bare image (no title, no source); each chart has
    instead a button for the stamped image the Export panel makes."""
    for key in ("timeline", "network"):
        chart = next(e for e in bundled.get("plotly_chart") if key in e.proto.id)
        config = json.loads(chart.proto.config)
        assert "toImage" in config["modeBarButtonsToRemove"]
        assert "toImageButtonOptions" not in config
    buttons = [b for b in bundled.get("download_button")]
    labels = [b.proto.label for b in buttons]
    assert "Download the timeline as PNG, with its source footer" in labels
    assert "Download the network as PNG, with its source footer" in labels


def test_the_chart_button_image_is_the_stamped_report_figure() -> None:
    from claimtrace.figures.common import Options
    from claimtrace.filters import Filters, apply
    from claimtrace.ingest import load_path
    from components.export_panel import chart_report

    case = load_path(CASE_DIR / "events.csv")
    filters = Filters(*case.meta.focus)
    fig = chart_report(case, apply(case, filters), filters, Options(), False, "network")
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert case.meta.title in notes and "SHA-256" in notes and "Filters: 2022-07-10" in notes
    assert fig.layout.width == 1600 and fig.layout.height >= 900
