"""The diffusion graph: documented links from `cites`, origins, hop depth and firsts with ties.

A link runs from the cited event (source) to the citing one (target). Nodes are event ids, plus
one node per external source: a cited name that matches no event in the data ("TASS").
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claimtrace import lookup
from claimtrace.fastcsv import PY_WHITESPACE
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
    where, entries = _cite_entries(events["cites"])
    if not len(where):
        return empty_links(), _externals(pd.DataFrame(columns=["name", "target", "date"])), []
    ids = lookup.text_array(events["id"])
    target = ids.take(pa.array(where)).to_numpy(zero_copy_only=False)  # the citing events' ids
    moment = events["date"].array.asi8  # only compared: any unit and zone keeps the order
    rows = events["row"].to_numpy()[where]
    by_id = (
        pc.is_in(pa.array(entries, type=pa.string()), value_set=ids)
        .to_numpy(zero_copy_only=False)
        .astype(bool)
    )
    source = np.where(by_id, entries, None).astype(object)
    via = np.where(by_id, "id", "").astype(object)

    # By outlet name: the named outlet's latest event that started no later than the citing one.
    rest = np.flatnonzero(~by_id)
    chosen, later, named = _by_outlet(events, ids, moment, where[rest], entries[rest], target[rest])
    if len(named):
        left = rest[named]
        source[left] = chosen
        via[left] = "outlet"
        # The warnings in the order of the citing events' dates (as they always were).
        order = pd.DataFrame({"date": events["date"].array.take(where[left])}).sort_values("date")
        for i in order.index.to_numpy()[later[order.index.to_numpy()]].tolist():
            problems.append(
                Problem(
                    "warning",
                    f"cites {entries[left[i]]!r}, whose first event in the data is dated "
                    "after this one; linked to it anyway",
                    int(rows[left[i]]),
                    "cites",
                    unit,
                )
            )

    external = pd.isna(source)
    for k in np.flatnonzero(external).tolist():
        source[k] = external_id(entries[k])
        via[k] = "external"
        problems.append(
            Problem(
                "warning",
                f"cites {entries[k]!r}, which is neither an id nor an outlet in the data; "
                "drawn as an external source",
                int(rows[k]),
                "cites",
                unit,
            )
        )
    # Every node (source or target) as one code: equal codes, equal text.
    source_text = pa.array(source, type=ids.type)
    nodes = pc.dictionary_encode(pa.concat_arrays([source_text, ids.take(pa.array(where))]))
    code = nodes.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    source_code, target_code = code[: len(source)], code[len(source) :]
    selfish = source_code == target_code
    for k in np.flatnonzero(selfish).tolist():
        problems.append(
            Problem("warning", "the event cites itself; ignored", int(rows[k]), "cites", unit)
        )
    # Each (source, target) pair once, the first time it is cited.
    first = np.zeros(len(source), dtype=bool)
    pairs = source_code * len(nodes.dictionary) + target_code
    first[np.unique(pairs, return_index=True)[1]] = True
    keep = np.flatnonzero(first & ~selfish)

    links = pd.DataFrame(
        {
            "source": pd.Series(source[keep], dtype=object),
            "target": pd.Series(target[keep], dtype=object),
            "kind": _words(("documented",), np.zeros(len(keep), dtype=np.intp)),
            "via": pd.Series(via[keep], dtype=object),
            "entry": pd.Series(entries[keep], dtype=object),
            "confidence": 1.0,
            "reason": _words(
                ("cites it", "cites the outlet by name"), (via[keep] == "outlet").astype(np.intp)
            ),
        }
    )
    inner = keep[
        ~_flags(pc.starts_with(source_text.take(pa.array(keep)), EXTERNAL_PREFIX))
    ]  # the links among events: names outside the data are never on a circle
    problems.extend(
        _cycle_warnings(
            source[inner], target[inner], source_code[inner], target_code[inner], events, unit
        )
    )
    outside = keep[via[keep] == "external"]
    ext = pd.DataFrame(
        {
            "name": pd.Series(entries[outside], dtype=object),
            "target": pd.Series(target[outside], dtype=object),
            "date": pd.Series(events["date"].array.take(where[outside])),
        }
    )
    return links, _externals(ext), problems


def _by_outlet(
    events: pd.DataFrame,
    ids: pa.Array,
    moment: np.ndarray,
    where: np.ndarray,
    entries: np.ndarray,
    target: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries (cited by the events at `where`, whose ids are `target`) that name an outlet:
    (the id each links to, whether that event is dated after the citing one, which entries
    these are). The named outlet's latest event at or before the citing one, else its first;
    an event naming its own outlet ("TASS" in a TASS report) means another of its events.

    Everything is searched on integer codes: each key (normalize_key of an outlet or entry) a
    number, the outlet's events sorted by key, then date, in one array."""
    nothing = np.zeros(0, dtype=np.int64)
    if not len(where):
        return np.zeros(0, dtype=object), np.zeros(0, dtype=bool), nothing
    outlets = pc.dictionary_encode(lookup.text_array(events["outlet"]))
    outlet_of = outlets.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    outlet_names = outlets.dictionary.to_numpy(zero_copy_only=False)
    entry_of, distinct = pd.factorize(entries)  # each distinct entry is normalised once
    keys = pd.factorize(
        np.array(
            [normalize_key(o) for o in outlet_names] + [normalize_key(e) for e in distinct],
            dtype=object,
        )
    )[0]
    outlet_key, entry_key = keys[: len(outlet_names)], keys[len(outlet_names) :]
    size = int(keys.max()) + 1 if len(keys) else 0
    of_outlet = np.zeros(size + 1, dtype=bool)  # the last slot: events with no outlet
    of_outlet[outlet_key] = True
    key = entry_key[entry_of]
    named = np.flatnonzero(of_outlet[key])
    if not len(named):
        return np.zeros(0, dtype=object), np.zeros(0, dtype=bool), nothing
    wanted = np.zeros(size + 1, dtype=bool)
    wanted[key[named]] = True
    event_key = np.append(outlet_key, size)[outlet_of]  # -1 (no outlet) takes the last slot
    candidates = np.flatnonzero(wanted[event_key])
    order = np.lexsort((moment[candidates], event_key[candidates]))  # stable: ties keep rows
    cand = candidates[order]  # event positions, by key, then date, then position
    cand_key = event_key[cand]
    # Dates as ranks, so that (key, date) is one int64 and one searchsorted finds both.
    cited = key[named]
    citing = moment[where[named]]
    times, rank = np.unique(np.concatenate([moment[cand], citing]), return_inverse=True)
    span = len(times)
    ordered = cand_key * span + rank[: len(cand)]
    wanted_at = cited * span + rank[len(cand) :]
    start = np.searchsorted(cand_key, cited, "left")  # each key's events: cand[start:stop]
    stop = np.searchsorted(cand_key, cited, "right")
    last = np.searchsorted(ordered, wanted_at, "right")  # after the latest at or before
    later = last <= start
    picked = np.where(later, start, last - 1)  # else the outlet's first event, dated after
    pick_id = ids.take(pa.array(cand[picked]))
    itself = np.flatnonzero(
        pc.equal(pick_id, pa.array(target[named], type=pa.string())).to_numpy(zero_copy_only=False)
    )
    chosen = pick_id.to_numpy(zero_copy_only=False).astype(object)
    if len(itself):
        # Another event of the outlet: the latest of the two at or before, else the first two.
        own = pa.array(target[named][itself], type=pa.string())
        found = np.full(len(itself), -1, dtype=np.int64)
        late = np.zeros(len(itself), dtype=bool)
        tries = (
            (last[itself] - 1, last[itself] - 1 >= start[itself], False),
            (last[itself] - 2, last[itself] - 2 >= start[itself], False),
            (start[itself], start[itself] < stop[itself], True),
            (start[itself] + 1, start[itself] + 1 < stop[itself], True),
        )
        for at, valid, after in tries:
            at = np.where(valid, at, 0)
            other = ~pc.equal(ids.take(pa.array(cand[at])), own).to_numpy(zero_copy_only=False)
            take = (found < 0) & valid & other.astype(bool)
            found[take] = at[take]
            late[take] = after
        move = found >= 0  # else: the outlet's only event, a self-citation
        chosen[itself[move]] = ids.take(pa.array(cand[found[move]])).to_numpy(zero_copy_only=False)
        later[itself[move]] = late[move]
    return chosen, later, named


def _cite_entries(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(event position, entry) for every entry of every `cites` cell, in order (split_cites):
    cells holding one name are taken whole, only the others are split one by one."""
    text = lookup.text_array(texts)
    given = pc.not_equal(text, "")
    several = pc.or_(pc.match_substring(text, ";"), pc.match_substring(text, "\n"))
    one = np.flatnonzero(pc.and_(given, pc.invert(several)).to_numpy(zero_copy_only=False))
    names = pc.utf8_trim(text.take(pa.array(one)), characters=PY_WHITESPACE)
    keep = pc.not_equal(names, "").to_numpy(zero_copy_only=False)
    at, entries = [one[keep]], [names.filter(pa.array(keep)).to_numpy(zero_copy_only=False)]
    for k in np.flatnonzero(several.to_numpy(zero_copy_only=False)).tolist():
        parts = split_cites(texts.iloc[k])
        at.append(np.full(len(parts), k, dtype=np.int64))
        entries.append(np.array(parts, dtype=object))
    where = np.concatenate(at).astype(np.int64)
    order = np.argsort(where, kind="stable")  # entries of one cell stay in their order
    return where[order], np.concatenate(entries).astype(object)[order]


def _nanoseconds(times: pd.Series) -> np.ndarray:
    """UTC instants as int64 nanoseconds (for searching and comparing in numpy)."""
    return (
        times.dt.tz_convert("UTC")
        .dt.tz_localize(None)
        .to_numpy(dtype="datetime64[ns]")
        .view(np.int64)
    )


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


def _words(words: tuple[str, ...], codes: np.ndarray) -> pd.Series:
    """A str column of these few words, each row the one its code names (made in one take)."""
    return pd.Series(pd.array(list(words), dtype="str").take(codes))


def _flags(found: pa.Array) -> np.ndarray:
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _cycle_warnings(
    sources: np.ndarray,
    targets: np.ndarray,
    source_codes: np.ndarray,
    target_codes: np.ndarray,
    events: pd.DataFrame,
    unit: str,
) -> list[Problem]:
    """Warnings for events that cite each other in a circle, along these links among events
    (ids, and their codes: equal codes, equal ids)."""
    left = _in_cycles(source_codes, target_codes)
    if not left.any():
        return []
    graph = nx.DiGraph(list(zip(sources[left], targets[left], strict=True)))
    involved = events["id"].isin(list(graph)).to_numpy()
    rows = dict(zip(events["id"][involved], events["row"][involved], strict=True))
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


def _in_cycles(sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Which edges are left once every node that cannot lie on a cycle is peeled off (Kahn's
    algorithm: a node nothing points to, repeatedly). None when the graph has no cycle; in any
    case the strongly connected components of more than one node are those of what is left."""
    codes, nodes = pd.factorize(np.concatenate([sources, targets]))
    s, t = codes[: len(sources)], codes[len(sources) :]
    indegree = np.bincount(t, minlength=len(nodes))
    peeled = np.zeros(len(nodes), dtype=bool)
    # Whole layers at a time while the graph is shallow (citation chains mostly are) ...
    for _ in range(_VECTOR_LAYERS):
        free = (indegree == 0) & ~peeled
        if not free.any():
            break
        peeled |= free
        indegree -= np.bincount(t[free[s]], minlength=len(nodes))
    else:
        # ... then node by node.
        live = ~peeled[s]
        order = np.argsort(s[live], kind="stable")
        first = np.searchsorted(s[live][order], np.arange(len(nodes) + 1)).tolist()
        child = t[live][order].tolist()
        remaining = indegree.tolist()
        free_nodes = np.flatnonzero((indegree == 0) & ~peeled).tolist()
        while free_nodes:
            node = free_nodes.pop()
            for k in range(first[node], first[node + 1]):
                remaining[child[k]] -= 1
                if remaining[child[k]] == 0:
                    free_nodes.append(child[k])
        indegree = np.array(remaining, dtype=np.int64)
        peeled = indegree == 0
    return ~peeled[s] & ~peeled[t]


_VECTOR_LAYERS = 64


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
    inside = lookup.member(links["source"], lookup.text_array(events["id"]))
    documented = links[(links["kind"] == "documented").to_numpy(dtype=bool) & inside]
    out: dict[str, list[str]] = {}
    for s, t in zip(documented["source"].tolist(), documented["target"].tolist(), strict=True):
        out.setdefault(t, []).append(s)
    return out


def origins(
    events: pd.DataFrame, links: pd.DataFrame, sources: dict[str, list[str]] | None = None
) -> list[str]:
    """Claim-carrying events that cite nothing inside the data, earliest first.

    `sources` (documented_sources of these events and links) saves computing it again."""
    cited_inside = list(documented_sources(events, links) if sources is None else sources)
    mask = carries_claim(events).to_numpy(dtype=bool) & ~lookup.member(events["id"], cited_inside)
    order = np.lexsort((events["row"].to_numpy()[mask], _nanoseconds(events["date"])[mask]))
    return events["id"].array[mask].take(order).tolist()


def hops(events: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    """Hop depth of each event along links among events: 0 for a root, 1 for what cites it ...

    The shortest chain from any root counts. Events inside a citation circle that no root
    reaches get the depth of the circle's own earliest member (0).
    """
    n = len(events)
    source = lookup.positions(events["id"], links["source"])
    target = lookup.positions(events["id"], links["target"])
    inner = (source >= 0) & (target >= 0)
    s, t = source[inner], target[inner]
    order = np.argsort(s, kind="stable")
    first = np.searchsorted(s[order], np.arange(n + 1))  # children of i: child[first[i]:first[i+1]]
    child = t[order]
    depth = np.full(n, -1, dtype=int)
    # Breadth first from all roots at once, one level per step.
    frontier = np.flatnonzero(np.bincount(t, minlength=n) == 0)
    depth[frontier] = 0
    level = 0
    while len(frontier):
        counts = first[frontier + 1] - first[frontier]
        total = int(counts.sum())
        if not total:
            break
        offsets = np.repeat(first[frontier] - (np.cumsum(counts) - counts), counts)
        reached = child[offsets + np.arange(total)]
        frontier = np.unique(reached[depth[reached] < 0])
        level += 1
        depth[frontier] = level
    left = np.flatnonzero(depth < 0)
    if len(left):
        # Anything left sits in a circle that no root reaches: start from its earliest event.
        for start in left[np.argsort(_nanoseconds(events["date"])[left], kind="stable")].tolist():
            if depth[start] >= 0:
                continue
            depth[start] = 0
            queue = deque([start])
            while queue:
                i = queue.popleft()
                for j in child[first[i] : first[i + 1]].tolist():
                    if depth[j] < 0:
                        depth[j] = depth[i] + 1
                        queue.append(j)
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
    start, end = _nanoseconds(events["date"]), _nanoseconds(events["date_end"])
    earliest = end[end != _NAT].min() if (end != _NAT).any() else _NAT
    rows = np.flatnonzero((start != _NAT) & (start < earliest)) if earliest != _NAT else []

    def among(ids: list[str]) -> set[str]:
        return set(events["id"][lookup.member(events["id"], ids)].tolist())

    return _first(
        events["id"].array.take(rows).tolist(),
        start[rows],
        end[rows],
        events["row"].to_numpy()[rows],
        earliest,
        sources,
        among,
    )


_NAT = np.iinfo(np.int64).min  # NaT as int64 nanoseconds


def _first(
    ids: list[str],
    start: np.ndarray,
    end: np.ndarray,
    row: np.ndarray,
    earliest_end: int,
    sources: dict[str, list[str]] | None,
    among: Callable[[list[str]], set[str]],
) -> First:
    """first_events once the candidates are known (their ids, starts, ends and rows, times in
    UTC nanoseconds); `among(ids)` says which of the ids belong to the group the first is
    sought in."""
    if sources and len(ids) > 1:
        above = {i: _ancestors(i, sources) for i in ids}
        reached = list(set().union(*above.values()))
        group = among(reached) if reached else set()
        keep = np.array([not (above[i] & group) for i in ids], dtype=bool)
        if keep.any():
            ids = [i for i, k in zip(ids, keep.tolist(), strict=True) if k]
            start, end, row = start[keep], end[keep], row[keep]
    # Narrow intervals first, so the best-dated of tied events are named first.
    order = np.lexsort((row, end - start, start))
    return First(
        tuple(ids[k] for k in order.tolist()),
        pd.Timestamp(int(start.min()), tz="UTC") if len(ids) else pd.NaT,
        pd.Timestamp(int(earliest_end), tz="UTC") if earliest_end != _NAT else pd.NaT,
    )


def _ancestors(node: str, sources: dict[str, list[str]]) -> set[str]:
    """Everything `node` cites, directly or through other events (itself left out)."""
    seen = {node}
    stack = list(sources.get(node, []))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(sources.get(current, []))
    seen.discard(node)
    return seen


def firsts_by(
    events: pd.DataFrame,
    links: pd.DataFrame,
    column: str,
    sources: dict[str, list[str]] | None = None,
) -> dict[str, First]:
    """For each value of `column`, the first claim-carrying event(s), with ties.

    `sources` (documented_sources of these events and links) saves computing it again."""
    rows = np.flatnonzero((carries_claim(events) & (events[column] != "")).to_numpy(dtype=bool))
    if not len(rows):
        return {}
    if sources is None:
        sources = documented_sources(events, links)
    # first_events for every value at once: each value's earliest end, and the candidates
    # that start before it; only those are looked at one by one.
    codes, values = pd.factorize(events[column].iloc[rows])
    start = _nanoseconds(events["date"])[rows]
    end = _nanoseconds(events["date_end"])[rows]
    earliest = np.full(len(values), np.iinfo(np.int64).max)
    np.minimum.at(earliest, codes, end)
    candidate = start < earliest[codes]
    candidate_rows, candidate_codes = rows[candidate], codes[candidate]
    candidate_start, candidate_end = start[candidate], end[candidate]
    candidate_ids = events["id"].array.take(candidate_rows).tolist()
    candidate_row = events["row"].to_numpy()[candidate_rows]
    group_of = np.full(len(events), -1)
    group_of[rows] = codes
    out: dict[str, First] = {}
    for code in sorted(range(len(values)), key=lambda c: values[c]):

        def among(ids: list[str], code: int = code) -> set[str]:
            hit = np.flatnonzero(lookup.member(events["id"], ids))
            return set(events["id"].array.take(hit[group_of[hit] == code]).tolist())

        mine = np.flatnonzero(candidate_codes == code)
        out[str(values[code])] = _first(
            [candidate_ids[k] for k in mine.tolist()],
            candidate_start[mine],
            candidate_end[mine],
            candidate_row[mine],
            int(earliest[code]),
            sources,
            among,
        )
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


OFFICIAL_TYPES = frozenset({"state_official", "politician"})  # who can deny in their own name


def relays_denial(events: pd.DataFrame, links: pd.DataFrame) -> np.ndarray:
    """Per event, whether it carries someone else's denial rather than denying: the rule
    ClaimTrace documents for the stance `denies`. An event that denies relays a denial when its
    outlet is not an official one (a ministry, a politician) and it cites, by a documented
    link, an event that denies. The ministry denies; the agencies that report it relay."""
    denies = events["stance"].eq("denies").to_numpy(dtype=bool)
    if not denies.any() or links.empty:
        return np.zeros(len(events), dtype=bool)
    deniers = events.loc[denies, "id"]
    documented = links[links["kind"] == "documented"]
    citing = set(documented.loc[lookup.member(documented["source"], deniers), "target"].tolist())
    official = events["outlet_type"].isin(OFFICIAL_TYPES).to_numpy(dtype=bool)
    return denies & ~official & events["id"].isin(citing).to_numpy(dtype=bool)


EARLIEST_ON_PATH = "earliest source in the data on this path (it cites nothing in the data)"


def chain_back(events: pd.DataFrame, links: pd.DataFrame, node: str) -> list[dict]:
    """The chain from `node` back to an origin, one step per line, earliest source first.

    Where an event cites several sources, the step follows the earliest of them.
    Each step: id, outlet, date, how it cites ("cites it by id", "names the outlet",
    "inferred: <reason>", or EARLIEST_ON_PATH where the chain leaves the data: that event
    cites nothing in it, which does not make it where the claim began).
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
            steps.append({"id": current, "how": EARLIEST_ON_PATH})
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
    source = lookup.positions(events["id"], links["source"])
    target = lookup.positions(events["id"], links["target"])
    keep = target >= 0  # a link to an event not among these is left out
    named = np.array(links["source"][keep].to_numpy(dtype=object), dtype=object)
    outlet = events["outlet"].to_numpy(dtype=object)
    inside = source[keep] >= 0
    named[inside] = outlet[source[keep][inside]]
    named[~inside] = [str(n).removeprefix(EXTERNAL_PREFIX) for n in named[~inside]]
    frame = pd.DataFrame(
        {
            "source": named,
            "target": outlet[target[keep]],
            "documented": (links["kind"][keep] == "documented").to_numpy(),
        }
    )
    if frame.empty:
        return pd.DataFrame(columns=["source", "target", "weight", "documented"])
    grouped = frame.groupby(["source", "target"], sort=True)["documented"]
    return grouped.agg(weight="size", documented="sum").reset_index()


def attribution(
    events: pd.DataFrame, links: pd.DataFrame, sources: dict[str, list[str]] | None = None
) -> pd.DataFrame:
    """Attribution decay along documented paths.

    For each event reached from an origin by documented links: its hop, and whether it still
    names an origin (by id or outlet) or only an intermediary. `decays` marks the events where
    the original source stops being named although their own source named it. `sources`
    (documented_sources of these events and links) saves computing it again.
    """
    columns = ["id", "hops", "names_origin", "decays", "via"]
    documented = links[links["kind"] == "documented"]
    depth = hops(events, documented).to_numpy()
    roots = origins(events, documented, sources)
    is_root = lookup.member(events["id"], roots)
    root_names = {normalize_key(o) for o in pd.unique(events["outlet"][is_root]).tolist()}
    # Whether each event names an origin: it is one, or one of its `cites` entries is one by
    # id, or names an origin's outlet.
    names_origin = is_root.copy()
    at, entries = _cite_entries(events["cites"])
    if len(at):
        codes, distinct = pd.factorize(entries)
        by_name = np.array([normalize_key(e) in root_names for e in distinct], dtype=bool)
        named = lookup.member(pd.Series(entries, dtype=object), roots) | by_name[codes]
        names_origin[at[named]] = True
    # Documented links between events, grouped by the citing event (in the links' order).
    inside = lookup.member(documented["source"], lookup.text_array(events["id"]))
    source = lookup.positions(events["id"], documented["source"][inside])
    target = lookup.positions(events["id"], documented["target"][inside])
    source, target = source[target >= 0], target[target >= 0]
    if not len(target):
        return pd.DataFrame(columns=columns)
    order = np.argsort(target, kind="stable")
    source, target = source[order], target[order]
    cited, first, count = np.unique(target, return_index=True, return_counts=True)
    parent_named = np.logical_or.reduceat(names_origin[source], first)
    outlets = events["outlet"].array.take(source).to_numpy(dtype=object)
    via = outlets[first].copy()
    for k in np.flatnonzero(count > 1).tolist():
        via[k] = ", ".join(outlets[first[k] : first[k] + count[k]].tolist())
    return pd.DataFrame(
        {
            "id": events["id"].array.take(cited),
            "hops": depth[cited].astype(int).tolist(),
            "names_origin": names_origin[cited].tolist(),
            "decays": (parent_named & ~names_origin[cited]).tolist(),
            "via": via.tolist(),
        },
        columns=columns,
    )
