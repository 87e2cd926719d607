"""The diffusion network: events as nodes, links from the cited event to the citing one.

x is time, so the network reads left to right; y is the same lane as in the timeline.
External sources (cited, but not in the data) sit in a lane of their own at the bottom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from claimtrace import diffusion
from claimtrace.analysis import Story
from claimtrace.figures import theme
from claimtrace.figures.common import (
    DIMENSION_LABELS,
    Lanes,
    Options,
    colour_groups,
    esc,
    hover_texts,
    lay_out,
    legend_swatch,
    short,
    time_range,
    value_label,
)
from claimtrace.figures.timeline import add_jump_rings, cited_by_map

EXTERNAL_LANE = "Cited, not in the data"
LABEL_LIMIT = 120  # above this many nodes, only origins and hubs are labelled


EXTERNAL_PITCH = 18
MIN_HEIGHT = 520  # pixels; the legend needs about this much


def layout(
    events: pd.DataFrame, externals: pd.DataFrame, options: Options
) -> tuple[pd.DataFrame, Lanes]:
    """Node positions (id, x, y in pixels from the top) and the lanes: deterministic,
    O(n log n), no force simulation. Points are spread so that labels fit beside them."""
    lanes = lay_out(events, options.lanes, options.timezone, gap=1 / 8, pitch=17, min_lane=34)
    pos = lanes.pos.copy()
    pos.insert(0, "id", events["id"].to_numpy())
    if externals is not None and len(externals):
        ext = externals.sort_values(["date", "outlet"]).reset_index(drop=True)
        # An external source is drawn a little before its first citation: we only know it
        # existed by then.
        span = (events["date_end"].max() - events["date"].min()) if len(events) else pd.Timedelta(0)
        lead = max(span / 40, pd.Timedelta(hours=6))
        x = (ext["date"] - lead).dt.tz_convert(options.timezone).dt.tz_localize(None)
        rows = pd.DataFrame(
            {
                "id": ext["id"],
                "x": x,
                "x_end": x,
                "y": lanes.height + EXTERNAL_PITCH * (np.arange(len(ext)) + 1),
                "lane": len(lanes.values),
                "long": False,
            }
        )
        pos = pd.concat([pos, rows], ignore_index=True)
    return pos, lanes


def network_figure(
    events: pd.DataFrame,
    links: pd.DataFrame,
    externals: pd.DataFrame,
    options: Options,
    story: Story | None = None,
    title: str = "",
) -> go.Figure:
    """The diffusion network figure. The same builder serves the page and every export.

    Links of kind "inferred" are drawn dashed and lighter; `story` adds the jump rings."""
    used = set(links["source"])
    externals = externals[externals["id"].isin(used)] if len(externals) else externals
    fig = go.Figure()
    if events.empty:
        fig.update_layout(**theme.base_layout(360))
        fig.add_annotation(
            text="No events match the filters",
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
        return fig
    pos, lanes = layout(events, externals, options)
    ext_px = EXTERNAL_PITCH * (len(externals) + 1) if len(externals) else 0
    total = lanes.height + ext_px
    top = 50 if title else 20
    # A floor, so that a small network still has room for its legend.
    fig.update_layout(**theme.base_layout(max(int(total + top + 70), MIN_HEIGHT)))
    pos = pos.set_index("id")
    visible = links[links["source"].isin(pos.index) & links["target"].isin(pos.index)]
    selected = set(options.selected)
    bright = set(options.highlight) | selected

    for i, (y0, y1) in enumerate(lanes.bounds):
        if i % 2 == 0:
            fig.add_hrect(y0=y0, y1=y1, fillcolor=theme.LANE_SHADE, line_width=0, layer="below")

    _edges(fig, visible, pos, bright)
    _nodes(fig, events, links, pos, options, selected)
    if story:
        add_jump_rings(fig, story.crossings, events, pos.loc[events["id"]].reset_index(), options)
        _decay_marks(fig, story.decays, pos, options)
    ticks = [esc(value_label(options.lanes, v)) for v in lanes.values]
    tickvals = list(lanes.centers)
    if len(externals):
        _external_nodes(fig, externals, pos)
        ticks.append(f"<i>{EXTERNAL_LANE}</i>")
        tickvals.append(lanes.height + ext_px / 2)
        fig.add_hline(y=lanes.height, line={"color": theme.GRID, "width": 1})
    fig.update_yaxes(
        tickvals=tickvals,
        ticktext=ticks,
        range=[total, 0],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig.update_xaxes(title_text=f"Date ({esc(options.timezone)})", gridcolor=theme.GRID)
    # Room on the right for the labels of the latest events.
    fig.update_xaxes(range=time_range(events, options, right=0.1 if options.labels else 0.0))
    fig.update_layout(
        title={"text": esc(title), "font": {"size": theme.TITLE_SIZE}, "x": 0.01}
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
    return fig


def _segments(pairs: pd.DataFrame, pos: pd.DataFrame) -> tuple[list, list, list, list]:
    """Line coordinates (with None breaks) and arrowhead points at 80% along each link."""
    sx = pos.loc[pairs["source"], "x"].to_numpy()
    sy = pos.loc[pairs["source"], "y"].to_numpy()
    tx = pos.loc[pairs["target"], "x"].to_numpy()
    ty = pos.loc[pairs["target"], "y"].to_numpy()
    lx, ly, ax, ay = [], [], [], []
    for x0, y0, x1, y1 in zip(sx, sy, tx, ty, strict=True):
        lx += [x0, x1, None]
        ly += [y0, y1, None]
        mx = x0 + (x1 - x0) * 0.8
        my = y0 + (y1 - y0) * 0.8
        ax += [x0, mx, None]
        ay += [y0, my, None]
    return lx, ly, ax, ay


def _edges(fig: go.Figure, links: pd.DataFrame, pos: pd.DataFrame, selected: set[str]) -> None:
    for kind, dash, colour, width, name in (
        ("documented", "solid", theme.DOCUMENTED_EDGE, 1.4, "documented link (cites)"),
        ("inferred", "dash", theme.INFERRED_EDGE, 1.0, "inferred link"),
    ):
        part = links[links["kind"] == kind]
        if part.empty:
            continue
        if selected:
            # A link stays bright when both its ends do: the highlighted path.
            touched = part["source"].isin(selected) & part["target"].isin(selected)
            groups = [(part[touched], 1.0, True), (part[~touched], theme.FADED_OPACITY, False)]
        else:
            groups = [(part, 0.75, True)]
        for group, opacity, legend in groups:
            if group.empty:
                continue
            lx, ly, ax, ay = _segments(group, pos)
            fig.add_trace(
                go.Scatter(
                    x=lx,
                    y=ly,
                    mode="lines",
                    line={"color": colour, "width": width, "dash": dash},
                    opacity=opacity,
                    name=name,
                    legendgroup=kind,
                    legendgrouptitle_text="Links" if kind == "documented" else None,
                    showlegend=legend,
                    hoverinfo="skip",
                )
            )
            # Arrowheads: each pair (start, 80% point) orients its marker along the link.
            sizes = [0, 9, 0] * len(group)
            fig.add_trace(
                go.Scatter(
                    x=ax,
                    y=ay,
                    mode="markers",
                    marker={
                        "symbol": "arrow",
                        "angleref": "previous",
                        "size": sizes,
                        "color": colour,
                        "line": {"width": 0},
                    },
                    opacity=opacity,
                    legendgroup=kind,
                    showlegend=False,
                    hoverinfo="skip",
                    name=f"{name} direction",
                )
            )
            fig.add_trace(_edge_hover(group, pos, kind, name))


def _decay_marks(
    fig: go.Figure, decays: tuple[str, ...], pos: pd.DataFrame, options: Options
) -> None:
    """A slash through the events that cite only an intermediary, no longer the origin."""
    shown = [i for i in decays if i in pos.index]
    if not shown:
        return
    fig.add_trace(
        go.Scatter(
            x=pos.loc[shown, "x"],
            y=pos.loc[shown, "y"],
            mode="markers",
            marker={
                "symbol": "line-ne",
                "size": theme.MARKER_SIZE + 8,
                "color": theme.JUMP_COLOUR,
                "line": {"width": 1.5, "color": theme.JUMP_COLOUR},
                "opacity": options.bright(pd.Series(shown, dtype=object)),
            },
            name="no longer names<br>the original source",
            legendgroup="decay",
            legendgrouptitle_text="Attribution",
            hoverinfo="skip",
        )
    )


def _edge_hover(links: pd.DataFrame, pos: pd.DataFrame, kind: str, name: str) -> go.Scatter:
    """Invisible points mid-link that say what the link is when hovered."""
    sx, sy = pos.loc[links["source"], "x"].to_numpy(), pos.loc[links["source"], "y"].to_numpy()
    tx, ty = pos.loc[links["target"], "x"].to_numpy(), pos.loc[links["target"], "y"].to_numpy()
    texts = []
    for r in links.itertuples(index=False):
        source = esc(short(str(r.source).removeprefix("external:"), 40))
        target = esc(short(str(r.target), 40))
        if kind == "inferred":
            texts.append(
                f"<b>Inferred link</b> ({r.confidence:.0%}), not documented<br>{source} → {target}"
                f"<br><i>{esc(r.reason)}</i>"
            )
        else:
            how = {"outlet": " (names the outlet)", "external": " (not in the data)"}.get(r.via, "")
            texts.append(f"<b>Documented</b>: {target} cites {source}{how}")
    return go.Scatter(
        x=sx + (tx - sx) / 2,
        y=(sy + ty) / 2,
        mode="markers",
        marker={"size": 10, "color": "rgba(0,0,0,0)"},
        hovertext=texts,
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
        legendgroup=kind,
        name=f"{name} details",
    )


def _nodes(
    fig: go.Figure,
    events: pd.DataFrame,
    links: pd.DataFrame,
    pos: pd.DataFrame,
    options: Options,
    selected: set[str],
) -> None:
    dim = options.colour
    hover = np.array(
        hover_texts(events, options.timezone, cited_by_map(events, links)), dtype=object
    )
    xy = pos.loc[events["id"]]
    label_all = len(events) <= LABEL_LIMIT
    hubs = set(links["source"].value_counts().loc[lambda c: c >= 3].index)
    roots = set(diffusion.origins(events, links))
    text = np.array(
        [
            esc(short(o, 26)) if options.labels and (label_all or i in hubs or i in roots) else ""
            for i, o in zip(events["id"], events["outlet"], strict=True)
        ],
        dtype=object,
    )
    opacity = options.bright(events["id"])
    groups = colour_groups(events, dim)
    for name, colour, mask in groups:
        fig.add_trace(
            go.Scatter(
                x=xy["x"][mask],
                y=xy["y"][mask],
                mode="markers+text",
                text=text[mask],
                textposition="middle right",
                textfont={"size": theme.SMALL_SIZE, "color": theme.TEXT},
                name=esc(name),
                legendgroup=f"colour-{name}",
                showlegend=False,
                marker={
                    "color": colour,
                    "size": theme.MARKER_SIZE + 2,
                    "symbol": [
                        theme.STANCE_SYMBOLS.get(s, "circle") for s in events["stance"][mask]
                    ],
                    "line": {"color": theme.MARKER_LINE, "width": 1},
                    "opacity": opacity[mask],
                },
                customdata=events["id"].to_numpy()[mask],
                hovertext=hover[mask],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    for name, colour, _ in groups:
        title = DIMENSION_LABELS[dim] if name == groups[0][0] else None
        fig.add_trace(go.Scatter(**legend_swatch(esc(name), colour, f"colour-{name}", title, dim)))
    if selected:
        ring = xy[events["id"].isin(selected).to_numpy()]
        fig.add_trace(
            go.Scatter(
                x=ring["x"],
                y=ring["y"],
                mode="markers",
                marker={
                    "symbol": "circle-open",
                    "size": theme.MARKER_SIZE + 12,
                    "color": theme.HIGHLIGHT,
                    "line": {"width": 2},
                },
                hoverinfo="skip",
                showlegend=False,
                name="selected",
            )
        )


def _external_nodes(fig: go.Figure, externals: pd.DataFrame, pos: pd.DataFrame) -> None:
    xy = pos.loc[externals["id"]]
    hover = [
        f"<b>{esc(name)}</b><br><i>Cited, but not an event in the data</i><br>"
        f"Cited by {len(cited)} event{'s' if len(cited) != 1 else ''}"
        for name, cited in zip(externals["outlet"], externals["cited_by"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=xy["x"],
            y=xy["y"],
            mode="markers+text",
            text=[esc(short(n, 28)) for n in externals["outlet"]],
            textposition="middle left",
            textfont={"size": theme.SMALL_SIZE, "color": theme.MUTED},
            name="cited, not in the data",
            legendgroup="external",
            legendgrouptitle_text="Sources",
            marker={
                "symbol": theme.EXTERNAL_SYMBOL,
                "size": theme.MARKER_SIZE,
                "color": theme.EXTERNAL_COLOUR,
                "line": {"color": theme.EXTERNAL_LINE, "width": 1.5},
            },
            customdata=externals["id"].to_numpy(),
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )


def outlet_network_figure(
    events: pd.DataFrame, links: pd.DataFrame, options: Options, title: str = ""
) -> go.Figure:
    """One node per outlet, placed at its first appearance in its most common lane; weighted
    edges outlet -> outlet (solid where at least one link is documented, dashed where all are
    inferred)."""
    fig = go.Figure()
    if events.empty:
        fig.update_layout(**theme.base_layout(360))
        fig.add_annotation(text="No events match the filters", showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper")  # fmt: skip
        return fig
    lane_column = options.lanes
    firsts = events.sort_values(["date", "row"]).groupby("outlet", sort=False)
    outlets = pd.DataFrame(
        {
            "outlet": list(firsts.groups),
            "date": firsts["date"].first().reindex(list(firsts.groups)).to_numpy(),
            "date_end": firsts["date_end"].first().reindex(list(firsts.groups)).to_numpy(),
            lane_column: firsts[lane_column]
            .agg(lambda v: v.mode().iloc[0])
            .reindex(list(firsts.groups))
            .to_numpy(),
            options.colour: firsts[options.colour]
            .agg(lambda v: v.mode().iloc[0])
            .reindex(list(firsts.groups))
            .to_numpy(),
            "events": firsts.size().reindex(list(firsts.groups)).to_numpy(),
        }
    )
    outlets["id"] = outlets["outlet"]
    outlets["row"] = range(len(outlets))
    for column in ("outlet_type", "country", "language", "stance", "evidence"):
        if column not in outlets:
            outlets[column] = ""
    pairs = diffusion.outlet_links(events, links)
    pairs = pairs[pairs["source"].isin(outlets["outlet"]) & pairs["target"].isin(outlets["outlet"])]
    lanes = lay_out(outlets, lane_column, options.timezone, gap=1 / 8, pitch=17, min_lane=34)
    pos = lanes.pos.copy()
    pos.index = outlets["outlet"].to_numpy()
    fig.update_layout(**theme.base_layout(int(lanes.height + (50 if title else 20) + 70)))
    for i, (y0, y1) in enumerate(lanes.bounds):
        if i % 2 == 0:
            fig.add_hrect(y0=y0, y1=y1, fillcolor=theme.LANE_SHADE, line_width=0, layer="below")
    top = max(int(pairs["weight"].max()), 1) if len(pairs) else 1
    for documented, dash, colour in (
        (True, "solid", theme.DOCUMENTED_EDGE),
        (False, "dash", theme.INFERRED_EDGE),
    ):
        part = pairs[(pairs["documented"] > 0) == documented]
        for r in part.itertuples(index=False):
            fig.add_trace(
                go.Scatter(
                    x=[pos.loc[r.source, "x"], pos.loc[r.target, "x"]],
                    y=[pos.loc[r.source, "y"], pos.loc[r.target, "y"]],
                    mode="lines",
                    line={"color": colour, "width": 1 + 4 * r.weight / top, "dash": dash},
                    opacity=0.7,
                    hovertext=f"{esc(r.source)} → {esc(r.target)}: {r.weight} link(s), {r.documented} documented",
                    hoverinfo="text",
                    showlegend=False,
                )
            )
    groups = colour_groups(outlets, options.colour)
    for name, colour, mask in groups:
        sub = outlets[mask]
        fig.add_trace(
            go.Scatter(
                x=pos["x"][mask],
                y=pos["y"][mask],
                mode="markers+text" if options.labels else "markers",
                text=[esc(short(o, 26)) for o in sub["outlet"]],
                textposition="middle right",
                textfont={"size": theme.SMALL_SIZE, "color": theme.TEXT},
                marker={
                    "color": colour,
                    "size": 8 + 3 * np.sqrt(sub["events"].to_numpy()),
                    "line": {"color": theme.MARKER_LINE, "width": 1},
                },
                name=esc(name),
                legendgroup=f"colour-{name}",
                legendgrouptitle_text=DIMENSION_LABELS[options.colour]
                if name == groups[0][0]
                else None,
                hovertext=[
                    f"<b>{esc(o)}</b><br>{n} event(s)"
                    for o, n in zip(sub["outlet"], sub["events"], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_yaxes(tickvals=lanes.centers, ticktext=[esc(value_label(lane_column, v)) for v in lanes.values],
                     range=[lanes.height, 0], showgrid=False, zeroline=False, fixedrange=True)  # fmt: skip
    fig.update_xaxes(title_text=f"First appearance ({esc(options.timezone)})", gridcolor=theme.GRID)
    fig.update_layout(
        title={"text": esc(title), "font": {"size": theme.TITLE_SIZE}, "x": 0.01}
        if title
        else None,
        hovermode="closest",
        legend={"traceorder": "grouped"},
    )
    return fig
