"""The diffusion network: events as nodes, links from the cited event to the citing one.

x is time, so the network reads left to right; y is the same lane as in the timeline.
External sources (cited, but not in the data) sit in a lane of their own at the bottom.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from claimtrace import diffusion, lookup
from claimtrace.analysis import Story
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
    short,
    time_range,
    value_label,
)
from claimtrace.figures.timeline import add_jump_rings, cited_by_map

EXTERNAL_LANE = "Cited, not in the data"
LABEL_LIMIT = 120  # above this many nodes, only origins and hubs are labelled


EXTERNAL_PITCH = 18
EDGE_DETAILS = 1_500  # links of one kind drawn with arrowheads and hover texts, at most
OUTLET_EDGE_TRACES = 300  # outlet pairs drawn one trace each (exact widths), at most
MIN_HEIGHT = 520  # pixels; the legend needs about this much


def layout(
    events: pd.DataFrame,
    externals: pd.DataFrame,
    options: Options,
    values: list[str] | None = None,
) -> tuple[pd.DataFrame, Lanes]:
    """Node positions (id, x, y in pixels from the top) and the lanes (`values`, default: those
    of the events): deterministic, O(n log n), no force simulation. Points are spread so that
    labels fit beside them."""
    lanes = lay_out(events, options.lanes, options.timezone, gap=1 / 8, pitch=17, min_lane=34,
                    values=values)  # fmt: skip
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

    Links of kind "inferred" are drawn dashed and lighter; `story` adds the jump rings. Above
    scale.MAX_POINTS events only a part is drawn (scale.thin), with the links among them, and a
    note in the figure says so.
    """
    drawn = scale.thin(events, options.lanes, story, options.selected, options.highlight,
                       options.x_range, options.timezone)  # fmt: skip
    full, events, every_link = events, drawn.events, links
    if drawn.thinned:
        links = links[lookup.member(links["target"], events["id"])]
    used = set(links["source"].tolist())
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
    pos, lanes = layout(events, externals, options, lane_order(full, options.lanes))
    ext_px = EXTERNAL_PITCH * (len(externals) + 1) if len(externals) else 0
    total = lanes.height + ext_px
    top = (50 if title else 20) + (20 if drawn.thinned else 0)
    # A floor, so that a small network still has room for its legend.
    fig.update_layout(**theme.base_layout(max(int(total + top + 70), MIN_HEIGHT)))
    pos = pos.set_index("id")
    inside = lookup.member(links["source"], pos.index) & lookup.member(links["target"], pos.index)
    visible = links[inside]
    selected = set(options.selected)
    bright = set(options.highlight) | selected

    fig.update_layout(shapes=[*fig.layout.shapes, *lane_shading(lanes.bounds)])

    _edges(fig, visible, pos, bright)
    _nodes(fig, events, every_link, pos, options, selected, full if drawn.thinned else None, story)
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
    fig.update_xaxes(range=time_range(full, options, right=0.1 if options.labels else 0.0))
    if drawn.thinned:
        scale.add_note(fig, drawn.note("and the links among them"), 8)
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
    sx = pos.loc[pairs["source"], "x"]
    sy = pos.loc[pairs["source"], "y"].to_numpy()
    tx = pos.loc[pairs["target"], "x"]
    ty = pos.loc[pairs["target"], "y"].to_numpy()
    mx = sx.to_numpy() + (tx.to_numpy() - sx.to_numpy()) * 0.8
    my = sy + (ty - sy) * 0.8
    start = sx.tolist()
    return (
        scale.segments(start, tx.tolist()).tolist(),
        scale.segments(sy, ty).tolist(),
        scale.segments(start, pd.Series(mx).tolist()).tolist(),
        scale.segments(sy, my).tolist(),
    )


def _edges(fig: go.Figure, links: pd.DataFrame, pos: pd.DataFrame, selected: set[str]) -> None:
    plot_px = float(pos["y"].max())  # how tall the plot is: WebGL or SVG (scale.scatter)
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
                scale.scatter(len(group), plot_px)(
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
            if len(group) > EDGE_DETAILS:
                continue  # so many links are read as a pattern: no arrowheads, no hover
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
    full: pd.DataFrame | None = None,
    story: Story | None = None,
) -> None:
    """The events, one marker each; `full`: all the events, when only `events` are drawn."""
    plot_px = float(pos["y"].max())
    dim = options.colour
    reference = events if full is None else full
    cited_by = cited_by_map(reference, links, None if full is None else events["id"])
    hover = np.array(hover_texts(events, options.timezone, cited_by), dtype=object)
    xy = pos.loc[events["id"]]
    labelled = _labelled(events, links, story)
    text = np.array(
        [
            esc(short(o, 26)) if options.labels and (labelled is None or i in labelled) else ""
            for i, o in zip(events["id"].tolist(), events["outlet"].tolist(), strict=True)
        ],
        dtype=object,
    )
    opacity = options.bright(events["id"])
    groups = colour_groups(events, dim, reference=reference)
    for name, colour, mask in groups:
        if not mask.any():
            continue
        fig.add_trace(
            scale.scatter(mask.sum(), plot_px)(
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


def _labelled(events: pd.DataFrame, links: pd.DataFrame, story: Story | None) -> set[str] | None:
    """The events named beside their node: all of a small network (None); else origins and
    hubs (cited three times or more), and of more than LABEL_LIMIT of those the events of the
    story, those marked `originates` and the most cited hubs."""
    if len(events) <= LABEL_LIMIT:
        return None
    cited = links["source"].value_counts()
    hubs = cited[cited >= 3]
    roots = diffusion.origins(events, links)
    labelled = set(hubs.index.tolist()) | set(roots)
    if len(labelled) <= LABEL_LIMIT:
        return labelled
    ids = events["id"].tolist()
    first = scale.story_ids(story) | set(events["id"][events["stance"] == "originates"].tolist())
    ranked = [*(i for i in ids if i in first), *hubs.index.tolist(), *roots]
    ids = set(ids)
    chosen = [i for i in dict.fromkeys(ranked) if i in ids]
    return set(chosen[:LABEL_LIMIT])


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
    columns = list(
        dict.fromkeys(["outlet", "date", "date_end", "row", lane_column, options.colour])
    )
    firsts = events[columns].sort_values(["date", "row"]).groupby("outlet", sort=False)
    names = list(firsts.groups)
    outlets = pd.DataFrame(
        {
            "outlet": names,
            "date": firsts["date"].first().reindex(names).to_numpy(),
            "date_end": firsts["date_end"].first().reindex(names).to_numpy(),
            lane_column: _most_common(events, lane_column).reindex(names).to_numpy(),
            options.colour: _most_common(events, options.colour).reindex(names).to_numpy(),
            "events": firsts.size().reindex(names).to_numpy(),
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
    fig.update_layout(shapes=[*fig.layout.shapes, *lane_shading(lanes.bounds)])
    top = max(int(pairs["weight"].max()), 1) if len(pairs) else 1
    if len(pairs) > OUTLET_EDGE_TRACES:
        _outlet_edges(fig, pairs, pos, top)
    for documented, dash, colour in (
        (True, "solid", theme.DOCUMENTED_EDGE),
        (False, "dash", theme.INFERRED_EDGE),
    ):
        part = pairs[(pairs["documented"] > 0) == documented]
        if len(pairs) > OUTLET_EDGE_TRACES:
            break  # drawn above, a few traces for all
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


def _most_common(events: pd.DataFrame, column: str) -> pd.Series:
    """Each outlet's most common value of `column` (on a tie, the first in sorted order)."""
    counts = events.groupby(["outlet", column], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["outlet", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("outlet").set_index("outlet")[column]


WIDTHS = 5  # line widths of outlet links in a large outlet network


def _outlet_edges(fig: go.Figure, pairs: pd.DataFrame, pos: pd.DataFrame, top: int) -> None:
    """Many outlet links as a few traces: one per kind and width (WIDTHS steps), and one of
    invisible mid-points that say what each link is when hovered."""
    plot_px = float(pos["y"].max())
    level = np.minimum((pairs["weight"].to_numpy() * WIDTHS) // (top + 1), WIDTHS - 1)
    documented = (pairs["documented"] > 0).to_numpy()
    for solid, dash, colour in ((True, "solid", theme.DOCUMENTED_EDGE),
                                (False, "dash", theme.INFERRED_EDGE)):  # fmt: skip
        for step in range(WIDTHS):
            part = pairs[(documented == solid) & (level == step)]
            if part.empty:
                continue
            fig.add_trace(
                scale.scatter(len(part), plot_px)(
                    x=scale.segments(pos.loc[part["source"], "x"].tolist(),
                                     pos.loc[part["target"], "x"].tolist()).tolist(),
                    y=scale.segments(pos.loc[part["source"], "y"].to_numpy(),
                                     pos.loc[part["target"], "y"].to_numpy()).tolist(),
                    mode="lines",
                    line={"color": colour, "width": 1 + 4 * (step + 1) / WIDTHS, "dash": dash},
                    opacity=0.7,
                    hoverinfo="skip",
                    showlegend=False,
                )
            )  # fmt: skip
    sx, sy = pos.loc[pairs["source"], "x"], pos.loc[pairs["source"], "y"].to_numpy()
    tx, ty = pos.loc[pairs["target"], "x"], pos.loc[pairs["target"], "y"].to_numpy()
    fig.add_trace(
        scale.scatter(len(pairs), plot_px)(
            x=(sx.to_numpy() + (tx.to_numpy() - sx.to_numpy()) / 2),
            y=(sy + ty) / 2,
            mode="markers",
            marker={"size": 10, "color": "rgba(0,0,0,0)"},
            hovertext=[
                f"{esc(r.source)} → {esc(r.target)}: {r.weight} link(s), {r.documented} documented"
                for r in pairs.itertuples(index=False)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name="outlet links",
        )
    )
