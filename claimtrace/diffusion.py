"""The diffusion graph: documented links from `cites`, origins, hop depth and firsts with ties.

A link runs from the cited event (source) to the citing one (target). Nodes are event ids, plus
one node per external source: a cited name that matches no event in the data ("TASS").
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from claimtrace.model import Problem
from claimtrace.schema import CLAIM_STANCES
from claimtrace.vocab import normalize_key

EXTERNAL_PREFIX = "external:"
LINK_COLUMNS = ("source", "target", "kind", "via", "entry", "confidence", "reason")


def empty_links() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LINK_COLUMNS})
    frame["confidence"] = frame["confidence"].astype(float)
    return frame


def external_id(name: str) -> str:
    return EXTERNAL_PREFIX + name


def is_external(node: str) -> bool:
    return node.startswith(EXTERNAL_PREFIX)


def split_cites(text: str) -> list[str]:
    """The entries of a `cites` cell, in order, without blanks or repeats."""
    seen: dict[str, None] = {}
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def carries_claim(events: pd.DataFrame) -> pd.Series:
    """Events that carry the claim onward: stance originates, repeats or questions.

    A row without a stance is an appearance of the claim, so it counts too.
    """
    return events["stance"].isin(CLAIM_STANCES) | (events["stance"] == "")


def resolve_cites(
    events: pd.DataFrame, unit: str = "row"
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Links from `cites`: ids first, else the named outlet's latest event before the citing one.

    Entries that resolve to nothing are kept as external sources and reported as warnings.
    Returns (links, external sources, problems).
    """
    problems: list[Problem] = []
    has = events["cites"] != ""
    pairs = [
        (row.id, entry, row.date, row.row)
        for row in events.loc[has, ["id", "cites", "date", "row"]].itertuples(index=False)
        for entry in split_cites(row.cites)
    ]
    if not pairs:
        return empty_links(), _externals(pd.DataFrame(columns=["name", "target", "date"])), []
    cites = pd.DataFrame(pairs, columns=["target", "entry", "date", "row"])
    ids = set(events["id"])
    by_id = cites["entry"].isin(ids)
    cites["source"] = cites["entry"].where(by_id)
    cites["via"] = np.where(by_id, "id", "")

    # By outlet name: the named outlet's latest event that started no later than the citing one.
    outlet_key = events["outlet"].map(normalize_key)
    rest = cites[~by_id].copy()
    rest["key"] = rest["entry"].map(normalize_key)
    known = rest["key"].isin(set(outlet_key))
    if known.any():
        left = rest[known].sort_values("date").reset_index()
        right = (
            pd.DataFrame({"key": outlet_key, "cand": events["id"], "date": events["date"]})
            .sort_values("date", kind="stable")
            .reset_index(drop=True)
        )
        back = pd.merge_asof(left, right, on="date", by="key", direction="backward")
        fwd = pd.merge_asof(left, right, on="date", by="key", direction="forward")
        later = back["cand"].isna()
        chosen = back["cand"].fillna(fwd["cand"])
        # An event naming its own outlet ("TASS" in a TASS report) means another of its events.
        for i in np.flatnonzero((chosen == left["target"]).to_numpy()):
            other = right[(right["key"] == left.loc[i, "key"]) & (right["cand"] != chosen[i])]
            if other.empty:
                continue  # the outlet's only event: reported as a self-citation below
            before = other[other["date"] <= left.loc[i, "date"]]
            chosen[i] = before["cand"].iloc[-1] if len(before) else other["cand"].iloc[0]
            later[i] = before.empty
        for i in np.flatnonzero(later.to_numpy()):
            problems.append(
                Problem(
                    "warning",
                    f"cites {left.loc[i, 'entry']!r}, whose first event in the data is dated "
                    "after this one; linked to it anyway",
                    int(left.loc[i, "row"]),
                    "cites",
                    unit,
                )
            )
        cites.loc[left["index"].to_numpy(), "source"] = chosen.to_numpy()
        cites.loc[left["index"].to_numpy(), "via"] = "outlet"

    external = cites["source"].isna()
    cites.loc[external, "source"] = cites.loc[external, "entry"].map(external_id)
    cites.loc[external, "via"] = "external"
    for r in cites[external].itertuples(index=False):
        problems.append(
            Problem(
                "warning",
                f"cites {r.entry!r}, which is neither an id nor an outlet in the data; "
                "drawn as an external source",
                int(r.row),
                "cites",
                unit,
            )
        )
    selfish = cites["source"] == cites["target"]
    for r in cites[selfish].itertuples(index=False):
        problems.append(
            Problem("warning", "the event cites itself; ignored", int(r.row), "cites", unit)
        )
    cites = cites[~selfish].drop_duplicates(["source", "target"])

    links = pd.DataFrame(
        {
            "source": cites["source"].astype(object),
            "target": cites["target"].astype(object),
            "kind": "documented",
            "via": cites["via"].astype(object),
            "entry": cites["entry"].astype(object),
            "confidence": 1.0,
            "reason": np.where(cites["via"] == "outlet", "cites the outlet by name", "cites it"),
        }
    ).reset_index(drop=True)
    problems.extend(_cycle_warnings(links, events, unit))
    ext = cites[cites["via"] == "external"].rename(columns={"entry": "name"})
    return links, _externals(ext), problems


def _externals(ext: pd.DataFrame) -> pd.DataFrame:
    """One row per external source: its node id, name, the events citing it, first citation."""
    if ext.empty:
        return pd.DataFrame(columns=["id", "outlet", "cited_by", "date"])
    grouped = ext.groupby("name", sort=True)
    return pd.DataFrame(
        {
            "id": [external_id(n) for n in grouped.groups],
            "outlet": list(grouped.groups),
            "cited_by": [list(g["target"]) for _, g in grouped],
            "date": grouped["date"].min().to_numpy(),
        }
    )


def _cycle_warnings(links: pd.DataFrame, events: pd.DataFrame, unit: str) -> list[Problem]:
    # astype(bool): on no links at all, map() gives an object Series, which would select columns.
    inner = links[~links["source"].map(is_external).astype(bool)]
    graph = nx.DiGraph(list(zip(inner["source"], inner["target"], strict=True)))
    rows = dict(zip(events["id"], events["row"], strict=True))
    out = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            members = sorted(component, key=lambda n: rows.get(n, 0))
            shown = ", ".join(repr(m) for m in members[:6]) + (" …" if len(members) > 6 else "")
            out.append(
                Problem(
                    "warning",
                    f"events {shown} cite each other in a circle; the links are drawn, "
                    "but none of them can be the origin",
                    int(rows.get(members[0], 0)) or None,
                    "cites",
                    unit,
                )
            )
    return out


# --- analysis ------------------------------------------------------------------------------------


def build_graph(events: pd.DataFrame, links: pd.DataFrame) -> nx.DiGraph:
    """A DiGraph of events (and the external sources they cite) with links as edges."""
    graph = nx.DiGraph()
    graph.add_nodes_from(events["id"])
    for r in links.itertuples(index=False):
        graph.add_edge(r.source, r.target, kind=r.kind, confidence=r.confidence)
    return graph


def documented_sources(events: pd.DataFrame, links: pd.DataFrame) -> dict[str, list[str]]:
    """For each event id, the ids of events in the data it cites (externals left out)."""
    ids = set(events["id"])
    documented = links[(links["kind"] == "documented") & links["source"].isin(ids)]
    out: dict[str, list[str]] = {}
    for s, t in zip(documented["source"], documented["target"], strict=True):
        out.setdefault(t, []).append(s)
    return out


def origins(events: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    """Claim-carrying events that cite nothing inside the data, earliest first."""
    cited_inside = set(documented_sources(events, links))
    mask = carries_claim(events) & ~events["id"].isin(cited_inside)
    return list(events.loc[mask].sort_values(["date", "row"])["id"])


def hops(events: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    """Hop depth of each event along links among events: 0 for a root, 1 for what cites it ...

    The shortest chain from any root counts. Events inside a citation circle that no root
    reaches get the depth of the circle's own earliest member (0).
    """
    ids = list(events["id"])
    index = {n: i for i, n in enumerate(ids)}
    inner = links[links["source"].isin(index) & links["target"].isin(index)]
    children: list[list[int]] = [[] for _ in ids]
    indegree = np.zeros(len(ids), dtype=int)
    for s, t in zip(inner["source"], inner["target"], strict=True):
        children[index[s]].append(index[t])
        indegree[index[t]] += 1
    depth = np.full(len(ids), -1, dtype=int)
    queue: deque[int] = deque(np.flatnonzero(indegree == 0).tolist())
    for i in queue:
        depth[i] = 0
    order = np.argsort(events["date"].to_numpy(), kind="stable")
    cursor = 0
    while True:
        while queue:
            i = queue.popleft()
            for j in children[i]:
                if depth[j] < 0:
                    depth[j] = depth[i] + 1
                    queue.append(j)
        # Anything left sits in a circle that no root reaches: start from its earliest event.
        while cursor < len(order) and depth[order[cursor]] >= 0:
            cursor += 1
        if cursor == len(order):
            break
        depth[order[cursor]] = 0
        queue.append(int(order[cursor]))
    return pd.Series(depth, index=events.index, name="hops")


@dataclass(frozen=True)
class First:
    """The event(s) that may have come first; several ids mean a tie the data cannot break."""

    ids: tuple[str, ...]
    start: pd.Timestamp  # the earliest any of them can have appeared
    end: pd.Timestamp  # by then at least one of them had appeared

    @property
    def is_tie(self) -> bool:
        return len(self.ids) > 1


def first_events(events: pd.DataFrame, sources: dict[str, list[str]] | None = None) -> First | None:
    """Which of `events` can have been first, given intervals and documented citations.

    An event can have been first unless another one surely ended before it started, or it
    cites (directly or through other events) one of them. `sources` maps each event of the
    whole case to the events it cites (see documented_sources).
    """
    if events.empty:
        return None
    earliest_end = events["date_end"].min()
    candidates = events[events["date"] < earliest_end]
    if sources and len(candidates) > 1:
        group = set(events["id"])
        keep = [not _cites_into(i, group, sources) for i in candidates["id"]]
        if any(keep):
            candidates = candidates[keep]
    # Narrow intervals first, so the best-dated of tied events are named first.
    width = candidates["date_end"] - candidates["date"]
    candidates = candidates.assign(_w=width).sort_values(["date", "_w", "row"])
    return First(tuple(candidates["id"]), candidates["date"].min(), earliest_end)


def _cites_into(node: str, group: set[str], sources: dict[str, list[str]]) -> bool:
    seen = {node}
    stack = list(sources.get(node, []))
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        if current in group:
            return True
        seen.add(current)
        stack.extend(sources.get(current, []))
    return False


def firsts_by(events: pd.DataFrame, links: pd.DataFrame, column: str) -> dict[str, First]:
    """For each value of `column`, the first claim-carrying event(s), with ties."""
    claim = events[carries_claim(events) & (events[column] != "")]
    sources = documented_sources(events, links)
    out: dict[str, First] = {}
    for value, group in claim.groupby(column, sort=True):
        first = first_events(group, sources)
        if first is not None:
            out[str(value)] = first
    return out


# --- paths ---------------------------------------------------------------------------------------


def lineage(links: pd.DataFrame, node: str) -> tuple[list[str], list[str]]:
    """(ancestors, descendants) of `node` along the given links: its chain back to the
    origin(s), and everything it fed forward. Cycles are walked once."""
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for s, t in zip(links["source"], links["target"], strict=True):
        up.setdefault(t, []).append(s)
        down.setdefault(s, []).append(t)

    def walk(start: str, edges: dict[str, list[str]]) -> list[str]:
        seen: dict[str, None] = {}
        queue = deque(edges.get(start, []))
        while queue:
            current = queue.popleft()
            if current in seen or current == start:
                continue
            seen[current] = None
            queue.extend(edges.get(current, []))
        return list(seen)

    return walk(node, up), walk(node, down)


def chain_back(events: pd.DataFrame, links: pd.DataFrame, node: str) -> list[dict]:
    """The chain from `node` back to an origin, one step per line, earliest source first.

    Where an event cites several sources, the step follows the earliest of them.
    Each step: id, outlet, date, how it cites ("cites it by id", "names the outlet",
    "inferred: <reason>", or "origin").
    """
    by_id = events.set_index("id")
    incoming: dict[str, list[tuple]] = {}
    for r in links.itertuples(index=False):
        incoming.setdefault(r.target, []).append(r)
    steps, seen, current = [], set(), node
    while current not in seen:
        seen.add(current)
        options = incoming.get(current, [])
        if not options:
            steps.append({"id": current, "how": "origin"})
            break

        def key(r):
            start = by_id["date"].get(r.source)
            return (
                r.kind != "documented",
                start if start is not None else pd.Timestamp.max.tz_localize("UTC"),
            )

        best = sorted(options, key=key)[0]
        how = {
            "id": "cites it",
            "outlet": "names the outlet",
            "external": "names a source not in the data",
        }.get(best.via, f"inferred ({best.confidence:.0%}): {best.reason}")
        steps.append({"id": current, "how": how})
        current = best.source
        if is_external(current):
            steps.append({"id": current, "how": "cited, not in the data"})
            break
    out = []
    for step in reversed(steps):
        if step["id"] in by_id.index:
            row = by_id.loc[step["id"]]
            out.append(
                {
                    **step,
                    "outlet": row["outlet"],
                    "date": row["date"],
                    "date_end": row["date_end"],
                    "precision": row["date_precision"],
                }
            )
        else:
            out.append(
                {
                    **step,
                    "outlet": step["id"].removeprefix(EXTERNAL_PREFIX),
                    "date": None,
                    "date_end": None,
                    "precision": "",
                }
            )
    return out


def outlet_links(events: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """One row per outlet -> outlet pair: how many links, and how many of them documented."""
    outlet = dict(zip(events["id"], events["outlet"], strict=True))
    src = links["source"].map(lambda s: outlet.get(s, s.removeprefix(EXTERNAL_PREFIX)))
    tgt = links["target"].map(outlet)
    frame = pd.DataFrame(
        {"source": src, "target": tgt, "documented": links["kind"] == "documented"}
    ).dropna()
    if frame.empty:
        return pd.DataFrame(columns=["source", "target", "weight", "documented"])
    grouped = frame.groupby(["source", "target"], sort=True)["documented"]
    return grouped.agg(weight="size", documented="sum").reset_index()


def attribution(events: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Attribution decay along documented paths.

    For each event reached from an origin by documented links: its hop, and whether it still
    names an origin (by id or outlet) or only an intermediary. `decays` marks the events where
    the original source stops being named although their own source named it.
    """
    documented = links[links["kind"] == "documented"]
    depth = hops(events, documented)
    roots = set(origins(events, documented))
    by_id = events.set_index("id")
    root_names = {normalize_key(by_id.loc[r, "outlet"]) for r in roots if r in by_id.index}
    names_origin = {}
    for r in events.itertuples(index=False):
        entries = split_cites(r.cites)
        names_origin[r.id] = r.id in roots or any(
            e in roots or normalize_key(e) in root_names for e in entries
        )
    sources = documented_sources(events, documented)
    rows = []
    for r in events.itertuples(index=False):
        cited = sources.get(r.id, [])
        if not cited:
            continue
        parent_named = any(names_origin.get(c, False) for c in cited)
        rows.append(
            {
                "id": r.id,
                "hops": int(depth[events["id"] == r.id].iloc[0]),
                "names_origin": names_origin[r.id],
                "decays": parent_named and not names_origin[r.id],
                "via": ", ".join(by_id.loc[c, "outlet"] for c in cited if c in by_id.index),
            }
        )
    return pd.DataFrame(rows, columns=["id", "hops", "names_origin", "decays", "via"])
