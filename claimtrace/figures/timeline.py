"""The timeline: one lane per outlet type (or country, or language), time left to right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from claimtrace import diffusion, lookup, schema
from claimtrace.analysis import Milestone, Story, describe_first
from claimtrace.figures import scale, theme
from claimtrace.figures.common import (
    DIMENSION_LABELS,
    Lanes,
    Options,
    colour_groups,
    esc,
    hover_texts,
    lane_order,
    lane_shading,
    lay_out,
    legend_swatch,
    time_range,
    to_axis,
    value_label,
)

COUNT_PANEL = 150  # pixels of the cumulative count beneath the lanes
STATUS_PANEL = 52  # pixels of the claim-status band
STATUS_LABELS = {
    "uncorroborated": "Uncorroborated",
    "denied": "Denied",
    "confirmed": "Confirmed",
    "debunked": "Debunked",
    "debunked and denied": "Debunked and denied",
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


def timeline_lanes(
    events: pd.DataFrame, options: Options, values: list[str] | None = None
) -> Lanes:
    return lay_out(
        events, options.lanes, options.timezone, gap=1 / 110, pitch=12, min_lane=34, values=values
    )


def timeline_figure(
    events: pd.DataFrame,
    links: pd.DataFrame,
    options: Options,
    story: Story | None = None,
    title: str = "",
) -> go.Figure:
    """The timeline figure. The same builder serves the page and every export.

    `story` (analysis.story) adds the milestones, the jumps and the claim-status band. Above
    scale.MAX_POINTS events only a part is drawn point by point (scale.thin) and the lanes are
    shaded by how many events each stretch holds; a note in the figure says so.
    """
    milestones = story.milestones if story else []
    drawn = scale.thin(events, options.lanes, story, options.selected, options.highlight,
                       options.x_range, options.timezone)  # fmt: skip
    full, events = events, drawn.events
    lanes = (
        timeline_lanes(events, options, lane_order(full, options.lanes)) if len(events) else None
    )
    top = 50 + 20 * len(milestones) if milestones else 50
    top += 20 if drawn.thinned else 0
    lanes_px = lanes.height if lanes else 300
    panels = lanes_px + COUNT_PANEL + STATUS_PANEL
    height = int(top + panels + 60 + 60)
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        row_heights=[lanes_px / panels, STATUS_PANEL / panels, COUNT_PANEL / panels],
        vertical_spacing=0.025,
    )
    fig.update_layout(**theme.base_layout(height))
    fig.update_layout(
        title={"text": esc(title), "font": {"size": theme.TITLE_SIZE}, "x": 0.01, "y": 0.99}
        if title
        else None,
        margin={"t": top},
        # A click picks one event; with dragmode "select" plotly turns that click into an empty
        # box selection first, which clears it. Box select stays a button of the mode bar.
        dragmode=False,
        clickmode="event+select",
        hovermode="closest",
        legend={"traceorder": "grouped"},
    )
    if lanes is None:
        fig.add_annotation(
            text="No events match the filters",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
        return fig

    tz = options.timezone
    pos = lanes.pos
    cited_by = cited_by_map(full, links, events["id"] if drawn.thinned else None)
    hover = np.array(hover_texts(events, tz, cited_by), dtype=object)
    selected = set(options.selected)
    is_selected = events["id"].isin(selected).to_numpy()
    opacity = options.bright(events["id"])

    fig.update_layout(shapes=[*fig.layout.shapes, *lane_shading(lanes.bounds)])  # row 1

    if drawn.thinned:
        _density(fig, full, lanes, options)
    dim = options.colour
    groups = colour_groups(events, dim, reference=full)
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
                scale.scatter(bars.sum(), lanes.height)(
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
                col=1,
            )
        fig.add_trace(
            scale.scatter(mask.sum(), lanes.height)(
                x=pos["x"][mask],
                y=pos["y"][mask],
                mode="markers",
                name=esc(name),
                legendgroup=f"colour-{name}",
                showlegend=False,
                marker={
                    "color": colour,
                    "size": theme.MARKER_SIZE,
                    "symbol": [
                        theme.STANCE_SYMBOLS.get(s, "circle") for s in events["stance"][mask]
                    ],
                    "line": {"color": theme.MARKER_LINE, "width": 1},
                    "opacity": opacity[mask],
                },
                customdata=events["id"].to_numpy()[mask],
                hovertext=hover[mask],
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for name, colour, _ in groups:
        title = DIMENSION_LABELS[dim] if name == groups[0][0] else None
        fig.add_trace(
            go.Scatter(**legend_swatch(esc(name), colour, f"colour-{name}", title, dim)), 1, 1
        )
    _interval_legend(fig, long.any())
    if dim != "stance":
        _stance_legend(fig, full)
    if selected:
        _selection_rings(fig, pos[is_selected])
    if story:
        _jumps(fig, story.crossings, events, pos, options)
        banded = _status_band(fig, story.status, full, tz)
    counted = _cumulative(fig, full, tz)
    _milestones(fig, milestones, full, tz, rows=(1, *((2,) if story and banded else ()),
                                                 *((3,) if counted else ())))  # fmt: skip
    if drawn.thinned:
        scale.add_note(fig, drawn.note("shading counts them all"), 8 + 17 * len(milestones))

    fig.update_yaxes(
        tickvals=lanes.centers,
        ticktext=[esc(value_label(options.lanes, v)) for v in lanes.values],
        range=[lanes.height, 0],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        row=1,
        col=1,
    )
    fig.update_yaxes(
        tickvals=[0.5],
        ticktext=["Claim status"],
        range=[0, 1],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        row=2,
        col=1,
    )
    fig.update_yaxes(
        title_text="Appearances",
        title_font_size=theme.SMALL_SIZE,
        rangemode="tozero",
        fixedrange=True,
        gridcolor=theme.GRID,
        row=3,
        col=1,
    )
    # The status row holds only shapes: without an explicit type its axis would not be a date axis.
    fig.update_xaxes(type="date")
    fig.update_xaxes(range=time_range(full, options))
    fig.update_xaxes(showgrid=True, gridcolor=theme.GRID, row=1, col=1)
    fig.update_xaxes(showgrid=False, row=2, col=1)
    fig.update_xaxes(title_text=f"Date ({esc(tz)})", gridcolor=theme.GRID, row=3, col=1)
    return fig


def _interval_legend(fig: go.Figure, shown: bool) -> None:
    if not shown:
        return
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            line={"color": theme.MUTED, "width": theme.INTERVAL_WIDTH},
            opacity=theme.INTERVAL_OPACITY,
            name="date uncertain: could be<br>anywhere on the bar",
            legendgroup="interval",
            legendgrouptitle_text="Dates",
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )


def _stance_legend(fig: go.Figure, events: pd.DataFrame) -> None:
    """Legend entries for marker shapes (stance), independent of colour."""
    for stance in schema.STANCES:
        if not (events["stance"] == stance).any():
            continue
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=schema.label("stance", stance),
                legendgroup="stance",
                legendgrouptitle_text="Stance (shape)",
                marker={
                    "symbol": theme.STANCE_SYMBOLS[stance],
                    "color": theme.MUTED,
                    "size": theme.MARKER_SIZE - 1,
                },
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )


def _selection_rings(fig: go.Figure, pos: pd.DataFrame) -> None:
    fig.add_trace(
        go.Scatter(
            x=pos["x"],
            y=pos["y"],
            mode="markers",
            marker={
                "symbol": "circle-open",
                "size": theme.MARKER_SIZE + 10,
                "color": theme.HIGHLIGHT,
                "line": {"width": 2},
            },
            hoverinfo="skip",
            showlegend=False,
            name="selected",
        ),
        row=1,
        col=1,
    )


def _cumulative(fig: go.Figure, events: pd.DataFrame, tz: str) -> bool:
    """Claim-carrying appearances so far: surely (by each interval's end) and possibly (by start).

    Of many events, evenly spaced steps are drawn (scale.MAX_POINTS of each curve)."""
    claim = events[diffusion.carries_claim(events).to_numpy(dtype=bool)]
    if claim.empty:
        return False
    step = scale.every(len(claim), scale.MAX_POINTS)
    possible = to_axis(claim["date"], tz).sort_values().iloc[step]
    sure = to_axis(claim["date_end"], tz).sort_values().iloc[step]
    count = step + 1
    fig.add_trace(
        go.Scatter(
            x=possible,
            y=count,
            mode="lines",
            line={"shape": "hv", "color": theme.OKABE_ITO[0], "width": 1, "dash": "dot"},
            name="may have appeared",
            legendgroup="count",
            legendgrouptitle_text="Appearances so far",
            hovertemplate="%{y} may have appeared by %{x}<extra></extra>",
        ),
        row=3,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=sure,
            y=count,
            mode="lines",
            line={"shape": "hv", "color": theme.OKABE_ITO[0], "width": 2},
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.12)",
            name="surely appeared",
            legendgroup="count",
            hovertemplate="%{y} surely appeared by %{x}<extra></extra>",
        ),
        row=3,
        col=1,
    )
    return True


def _jumps(
    fig: go.Figure, crossings: list[dict], events: pd.DataFrame, pos: pd.DataFrame, options
) -> None:
    """Rings around the events where the claim first entered a new language or left state media.

    Country jumps are listed in the analysis tables rather than drawn: there are too many."""
    add_jump_rings(fig, crossings, events, pos, options, row=1)


def add_jump_rings(
    fig: go.Figure, crossings: list[dict], events: pd.DataFrame, pos, options: Options, row=None
) -> None:
    """Jump rings; like the points, they fade when other events are picked."""
    drawn = [c for c in crossings if c["kind"] in ("language", "state_to_independent")]
    if not drawn:
        return
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
                value_label("language", c["to"]) if c["kind"] == "language" else "independent media"
            )
            tie = " (tie)" if len(c["events"]) > 1 else ""
            texts.append(
                f"<b>Jump</b>: first in {esc(to)}{tie}<br>{c['hops']} hop(s), "
                f"{c['elapsed_hours']:,.0f} h after the first appearance"
            )
    trace = go.Scatter(
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
        name="jump into a new language<br>or out of state media",
        legendgroup="jump",
        legendgrouptitle_text="Crossings",
        hovertext=texts,
        hovertemplate="%{hovertext}<extra></extra>",
    )
    if row:
        fig.add_trace(trace, row=row, col=1)
    else:
        fig.add_trace(trace)


def _status_band(fig: go.Figure, status: list[dict], events: pd.DataFrame, tz: str) -> bool:
    """Coloured segments: the claim's status from each change to the next, labelled with the
    event behind it. A change dated by an interval starts with a paler stretch until it is sure.
    Whether anything was drawn."""
    if not status:
        return False
    drawn = False
    end = to_axis(events["date_end"], tz).max()
    start = to_axis(events["date"], tz).min()
    by_id = lookup.select(events, [c["event"] for c in status])["outlet"]
    for i, change in enumerate(status):
        x0 = change["date"].tz_convert(tz).tz_localize(None)
        sure = change["by"].tz_convert(tz).tz_localize(None)
        x1 = status[i + 1]["date"].tz_convert(tz).tz_localize(None) if i + 1 < len(status) else end
        colour = theme.STATUS_COLOURS.get(change["status"], theme.OTHER_COLOUR)
        if x1 <= x0:
            continue
        drawn = True
        if change["status"] != "uncorroborated" and sure > x0:
            fig.add_shape(type="rect", x0=x0, x1=min(sure, x1), y0=0.05, y1=0.95, fillcolor=colour,
                          opacity=0.35, line_width=0, row=2, col=1)  # fmt: skip
            x0_solid = min(sure, x1)
        else:
            x0_solid = x0
        fig.add_shape(type="rect", x0=x0_solid, x1=x1, y0=0.05, y1=0.95, fillcolor=colour,
                      line_width=0, row=2, col=1)  # fmt: skip
        who = by_id.get(change["event"], "")
        # Near the right edge a label reads leftwards, so it never runs into the legend.
        right = (x0 - start) > (end - start) * 0.6 if end > start else False
        fig.add_annotation(
            x=x1 if right else x0,
            # Alternate rows, so labels of changes close in time do not cover each other.
            y=0.5 if len(status) == 1 else (0.8, 0.5, 0.2)[i % 3],
            xref="x2",
            yref="y2",
            text=f"<b>{STATUS_LABELS.get(change['status'], esc(change['status']))}</b> ({esc(who)})",
            showarrow=False,
            xanchor="right" if right else "left",
            font={"size": theme.SMALL_SIZE, "color": theme.TEXT},
            bgcolor="rgba(255,255,255,0.75)",
        )
    return drawn


def _density(fig: go.Figure, events: pd.DataFrame, lanes: Lanes, options: Options) -> None:
    """Every event, counted: a shaded cell per lane and stretch of time, darker for more."""
    lo, hi = (pd.Timestamp(t).as_unit("ns").value for t in time_range(events, options, right=0))
    code = pd.Categorical(events[options.lanes], categories=lanes.values).codes
    counts, edges = scale.density(events, code, len(lanes.values), options.timezone, (lo, hi))
    labels = [esc(value_label(options.lanes, v)) for v in lanes.values]
    fig.add_trace(
        go.Heatmap(
            x=pd.to_datetime(edges),
            y=[top for top, _ in lanes.bounds] + [lanes.bounds[-1][1]],
            z=np.where(counts > 0, counts, np.nan),
            text=[[label] * scale.TIME_BINS for label in labels],
            colorscale=theme.DENSITY_SCALE,
            zmin=0,
            showscale=False,
            name="events, counted",
            hovertemplate="%{text}: %{z:,} events<br>%{x}<extra></extra>",
        ),
        row=1,
        col=1,
    )


def _milestones(
    fig: go.Figure,
    milestones: list[Milestone],
    events: pd.DataFrame,
    tz: str,
    rows: tuple[int, ...] = (1, 2, 3),
) -> None:
    """A dashed line at each milestone, labelled above the chart, one line of text each.

    The lines cross the panels in `rows`: those with something drawn in them (what add_vline
    does, which re-checks every trace for each line: slow beside thousands of points)."""
    if not milestones:
        return
    lines = []
    lo = to_axis(events["date"], tz).min()
    hi = to_axis(events["date_end"], tz).max()
    ordered = sorted(milestones, key=lambda m: m.first.start)
    for level, m in enumerate(ordered):
        moment = m.first.start.tz_convert(tz).tz_localize(None)
        text = f"<b>{esc(m.label)}</b>: {esc(describe_first(m.first, events, tz))}"
        if m.first.is_tie:
            text += " <i>(tie)</i>"
        line = {"color": theme.MILESTONE_COLOUR, "width": 1, "dash": "dash"}
        for row in rows:
            axis = "" if row == 1 else str(row)
            lines.append({"line": line, "type": "line", "x0": moment, "x1": moment,
                          "xref": f"x{axis}", "y0": 0, "y1": 1, "yref": f"y{axis} domain"})  # fmt: skip
        right = hi > lo and (moment - lo) / (hi - lo) > 0.55
        fig.add_annotation(
            x=moment,
            xref="x",
            y=1.0,
            yref="paper",
            yshift=8 + 17 * (len(ordered) - 1 - level),
            text=text,
            showarrow=False,
            xanchor="right" if right else "left",
            yanchor="bottom",
            align="left",
            font={"size": theme.SMALL_SIZE, "color": theme.TEXT},
            bgcolor="rgba(255,255,255,0.9)",
        )
    fig.update_layout(shapes=[*fig.layout.shapes, *lines])
