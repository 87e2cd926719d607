"""HTML, Markdown and script in any text of a file are shown as text, in every figure and file.

One case carries the payloads in every text field a file can hold (outlet, headline, notes,
cites, id, url, an unknown column and its header, the case's title, claim, summary and credit,
the file's own name). The tests read what the builders hand to plotly, to kaleido's SVG, to the
interactive page, the CSV, JSON, GEXF and GraphML exports; tests/browser/test_injection.py
looks at the page itself.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from html.parser import HTMLParser
from xml.dom.minidom import parseString

import pandas as pd
import pytest

from claimtrace import analysis, export, report
from claimtrace.figures.common import Options
from claimtrace.figures.network import network_figure, outlet_network_figure
from claimtrace.figures.stance import stance_figure
from claimtrace.figures.timeline import timeline_figure
from claimtrace.filters import Filters, apply, documented_only
from claimtrace.inference import infer_links
from claimtrace.ingest import load_bytes
from components.text import md, safe_url

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">click</a>'
STYLE = '<span style="font-size:99px">BIG</span>'
MARKDOWN = "[click](javascript:alert(1)) ![t](https://tracker.invalid/p.png) **bold** `code`"
TEMPLATE = "%{x} %{customdata} {{7*7}} ${7*7}"
PAYLOADS = (SCRIPT, IMG, LINK, STYLE, "<iframe src=x></iframe>", "<svg onload=alert(1)>")
EVERYTHING = " ".join((*PAYLOADS, MARKDOWN, TEMPLATE))
# Tags only a payload can bring: the figures' own markup is <b>, <i>, <br> and a colour <span>.
RAW_TAGS = re.compile(r'<(script|img|a|iframe|svg|style|object|embed)\b|<span style="font', re.I)
FORMULAS = ('=HYPERLINK("https://evil.invalid")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx")
FILE_NAME = f"{IMG}{MARKDOWN}.json"


def hostile_file() -> bytes:
    events = [
        {
            "id": "origin",
            "date": "2022-08-02",
            "outlet": "Origin " + EVERYTHING,
            "outlet_type": "state_tv",
            "country": "RU",
            "language": "ru",
            "headline": "Headline " + EVERYTHING,
            "url": "javascript:alert(1)",
            "notes": "Notes " + EVERYTHING,
            "stance": "originates",
            f"extra {IMG}": "Extra " + EVERYTHING,
        },
        {
            "id": f"second {SCRIPT}",
            "date": "2022-08-03T10:00+02:00",
            "outlet": FORMULAS[0],
            "outlet_type": "tabloid",
            "country": "GB",
            "language": "en",
            "headline": FORMULAS[1],
            "url": "data:text/html,<script>alert(1)</script>",
            "cites": "origin",
            "notes": FORMULAS[2],
            f"extra {IMG}": FORMULAS[3],
        },
        {
            "id": "third",
            "date": "2022-08-04",
            "outlet": FORMULAS[4] + " wire",
            "outlet_type": "wire",
            "country": "US",
            "language": "en",
            "headline": FORMULAS[5] + " headline",
            "url": "https://example.invalid/ok",
            "cites": f"second {SCRIPT};Ghost {EVERYTHING}",
            "stance": "repeats",
        },
        {
            "id": "check",
            "date": "2022-08-05",
            "outlet": "Checker " + STYLE,
            "outlet_type": "fact_checker",
            "country": "DE",
            "language": "de",
            "headline": 'debunked: "no troops"',
            "cites": "third",
            "stance": "debunks",
        },
        {"id": "", "date": "someday " + SCRIPT, "outlet": "=rejected " + IMG},  # a rejected row
    ]
    case = {
        "title": "Title " + EVERYTHING,
        "claim": "Claim " + EVERYTHING,
        "summary": "Summary " + EVERYTHING,
        "credit": "Credit " + EVERYTHING,
    }
    return json.dumps({"case": case, "events": events}, ensure_ascii=False).encode()


@pytest.fixture(scope="module")
def case():
    return load_bytes(hostile_file(), FILE_NAME)


@pytest.fixture(scope="module")
def view(case):
    links = pd.concat([case.links, infer_links(case.events, case.links)], ignore_index=True)
    return apply(case, Filters(), links)


def test_the_payloads_load_as_they_were_written(case):
    assert len(case.events) == 4 and len(case.rejected) == 1
    by_id = case.events.set_index("id")
    assert by_id.loc["origin", "outlet"] == "Origin " + EVERYTHING
    assert by_id.loc[f"second {SCRIPT}", "outlet"] == FORMULAS[0]
    assert case.meta.title == "Title " + EVERYTHING
    # Not a web address: kept as text, with a warning; only http(s) ever becomes a link.
    warned = {p.row for p in case.warnings if p.column == "url"}
    assert warned == {1, 2}


# --- figures: what plotly is handed -------------------------------------------------------------

RENDERED_KEYS = {"text", "hovertext", "name", "ticktext", "title", "legendgrouptitle"}


def rendered_strings(node: object, key: str = "") -> list[tuple[str, str]]:
    """(key, string) for every string of a figure that plotly renders as (pseudo-)HTML."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += rendered_strings(v, k if k in RENDERED_KEYS or k == "hovertemplate" else key)
    elif isinstance(node, list | tuple):
        for v in node:
            out += rendered_strings(v, key)
    elif isinstance(node, str) and key:
        out.append((key, node))
    return out


@pytest.fixture(scope="module")
def figures(case, view) -> dict[str, dict]:
    documented = documented_only(view)
    story = analysis.story(view.events, documented.links)
    picked = tuple(view.events["id"])
    options = Options(selected=picked[:1], highlight=picked)
    out = {
        "timeline": timeline_figure(view.events, view.links, options, story),
        "network": network_figure(view.events, view.links, view.externals, options, story),
        "outlets": outlet_network_figure(view.events, view.links, options),
        "stance": stance_figure(view.events),
    }
    footer = report.provenance(case, Filters(), inferred_shown=True)
    spec = report.Report("both", 1600, 1800, case.meta.title, case.meta.claim)
    parts = report.figures_for(view, options, "both")
    out["report"] = report.report_figure(parts, spec, footer)
    return {name: json.loads(fig.to_json()) for name, fig in out.items()}


@pytest.mark.parametrize("name", ["timeline", "network", "outlets", "stance", "report"])
def test_figures_show_user_text_escaped(figures, name):
    strings = rendered_strings(figures[name])
    shown = "\n".join(s for _, s in strings)
    assert not RAW_TAGS.search(shown), RAW_TAGS.search(shown)
    for key, value in strings:
        if key == "hovertemplate":  # a template would run %{...} in user text: none holds any
            assert "alert(1)" not in value and "{{7*7}}" not in value, value


def test_the_payloads_are_there_to_read(figures):
    # Escaped, not dropped: hover labels and annotations show the text as written.
    shown = html.unescape("\n".join(s for _, s in rendered_strings(figures["network"])))
    assert "Origin <script>alert(1)</script>" in shown
    report_text = html.unescape("\n".join(s for _, s in rendered_strings(figures["report"])))
    assert "Title " + SCRIPT in report_text and f"Data: {FILE_NAME}" in report_text


def test_quotes_show_as_quotes(figures):
    # plotly does not know "&quot;": escaped, a quote showed as that entity in every label.
    hovers = "\n".join(s for _, s in rendered_strings(figures["timeline"]))
    assert '“debunked: "no troops"”' in hovers
    assert "&quot;" not in hovers


@pytest.mark.usefixtures("renderer")
def test_the_svg_export_holds_no_markup_from_the_file(figures):
    import plotly.graph_objects as go

    svg = export.image_bytes(go.Figure(figures["report"]), "svg").decode("utf-8")
    tags = {m.lower() for m in re.findall(r"<([a-zA-Z][\w:-]*)", svg)}
    assert not tags & {"script", "img", "iframe", "foreignobject", "a", "image", "style"}, tags
    assert "javascript:" not in re.sub(r">[^<]*<", "><", svg)  # only ever as text, not markup
    assert "Title &#60;script&#62;alert(1)&#60;/script&#62;" in svg  # shown, as text
    assert "&amp;quot;" not in svg


@pytest.fixture(scope="module")
def renderer():
    export.start_renderer()
    yield
    export.stop_renderer()


# --- the interactive page ------------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self.tags.append(("/script", {}))

    def handle_data(self, data):
        if self.tags and self.tags[-1][0] == "script":
            self.scripts[-1] += data


def test_the_interactive_page_runs_only_plotly(case, view):
    parts = report.figures_for(view, Options(), "both")
    footer = report.provenance(case, Filters(), inferred_shown=True)
    page = export.interactive_html(
        parts, title=case.meta.title, subtitle=case.meta.claim, footer=footer
    )
    parser = Tags()
    parser.feed(page)
    names = [tag for tag, _ in parser.tags]
    assert not {"img", "iframe", "a", "svg", "object", "embed"} & set(names)
    # plotly's configuration, plotly.js, then one script per chart; nothing else runs.
    assert names.count("script") == 2 + len(parts)
    plotly = ("window.PlotlyConfig", "/**\n* plotly.js", "window.PLOTLYENV")
    assert [b for b in parser.scripts if not b.strip().startswith(plotly)] == []
    for body in parser.scripts:
        assert "alert(1)</script>" not in body
        assert "<img src=x" not in body
    assert html.escape("Title " + SCRIPT) in page
    assert html.escape(f"Data: {FILE_NAME}", quote=False) in page


# --- tables and graph files ----------------------------------------------------------------------


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("which", ["events", "rejected"])
def test_csv_exports_neutralise_formula_cells(case, view, which):
    data = export.events_csv(case, view) if which == "events" else export.rejected_csv(case)
    rows = read_csv(data)
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.startswith(export.FORMULA_START), repr(cell)
    if which == "events":
        # (A leading tab or carriage return never gets this far: the loader trims cells.)
        for formula in FORMULAS[:4]:
            assert any(cell.startswith("'" + formula) for cell in cells), formula
        assert "'-2+3" in cells
    else:
        assert "'=rejected " + IMG in cells


def test_graph_files_carry_user_text_as_text(case, view):
    graph = export.diffusion_graph(view, case.meta.timezone)
    for data in (export.gexf_bytes(graph), export.graphml_bytes(graph)):
        document = parseString(data)  # well-formed: the payloads did not break out
        assert not document.getElementsByTagName("script")
        assert "Origin " + EVERYTHING in set(_values(document))
        assert f"second {SCRIPT}" in {
            n.getAttribute("id") for n in document.getElementsByTagName("node")
        }


def _values(node):
    """Every text and attribute value of an XML document (GraphML keeps data as text, GEXF as
    attributes)."""
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield child.data
        elif child.nodeType == child.ELEMENT_NODE:
            yield from (a.value for a in child.attributes.values())
            yield from _values(child)


def test_the_json_export_loads_back_with_the_text_intact(case, view):
    footer = report.provenance(case, Filters(), inferred_shown=False)
    again = load_bytes(export.events_json(case, view, Filters(), footer), "again.json")
    assert set(again.events["outlet"]) == set(case.events["outlet"])
    assert again.meta.title == case.meta.title


# --- links: only http and https -----------------------------------------------------------------

NOT_WEB = [  # never a link, and the loader warns
    "javascript:alert(1)",
    " JAVASCRIPT:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.invalid/x",
    "//evil.invalid/x",
    "mailto:x@example.invalid",
    "http:/example.invalid",
    "https://exa mple.invalid/",
]
ODD_WEB = [  # http(s), yet what the address holds could break out of a link: never a link
    'https://example.invalid/"onmouseover="alert(1)',
    "https://example.invalid/<script>",
    "https://example.invalid/'x",
]
WEB = ["http://example.invalid", "https://example.invalid/a?b=c&d=e#f", "HTTPS://EXAMPLE.INVALID/"]


@pytest.mark.parametrize("url", NOT_WEB + ODD_WEB + [""])
def test_only_http_and_https_addresses_become_links(url):
    assert safe_url(url) == ""


@pytest.mark.parametrize("url", WEB)
def test_web_addresses_become_links(url):
    assert safe_url(url) == url


def test_the_loader_warns_about_every_address_that_is_not_a_web_link():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "date", "outlet", "url"])
    writer.writerows([f"e{i}", "2022-08-05", "A", url] for i, url in enumerate(NOT_WEB + WEB))
    case = load_bytes(out.getvalue().encode(), "links.csv")
    warned = {p.row for p in case.warnings if p.column == "url"}
    assert warned == {i + 2 for i in range(len(NOT_WEB))}
    assert all("is not an http(s) link; it is shown as text" in p.message
               for p in case.warnings if p.column == "url")  # fmt: skip


def test_a_web_address_cannot_close_the_markdown_link_it_is_put_in():
    url = "https://example.invalid/a)![t](https://tracker.invalid/p.png"
    linked = safe_url(url)
    assert not linked or not re.search(r"[()\[\]<>\s]", linked)


@pytest.mark.parametrize("text", [*PAYLOADS, MARKDOWN, TEMPLATE, EVERYTHING, "a\\b", "1. list"])
def test_markdown_escaping_keeps_every_character_and_hides_every_mark(text):
    escaped = md(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # a reader sees the text as written
    assert not re.search(r"(?<!\\)[\[\]()<>*_`!#|~]", escaped)  # and no mark acts
