"""Exports: images through one long-lived kaleido browser, a standalone interactive page,
tables as CSV (safe to open in a spreadsheet) and JSON, the diffusion graph as GEXF and GraphML."""

from __future__ import annotations

import html
import io
import json
import os
import shutil
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from claimtrace import __version__
from claimtrace.diffusion import is_external
from claimtrace.figures import theme
from claimtrace.figures.scale import vector
from claimtrace.filters import Filters, View
from claimtrace.ingest import meta_to_dict
from claimtrace.model import Case

IMAGE_FORMATS = ("png", "svg", "pdf")
FORMATS = (*IMAGE_FORMATS, "html", "csv", "json", "gexf", "graphml")
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html",
    "csv": "text/csv",
    "json": "application/json",
    "gexf": "application/xml",
    "graphml": "application/xml",
}
# Debian's package; kaleido must never fetch a browser of its own.
CHROMIUM = "/usr/bin/chromium"

# OWASP's advice for CSV injection: a cell starting with one of these is a formula to Excel.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads the accents) and formula cells neutralised.

    Lines end in CRLF (RFC 4180), which also makes the writer quote a cell holding a carriage
    return; with a bare LF such a cell went out unquoted and split its row in two."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def events_for_export(events: pd.DataFrame, tz: str = "UTC") -> pd.DataFrame:
    """The events as a user would want them back: ISO dates, latest possible moment inclusive."""
    out = events.copy()
    out["date"] = out["date"].dt.tz_convert(tz).map(lambda t: t.isoformat())
    latest = out.pop("date_end")
    out.insert(
        2,
        "date_end",
        (latest - pd.Timedelta(seconds=1)).dt.tz_convert(tz).map(lambda t: t.isoformat()),
    )
    return out


# --- tables --------------------------------------------------------------------------------------


def events_csv(case: Case, view: View) -> bytes:
    """The filtered events, dates in the case's time zone, safe to open in Excel."""
    return safe_csv(events_for_export(view.events, case.meta.timezone))


def rejected_csv(case: Case) -> bytes:
    """The rows that were not loaded, as in the file, with the reason, safe to open in Excel."""
    return safe_csv(case.rejected)


def events_json(case: Case, view: View, filters: Filters, footer: Sequence[str]) -> bytes:
    """{"case": metadata, "provenance": where it came from, "events": records with ISO dates}.

    The `case` object has the keys a ClaimTrace JSON file takes, so the file loads back."""
    meta = case.meta
    records = events_for_export(view.events, meta.timezone).to_dict(orient="records")
    document = {
        "case": meta_to_dict(meta),
        "provenance": {
            "data_file": case.source.name,
            "sha256": case.source.sha256,
            "filters": filters.describe(),
            "events": len(view.events),
            "hidden_by_filters": view.hidden,
            "rejected_rows": len(case.rejected),
            "tool": f"ClaimTrace {__version__}",
            "footer": list(footer),
        },
        "events": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")


# --- the diffusion graph -------------------------------------------------------------------------


def _text(value: object) -> str:
    """networkx's writers take no None (nor NaN): missing values become ''."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def diffusion_graph(view: View, tz: str = "UTC") -> nx.DiGraph:
    """Events and the external sources they cite as nodes, links as edges (source = the cited),
    with the attributes Gephi shows: outlet, outlet type, dates, documented or inferred."""
    graph = nx.DiGraph()

    def iso(t: pd.Timestamp) -> str:
        return "" if pd.isna(t) else t.tz_convert(tz).isoformat()

    for r in view.events.itertuples(index=False):
        graph.add_node(
            str(r.id),
            label=_text(r.outlet),
            outlet=_text(r.outlet),
            outlet_type=_text(r.outlet_type),
            country=_text(r.country),
            language=_text(r.language),
            date=iso(r.date),
            # the latest moment it can have been, inclusive, as in the CSV export
            date_end=iso(r.date_end - pd.Timedelta(seconds=1)),
            stance=_text(r.stance),
            evidence=_text(r.evidence),
            headline=_text(r.headline),
            url=_text(r.url),
            external=False,
        )
    externals = view.externals
    for r in externals.itertuples(index=False) if len(externals) else ():
        # Not an event: we only know it was cited, so it gets no date of its own.
        graph.add_node(
            str(r.id),
            label=_text(r.outlet),
            outlet=_text(r.outlet),
            outlet_type="",
            country="",
            language="",
            date="",
            date_end="",
            stance="",
            evidence="",
            headline="",
            url="",
            external=True,
        )
    links = view.links
    # Documented last, so where a pair has both kinds, the documented link is the one kept.
    ordered = links.assign(_documented=links["kind"].eq("documented")).sort_values(
        "_documented", kind="stable"
    )
    for r in ordered.itertuples(index=False):
        source, target = str(r.source), str(r.target)
        if source not in graph and is_external(source):
            graph.add_node(source, label=source.split(":", 1)[1], external=True)
        kind = _text(getattr(r, "kind", "")) or "documented"
        confidence = getattr(r, "confidence", None)
        if confidence is None or pd.isna(confidence):
            confidence = 1.0 if kind == "documented" else 0.0
        graph.add_edge(
            source,
            target,
            kind=kind,
            confidence=float(confidence),
            reason=_text(getattr(r, "reason", "")),
        )
    return graph


def gexf_bytes(graph: nx.DiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer)
    return buffer.getvalue()


def graphml_bytes(graph: nx.DiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


# --- the interactive page ------------------------------------------------------------------------

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"scale": 2}}


def interactive_html(
    figures: Sequence[go.Figure],
    *,
    title: str,
    subtitle: str,
    footer: Sequence[str],
    lang: str = "en",
) -> str:
    """One page that works offline: plotly.js inlined once, the figures as on screen (zoom and
    hover work), the title, the subtitle and the provenance as plain, escaped text."""
    charts = []
    for i, figure in enumerate(figures):
        fig = go.Figure(figure)
        # Selecting does nothing outside the app; zooming is what a reader wants.
        fig.update_layout(width=None, autosize=True, dragmode="zoom", title=None)
        charts.append(
            fig.to_html(
                full_html=False,
                include_plotlyjs=i == 0,
                include_mathjax=False,
                config=PLOTLY_CONFIG,
                default_width="100%",
            )
        )
    notes = "\n".join(f"<p>{html.escape(line)}</p>" for line in footer)
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ClaimTrace {__version__}">
<title>{html.escape(title or "ClaimTrace")}</title>
<style>
body {{ font-family: {theme.FONT}; color: {theme.TEXT}; background: {theme.BACKGROUND};
       margin: 1.5rem auto; max-width: 1600px; padding: 0 1rem; }}
h1 {{ font-size: 1.5rem; margin: 0 0 0.3rem; }}
.subtitle {{ color: {theme.MUTED}; margin: 0 0 1rem; }}
footer {{ color: {theme.MUTED}; font-size: 0.85rem; border-top: 1px solid {theme.GRID};
         margin-top: 1rem; padding-top: 0.5rem; }}
footer p {{ margin: 0.15rem 0; }}
</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p class="subtitle">{html.escape(subtitle)}</p>
</header>
{"".join(charts)}
<footer>
{notes}
</footer>
</body>
</html>
"""


# --- static images -------------------------------------------------------------------------------


class ImageExportUnavailable(RuntimeError):
    """No browser to render with: images need Debian's chromium (apt-get install chromium)."""


# kaleido's sync server hands calls to one browser through shared queues and is not safe to
# call from several threads at once (Streamlit runs each session in its own thread): one at a time.
_render_lock = threading.Lock()


def _browser() -> str:
    if not os.environ.get("BROWSER_PATH") and Path(CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = CHROMIUM
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or ""
    if not path or not Path(path).exists():
        raise ImageExportUnavailable(
            "image export needs Chromium: install Debian's package (apt-get install chromium) "
            "or set BROWSER_PATH"
        )
    return path


def start_renderer() -> None:
    """Start the one kaleido browser that renders every image of this process (idempotent)."""
    import kaleido

    os.environ["BROWSER_PATH"] = _browser()
    # plotly passes its default request headers, which the server ignores: not a problem.
    warnings.filterwarnings("ignore", message="The kopts argument is ignored", category=UserWarning)
    # mathjax=False: no MathJax from a CDN; ClaimTrace's labels have no LaTeX.
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)


def stop_renderer() -> None:
    with _render_lock:
        _reset_server()


def _reset_server() -> None:
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


def _server_alive() -> bool:
    """Whether kaleido's server thread still runs. It dies when the browser cannot start, and a
    call to a dead server waits forever; kaleido has no public way to ask, hence the peek."""
    import kaleido

    thread = getattr(getattr(kaleido, "_global_server", None), "_thread", None)
    return thread is None or thread.is_alive()


def image_bytes(fig: go.Figure, fmt: str, scale: float = 1) -> bytes:
    """PNG, SVG or PDF of `fig` at its layout width x height (PNG: times `scale`).

    Raises ImageExportUnavailable when there is no browser, or it does not start."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; expected one of {IMAGE_FORMATS}")
    outcome: dict[str, object] = {}
    fig = vector(fig)  # points as vectors in the file, whatever the screen used

    def render() -> None:
        try:
            outcome["image"] = pio.to_image(
                fig,
                format=fmt,
                width=fig.layout.width,
                height=fig.layout.height,
                scale=scale if fmt == "png" else 1,
            )
        except Exception as exc:  # handed to the caller below
            outcome["error"] = exc

    with _render_lock:
        start_renderer()
        # The call runs aside and is watched: a render that fails comes back as an error
        # (kaleido also gives up on one after 90 s), but a server whose browser died never answers.
        worker = threading.Thread(target=render, name="claimtrace-image", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            if worker.is_alive() and not _server_alive():
                _reset_server()  # so that the next image tries a fresh browser
                raise ImageExportUnavailable(
                    f"the browser at {os.environ.get('BROWSER_PATH')} did not start or stopped"
                )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["image"]  # type: ignore[return-value]


def file_name(stem: str, fmt: str, view: str = "both") -> str:
    """'<stem>-both.png', '<stem>-events.csv', '<stem>-graph.gexf': one name per kind of file."""
    if fmt in (*IMAGE_FORMATS, "html"):
        return f"{stem}-{view}.{fmt}"
    if fmt in ("csv", "json"):
        return f"{stem}-events.{fmt}"
    if fmt in ("gexf", "graphml"):
        return f"{stem}-graph.{fmt}"
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
