"""The share of repeating, questioning and rejecting events over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from claimtrace.dates import format_intervals
from claimtrace.figures import theme
from claimtrace.figures.common import to_axis
from claimtrace.figures.timescale import calendar_ticks
from claimtrace.i18n import N_, Translator

GROUPS = {
    "repeats": (
        N_("Repeats or originates"),
        ("originates", "repeats", ""),
        theme.STANCE_COLOURS["repeats"],
    ),
    "questions": (N_("Questions"), ("questions",), theme.STANCE_COLOURS["questions"]),
    "rejects": (N_("Debunks or denies"), ("debunks", "denies"), theme.STANCE_COLOURS["debunks"]),
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


def stance_figure(
    events: pd.DataFrame, tz: str = "UTC", freq: str = "D", lang: str = "en"
) -> go.Figure:
    """Stacked shares (100%) of repeating, questioning and rejecting events per day."""
    tr = Translator(lang)
    counts = stance_shares(events, tz, freq)
    fig = go.Figure()
    fig.update_layout(**theme.base_layout(300))
    if counts.empty:
        fig.add_annotation(
            text=tr("No events"), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
        return fig
    total = counts.sum(axis=1)
    days = format_intervals(
        pd.Series(counts.index.tz_localize("UTC")),
        pd.Series(counts.index.tz_localize("UTC")),
        pd.Series(["day"] * len(counts)),
        lang=lang,
    )
    for key, (name, _, colour) in GROUPS.items():
        label = tr(name)
        fig.add_trace(
            go.Bar(
                x=counts.index,
                y=counts[key],
                name=label,
                marker_color=colour,
                customdata=np.column_stack(
                    [(counts[key] / total.where(total > 0)).fillna(0), days]
                ),
                hovertemplate=f"{label}: "
                + tr("%{{y}} events (%{{customdata[0]:.0%}})")
                + "<extra>%{customdata[1]}</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        barnorm="percent",
        margin={"l": 60, "t": 20},
        yaxis={"title": tr("Share of events (%)"), "range": [0, 100], "gridcolor": theme.GRID},
        xaxis={
            "title": tr("Day ({tz}), by each event's earliest possible date", tz=tz),
            "gridcolor": theme.GRID,
            **_day_ticks(counts.index, lang),
        },
        legend={"orientation": "h", "y": 1.12, "x": 0, "traceorder": "normal"},
    )
    return fig


def _day_ticks(days: pd.DatetimeIndex, lang: str) -> dict:
    """Tick labels with the language's month names (plotly's own are English)."""
    if lang == "en" or not len(days):
        return {}
    lo, hi = days[0].value, (days[-1] + pd.Timedelta(days=1)).value
    vals, texts = calendar_ticks(lo, hi, 900, lang)
    return {"tickmode": "array", "tickvals": vals, "ticktext": texts}
