"""Key figures and milestones of a case: what the header shows and the command line prints."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from claimtrace import diffusion, lookup
from claimtrace.dates import format_interval
from claimtrace.diffusion import First
from claimtrace.i18n import N_, Translator
from claimtrace.inference import PAGE_MIN_CONFIDENCE, PAGE_PER_EVENT, inference_report
from claimtrace.model import Case
from claimtrace.schema import STATE_OUTLET_TYPES
from claimtrace.wording import summary_block as wording_drifts


@dataclass(frozen=True)
class Milestone:
    key: str  # first_appearance, first_abroad, first_english, first_rebuttal
    label: str  # "First in English"
    first: First


# The columns deciding who was first: a narrow copy of a large table is cheap to filter.
_FIRST_COLUMNS = ["id", "date", "date_end", "row", "country", "language", "stance", "outlet_type"]


def _claim(events: pd.DataFrame) -> pd.DataFrame:
    """The claim-carrying events, with only the columns the firsts need."""
    narrow = events[[c for c in _FIRST_COLUMNS if c in events.columns]]
    return narrow[diffusion.carries_claim(events).to_numpy(dtype=bool)]


def origin_country(
    events: pd.DataFrame, links: pd.DataFrame, sources: dict[str, list[str]] | None = None
) -> str:
    """The country of the earliest claim-carrying event(s), if they agree; else ''."""
    if sources is None:
        sources = diffusion.documented_sources(events, links)
    first = diffusion.first_events(_claim(events), sources)
    if first is None:
        return ""
    countries = set(lookup.select(events, first.ids)["country"].tolist()) - {""}
    return countries.pop() if len(countries) == 1 else ""


def milestones(
    events: pd.DataFrame, links: pd.DataFrame, sources: dict[str, list[str]] | None = None
) -> list[Milestone]:
    """First appearance, first outside the origin country, first in English, first rebuttal.

    `sources` (diffusion.documented_sources of these events and links) saves computing it."""
    if sources is None:
        sources = diffusion.documented_sources(events, links)
    claim = _claim(events)
    out: list[Milestone] = []

    def add(key: str, label: str, group: pd.DataFrame) -> None:
        first = diffusion.first_events(group, sources)
        if first is not None:
            out.append(Milestone(key, label, first))

    add("first_appearance", N_("First appearance"), claim)
    home = origin_country(events, links, sources)
    if home:
        abroad = claim[claim["country"] != home]
        add("first_abroad", N_("First outside the origin country"), abroad)
    add("first_english", N_("First in English"), claim[claim["language"] == "en"])
    rebuttal = events["stance"].isin(["denies", "debunks"]).to_numpy(dtype=bool)
    add("first_rebuttal", N_("First denial or fact-check"), events[_FIRST_COLUMNS][rebuttal])
    return out


def describe_first(
    first: First, events: pd.DataFrame, tz: str = "UTC", lang: str = "en", names: int = 3
) -> str:
    """'Daily Mail or New York Post, 5 Aug 2022' — a tie stays a tie."""
    tr = Translator(lang)
    rows = lookup.select(events, first.ids)
    outlets = list(dict.fromkeys(rows["outlet"]))
    shown = outlets[:names]
    either = tr(" or ")
    who = either.join(shown) if len(shown) <= 2 else ", ".join(shown[:-1]) + either + shown[-1]
    if len(outlets) > names:
        who += tr(" (+{n} more)", n=len(outlets) - names)
    if first.is_tie:
        return f"{who}, {format_interval(first.start, first.end, 'interval', tz, lang)}"
    r = rows.iloc[0]
    return f"{who}, {format_interval(r.date, r.date_end, r.date_precision, tz, lang)}"


def elapsed_range(earlier: First, later: First) -> tuple[pd.Timedelta, pd.Timedelta]:
    """The least and most time that can have passed from `earlier` to `later`."""
    least = max(pd.Timedelta(0), later.start - earlier.end)
    most = max(pd.Timedelta(0), later.end - earlier.start)
    return least, most


def format_elapsed(least: pd.Timedelta, most: pd.Timedelta, lang: str = "en") -> str:
    """'2–4 days', 'up to 5 hours', '3 hours – 2 days' (in `lang`)."""
    tr = Translator(lang)

    def unit(td: pd.Timedelta) -> tuple[float, str]:
        hours = td.total_seconds() / 3600
        if hours >= 48:
            return hours / 24, "days"
        return hours, "hours"

    if least <= pd.Timedelta(0):
        hi, hi_unit = unit(most)
        if hi_unit == "days":
            return tr("up to {n} days", n=round(hi))
        return tr("up to {n} hours", n=round(hi))
    lo, lo_unit = unit(least)
    hi, hi_unit = unit(most)
    if lo_unit == hi_unit == "days":
        a, b = round(lo), round(hi)
        return tr("{n} days", n=a) if a == b else tr("{a}–{b} days", a=a, b=b)
    if hi_unit == "hours":
        a, b = round(lo), round(hi)
        return tr("{n} hours", n=a) if a == b else tr("{a}–{b} hours", a=a, b=b)
    return tr("{a} hours – {b} days", a=round(lo), b=round(hi))


def key_figures(
    events: pd.DataFrame, links: pd.DataFrame, found: list[Milestone] | None = None
) -> dict:
    """Counts and firsts for the header. Firsts are First objects or None.

    `found` (milestones of these events and links, e.g. a Story's) saves computing them."""
    found = {m.key: m.first for m in (milestones(events, links) if found is None else found)}
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
    # The page's own settings when it opens: the summary lists the links the page draws.
    inferred = inference_report(
        events, links, max_per_event=PAGE_PER_EVENT, min_confidence=PAGE_MIN_CONFIDENCE
    )
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
        # How the words changed from hop to hop along documented links (claimtrace.wording).
        "wording_drifts": wording_drifts(case),
        **firsts_table(events, links),
        "crossings": crossings(events, links),
        "status_changes": [
            {**c, "date": c["date"].isoformat(), "by": c["by"].isoformat()}
            for c in status_changes(events)
        ],
        "denials": denials(events, links),
        "max_hops": int(diffusion.hops(events, links).max()) if len(events) else 0,
        "inferred_links": [
            {
                "source": r.source,
                "target": r.target,
                "confidence": round(float(r.confidence), 3),
                "reason": r.reason,
            }
            for r in inferred.links.itertuples(index=False)
        ],
        # What was left out: "N candidates below the floor of 5%", gaps, skipped stances.
        "inference": inferred.as_dict(),
    }


# --- firsts, crossings and status, for the summary and the charts -------------------------------

OFFICIAL_TYPES = diffusion.OFFICIAL_TYPES


def firsts_table(events: pd.DataFrame, links: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """first_by_language, first_by_country, first_by_outlet_type: value -> ids (ties listed)."""
    sources = diffusion.documented_sources(events, links)
    return {
        f"first_by_{column}": {
            value: list(first.ids)
            for value, first in diffusion.firsts_by(events, links, column, sources).items()
        }
        for column in ("language", "country", "outlet_type")
    }


def crossings(
    events: pd.DataFrame, links: pd.DataFrame, sources: dict[str, list[str]] | None = None
) -> list[dict]:
    """Where the claim first passed into a new language or country, or out of state outlets.

    Each: event (the best-dated of a tie), events (the whole tie), kind, from, to, hops along
    documented links, elapsed_hours from the first appearance (to the earliest it can have been).
    """
    claim = _claim(events)
    if sources is None:
        sources = diffusion.documented_sources(events, links)
    first = diffusion.first_events(claim, sources)
    if first is None:
        return []
    firsts = {kind: diffusion.firsts_by(events, links, kind, sources) for kind in KINDS}
    independent = claim[~claim["outlet_type"].isin(STATE_OUTLET_TYPES | OFFICIAL_TYPES)]
    found_independent = diffusion.first_events(independent, sources)
    # Only the events named below are looked up, not the whole table.
    named = {*first.ids, *(found_independent.ids if found_independent else ())}
    for by_value in firsts.values():
        for found in by_value.values():
            named.update(found.ids)
            named.update(sources.get(found.ids[0], []))
    by_id = lookup.select(events, named)
    depth = diffusion.hops(events, links).to_numpy()
    found_at = lookup.positions(events["id"], by_id.index)
    at = dict(zip(by_id.index.tolist(), found_at.tolist(), strict=True))
    out = []

    def add(kind: str, origin: str, value: str, found: First) -> None:
        lead = found.ids[0]
        cited = [s for s in sources.get(lead, []) if s in at]
        column = {"language": "language", "country": "country"}.get(kind, "outlet_type")
        came_from = by_id.loc[cited[0], column] if cited else origin
        out.append(
            {
                "event": lead,
                "events": list(found.ids),
                "kind": kind,
                "from": came_from if kind != "state_to_independent" else "state",
                "to": value,
                "hops": int(depth[at[lead]]) if lead in at else 0,
                "elapsed_hours": round((found.start - first.start).total_seconds() / 3600, 1),
            }
        )

    for kind in KINDS:
        home = {v for v in by_id.loc[list(first.ids), kind] if v}
        origin = sorted(home)[0] if len(home) == 1 else ""
        for value, found in firsts[kind].items():
            if value not in home:
                add(kind, origin, value, found)
    # Only a claim that started in state outlets alone can cross out of them.
    started_in_state = set(by_id.loc[list(first.ids), "outlet_type"]) <= STATE_OUTLET_TYPES
    if started_in_state and found_independent is not None:
        to = by_id.loc[found_independent.ids[0], "outlet_type"]
        add("state_to_independent", "state", to, found_independent)
    return sorted(out, key=lambda c: (c["elapsed_hours"], c["kind"], c["to"]))


KINDS = ("language", "country")


def denials(events: pd.DataFrame, links: pd.DataFrame) -> dict[str, list[str]]:
    """The events that deny, apart: by an official source in its own name; relayed (an outlet
    reporting a denial it cites: diffusion.relays_denial); and the others that deny."""
    relayed = diffusion.relays_denial(events, links)
    denies = events["stance"].eq("denies").to_numpy(dtype=bool)
    official = events["outlet_type"].isin(OFFICIAL_TYPES).to_numpy(dtype=bool)
    ids = events["id"].to_numpy(dtype=object)
    return {
        "official": ids[denies & official].tolist(),
        "relayed": ids[relayed].tolist(),
        "other": ids[denies & ~official & ~relayed].tolist(),
    }


def status_changes(events: pd.DataFrame) -> list[dict]:
    """The claim's status over time: uncorroborated, then denied or confirmed, debunked.

    Uncorroborated from the first appearance; denied (or confirmed) from the first official
    denial (or confirmation); debunked from the first fact-check. A denial after a debunk does
    take back the debunk ("debunked and denied"); a confirmation overrides everything before it.
    """
    claim = events[diffusion.carries_claim(events).to_numpy(dtype=bool)]
    if claim.empty:
        return []
    changes = []
    first = claim.iloc[_earliest(claim, "date", "row")]
    changes.append(
        {
            "date": first["date"],
            "by": first["date_end"],
            "status": "uncorroborated",
            "event": first["id"],
        }
    )
    denials = events[events["stance"] == "denies"]
    official = denials[denials["outlet_type"].isin(OFFICIAL_TYPES)]
    candidates = [
        ("denied", official if len(official) else denials),
        ("confirmed", events[events["stance"] == "confirms"]),
        ("debunked", events[events["stance"] == "debunks"]),
    ]
    for status, group in candidates:
        if len(group):
            # The event that surely came first (earliest end), dated from its earliest moment.
            row = group.iloc[_earliest(group, "date_end", "date", "row")]
            changes.append(
                {"date": row["date"], "by": row["date_end"], "status": status, "event": row["id"]}
            )
    changes.sort(key=lambda c: c["date"])
    out, current = [], None
    for change in changes:
        if current == "debunked" and change["status"] == "denied":
            change = {**change, "status": "debunked and denied"}
        if change["status"] != current:
            out.append(change)
            current = change["status"]
    return out


def _earliest(frame: pd.DataFrame, *by: str) -> int:
    """The position of the first row when sorted by these columns (without sorting them all)."""
    keys = [
        frame[c].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().view("i8")
        if isinstance(frame[c].dtype, pd.DatetimeTZDtype)
        else frame[c].to_numpy()
        for c in reversed(by)
    ]
    return int(np.lexsort(keys)[0])


@dataclass(frozen=True)
class Story:
    """What the charts mark: milestones, jumps (crossings) and the claim's status over time."""

    milestones: list[Milestone]
    crossings: list[dict]
    status: list[dict]
    decays: tuple[str, ...] = ()  # events that no longer name the original source


def story(events: pd.DataFrame, links: pd.DataFrame, now: str = "") -> Story:
    """The marks for the charts, from documented links only (a guess never makes a milestone).

    With `now`, the status counts only events that had surely happened by then."""
    documented = links[links["kind"] == "documented"]
    sources = diffusion.documented_sources(events, documented)
    decay = diffusion.attribution(events, documented, sources)
    sure = events[events["date_end"] <= pd.Timestamp(now)] if now else events
    return Story(
        milestones(events, documented, sources),
        crossings(events, documented, sources),
        status_changes(sure),
        tuple(decay.loc[decay["decays"], "id"].tolist()),
    )


PERIOD_SHARE = 0.9  # the claim's own period holds this share of its claim-carrying events ...
PERIOD_AT_MOST = 0.5  # ... in at most this share of the case's span, else it is the whole case
PERIOD_MIN_DAYS = 30  # a case shorter than this is its own period


def claim_period(case: Case) -> tuple[str, str, str]:
    """The days (from, to: YYYY-MM-DD in the case's time zone, to inclusive) a view opens on,
    and why: the case's `focus` where it gives one; else the shortest stretch that holds
    PERIOD_SHARE of the events that carry or answer the claim (all but context), where that is at most PERIOD_AT_MOST of the
    span; else ("", "", "") for the whole case. The other events stay one step away (the date
    filter)."""
    if case.meta.focus:
        a, b = case.meta.focus
        return a, b, "the case's focus"
    # The claim's life: what carries it and what answers it, not the context around it.
    events = case.events[case.events["stance"] != "context"]
    if len(events) < 5:
        return "", "", ""
    tz = case.meta.timezone
    start = np.sort(events["date"].dt.tz_convert(tz).dt.tz_localize(None).to_numpy())
    lo_all = case.events["date"].min().tz_convert(tz).tz_localize(None)
    hi_all = case.events["date_end"].max().tz_convert(tz).tz_localize(None)
    span = hi_all - lo_all
    if span < pd.Timedelta(days=PERIOD_MIN_DAYS):
        return "", "", ""
    k = max(int(np.ceil(PERIOD_SHARE * len(start))), 1)
    widths = start[k - 1 :] - start[: len(start) - k + 1]
    i = int(np.argmin(widths))  # the first of the shortest windows: same data, same period
    lo, hi = pd.Timestamp(start[i]), pd.Timestamp(start[i + k - 1])
    if hi - lo > span * PERIOD_AT_MOST:
        return "", "", ""
    pad = max((hi - lo) * 0.1, pd.Timedelta(days=1))
    first, last = (lo - pad).date(), (hi + pad).date()
    return (
        first.isoformat(),
        last.isoformat(),
        f"the claim's own period ({PERIOD_SHARE:.0%} of the events that carry or answer it), "
        "worked out from the data",
    )
