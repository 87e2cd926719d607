"""The share of repeating, questioning and rejecting events over time."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from claimtrace.figures import theme
from claimtrace.figures.common import to_axis

GROUPS = {
    "repeats": (
        "Repeats or originates",
        ("originates", "repeats", ""),
        theme.STANCE_COLOURS["repeats"],
    ),
    "questions": ("Questions", ("questions",), theme.STANCE_COLOURS["questions"]),
    "rejects": ("Debunks or denies", ("debunks", "denies"), theme.STANCE_COLOURS["debunks"]),
}


def stance_shares(events: pd.DataFrame, tz: str = "UTC", freq: str = "D") -> pd.DataFrame:
    """Per period (by each event's earliest moment): how many events of each group, and shares."""
    grouped = pd.DataFrame(index=pd.DatetimeIndex([], name="period"))
    if events.empty:
        return grouped
    when = to_axis(events["date"], tz).dt.to_period(freq).dt.start_time
    group = pd.Series("", index=events.index)
    for key, (_, stances, _) in GROUPS.items():
        group[events["stance"].isin(stances)] = key
    counts = pd.crosstab(when[group != ""], group[group != ""])
    counts = counts.reindex(columns=list(GROUPS), fill_value=0)
    full = pd.date_range(counts.index.min(), counts.index.max(), freq=freq)
    counts = counts.reindex(full, fill_value=0)
    counts.index.name = "period"
    return counts


def stance_figure(events: pd.DataFrame, tz: str = "UTC", freq: str = "D") -> go.Figure:
    """Stacked shares (100%) of repeating, questioning and rejecting events per day."""
    counts = stance_shares(events, tz, freq)
    fig = go.Figure()
    fig.update_layout(**theme.base_layout(300))
    if counts.empty:
        fig.add_annotation(
            text="No events", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
        return fig
    total = counts.sum(axis=1)
    for key, (label, _, colour) in GROUPS.items():
        fig.add_trace(
            go.Bar(
                x=counts.index,
                y=counts[key],
                name=label,
                marker_color=colour,
                customdata=(counts[key] / total.where(total > 0)).fillna(0),
                hovertemplate=f"{label}: %{{y}} events (%{{customdata:.0%}})<extra>%{{x|%d %b %Y}}</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        barnorm="percent",
        margin={"l": 60, "t": 20},
        yaxis={"title": "Share of events (%)", "range": [0, 100], "gridcolor": theme.GRID},
        xaxis={
            "title": f"Day ({tz}), by each event's earliest possible date",
            "gridcolor": theme.GRID,
        },
        legend={"orientation": "h", "y": 1.12, "x": 0, "traceorder": "normal"},
    )
    return fig
