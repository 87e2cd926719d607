"""The export panel: images for a report, the interactive page, the tables and the graph.

Images are rendered only when asked for ("Prepare image"), and cached by content, so a rerun of
the page never starts the browser. The other files are made when their button is clicked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import plotly.graph_objects as go
import streamlit as st

from claimtrace import export, report
from claimtrace.figures.common import Options
from claimtrace.filters import Filters, View
from claimtrace.i18n import N_
from claimtrace.model import Case
from components.charts import Drawn
from components.lang import current, tr

EXPANDER = "export-panel"  # the panel's open state, in session state
VIEW_LABELS = {"timeline": N_("Timeline"), "network": N_("Network"), "both": N_("Both, stacked")}
_SOME_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)


@st.cache_data(show_spinner=False, max_entries=12)
def _image(
    content: str,
    _case: Case,
    _view: View,
    filters: Filters,
    options: Options,
    spec: report.Report,
    inferred: bool,
    fmt: str,
    scale: int,
    _basis=None,
) -> bytes:
    """The image, keyed by content (`content` stands for the case and the view, and so for
    `_basis`, the events the time axis is made for)."""
    parts = report.figures_for(_view, options, spec.view, filters.now, _basis)
    footer = report.provenance(_case, filters, inferred_shown=inferred, lang=current())
    return export.image_bytes(report.report_figure(parts, spec, footer), fmt, scale)


@st.cache_data(show_spinner=False, max_entries=12)
def _fit(
    content: str,
    _case: Case,
    _view: View,
    filters: Filters,
    options: Options,
    spec: report.Report,
    inferred: bool,
    _basis=None,
) -> tuple[float, int]:
    """How much of their on-screen height the charts keep at the chosen size (see report.fit)."""
    return report.fit(report.figures_for(_view, options, spec.view, filters.now, _basis), spec,
                      _fit_footer(_case, filters, inferred))  # fmt: skip


def _fit_footer(case: Case, filters: Filters, inferred: bool) -> list[str]:
    # Any fixed moment: the time of export takes the same room in the footer whenever it is.
    return report.provenance(
        case, filters, inferred_shown=inferred, now=_SOME_MOMENT, lang=current()
    )


def _screen_parts(
    spec: report.Report, options: Options, shown: Options, on_screen: dict[str, Drawn | None]
) -> list[go.Figure] | None:
    """The figures on the page, when they are what the export draws (same options, and the
    events network rather than the outlets one), so that they need not be built again."""
    names = ["timeline", "network"] if spec.view == "both" else [spec.view]
    parts = [on_screen.get(name) for name in names]
    if options != shown or any(part is None for part in parts):
        return None
    return [part.figure() for part in parts]


def render_export_panel(
    case: Case,
    view: View,
    filters: Filters,
    options: Options,
    inferred_shown: bool,
    content: str,
    on_screen: dict[str, Drawn | None] | None = None,
    basis=None,
) -> None:
    """Export what the page shows: images (PNG, SVG, PDF), the interactive page, the events as
    CSV and JSON, the rejected rows, and the diffusion graph as GEXF and GraphML.

    `content` names what the view is made of (app.py: the key the charts are cached by);
    `on_screen`: the figures the page drew with `options` (timeline, network; None for one not
    drawn), measured for the size warning instead of being built again; `basis`: the events
    the time axis is made for (the view before the time slider), as on the page."""
    key = case.source.short_hash  # text inputs start again from the case's own title and claim
    stem = report.file_stem(case)
    panel = st.expander(
        tr("Export: images, interactive page, tables and graph"),
        expanded=False,
        key=EXPANDER,
        on_change="rerun",  # its contents are made only while it is open
    )
    with panel:
        if not panel.open:
            return
        left, middle, right = st.columns(3)
        which = left.radio(
            tr("Figure"),
            report.VIEWS,
            index=0,
            format_func=lambda v: tr(VIEW_LABELS[v]),
            key="export-view",
            horizontal=True,
        )
        preset = middle.selectbox(
            tr("Size (layout pixels)"),
            [*report.SIZES, "custom"],
            format_func=lambda v: tr(report.SIZE_LABELS[v]),
            key="export-size",
            help=tr(
                "A4 landscape is 1123 × 794: A4 at 96 pixels per inch, the unit charts are "
                "laid out in, so text prints at its on-screen size and the PDF is an A4 page. "
                "For print, take the PNG at 3× (288 dpi) or the PDF."
            ),
        )
        if preset == "custom":
            a, b = middle.columns(2)
            width = a.number_input(
                tr("Width"), report.MIN_SIDE, report.MAX_SIDE, 1600, 10, key="export-width"
            )
            height = b.number_input(
                tr("Height"), report.MIN_SIDE, report.MAX_SIDE, 900, 10, key="export-height"
            )
        else:
            width, height = report.SIZES[preset]
        fmt = right.radio(
            tr("Format"),
            export.IMAGE_FORMATS,
            format_func=str.upper,
            key="export-format",
            horizontal=True,
        )
        scale = right.radio(
            tr("Scale (PNG)"),
            [1, 2, 3],
            format_func=lambda s: f"{s}×",
            key="export-scale",
            horizontal=True,
            disabled=fmt != "png",
            help=tr("Pixels of the PNG per layout pixel: 2× for screens, 3× for print."),
        )
        title = st.text_input(tr("Title"), value=case.meta.title, key=f"export-title-{key}")
        subtitle = st.text_input(
            tr("Subtitle"), value=case.meta.claim, key=f"export-subtitle-{key}"
        )
        drawn = options
        if options.selected or options.highlight:
            keep = st.checkbox(
                tr("Keep the highlight of the picked events"),
                value=True,
                key="export-keep-highlight",
                help=tr("Off: every event drawn at full strength, as before anything was picked."),
            )
            if not keep:
                drawn = replace(options, selected=(), highlight=())
        inferred = inferred_shown and which != "timeline"
        spec = report.Report(which, int(width), int(height), title, subtitle)
        # Labels are placed for the width the image is laid out at, not the page's.
        drawn = replace(drawn, width=spec.width)
        parts = _screen_parts(spec, drawn, options, on_screen or {})
        if parts is not None:
            share, enough = report.fit(parts, spec, _fit_footer(case, filters, inferred))
        else:
            share, enough = _fit(content, case, view, filters, drawn, spec, inferred, basis)
        if share < 1 and preset != "custom":
            # A preset keeps its width and grows in height: text never shrinks to fit.
            spec = replace(spec, height=enough)
            share = 1.0
            middle.caption(
                tr("Height {n} px, so that the charts keep their size.", n=tr.number(enough))
            )
        if share < report.SQUEEZED:
            st.warning(
                tr(
                    "At {width} × {height} the charts get {share} of their on-screen height, so "
                    "labels and points overlap. A height of {enough} pixels keeps them as on "
                    "screen (choose Custom size).",
                    width=spec.width,
                    height=spec.height,
                    share=tr.percent(share),
                    enough=tr.number(enough),
                ),
                icon="⚠️",
            )
        if st.button(tr("Prepare image"), key="export-prepare", type="primary"):
            try:
                with st.spinner(tr("Rendering the image…")):
                    data = _image(
                        content, case, view, filters, drawn, spec, inferred, fmt, scale, basis
                    )
            except export.ImageExportUnavailable as exc:
                st.error(tr("Images cannot be made on this machine: {reason}.", reason=exc))
            else:
                name = export.file_name(stem, fmt, which)
                st.download_button(
                    tr("Download {name}", name=name),
                    data,
                    file_name=name,
                    mime=export.MIME[fmt],
                    key="export-download-image",
                    on_click="ignore",
                    icon=":material/download:",
                )
                if fmt == "png":
                    st.image(
                        data, caption=tr("{name}, as it will be saved", name=name), width="stretch"
                    )
        st.caption(
            tr(
                "Every image carries a footer: the case, the data file and the start of its "
                "SHA-256, the filters, the time of export (UTC), “dashed = inferred link” and the "
                "case's credit line."
            )
            if inferred
            else tr(
                "Every image carries a footer: the case, the data file and the start of its "
                "SHA-256, the filters, the time of export (UTC) and the case's credit line."
            )
        )
        _other_downloads(case, view, filters, drawn, spec, inferred, stem, basis)


def _other_downloads(
    case: Case,
    view: View,
    filters: Filters,
    options: Options,
    spec: report.Report,
    inferred: bool,
    stem: str,
    basis=None,
) -> None:
    """The files made when their button is clicked (Streamlit runs the callable then)."""
    tz = case.meta.timezone

    def graph():
        return export.diffusion_graph(view, tz)

    def footer() -> list[str]:
        return report.provenance(case, filters, inferred_shown=inferred, lang=current())

    def page() -> bytes:
        parts = report.figures_for(view, options, spec.view, filters.now, basis)
        text = export.interactive_html(
            parts, title=spec.title, subtitle=spec.subtitle, footer=footer(), lang=current()
        )
        return text.encode("utf-8")

    files = [
        (tr("Interactive page (HTML)"), "html", page),
        (tr("Events (CSV)"), "csv", lambda: export.events_csv(case, view)),
        (tr("Events (JSON)"), "json", lambda: export.events_json(case, view, filters, footer())),
        (tr("Graph (GEXF, for Gephi)"), "gexf", lambda: export.gexf_bytes(graph())),
        (tr("Graph (GraphML)"), "graphml", lambda: export.graphml_bytes(graph())),
    ]
    st.markdown(tr("**Other files** of what the filters show"))
    columns = st.columns(3)
    for i, (label, fmt, make) in enumerate(files):
        columns[i % 3].download_button(
            label,
            make,
            file_name=export.file_name(stem, fmt, spec.view),
            mime=export.MIME[fmt],
            key=f"export-download-{fmt}",
            on_click="ignore",
            width="stretch",
        )
    columns[len(files) % 3].download_button(
        tr("Rejected rows (CSV, {n})", n=tr.number(len(case.rejected))),
        lambda: export.rejected_csv(case),
        file_name=f"{stem}-rejected.csv",
        mime="text/csv",
        key="export-download-rejected",
        on_click="ignore",
        disabled=not len(case.rejected),
        width="stretch",
    )
    st.caption(
        tr(
            "The interactive page works offline (plotly.js is inside it). CSV files open safely "
            "in Excel: a cell that starts with =, +, -, @, a tab or a carriage return gets a "
            "leading '. GEXF and GraphML open in Gephi, with outlet, outlet type, dates, stance "
            "and evidence on each node and kind (documented or inferred), confidence and reason "
            "on each link."
        )
    )


def chart_report(
    case: Case,
    view: View,
    filters: Filters,
    options: Options,
    inferred_shown: bool,
    which: str,
    basis=None,
) -> go.Figure:
    """One chart as the Export panel makes it: the same builders, the title and claim, the
    provenance footer; 1600 pixels wide and as tall as the chart needs (text keeps its size)."""
    drawn = replace(options, width=report.SIZES["report"][0])
    parts = report.figures_for(view, drawn, which, filters.now, basis)
    footer = report.provenance(
        case, filters, inferred_shown=inferred_shown and which != "timeline", lang=current()
    )
    spec = report.Report(which, drawn.width, report.SIZES["report"][1], case.meta.title,
                         case.meta.claim)  # fmt: skip
    share, enough = report.fit(parts, spec, footer)
    if share < 1:
        spec = replace(spec, height=enough)
    return report.report_figure(parts, spec, footer)


def render_chart_download(
    case: Case,
    view: View,
    filters: Filters,
    options: Options,
    inferred_shown: bool,
    which: str,
    basis=None,
) -> None:
    """A button under a chart for its image as chart_report makes it, PNG at 2x. It stands in
    for plotly's camera, whose image says nothing of where its data came from."""

    def image() -> bytes:
        figure = chart_report(case, view, filters, options, inferred_shown, which, basis)
        return export.image_bytes(figure, "png", 2)

    st.download_button(
        tr("Download the timeline as PNG, with its source footer")
        if which == "timeline"
        else tr("Download the network as PNG, with its source footer"),
        image,
        file_name=export.file_name(report.file_stem(case), "png", which),
        mime=export.MIME["png"],
        key=f"chart-download-{which}",
        on_click="ignore",
        icon=":material/download:",
        help=tr(
            "The chart as in a report: title, the claim, and a footer naming the case, the "
            "data file and its SHA-256, the filters and the time of export. More sizes and "
            "formats in the Export panel below."
        ),
    )
