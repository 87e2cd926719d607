"""Key figures and milestones of a case: what the header shows and the command line prints."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from claimtrace import diffusion
from claimtrace.dates import format_interval
from claimtrace.diffusion import First
from claimtrace.model import Case


@dataclass(frozen=True)
class Milestone:
    key: str  # first_appearance, first_abroad, first_english, first_rebuttal
    label: str  # "First in English"
    first: First


def origin_country(events: pd.DataFrame, links: pd.DataFrame) -> str:
    """The country of the earliest claim-carrying event(s), if they agree; else ''."""
    claim = events[diffusion.carries_claim(events)]
    first = diffusion.first_events(claim, diffusion.documented_sources(events, links))
    if first is None:
        return ""
    countries = set(events.loc[events["id"].isin(first.ids), "country"]) - {""}
    return countries.pop() if len(countries) == 1 else ""


def milestones(events: pd.DataFrame, links: pd.DataFrame) -> list[Milestone]:
    """First appearance, first outside the origin country, first in English, first rebuttal."""
    sources = diffusion.documented_sources(events, links)
    claim = events[diffusion.carries_claim(events)]
    out: list[Milestone] = []

    def add(key: str, label: str, group: pd.DataFrame) -> None:
        first = diffusion.first_events(group, sources)
        if first is not None:
            out.append(Milestone(key, label, first))

    add("first_appearance", "First appearance", claim)
    home = origin_country(events, links)
    if home:
        add("first_abroad", "First outside the origin country", claim[claim["country"] != home])
    add("first_english", "First in English", claim[claim["language"] == "en"])
    add(
        "first_rebuttal",
        "First denial or fact-check",
        events[events["stance"].isin(["denies", "debunks"])],
    )
    return out


def describe_first(first: First, events: pd.DataFrame, tz: str = "UTC", names: int = 3) -> str:
    """'Daily Mail or New York Post, 5 Aug 2022' — a tie stays a tie."""
    rows = events.set_index("id").loc[list(first.ids)]
    outlets = list(dict.fromkeys(rows["outlet"]))
    shown = outlets[:names]
    who = " or ".join(shown) if len(shown) <= 2 else ", ".join(shown[:-1]) + " or " + shown[-1]
    if len(outlets) > names:
        who += f" (+{len(outlets) - names} more)"
    if first.is_tie:
        return f"{who}, {format_interval(first.start, first.end, 'interval', tz)}"
    r = rows.iloc[0]
    return f"{who}, {format_interval(r.date, r.date_end, r.date_precision, tz)}"


def elapsed_range(earlier: First, later: First) -> tuple[pd.Timedelta, pd.Timedelta]:
    """The least and most time that can have passed from `earlier` to `later`."""
    least = max(pd.Timedelta(0), later.start - earlier.end)
    most = max(pd.Timedelta(0), later.end - earlier.start)
    return least, most


def format_elapsed(least: pd.Timedelta, most: pd.Timedelta) -> str:
    """'2–4 days', 'about 5 hours', 'under a day'."""

    def unit(td: pd.Timedelta) -> tuple[float, str]:
        hours = td.total_seconds() / 3600
        if hours >= 48:
            return hours / 24, "days"
        return hours, "hours"

    if least <= pd.Timedelta(0):
        hi, hi_unit = unit(most)
        return f"up to {round(hi)} {hi_unit}"
    lo, lo_unit = unit(least)
    hi, hi_unit = unit(most)
    if lo_unit == hi_unit == "days":
        a, b = round(lo), round(hi)
        return f"{a} days" if a == b else f"{a}–{b} days"
    if hi_unit == "hours":
        a, b = round(lo), round(hi)
        return f"{a} hours" if a == b else f"{a}–{b} hours"
    return f"{round(lo)} hours – {round(hi / 24 if hi_unit == 'hours' else hi)} days"


def key_figures(events: pd.DataFrame, links: pd.DataFrame) -> dict:
    """Counts and firsts for the header. Firsts are First objects or None."""
    found = {m.key: m.first for m in milestones(events, links)}
    first = found.get("first_appearance")
    english = found.get("first_english")
    return {
        "events": len(events),
        "outlets": events["outlet"].nunique(),
        "countries": events.loc[events["country"] != "", "country"].nunique(),
        "languages": events.loc[events["language"] != "", "language"].nunique(),
        "first_appearance": first,
        "first_english": english,
        "to_english": elapsed_range(first, english) if first and english else None,
    }


def summary(case: Case) -> dict:
    """The JSON summary the command line prints."""
    events, links = case.events, case.links
    figures = key_figures(events, links)
    first = figures["first_appearance"]
    return {
        "title": case.meta.title,
        "file": case.source.name,
        "sha256": case.source.sha256,
        "rows": case.source.rows,
        "events": figures["events"],
        "rejected": len(case.rejected),
        "warnings": len(case.warnings),
        "outlets": figures["outlets"],
        "countries": figures["countries"],
        "languages": figures["languages"],
        "first_appearance": first.start.isoformat() if first else None,
        "first_appearance_events": list(first.ids) if first else [],
        "origins": diffusion.origins(events, links),
        "external_sources": list(case.external_sources.get("outlet", [])),
    }
