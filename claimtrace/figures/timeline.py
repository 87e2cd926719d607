"""The timeline: one lane per outlet type (or country, or language), time left to right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claimtrace import diffusion, lookup, schema
from claimtrace.analysis import Milestone, Story, describe_first
from claimtrace.dates import format_intervals
from claimtrace.figures import scale, theme
from claimtrace.figures.common import (
    DIMENSION_LABELS,
    NARROW,
    Lanes,
    Options,
    Spec,
    as_figure,
    colour_groups,
    esc,
    fit_lines,
    hover_texts,
    lane_names,
    lane_order,
    lane_shading,
    lay_out,
    legend_beneath,
    legend_swatch,
    legend_text,
    margins,
    stance_symbols,
    time_scale,
    value_label,
    wall_ns,
)
from claimtrace.figures.textwidth import text_px
from claimtrace.figures.timescale import TimeScale
from claimtrace.i18n import N_, Translator

COUNT_PANEL = 150  # pixels of the cumulative count beneath the lanes
JUMP_KINDS = ("language", "state_to_independent")  # the jumps drawn as rings
MILESTONE_LINE = 17  # pixels of a line of milestone label
STATUS_ROW = 17  # pixels of one row of claim-status labels
BOTTOM = 70  # pixels below the plots: tick labels and the axis title
STATUS_LABELS = {
    "uncorroborated": N_("Uncorroborated"),
    "denied": N_("Denied"),
    "confirmed": N_("Confirmed"),
    "debunked": N_("Debunked"),
    "debunked and denied": N_("Debunked and denied"),
}


def cited_by_map(
    events: pd.DataFrame, links: pd.DataFrame, of: pd.Series | None = None
) -> dict[str, list[str]]:
    """Event id -> outlets of the events citing it (for hover and details); `of`: only for
    these ids (a chart that draws some of the events)."""
    at = lookup.positions(events["id"], links["target"])
    keep = at >= 0
    if of is not None:
        keep &= lookup.member(links["source"], of)
    outlets = events["outlet"].array.take(at[keep]).tolist()
    out: dict[str, list[str]] = {}
    for s, outlet in zip(links["source"][keep].tolist(), outlets, strict=True):
        out.setdefault(s, []).append(outlet)
    return out


def cited_by_outlets(reference: pd.DataFrame, links: pd.DataFrame, ids: pd.Series) -> pa.Array:
    """For each of `ids` (each once), the outlets of the events of `reference` that cite it
    along `links`, joined by commas in the links' order (as cited_by_map lists them); null
    where none does. Grouped in numpy and joined in Arrow: no loop over the links."""
    at = lookup.positions(reference["id"], links["target"])
    keep = np.flatnonzero(at >= 0)
    whose = lookup.positions(ids, links["source"].take(keep))  # the cited event's place in ids
    hit = whose >= 0
    order = np.argsort(whose[hit], kind="stable")  # by cited event; each one's in link order
    group = whose[hit][order]
    outlets = lookup.text_array(reference["outlet"]).take(pa.array(at[keep][hit][order]))
    counts = np.bincount(group, minlength=len(ids))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int64())
    joined = pc.binary_join(
        pa.LargeListArray.from_arrays(offsets, outlets), pa.scalar(", ", outlets.type)
    )
    return pc.if_else(pa.array(counts > 0), joined, pa.scalar(None, joined.type))


def timeline_lanes(
    events: pd.DataFrame, options: Options, scale: TimeScale, values: list[str] | None = None
) -> Lanes:
    """Points 19 px apart within a slot row at least, rows 13 px apart: markers never cover
    each other."""
    return lay_out(events, options.lanes, scale, options.timezone, pitch=13, min_lane=34,
                   gap=3, values=values)  # fmt: skip


def subplots_layout(rows: int, row_heights: list[float], vertical_spacing: float) -> dict:
    """The axes make_subplots(rows=rows, cols=1, shared_xaxes=True, row_heights=…,
    vertical_spacing=…) lays out, by its arithmetic (the same floats), without making a plotly
    figure (60 ms); the template is the theme's. Row 1 is the top one; every x axis matches
    the bottom one, which alone shows its tick labels."""
    free = 1.0 - vertical_spacing * (rows - 1)
    total = float(sum(row_heights))
    heights = [free * (h / total) for h in row_heights][::-1]  # the bottom row first
    layout: dict = {}
    bottom = f"x{rows}" if rows > 1 else "x"
    for r in range(rows):
        below = rows - 1 - r  # rows under this one
        base = sum(heights[:below]) + below * vertical_spacing
        start, end = base + 0.0, base + heights[-1 - r] - 0.0
        start = 0.0 if -0.01 < start < 0.0 else 1.0 if 1.0 < start < 1.01 else start
        end = 0.0 if -0.01 < end < 0.0 else 1.0 if 1.0 < end < 1.01 else end
        n = "" if r == 0 else str(r + 1)
        x: dict = {"anchor": f"y{n}", "domain": [0.0, 1.0]}
        if r < rows - 1:
            x |= {"matches": bottom, "showticklabels": False}
        layout[f"xaxis{n}"] = x
        layout[f"yaxis{n}"] = {"anchor": f"x{n}", "domain": [max(0.0, start), min(1.0, end)]}
    return layout


def timeline_spec(
    events: pd.DataFrame,
    links: pd.DataFrame,
    options: Options,
    story: Story | None = None,
    title: str = "",
    basis: pd.DataFrame | None = None,
) -> dict:
    """The timeline figure as plain dictionaries (common.Spec). The same builder serves the
    page (as it is) and every export (timeline_figure).

    `story` (analysis.story) adds the milestones, the jumps and the claim-status band. Above
    scale.MAX_POINTS events only a part is drawn point by point (scale.thin) and the lanes are
    shaded by how many events each stretch holds; a note in the figure says so. The time axis
    is made for `basis` (default: the events), so that a time slider that hides the later
    events does not move the earlier ones.
    """
    tr = Translator(options.lang)
    milestones = story.milestones if story else []
    drawn = scale.thin(events, options.lanes, story, options.selected, options.highlight,
                       options.x_range, options.timezone)  # fmt: skip
    full, events = events, drawn.events
    axis = time_scale(full if basis is None or basis.empty else basis, options)
    lanes = (
        timeline_lanes(events, options, axis, lane_order(full, options.lanes))
        if len(events)
        else None
    )
    tz = options.timezone
    left, right = margins(options.width)
    # A status label may run into the right margin only below the legend that stands there.
    beside = lanes is not None and lanes.height > _legend_px(events, full, options) + 20
    margin = right - 12 if beside and options.width >= NARROW else 0
    status = (
        _status_rows(story.status, full, tz, axis, margin, options.lang)
        if story and len(events)
        else []
    )
    status_px = (max((r for *_, r in status), default=-1) + 1) * STATUS_ROW + 10
    marks = (
        _milestone_marks(milestones, full, tz, axis, (left, right), options.lang)
        if len(events)
        else []
    )
    above = sum(m["lines"] for m in marks)  # lines of milestone labels above the plot
    top = 50 + MILESTONE_LINE * above + 3 * len(marks) if marks else 50
    top += 20 if drawn.thinned else 0
    lanes_px = lanes.height if lanes else 300
    spacing = 14  # pixels between the panels
    panels = lanes_px + COUNT_PANEL + status_px + 2 * spacing
    height = int(top + panels + BOTTOM)
    fig = Spec(subplots_layout(3, [lanes_px, status_px, COUNT_PANEL], spacing / panels), rows=3)
    fig.update_layout(**theme.base_layout(height))
    fig.update_layout(
        title={"text": esc(title), "font": {"size": theme.TITLE_SIZE}, "x": 0.01, "y": 0.99}
        if title
        else {},  # no title: an empty one, as plotly sets None
        # Fixed margins, the network's too: both plots are as wide, a moment at the same x.
        margin={"t": top, "l": left, "r": right, "b": BOTTOM, "autoexpand": False},
        # A click picks one event; with dragmode "select" plotly turns that click into an empty
        # box selection first, which clears it. Box select stays a button of the mode bar.
        dragmode=False,
        clickmode="event+select",
        hovermode="closest",
        legend={"traceorder": "grouped"},
        meta={"scale": axis.describe()},  # for the caption, as the network's
    )
    if lanes is None:
        fig.add_annotation(
            text=tr("No events match the filters"),
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
        return fig.to_dict()

    pos = lanes.pos
    cited_by = cited_by_outlets(full, links, events["id"])
    relays = diffusion.relays_denial(events, links)
    hover = np.array(hover_texts(events, tz, cited_by, relays, options.lang), dtype=object)
    selected = set(options.selected)
    is_selected = events["id"].isin(selected).to_numpy()
    opacity = options.bright(events["id"])

    shapes = fig.layout.get("shapes", [])
    fig.update_layout(
        shapes=[*shapes, *lane_shading(lanes.bounds), *axis.decorations(yref="paper")]
    )

    if drawn.thinned:
        _density(fig, full, lanes, options, axis)
    dim = options.colour
    groups = colour_groups(events, dim, reference=full, lang=options.lang)
    long = pos["long"].to_numpy()
    for name, colour, mask in groups:
        if not mask.any():
            continue
        # Uncertain dates: a bar from the earliest to the latest moment the event can have been.
        bars = mask & long
        if bars.any():
            xs = scale.segments(pos["x"][bars].tolist(), pos["x_end"][bars].tolist())
            ys = scale.segments(pos["y"][bars].to_numpy(), pos["y"][bars].to_numpy())
            fig.add_trace(
                scale.scatter_trace(
                    bars.sum(),
                    lanes.height,
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": colour, "width": theme.INTERVAL_WIDTH},
                    opacity=theme.INTERVAL_OPACITY,
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=f"colour-{name}",
                    name=f"{name}: date range",
                ),
                row=1,
            )
        fig.add_trace(
            scale.scatter_trace(
                mask.sum(),
                lanes.height,
                x=pos["x"][mask],
                y=pos["y"][mask],
                mode="markers",
                name=legend_text(name),
                legendgroup=f"colour-{name}",
                showlegend=False,
                marker={
                    "color": colour,
                    "size": theme.MARKER_SIZE,
                    "symbol": stance_symbols(events["stance"][mask], relays[mask]),
                    "line": {"color": theme.MARKER_LINE, "width": 1},
                    "opacity": opacity[mask],
                },
                customdata=events["id"].to_numpy()[mask],
                hovertext=hover[mask],
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            row=1,
        )
    for name, colour, _ in groups:
        title = tr(DIMENSION_LABELS[dim]) if name == groups[0][0] else None
        swatch = legend_swatch(
            legend_text(name), colour, f"colour-{name}", title, dim, options.lang
        )
        fig.add_trace({"type": "scatter", **swatch}, row=1)
    _interval_legend(fig, long.any(), tr)
    if dim != "stance":
        _stance_legend(fig, full, bool(relays.any()), options.lang)
    if selected:
        fig.add_trace(selection_rings(pos[is_selected], theme.MARKER_SIZE), row=1)
    banded = False
    if story:
        _jumps(fig, story.crossings, events, pos, options)
        banded = _status_band(fig, status, axis)
    counted = _cumulative(fig, full, tz, axis, options.lang)
    _milestones(fig, marks, rows=(1, *((2,) if banded else ()), *((3,) if counted else ())))
    if drawn.thinned:
        scale.add_note(fig, drawn.note(tr("shading counts them all"), options.lang),
                       8 + MILESTONE_LINE * above)  # fmt: skip

    fig.update_yaxes(
        tickvals=lanes.centers,
        ticktext=lane_names(options.lanes, lanes.values, options.width, options.lang),
        range=[lanes.height, 0],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        row=1,
    )
    fig.update_yaxes(
        tickvals=[status_px / 2],
        ticktext=[tr("Claim status")],
        range=[status_px, 0],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        row=2,
    )
    fig.update_yaxes(
        title_text=tr("Appearances"),
        title_font_size=theme.SMALL_SIZE,
        rangemode="tozero",
        fixedrange=True,
        gridcolor=theme.GRID,
        row=3,
    )
    # Every row the same axis: the status row holds only shapes, and needs its type said.
    fig.update_xaxes(**axis.axis())
    fig.update_xaxes(showgrid=axis.kind == "calendar", gridcolor=theme.GRID, row=1)
    fig.update_xaxes(showgrid=False, row=2)
    fig.update_xaxes(title_text=axis_title(axis, tz, options.lang), gridcolor=theme.GRID, row=3)
    beneath = legend_beneath(fig, options.width)
    if beneath:  # the plot keeps its size; the figure grows by the legend's rows
        fig.update_layout(height=fig.layout["height"] + beneath,
                          margin={"b": fig.layout["margin"]["b"] + beneath})  # fmt: skip
    return fig.to_dict()


LEGEND_ENTRY_PX = 23  # a legend line at the legend's font, with its gap (generous)


def _legend_px(events: pd.DataFrame, full: pd.DataFrame, options: Options) -> float:
    """About how far down the legend beside the plot reaches, in pixels from its top: its
    colour, stance, dates, crossings and count groups, a title each."""
    colours = colour_groups(events, options.colour, reference=full, lang=options.lang)
    lines = sum(1 + name.count("\n") for name, _, _ in colours) + 1
    if options.colour != "stance":
        lines += full["stance"].nunique() + 2  # shapes, and a relayed denial
    lines += 2 + 3 + 3 + 3  # dates; crossings; appearances so far (titles, two-line names)
    return lines * LEGEND_ENTRY_PX


def axis_title(axis: TimeScale, tz: str, lang: str = "en") -> str:
    """The date axis's title, which says when the axis is not evenly spaced."""
    tr = Translator(lang)
    if axis.kind == "compressed":
        return tr("Date ({tz}), compressed: ⋯ marks empty time left out", tz=esc(tz))
    return tr("Date ({tz})", tz=esc(tz))


def _interval_legend(fig: Spec, shown: bool, tr: Translator) -> None:
    if not shown:
        return
    fig.add_trace(
        dict(
            type="scatter",
            x=[None],
            y=[None],
            mode="lines",
            line={"color": theme.MUTED, "width": theme.INTERVAL_WIDTH},
            opacity=theme.INTERVAL_OPACITY,
            name=tr("date uncertain: could be<br>anywhere on the bar"),
            legendgroup="interval",
            legendgrouptitle_text=tr("Dates"),
            hoverinfo="skip",
        ),
        row=1,
    )


def _stance_legend(
    fig: Spec, events: pd.DataFrame, relayed: bool = False, lang: str = "en"
) -> None:
    """Legend entries for marker shapes (stance), independent of colour; `relayed`: an entry
    for the open square of a denial relayed, not made."""
    tr = Translator(lang)
    shapes = [(s, schema.label("stance", s, lang), theme.STANCE_SYMBOLS[s])
              for s in schema.STANCES if (events["stance"] == s).any()]  # fmt: skip
    if relayed:
        at = next((k + 1 for k, (s, *_) in enumerate(shapes) if s == "denies"), len(shapes))
        shapes.insert(at, ("", tr("Relays a denial it cites"), theme.RELAY_SYMBOL))
    title = tr("Stance (shape)")
    for _, name, symbol in shapes:
        fig.add_trace(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                legendgroup="stance",
                legendgrouptitle_text=title,
                marker={"symbol": symbol, "color": theme.MUTED, "size": theme.MARKER_SIZE - 1},
                hoverinfo="skip",
            ),
            row=1,
        )


def selection_rings(pos: pd.DataFrame, marker_size: float) -> dict:
    """Rings around the picked points (both charts), clear of a marker `marker_size` wide."""
    return dict(
        type="scatter",
        x=pos["x"],
        y=pos["y"],
        mode="markers",
        marker={
            "symbol": "circle-open",
            "size": marker_size + 10,
            "color": theme.HIGHLIGHT,
            "line": {"width": 2},
        },
        hoverinfo="skip",
        showlegend=False,
        name="selected",
    )


def _cumulative(
    fig: Spec, events: pd.DataFrame, tz: str, axis: TimeScale, lang: str = "en"
) -> bool:
    """Claim-carrying appearances so far: surely (by each interval's end) and possibly (by start).

    Of many events, evenly spaced steps are drawn (scale.MAX_POINTS of each curve); the hover
    says the date, whatever the scale."""
    claim = events[diffusion.carries_claim(events).to_numpy(dtype=bool)]
    if claim.empty:
        return False
    tr = Translator(lang)
    step = scale.every(len(claim), scale.MAX_POINTS)
    count = step + 1
    for column, name, line, extra in (
        ("date", tr("may have appeared"), {"width": 1, "dash": "dot"}, {}),
        ("date_end", tr("surely appeared"), {"width": 2},
         {"fill": "tonexty", "fillcolor": "rgba(0,114,178,0.12)"}),
    ):  # fmt: skip
        t = np.sort(wall_ns(claim[column], tz))[step]
        at = pd.Series(pd.to_datetime(t))
        hours = at.dt.strftime(" %H:%M")
        days = format_intervals(at.dt.tz_localize("UTC"), at.dt.tz_localize("UTC"),
                                pd.Series(["day"] * len(at)), lang=lang)  # fmt: skip
        when = [d + h for d, h in zip(days, hours.tolist(), strict=True)]
        fig.add_trace(
            dict(
                type="scatter",
                x=axis.values(t),
                y=count,
                mode="lines",
                line={"shape": "hv", "color": theme.OKABE_ITO[0], **line},
                name=name,
                legendgroup="count",
                legendgrouptitle_text=tr("Appearances so far") if column == "date" else None,
                text=when,  # lines only: the text shows in the hover, not on the chart
                hovertemplate=tr("%{{y}} {what} by %{{text}}", what=name) + "<extra></extra>",
                **extra,
            ),
            row=3,
        )
    return True


def _jumps(
    fig: Spec, crossings: list[dict], events: pd.DataFrame, pos: pd.DataFrame, options
) -> None:
    """Rings around the events where the claim first entered a new language or left state media.

    Country jumps are listed in the analysis tables rather than drawn: there are too many."""
    add_jump_rings(fig, crossings, events, pos, options, row=1)


def add_jump_rings(
    fig: Spec, crossings: list[dict], events: pd.DataFrame, pos, options: Options, row=None
) -> None:
    """Jump rings; like the points, they fade when other events are picked."""
    drawn = [c for c in crossings if c["kind"] in JUMP_KINDS]
    if not drawn:
        return
    tr = Translator(options.lang)
    where = pd.Series(range(len(events)), index=events["id"].to_numpy())
    xs, ys, texts, ids = [], [], [], []
    for c in drawn:
        for event_id in c["events"]:
            if event_id not in where.index:
                continue
            i = where[event_id]
            ids.append(event_id)
            xs.append(pos["x"].iloc[i])
            ys.append(pos["y"].iloc[i])
            to = (
                value_label("language", c["to"], options.lang)
                if c["kind"] == "language"
                else tr("independent media")
            )
            tie = tr(" (tie)") if len(c["events"]) > 1 else ""
            texts.append(
                tr("<b>Jump</b>: first in {to}{tie}", to=esc(to), tie=tie)
                + "<br>"
                + tr(
                    "{hops} hop(s), {hours} h after the first appearance",
                    hops=c["hops"],
                    hours=tr.number(c["elapsed_hours"]),
                )
            )
    trace = dict(
        type="scatter",
        x=xs,
        y=ys,
        mode="markers",
        marker={
            "symbol": "hexagon-open",
            "size": theme.MARKER_SIZE + 9,
            "color": theme.JUMP_COLOUR,
            "line": {"width": 1.6},
            "opacity": options.bright(pd.Series(ids, dtype=object)),
        },
        name=tr("jump into a new language<br>or out of state media"),
        legendgroup="jump",
        legendgrouptitle_text=tr("Crossings"),
        hovertext=texts,
        hovertemplate="%{hovertext}<extra></extra>",
    )
    fig.add_trace(trace, row=row or None)


def _status_rows(
    status: list[dict],
    events: pd.DataFrame,
    tz: str,
    axis: TimeScale,
    room: float = 0.0,
    lang: str = "en",
) -> list:
    """Each status change as drawn: (change, start, sure, end (wall-clock ns), label, x of the
    label (pixels), its anchor, its row). Labels go in the first row where they overlap no
    other label, so that changes close in time never cover each other."""
    if not status:
        return []
    by_id = lookup.select(events, [c["event"] for c in status])["outlet"]
    end = int(wall_ns(events["date_end"], tz).max())
    out, taken = [], []  # taken: (row, x0, x1) pixels
    for i, change in enumerate(status):
        x0 = int(wall_ns(pd.Series([change["date"]]), tz)[0])
        sure = int(wall_ns(pd.Series([change["by"]]), tz)[0])
        x1 = int(wall_ns(pd.Series([status[i + 1]["date"]]), tz)[0]) if i + 1 < len(status) else end
        if x1 <= x0:
            continue
        name = Translator(lang)(STATUS_LABELS.get(change["status"], change["status"]))
        who = by_id.get(change["event"], "")
        text = f"<b>{esc(name)}</b> ({esc(who)})"
        w = text_px(name, theme.SMALL_SIZE, bold=True) + text_px(f" ({who})", theme.SMALL_SIZE) + 8
        p0, p1 = (float(v) for v in axis.px(np.array([x0, x1])))
        # Left-aligned at the change, so it stands on its own segment; into the margin on the
        # right if need be (the legend ends far above), else right-aligned.
        anchor, at = ("left", p0) if p0 + w <= axis.width + room else ("right", min(axis.width, p1))
        lo, hi = (at, at + w) if anchor == "left" else (at - w, at)
        row = 0
        while any(r == row and a < hi + 6 and lo - 6 < b for r, a, b in taken):
            row += 1
        taken.append((row, lo, hi))
        out.append((change, x0, sure, x1, text, at, anchor, row))
    return out


def _status_band(fig: Spec, rows: list, axis: TimeScale) -> bool:
    """Coloured segments: the claim's status from each change to the next, labelled with the
    event behind it (rows from _status_rows). A change dated by an interval starts with a paler
    stretch until it is sure. Whether anything was drawn."""
    if not rows:
        return False
    height = (max(r[-1] for r in rows) + 1) * STATUS_ROW + 10
    for change, x0, sure, x1, text, at, anchor, row in rows:
        colour = theme.STATUS_COLOURS.get(change["status"], theme.OTHER_COLOUR)
        solid = x0
        if change["status"] != "uncorroborated" and sure > x0:
            a, b = axis.values(np.array([x0, min(sure, x1)]))
            fig.add_shape(type="rect", x0=a, x1=b, y0=2, y1=height - 2, fillcolor=colour,
                          opacity=0.35, line_width=0, row=2)  # fmt: skip
            solid = min(sure, x1)
        a, b = axis.values(np.array([solid, x1]))
        fig.add_shape(type="rect", x0=a, x1=b, y0=2, y1=height - 2, fillcolor=colour,
                      line_width=0, row=2)  # fmt: skip
        fig.add_annotation(
            x=axis.axis_x(np.array([at]))[0],
            y=5 + row * STATUS_ROW + STATUS_ROW / 2,
            xref="x2",
            yref="y2",
            text=text,
            showarrow=False,
            xanchor=anchor,
            font={"size": theme.SMALL_SIZE, "color": theme.TEXT},
            bgcolor="rgba(255,255,255,0.85)",
            borderpad=1,
            name="status",
        )
    return True


def _density(
    fig: Spec, events: pd.DataFrame, lanes: Lanes, options: Options, axis: TimeScale
) -> None:
    """Every event, counted: a shaded cell per lane and stretch of time, darker for more."""
    lo, hi = (int(t) for t in axis.time_of(np.array([0.0, axis.width])))
    code = pd.Categorical(events[options.lanes], categories=lanes.values).codes
    counts, edges = scale.density(events, code, len(lanes.values), options.timezone, (lo, hi))
    labels = [esc(value_label(options.lanes, v, options.lang)) for v in lanes.values]
    tr = Translator(options.lang)
    fig.add_trace(
        dict(
            type="heatmap",
            x=axis.values(edges),
            y=[top for top, _ in lanes.bounds] + [lanes.bounds[-1][1]],
            z=np.where(counts > 0, counts, np.nan),
            text=[[label] * scale.TIME_BINS for label in labels],
            colorscale=theme.DENSITY_SCALE,
            zmin=0,
            showscale=False,
            name=tr("events, counted"),
            hovertemplate=tr("%{{text}}: %{{z:,}} events") + "<extra></extra>",
        ),
        row=1,
    )


def _milestone_marks(
    milestones: list[Milestone],
    events: pd.DataFrame,
    tz: str,
    axis: TimeScale,
    room: tuple[float, float],
    lang: str = "en",
) -> list[dict]:
    """Each milestone's line and label, earliest first: where (x), what (text, escaped), which
    way it reads from the line, and in how many lines. A label reads rightwards from its line
    where it fits within the figure, else leftwards; too long for either side (a narrow
    figure), it wraps to the wider side, so it is never cut."""
    room_left, room_right = room
    tr = Translator(lang)
    marks = []
    for m in sorted(milestones, key=lambda m: m.first.start):
        moment = int(wall_ns(pd.Series([m.first.start]), tz)[0])
        at = float(axis.px(np.array([moment]))[0])
        what = describe_first(m.first, events, tz, lang) + (tr(" (tie)") if m.first.is_tie else "")
        label = tr(m.label)
        head = f"<b>{esc(label)}</b>: "
        w = text_px(f"{label}: {what}", theme.SMALL_SIZE, bold=True) + 6
        right_room = axis.width + room_right - at - 4
        left_room = at + room_left - 4
        if w <= right_room or (w > left_room and right_room >= left_room):
            anchor, avail = "left", right_room
        else:
            anchor, avail = "right", left_room
        if w <= avail:
            text, lines = head + esc(what), 1
        else:
            body = fit_lines(what, avail, theme.SMALL_SIZE, bold=True)
            text, lines = head + "<br>" + body, 2 + body.count("<br>")
        marks.append({"x": axis.values(np.array([moment]))[0], "text": text,
                      "anchor": anchor, "lines": lines})  # fmt: skip
    return marks


def _milestones(fig: Spec, marks: list[dict], rows: tuple[int, ...] = (1, 2, 3)) -> None:
    """A dashed line at each milestone, labelled above the chart (marks: _milestone_marks),
    the earliest at the top.

    The lines cross the panels in `rows`: those with something drawn in them (what add_vline
    does, which re-checks every trace for each line: slow beside thousands of points)."""
    if not marks:
        return
    lines = []
    below = 0  # lines of the labels under this one
    for mark in reversed(marks):
        x = mark["x"]
        line = {"color": theme.MILESTONE_COLOUR, "width": 1, "dash": "dash"}
        for row in rows:
            ref = "" if row == 1 else str(row)
            lines.append({"line": line, "type": "line", "x0": x, "x1": x,
                          "xref": f"x{ref}", "y0": 0, "y1": 1, "yref": f"y{ref} domain"})  # fmt: skip
        fig.add_annotation(
            x=x,
            xref="x",
            y=1.0,
            yref="paper",
            yshift=8 + MILESTONE_LINE * below,
            text=mark["text"],
            showarrow=False,
            xanchor=mark["anchor"],
            yanchor="bottom",
            align="left",
            font={"size": theme.SMALL_SIZE, "color": theme.TEXT},
            bgcolor="rgba(255,255,255,0.9)",
        )
        below += mark["lines"]
    fig.update_layout(shapes=[*fig.layout.get("shapes", []), *lines])


timeline_figure = as_figure(timeline_spec)
