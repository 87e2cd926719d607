"""Filters: the user's choices of date range, outlet type, country, language and stance."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from claimtrace import lookup
from claimtrace.i18n import Translator
from claimtrace.model import Case

FACETS = ("outlet_type", "country", "language", "stance")


@dataclass(frozen=True)
class Filters:
    """Empty tuples mean "all"; dates are ISO day strings in the case's time zone, inclusive."""

    date_from: str = ""
    date_to: str = ""
    outlet_type: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    stance: tuple[str, ...] = ()
    now: str = ""  # ISO instant (UTC): show only what may have appeared by then

    def describe(self, lang: str = "en") -> str:
        """'5 Aug 2022 – 31 Aug 2022; outlet_type: tabloid, wire' or 'all events' (the facets
        and values by their contract names, as in the file and the URL)."""
        tr = Translator(lang)
        parts = []
        if self.date_from or self.date_to:
            parts.append(
                tr("{start} to {end}", start=self.date_from or "…", end=self.date_to or "…")
            )
        if self.now:
            parts.append(tr("as of {moment}", moment=self.now))
        for facet in FACETS:
            chosen = getattr(self, facet)
            if chosen:
                none = tr("(none)")
                parts.append(f"{facet}: {', '.join(v or none for v in chosen)}")
        return "; ".join(parts) if parts else tr("all events")


@dataclass(frozen=True)
class View:
    """What the filters leave: events, the links between them, the external sources they cite."""

    events: pd.DataFrame
    links: pd.DataFrame
    externals: pd.DataFrame
    hidden: int  # events of the case the filters leave out


def day_bounds(filters: Filters, tz: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The filter's range as UTC instants [start, end): whole days in the case's time zone."""
    start = (
        pd.Timestamp(filters.date_from).tz_localize(tz).tz_convert("UTC")
        if filters.date_from
        else None
    )
    end = (
        (pd.Timestamp(filters.date_to) + pd.Timedelta(days=1)).tz_localize(tz).tz_convert("UTC")
        if filters.date_to
        else None
    )
    return start, end


def apply(case: Case, filters: Filters, links: pd.DataFrame | None = None) -> View:
    """Events whose date interval overlaps the range and whose values are among those chosen.

    `links` replaces the case's documented links (e.g. documented plus inferred ones)."""
    events = case.events
    keep = pd.Series(True, index=events.index)
    start, end = day_bounds(filters, case.meta.timezone)
    if start is not None:
        keep &= events["date_end"] > start
    if end is not None:
        keep &= events["date"] < end
    for facet in FACETS:
        chosen = getattr(filters, facet)
        if chosen:
            keep &= events[facet].isin(chosen)
    if filters.now:
        # An event with an uncertain date counts from its earliest possible moment.
        keep &= events["date"] <= pd.Timestamp(filters.now).tz_convert("UTC")
    shown = events[keep].reset_index(drop=True)
    ids = lookup.text_array(shown["id"])
    links = case.links if links is None else links
    # A link from an event the filters hide is kept out; externals cited by shown events stay.
    external = links["source"].str.startswith("external:").to_numpy(dtype=bool)
    inside = lookup.member(links["target"], ids)
    links = links[inside & (lookup.member(links["source"], ids) | external)]
    externals = case.external_sources
    if len(externals):
        externals = externals[lookup.member(externals["id"], links["source"])]
    return View(shown, links.reset_index(drop=True), externals, int((~keep).sum()))


def documented_only(view: View) -> View:
    """The same view without inferred links: what every documented figure counts."""
    links = view.links[view.links["kind"] == "documented"].reset_index(drop=True)
    return View(view.events, links, view.externals, view.hidden)
