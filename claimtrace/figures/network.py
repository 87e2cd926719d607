"""The diffusion network: events as nodes, links from the cited event to the citing one.

x is time, so the network reads left to right; y is the same lane as in the timeline.
External sources (cited, but not in the data) sit in a lane of their own at the bottom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from claimtrace import diffusion, lookup
from claimtrace.analysis import Story
from claimtrace.figures import placement, scale, theme
from claimtrace.figures.common import (
    DIMENSION_LABELS,
    Lanes,
    Options,
    Spec,
    as_figure,
    colour_groups,
    esc,
    fit_lines,
    flow_order,
    hover_texts,
    lane_names,
    lane_order,
    lane_shading,
    lay_out,
    legend_beneath,
    legend_swatch,
    legend_text,
    margins,
    mean,
    short,
    stance_symbols,
    time_scale,
    value_label,
    wall_ns,
)
from claimtrace.figures.textwidth import line_px, texts_px
from claimtrace.figures.timeline import (
    JUMP_KINDS,
    add_jump_rings,
    axis_title,
    cited_by_outlets,
    selection_rings,
)
from claimtrace.figures.timescale import TimeScale
from claimtrace.i18n import ENGLISH, N_, Translator
from claimtrace.wording import Hop, describe_drift, hardens

EXTERNAL_LANE = N_("Cited, not in the data")
LABEL_BUDGET = 80  # events given room for their label in the layout; more get it if it fits
PITCH = 20  # pixels between two slot rows of a lane
NODE_SIZE = theme.MARKER_SIZE + 2
RADIUS = NODE_SIZE / 2
ARROW_SIZE = 7  # pixels of an arrowhead
ARROW_BACK = ARROW_SIZE / 2  # its centre, back from the link's end: the tip is at the end
RING_RADIUS = (theme.MARKER_SIZE + 12) / 2 + 1  # the widest ring: a picked point's
LABEL_SIZE = theme.SMALL_SIZE
EXTERNAL_PITCH = 20
EXTERNAL_LEAD = 34  # pixels an external source stands before its first citation
EDGE_DETAILS = 1_500  # links of one kind drawn with arrowheads and hover texts, at most


def links_read_one_by_one(links: pd.DataFrame) -> bool:
    """Whether a chart's links are few enough to be read one by one (EDGE_DETAILS at most):
    only then are the details of each drawn, such as the wording marks, whose comparison of
    every hop would take long on a case read as a pattern."""
    return len(links) <= EDGE_DETAILS


OUTLET_EDGE_TRACES = 300  # outlet pairs drawn one trace each (exact widths), at most
MIN_HEIGHT = 520  # pixels; the legend needs about this much
BOTTOM = 64  # pixels below the plot: tick labels and the axis title
# Links that may cross a label (cut where they do): a few for what matters, one for the rest.
CROSS_KEY, CROSS_PRIORITY, CROSS_OTHER = 6, 3, 1
KEY_LABELS = 16  # the first labels of label_priority: the story's names


def label_priority(
    events: pd.DataFrame, links: pd.DataFrame, story: Story | None, selected: set[str]
) -> list[int]:
    """Positions of the events, most important label first: the picked events, what is
    marked as originating, the first of each milestone (ties too), the most cited hubs, the
    denials and fact-checks, the other origins (citing nothing in the data), the jumps, the
    other hubs, then the rest in time order."""
    ids = events["id"].tolist()
    at = {i: k for k, i in enumerate(ids)}
    cited = links["source"].value_counts()
    first = [i for i in ids if i in selected]
    marked = events["id"][events["stance"] == "originates"].tolist()
    milestones = [i for m in (story.milestones if story else []) for i in m.first.ids]
    big_hubs = [i for i in cited.index.tolist() if i in at and cited[i] >= 3]
    answers = events["id"][events["stance"].isin(("denies", "debunks"))].tolist()
    roots = diffusion.origins(events, links)
    told = sorted(scale.story_ids(story) & set(at), key=at.get)
    hubs = [i for i in cited.index.tolist() if i in at and cited[i] >= 2]
    ranked = dict.fromkeys(
        [*first, *marked, *milestones, *big_hubs, *answers, *roots, *told, *hubs, *ids]
    )
    return [at[i] for i in ranked if i in at]


def layout(
    events: pd.DataFrame,
    externals: pd.DataFrame,
    links: pd.DataFrame,
    options: Options,
    axis: TimeScale,
    values: list[str] | None = None,
    roomy: np.ndarray | None = None,
) -> tuple[pd.DataFrame, Lanes]:
    """Node positions (id, x, px, y: pixels from the top) and the lanes (`values`, default:
    those of the events): deterministic, O(n log n), no force simulation. Events `roomy`
    (a mask) get room for their label to their right; each event takes the free row of its
    lane nearest its sources (a barycentre ordering), which keeps links short and uncrossed."""
    n = len(events)
    tz = options.timezone
    widths = texts_px(events["outlet"].tolist(), LABEL_SIZE)
    roomy = np.ones(n, bool) if roomy is None else roomy
    reach = np.where(roomy & options.labels, RADIUS + 4 + widths + 4, RADIUS + 2)
    at = pd.Series(np.arange(n), index=events["id"].to_numpy())
    at = at[~at.index.duplicated()]
    parents: dict[int, list[int]] = {}
    if len(links):
        src = at.reindex(links["source"].to_numpy()).to_numpy()
        dst = at.reindex(links["target"].to_numpy()).to_numpy()
        for s, d in zip(src, dst, strict=True):
            if not (np.isnan(s) or np.isnan(d)):
                parents.setdefault(int(d), []).append(int(s))

    def target(i: int, y: list[float]) -> float | None:
        ys = [y[p] for p in parents.get(i, ()) if y[p] == y[p]]  # (NaN: not placed yet)
        return mean(ys) if ys else None

    lanes = lay_out(events, options.lanes, axis, tz, pitch=PITCH, min_lane=40, reach=reach,
                    gap=4 + ARROW_SIZE, order=flow_order(events, links, tz), values=values,
                    target=target)  # fmt: skip
    pos = lanes.pos.copy()
    pos.insert(0, "id", events["id"].to_numpy())
    if externals is not None and len(externals):
        ext = externals.sort_values(["date", "outlet"]).reset_index(drop=True)
        # An external source stands a little before its first citation: we only know it
        # existed by then.
        first = pd.Series(pos["px"].to_numpy(), index=pos["id"])
        first = first[~first.index.duplicated()]
        citing = links.assign(px=first.reindex(links["target"].to_numpy()).to_numpy())
        lead = citing.groupby("source")["px"].min()
        fallback = axis.px(wall_ns(ext["date"], tz))
        px = lead.reindex(ext["id"]).to_numpy()
        px = np.where(np.isnan(px), fallback, px) - EXTERNAL_LEAD
        px = np.maximum(px, RADIUS + 2)
        rows = pd.DataFrame(
            {
                "id": ext["id"],
                "x": axis.axis_x(px),
                "x_end": axis.axis_x(px),
                "px": px,
                "px_end": px,
                "y": lanes.height + EXTERNAL_PITCH * (np.arange(len(ext)) + 1),
                "lane": len(lanes.values),
                "long": False,
            }
        )
        pos = pd.concat([pos, rows], ignore_index=True)
    return pos, lanes


def network_spec(
    events: pd.DataFrame,
    links: pd.DataFrame,
    externals: pd.DataFrame,
    options: Options,
    story: Story | None = None,
    title: str = "",
    basis: pd.DataFrame | None = None,
    drifts: Sequence[Hop] = (),
) -> dict:
    """The diffusion network figure as plain dictionaries (common.Spec). The same builder
    serves the page (as it is) and every export (network_figure).

    `drifts` (wording.drifts of the case) marks each documented link whose wording drifted
    (a hedge dropped or added, a number or a key word changed) at its middle, with what changed.

    Links of kind "inferred" are drawn dashed and lighter; `story` adds the jump rings. Above
    scale.MAX_POINTS events only a part is drawn (scale.thin), with the links among them, and a
    note in the figure says so. The time axis is the timeline's (made for `basis`, default the
    events). Labels are placed where they cover nothing (see placement); the figure's
    `layout.meta` says how many events are left unlabelled.
    """
    drawn = scale.thin(events, options.lanes, story, options.selected, options.highlight,
                       options.x_range, options.timezone)  # fmt: skip
    full, events, every_link = events, drawn.events, links
    if drawn.thinned:
        links = links[lookup.member(links["target"], events["id"])]
    used = set(links["source"].tolist())
    externals = externals[externals["id"].isin(used)] if len(externals) else externals
    fig = Spec()
    tr = Translator(options.lang)
    if events.empty:
        fig.update_layout(**theme.base_layout(360))
        fig.add_annotation(
            text=tr("No events match the filters"),
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
        return fig.to_dict()
    axis = time_scale(full if basis is None or basis.empty else basis, options)
    selected = set(options.selected)
    order = label_priority(events, links, story, selected)
    roomy = np.zeros(len(events), bool)
    roomy[order[:LABEL_BUDGET]] = True
    pos, lanes = layout(events, externals, links, options, axis, lane_order(full, options.lanes),
                        roomy)  # fmt: skip
    ext_px = EXTERNAL_PITCH * (len(externals) + 1) if len(externals) else 0
    total = lanes.height + ext_px
    left, right = margins(options.width)
    # The notes above the plot, wrapped to the figure (their longest wording, to count lines).
    room = axis.width + right - 4
    n = len(events)
    label_lines = _note(n, n, room, tr).count("<br>") + 1 if options.labels else 0
    thin_note = drawn.note(tr("and the links among them"), options.lang)
    thin_lines = _note_lines(thin_note, room) if drawn.thinned else 0
    top = (50 if title else 24) + 18 * (label_lines + thin_lines)
    plot_h = max(total, MIN_HEIGHT - top - BOTTOM)
    fig.update_layout(**theme.base_layout(round(top + plot_h + BOTTOM)))
    pos = pos.set_index("id")
    inside = lookup.member(links["source"], pos.index) & lookup.member(links["target"], pos.index)
    visible = links[inside]
    bright = set(options.highlight) | selected

    fig.update_layout(shapes=[*lane_shading(lanes.bounds), *axis.decorations()])

    routes = _routes(visible, pos)
    jumps = [c for c in (story.crossings if story else []) if c["kind"] in JUMP_KINDS]
    labels = _place_labels(events, externals, pos, routes, axis, plot_h, order, options, jumps)
    cut = placement.knock_out(*routes, [b for b in labels.boxes if b is not None])
    _edges(fig, visible, cut, routes, axis, bright, total, tr)
    _drift_marks(fig, visible, routes, axis, drifts, events, options)
    _nodes(fig, events, every_link, pos, options, full if drawn.thinned else None)
    if story:
        add_jump_rings(fig, story.crossings, events, pos.loc[events["id"]].reset_index(), options)
        _decay_marks(fig, story.decays, pos, options)
    if len(externals):
        _external_nodes(fig, externals, pos, tr)
    _draw_labels(fig, labels, axis, options)
    unlabelled = labels.unlabelled
    if selected:
        fig.add_trace(
            selection_rings(pos.loc[[i for i in events["id"] if i in selected]], NODE_SIZE)
        )
    ticks = lane_names(options.lanes, lanes.values, options.width, options.lang)
    tickvals = list(lanes.centers)
    if len(externals):
        ticks.append(f"<i>{fit_lines(tr(EXTERNAL_LANE), left - 12, theme.FONT_SIZE)}</i>")
        tickvals.append(lanes.height + ext_px / 2)
        fig.add_shape(type="line", xref="x domain", x0=0, x1=1, y0=lanes.height,
                      y1=lanes.height, line={"color": theme.GRID, "width": 1})  # fmt: skip
    fig.update_yaxes(
        tickvals=tickvals,
        ticktext=ticks,
        range=[plot_h, 0],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    fig.update_xaxes(**axis.axis())
    fig.update_xaxes(title_text=axis_title(axis, options.timezone, options.lang), gridcolor=theme.GRID,
                     showgrid=axis.kind == "calendar")  # fmt: skip
    shown = len(events) - unlabelled
    if options.labels:
        scale.add_note(fig, _note(unlabelled, n, room, tr), 4 + 18 * thin_lines)
        fig.layout["annotations"][-1]["name"] = "unlabelled"
    if drawn.thinned:
        thin = fit_lines(thin_note, room, theme.SMALL_SIZE)
        scale.add_note(fig, thin, 4)
    fig.update_layout(
        title={"text": esc(title), "font": {"size": theme.TITLE_SIZE}, "x": 0.01}
        if title
        else {},  # no title: an empty one, as plotly sets None
        margin={"t": top, "l": left, "r": right, "b": BOTTOM, "autoexpand": False},
        # A click picks one event; with dragmode "select" plotly turns that click into an empty
        # box selection first, which clears it. Box select stays a button of the mode bar.
        dragmode=False,
        clickmode="event+select",
        hovermode="closest",
        legend={"traceorder": "grouped"},
        meta={"unlabelled": int(unlabelled), "labelled": int(shown), "scale": axis.describe()},
    )
    beneath = legend_beneath(fig, options.width)
    if beneath:  # the plot keeps its size; the figure grows by the legend's rows
        fig.update_layout(height=fig.layout["height"] + beneath,
                          margin={"b": fig.layout["margin"]["b"] + beneath})  # fmt: skip
    return fig.to_dict()


def _note(unlabelled: int, n: int, room: float, tr: Translator = ENGLISH) -> str:
    """What the figure says of its labels, in lines that fit `room` pixels (escaped)."""
    if unlabelled:
        say = tr("{unlabelled} of {n} events unlabelled (no room beside them): hover a point for "
                 "its outlet", unlabelled=tr.number(unlabelled), n=tr.number(n))  # fmt: skip
    else:
        say = tr("All {n} events labelled with their outlet", n=tr.number(n))
    return fit_lines(say, room, theme.SMALL_SIZE)


def _note_lines(text: str, room: float) -> int:
    return fit_lines(text, room, theme.SMALL_SIZE).count("<br>") + 1


def _routes(links: pd.DataFrame, pos: pd.DataFrame) -> tuple[list, list]:
    """Each link's curve, in pixels (placement.curves)."""
    if links.empty:
        return [], []
    s = pos.loc[links["source"]]
    t = pos.loc[links["target"]]
    return placement.curves(s["px"].to_numpy(), s["y"].to_numpy(), t["px"].to_numpy(),
                            t["y"].to_numpy(), RADIUS, PITCH)  # fmt: skip


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """Many polylines as one trace's coordinates (floats), NaN between them."""
    if not parts:
        return np.zeros(0)
    ends = np.cumsum([len(p) + 1 for p in parts])
    out = np.full(int(ends[-1]), np.nan)
    starts = ends - np.array([len(p) + 1 for p in parts])
    for p, at in zip(parts, starts.tolist(), strict=True):
        out[at : at + len(p)] = p
    return out


def _edges(
    fig: Spec,
    links: pd.DataFrame,
    routes: tuple[list, list],
    whole: tuple[list, list],
    axis: TimeScale,
    selected: set[str],
    plot_px: float,
    tr: Translator = ENGLISH,
) -> None:
    """The links as drawn (`routes`, cut where they cross labels); arrowheads and hover
    points go where the `whole` routes end and turn."""
    xs, ys = routes
    wx, wy = whole
    kinds = links["kind"].to_numpy()
    touched = (links["source"].isin(selected) & links["target"].isin(selected)).to_numpy()
    for kind, dash, colour, width, name in (
        ("documented", "solid", theme.DOCUMENTED_EDGE, 1.4, tr("documented link (cites)")),
        ("inferred", "dash", theme.INFERRED_EDGE, 1.1, tr("inferred link")),
    ):
        mine = kinds == kind
        if not mine.any():
            continue
        if selected:
            # A link stays bright when both its ends do: the highlighted path.
            groups = [(mine & touched, 1.0), (mine & ~touched, theme.FADED_OPACITY)]
        else:
            groups = [(mine, 0.8)]
        legend = True  # the first group drawn carries the legend entry, whatever is picked
        for mask, opacity in groups:
            if not mask.any():
                continue
            idx = np.flatnonzero(mask)
            px = _joined([xs[i] for i in idx])
            py = _joined([ys[i] for i in idx])
            real = ~np.isnan(px)  # else a break: between two links, or a label's gap
            if axis.kind == "calendar":
                lx = np.full(len(px), None, dtype=object)
                lx[real] = axis.axis_text(px[real])  # dates as text: millions
            else:
                lx = px.astype(object)
                lx[~real] = None
            py = py.astype(object)
            py[~real] = None
            fig.add_trace(
                scale.scatter_trace(
                    len(idx),
                    plot_px,
                    x=lx,
                    y=py,
                    mode="lines",
                    line={"color": colour, "width": width, "dash": dash},
                    opacity=opacity,
                    name=name,
                    legendgroup=kind,
                    legendgrouptitle_text=tr("Links") if kind == "documented" else None,
                    showlegend=legend,
                    hoverinfo="skip",
                )
            )
            legend = False
            if len(idx) > EDGE_DETAILS:
                continue  # so many links are read as a pattern: no arrowheads, no hover
            _arrowheads(fig, [wx[i] for i in idx], [wy[i] for i in idx],
                        links["target"].to_numpy()[idx], axis, colour, opacity, kind, name)  # fmt: skip
            fig.add_trace(_edge_hover(links.iloc[idx], [wx[i] for i in idx],
                                      [wy[i] for i in idx], axis, kind, name, tr))  # fmt: skip


def _arrowheads(fig, xs, ys, targets, axis, colour, opacity, kind, name) -> None:
    """A small triangle at the end of each link, pointing the way the link arrives."""
    # Every link arrives level from the left: one arrowhead per point, not a pile of them.
    # Two points that almost touch have no room for an arrowhead between them: none is drawn.
    ends = list({t: (x[-1], y[-1], *placement.heading(x, y))
                 for x, y, t in zip(xs, ys, targets, strict=True)
                 if placement.heading(x, y) and np.hypot(x[-1] - x[0], y[-1] - y[0]) > ARROW_SIZE + 2}.values())  # fmt: skip
    if not ends:
        return
    ex, ey, dx, dy = (np.array(v, float) for v in zip(*ends, strict=True))
    angle = np.degrees(np.arctan2(dx, -dy))  # clockwise from up; y grows downwards
    fig.add_trace(
        dict(
            type="scatter",
            # Its tip where the link ends, at the edge of the point: the triangle's centre is
            # half its size back along the link.
            x=axis.axis_x(ex - ARROW_BACK * dx / np.maximum(np.hypot(dx, dy), 1e-9)),
            y=ey - ARROW_BACK * dy / np.maximum(np.hypot(dx, dy), 1e-9),
            mode="markers",
            marker={
                "symbol": "triangle-up",
                "size": ARROW_SIZE,
                "angle": angle,
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


def _decay_marks(fig: Spec, decays: tuple[str, ...], pos: pd.DataFrame, options: Options) -> None:
    """A slash through the events that cite only an intermediary, no longer the origin."""
    shown = [i for i in decays if i in pos.index]
    if not shown:
        return
    tr = Translator(options.lang)
    fig.add_trace(
        dict(
            type="scatter",
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
            name=tr("no longer names<br>the original source"),
            legendgroup="decay",
            legendgrouptitle_text=tr("Attribution"),
            hoverinfo="skip",
        )
    )


def _drift_marks(
    fig: Spec,
    links: pd.DataFrame,
    whole: tuple[list, list],
    axis: TimeScale,
    drifts: Sequence[Hop],
    events: pd.DataFrame,
    options: Options,
) -> None:
    """A small open diamond halfway along each documented link whose wording hardened (a hedge
    dropped, a number or a key word changed: wording.hardens); its hover names the drifts
    ('hedge dropped: “reportedly”'). Faded like the links when others are picked."""
    named = {(h.source, h.target): [d for d in h.drifts if hardens(d)] for h in drifts}
    if not any(named.values()) or links.empty:
        return
    tr = Translator(options.lang)
    outlet = dict(zip(events["id"], events["outlet"], strict=True))
    keep = set(options.highlight) | set(options.selected)
    xs, ys, texts, opacity = [], [], [], []
    wx, wy = whole
    pairs = zip(links["source"].tolist(), links["target"].tolist(), links["kind"].tolist(),
                strict=True)  # fmt: skip
    for i, (source, target, kind) in enumerate(pairs):
        found = named.get((source, target))
        if kind != "documented" or not found:
            continue
        mid_x, mid_y = placement.halfway(wx[i], wy[i])
        xs.append(mid_x)
        ys.append(mid_y)
        hop = f"{esc(short(outlet.get(source, source), 40))} → {esc(short(outlet.get(target, target), 40))}"
        said = "<br>".join(esc(describe_drift(d, options.lang)) for d in found)
        texts.append(f"<b>{tr('Wording hardened')}</b>: {hop}<br>{said}")
        bright = not keep or (source in keep and target in keep)
        opacity.append(1.0 if bright else theme.FADED_OPACITY)
    if not xs:
        return
    fig.add_trace(
        dict(
            type="scatter",
            x=axis.axis_x(np.array(xs, float)),
            y=ys,
            mode="markers",
            marker={
                "symbol": "diamond-wide",
                "size": 11,
                "color": "#ffffff",
                "line": {"width": 1.6, "color": theme.JUMP_COLOUR},
                "opacity": opacity,
            },
            name=tr("wording hardened<br>(hedge dropped, number<br>or key word changed)"),
            legendgroup="wording",
            legendgrouptitle_text=tr("Wording"),
            hovertext=texts,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )


def _edge_hover(
    links: pd.DataFrame,
    xs: list,
    ys: list,
    axis: TimeScale,
    kind: str,
    name: str,
    tr: Translator = ENGLISH,
) -> dict:
    """Invisible points mid-link that say what the link is when hovered."""
    vias = {"outlet": tr(" (names the outlet)"), "external": tr(" (not in the data)")}
    mid_x, mid_y = (np.array(v, float) for v in zip(*map(placement.halfway, xs, ys), strict=True))
    texts = []
    for r in links.itertuples(index=False):
        source = esc(short(str(r.source).removeprefix("external:"), 40))
        target = esc(short(str(r.target), 40))
        if kind == "inferred":
            texts.append(
                tr("<b>Inferred link</b> ({share}), not documented", share=tr.percent(r.confidence))
                + f"<br>{source} → {target}<br><i>{esc(r.reason)}</i>"
            )
        else:
            how = vias.get(r.via, "")
            texts.append(tr("<b>Documented</b>: {target} cites {source}", target=target,
                            source=source) + how)  # fmt: skip
    return dict(
        type="scatter",
        x=axis.axis_x(mid_x),
        y=mid_y,
        mode="markers",
        marker={"size": 10, "color": "rgba(0,0,0,0)"},
        hovertext=texts,
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
        legendgroup=kind,
        name=f"{name} details",
    )


def _nodes(
    fig: Spec,
    events: pd.DataFrame,
    links: pd.DataFrame,
    pos: pd.DataFrame,
    options: Options,
    full: pd.DataFrame | None = None,
) -> None:
    """The events, one marker each; `full`: all the events, when only `events` are drawn."""
    plot_px = float(pos["y"].max())
    dim = options.colour
    reference = events if full is None else full
    cited_by = cited_by_outlets(reference, links, events["id"])
    relays = diffusion.relays_denial(events, links)
    hover = np.array(
        hover_texts(events, options.timezone, cited_by, relays, options.lang), dtype=object
    )
    xy = pos.loc[events["id"]]
    opacity = options.bright(events["id"])
    groups = colour_groups(events, dim, reference=reference, lang=options.lang)
    for name, colour, mask in groups:
        if not mask.any():
            continue
        fig.add_trace(
            scale.scatter_trace(
                mask.sum(),
                plot_px,
                x=xy["x"][mask],
                y=xy["y"][mask],
                mode="markers",
                name=legend_text(name),
                legendgroup=f"colour-{name}",
                showlegend=False,
                marker={
                    "color": colour,
                    "size": NODE_SIZE,
                    "symbol": stance_symbols(events["stance"][mask], relays[mask]),
                    "line": {"color": theme.MARKER_LINE, "width": 1},
                    "opacity": opacity[mask],
                },
                customdata=events["id"].to_numpy()[mask],
                hovertext=hover[mask],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    tr = Translator(options.lang)
    for name, colour, _ in groups:
        title = tr(DIMENSION_LABELS[dim]) if name == groups[0][0] else None
        swatch = legend_swatch(
            legend_text(name), colour, f"colour-{name}", title, dim, options.lang
        )
        fig.add_trace({"type": "scatter", **swatch})


@dataclass(frozen=True)
class Labels:
    texts: list[str]  # the events' outlets, then the external sources'
    ids: list[str]
    boxes: list[tuple | None]  # pixels (x0, y0, x1, y1); None: left unlabelled
    events: int  # how many of the texts are events

    @property
    def unlabelled(self) -> int:
        return sum(1 for b in self.boxes[: self.events] if b is None)


def _place_labels(
    events: pd.DataFrame,
    externals: pd.DataFrame,
    pos: pd.DataFrame,
    routes: tuple[list, list],
    axis: TimeScale,
    plot_h: float,
    order: list[int],
    options: Options,
    crossings: list[dict],
) -> Labels:
    """The outlet beside each node where it covers nothing (placement.place), most important
    first; external sources are named too."""
    names = events["outlet"].tolist()
    ext_names = externals["outlet"].tolist() if len(externals) else []
    ids = [*events["id"].tolist(), *(externals["id"].tolist() if len(externals) else [])]
    texts = [*names, *ext_names]
    n = len(names)
    if not options.labels:
        return Labels(texts, ids, [None] * len(texts), n)
    xy = pos.loc[ids]
    x, y = xy["px"].to_numpy(float), xy["y"].to_numpy(float)
    selected = options.selected
    raster = placement.Raster(axis.width, plot_h)
    raster.take_each(x - RADIUS - 1, y - RADIUS - 1, x + RADIUS + 1, y + RADIUS + 1)  # markers
    xs, ys = routes
    heads = []
    for px, py in zip(xs, ys, strict=True):  # the arrowheads, where _arrowheads draws them
        way = placement.heading(px, py)
        if way:
            dx, dy = way
            norm = max(float(np.hypot(dx, dy)), 1e-9)
            heads.append((px[-1] - ARROW_BACK * dx / norm, py[-1] - ARROW_BACK * dy / norm))
    if heads:
        cx, cy = np.array(heads).T
        half = ARROW_SIZE / 2
        raster.take_each(cx - half, cy - half, cx + half, cy + half)
    ink = placement.Ink(xs, ys)
    widths = texts_px(texts, LABEL_SIZE)
    # The externals right after the first labels of the story: they are where it comes from.
    ranked = [*order[:5], *range(n, len(texts)), *order[5:]]
    most = np.full(len(texts), CROSS_OTHER)
    most[[*order[:LABEL_BUDGET], *range(n, len(texts))]] = CROSS_PRIORITY
    most[order[:KEY_LABELS]] = CROSS_KEY
    # A point ringed (picked, or a jump) keeps its label clear of the ring.
    ringed = set(selected) | {i for c in crossings for i in c["events"]}
    radius = np.array([RING_RADIUS if i in ringed else RADIUS for i in ids])
    boxes = placement.place(x, y, widths, line_px(LABEL_SIZE), ranked, raster, ink, radius, most)
    return Labels(texts, ids, boxes, n)


def _draw_labels(fig: Spec, labels: Labels, axis: TimeScale, options: Options) -> None:
    shown = [i for i, b in enumerate(labels.boxes) if b is not None]
    if not shown:
        return
    boxes = [labels.boxes[i] for i in shown]
    cx = np.array([(b[0] + b[2]) / 2 for b in boxes])
    cy = np.array([(b[1] + b[3]) / 2 for b in boxes])
    bright = options.bright(pd.Series(labels.ids, dtype=object))
    colours = [
        (theme.MUTED if i >= labels.events else theme.TEXT)
        if bright[i] == 1.0
        else theme.FADED_TEXT
        for i in shown
    ]
    fig.add_trace(
        dict(
            type="scatter",
            x=axis.axis_x(cx),
            y=cy + 1,
            mode="text",
            text=[esc(labels.texts[i]) for i in shown],
            textposition="middle center",
            textfont={"size": LABEL_SIZE, "color": colours},
            hoverinfo="skip",
            showlegend=False,
            name="labels",
        )
    )


def _external_nodes(
    fig: Spec, externals: pd.DataFrame, pos: pd.DataFrame, tr: Translator = ENGLISH
) -> None:
    xy = pos.loc[externals["id"]]
    hover = [
        f"<b>{esc(name)}</b><br><i>{tr('Cited, but not an event in the data')}</i><br>"
        + tr.plural(len(cited), "Cited by {n} event", "Cited by {n} events")
        for name, cited in zip(externals["outlet"], externals["cited_by"], strict=True)
    ]
    fig.add_trace(
        dict(
            type="scatter",
            x=xy["x"],
            y=xy["y"],
            mode="markers",
            name=tr("cited, not in the data"),
            legendgroup="external",
            legendgrouptitle_text=tr("Sources"),
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


def outlet_network_spec(
    events: pd.DataFrame, links: pd.DataFrame, options: Options, title: str = ""
) -> dict:
    """One node per outlet, placed at its first appearance in its most common lane; weighted
    edges outlet -> outlet (solid where at least one link is documented, dashed where all are
    inferred)."""
    fig = Spec()
    tr = Translator(options.lang)
    if events.empty:
        fig.update_layout(**theme.base_layout(360))
        fig.add_annotation(text=tr("No events match the filters"), showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper")  # fmt: skip
        return fig.to_dict()
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
    axis = time_scale(outlets, options)
    widths = texts_px(outlets["outlet"].tolist(), LABEL_SIZE)
    lanes = lay_out(outlets, lane_column, axis, options.timezone, pitch=PITCH, min_lane=40,
                    reach=RADIUS + 4 + widths + 4 if options.labels else None, gap=4)  # fmt: skip
    pos = lanes.pos.copy()
    pos.index = outlets["outlet"].to_numpy()
    fig.update_layout(**theme.base_layout(int(lanes.height + (50 if title else 20) + 70)))
    fig.update_layout(shapes=lane_shading(lanes.bounds))
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
                dict(
                    type="scatter",
                    x=[pos.loc[r.source, "x"], pos.loc[r.target, "x"]],
                    y=[pos.loc[r.source, "y"], pos.loc[r.target, "y"]],
                    mode="lines",
                    line={"color": colour, "width": 1 + 4 * r.weight / top, "dash": dash},
                    opacity=0.7,
                    hovertext=f"{esc(r.source)} → {esc(r.target)}: "
                    + tr(
                        "{weight} link(s), {documented} documented",
                        weight=r.weight,
                        documented=r.documented,
                    ),
                    hoverinfo="text",
                    showlegend=False,
                )
            )
    groups = colour_groups(outlets, options.colour, lang=options.lang)
    for name, colour, mask in groups:
        sub = outlets[mask]
        fig.add_trace(
            dict(
                type="scatter",
                x=pos["x"][mask],
                y=pos["y"][mask],
                mode="markers+text" if options.labels else "markers",
                text=[esc(o) for o in sub["outlet"]],
                textposition="middle right",
                textfont={"size": theme.SMALL_SIZE, "color": theme.TEXT},
                marker={
                    "color": colour,
                    "size": 8 + 3 * np.sqrt(sub["events"].to_numpy()),
                    "line": {"color": theme.MARKER_LINE, "width": 1},
                },
                name=legend_text(name),
                legendgroup=f"colour-{name}",
                legendgrouptitle_text=tr(DIMENSION_LABELS[options.colour])
                if name == groups[0][0]
                else None,
                hovertext=[
                    f"<b>{esc(o)}</b><br>" + tr("{n} event(s)", n=n)
                    for o, n in zip(sub["outlet"], sub["events"], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_yaxes(tickvals=lanes.centers, ticktext=[esc(value_label(lane_column, v, options.lang)) for v in lanes.values],
                     range=[lanes.height, 0], showgrid=False, zeroline=False, fixedrange=True)  # fmt: skip
    fig.update_xaxes(**axis.axis())
    fig.update_xaxes(title_text=tr("First appearance ({tz})", tz=esc(options.timezone)),
                     gridcolor=theme.GRID)  # fmt: skip
    fig.update_layout(
        title={"text": esc(title), "font": {"size": theme.TITLE_SIZE}, "x": 0.01}
        if title
        else {},  # no title: an empty one, as plotly sets None
        hovermode="closest",
        legend={"traceorder": "grouped"},
    )
    return fig.to_dict()


def _most_common(events: pd.DataFrame, column: str) -> pd.Series:
    """Each outlet's most common value of `column` (on a tie, the first in sorted order)."""
    counts = events.groupby(["outlet", column], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["outlet", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("outlet").set_index("outlet")[column]


WIDTHS = 5  # line widths of outlet links in a large outlet network


def _outlet_edges(fig: Spec, pairs: pd.DataFrame, pos: pd.DataFrame, top: int) -> None:
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
                scale.scatter_trace(
                    len(part),
                    plot_px,
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
        scale.scatter_trace(
            len(pairs),
            plot_px,
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


network_figure = as_figure(network_spec)
outlet_network_figure = as_figure(outlet_network_spec)
