"""Cascades whose true sources are known, read into the event contract (no streamlit here).

Two public data sets give, for every post, the post it came from:

* Twitter15 / Twitter16 (Ma, Gao & Wong 2017): one tree file per source tweet, one edge a line,
  ``['uid', 'tweet_id', 'delay_minutes']->['uid', 'tweet_id', 'delay_minutes']``, the source
  given by a line from ``['ROOT', 'ROOT', '0.0']``.
* PHEME / RumourEval 2017: reply threads (``structures.json``) with each post's time and text
  (``posts.json``), a veracity label per thread and a stance label per post.

Each becomes a `Cascade`: rows of the contract (text cells, ready to write as CSV) whose `cites`
is the true parent, the true parents again as a dict, and every input line either used or listed
in `rejected` with its line number and a plain reason (``used + rejected == lines``).

Choices, so the benchmark knows what it measures against:

* A Twitter node is (uid, delay): the same user appears several times when they retweet a
  retweet. Its id is ``t{uid}-{delay}`` with the delay as Python writes the float (``t12-2.5``).
* The tree is kept a tree: a line whose child already has a parent, is the source, is its own
  parent, or would close a loop is rejected (it names the line it conflicts with); so is a line
  whose parent never connects to the source. Exact repeats are "duplicate of line N".
* Dates are the source time (from the snowflake id) plus the delay, in UTC, rounded down to the
  second. A child dated before its parent keeps its place in the tree and takes the parent's
  date; its notes say so. PHEME posts are treated the same way.
* Twitter headline: the source text for the source, ``RT: `` + the source text for a retweet
  (its tuple carries the source's tweet id), and for a node with a tweet id of its own (a reply
  or quote, whose text the data set does not hold) a line naming that tweet. In 17 of the 2,308
  trees the root is another tweet than the labelled one (mostly earlier, at a negative delay):
  its headline is still the labelled tweet's text, and its notes say so.
* PHEME stance: the thread's source ``originates``; support → ``repeats``, query →
  ``questions``, deny → ``debunks``, comment → ``context``; no label → empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from claimtrace import schema

TWITTER_EPOCH_MS = 1288834974657  # snowflake ids: unix_ms = (id >> 22) + this
TWITTER_DATASETS = ("twitter15", "twitter16")
PHEME_SPLITS = ("traindev", "test")
PHEME_VERACITY = {"0": "true", "1": "false", "2": "unverified"}  # rumorCategory.json
PHEME_STANCE_NAMES = {"0": "support", "1": "query", "2": "deny", "3": "comment"}
PHEME_STANCES = {
    "support": "repeats",
    "query": "questions",
    "deny": "debunks",
    "comment": "context",
}
HEADLINE_CHARS = 300

TWITTER_CREDIT = (
    "Twitter15/16 propagation trees, Ma, Gao & Wong, 'Detect Rumors in Microblog Posts Using "
    "Propagation Structure via Kernel Learning', ACL 2017 (source tweets from Liu et al., CIKM "
    "2015, and Ma et al., IJCAI 2016); mirror github.com/gszswork/Twitter15_16_dataset, source "
    "text from github.com/R-info/Twitter15-16 (lower-cased, links as URL). Tweets are Twitter "
    "content."
)
PHEME_CREDIT = (
    "SemEval-2017 Task 8 (RumourEval) threads from the PHEME rumour conversations, Zubiaga, "
    "Kochkina, Liakata et al. (annotations CC-BY 4.0), https://alt.qcri.org/semeval2017/task8/; "
    "packaged by github.com/CloneNOX/MSA-BiGCN. Tweets are Twitter content."
)


@dataclass(frozen=True)
class Cascade:
    """One cascade in the event contract, with its true parents.

    rows: contract columns as text, ready to write as CSV; parents: event id → true parent id
    (None for the root); label: the data set's label; rejected: (line number, reason) for each
    input line not used; lines: the input lines (or records) considered."""

    name: str
    rows: list[dict[str, str]]
    parents: dict[str, str | None]
    label: str
    rejected: list[tuple[int, str]]
    lines: int
    dataset: str = ""
    claim: str = ""
    used: int = 0  # lines - len(rejected)


def snowflake_ms(tweet_id: str | int) -> int:
    """Unix milliseconds of a tweet from its id."""
    return (int(tweet_id) >> 22) + TWITTER_EPOCH_MS


def _iso(ms: int) -> str:
    moment = dt.datetime.fromtimestamp(ms // 1000, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(**cells: str) -> dict[str, str]:
    return {c: cells.get(c, "") for c in schema.COLUMN_NAMES}


# --- Twitter15/16 ----------------------------------------------------------------------------

_TUPLE = re.compile(r"^\[\s*'([^']*)'\s*,\s*'([^']*)'\s*,\s*'([^']*)'\s*\]$")


def _node(text: str) -> tuple[str, str, float] | str:
    """(uid, tweet_id, delay) of one side of an edge, or why it cannot be read."""
    m = _TUPLE.match(text.strip())
    if not m:
        return f"cannot read {text.strip()[:60]!r} as ['uid', 'tweet_id', 'delay']"
    uid, tid, delay = (g.strip() for g in m.groups())
    if not uid:
        return "no uid"
    try:
        minutes = float(delay)
    except ValueError:
        return f"the delay {delay!r} is not a number of minutes"
    if minutes != minutes or minutes in (float("inf"), float("-inf")):
        return f"the delay {delay!r} is not a number of minutes"
    return uid, tid, minutes


def read_twitter_tree(
    text: str, source_id: str, label: str = "", source_text: str = "", dataset: str = "twitter"
) -> Cascade:
    """One Twitter15/16 tree file as a Cascade (see the module notes for the choices)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last line
    rejected: list[tuple[int, str]] = []
    edges: list[tuple[int, tuple, tuple]] = []  # (line, parent node, child node)
    seen: dict[str, int] = {}
    root: tuple | None = None
    root_line = 0
    tweet_of: dict[tuple, str] = {}
    for number, line in enumerate(lines, 1):
        key = line.strip()
        if not key:
            rejected.append((number, "empty line"))
            continue
        if key in seen:
            rejected.append((number, f"duplicate of line {seen[key]}"))
            continue
        seen[key] = number
        parts = key.split("->")
        if len(parts) != 2:
            rejected.append((number, "not an edge 'parent->child'"))
            continue
        top = _TUPLE.match(parts[0].strip())
        if top and [g.strip() for g in top.groups()[:2]] == ["ROOT", "ROOT"]:
            child = _node(parts[1])
            if isinstance(child, str):
                rejected.append((number, child))
            elif root is not None:
                rejected.append((number, f"a second ROOT line (the source is on line {root_line})"))
            else:
                root, root_line = (child[0], child[2]), number
                tweet_of[root] = child[1]
            continue
        parent, child = _node(parts[0]), _node(parts[1])
        if isinstance(parent, str) or isinstance(child, str):
            rejected.append((number, parent if isinstance(parent, str) else child))
            continue
        p, c = (parent[0], parent[2]), (child[0], child[2])
        tweet_of.setdefault(p, parent[1])
        tweet_of.setdefault(c, child[1])
        edges.append((number, p, c))

    parent_of: dict[tuple, tuple] = {}
    line_of: dict[tuple, int] = {}
    pending: list[tuple[int, tuple, tuple]] = []
    if root is None and edges:
        root = edges[0][1]
        tweet_of.setdefault(root, source_id)
    for number, p, c in edges:
        if p == c:
            rejected.append((number, "the node is its own parent"))
        elif c == root:
            rejected.append((number, "would give the source a parent"))
        elif c in parent_of:
            rejected.append((number, f"the child already has a parent on line {line_of[c]}"))
        elif _reaches(parent_of, p, c):
            rejected.append((number, "would close a loop"))
        else:
            parent_of[c], line_of[c] = p, number
            pending.append((number, p, c))
    # Only what hangs from the source is the cascade.
    connected = {root} if root is not None else set()
    for c in list(parent_of):
        chain = [c]
        while chain[-1] not in connected and chain[-1] in parent_of:
            chain.append(parent_of[chain[-1]])
        if chain[-1] in connected:
            connected.update(chain)
    for number, _p, c in pending:
        if c not in connected:
            rejected.append((number, "its parent is not linked to the source by any line"))
    rejected.sort()

    source_ms = snowflake_ms(source_id) if source_id.strip().isdigit() else 0
    ids = {n: f"t{n[0]}-{n[1]!r}" for n in connected}
    children: dict[tuple, list[tuple]] = {}
    for c in connected:
        if c != root:
            children.setdefault(parent_of[c], []).append(c)
    rows: list[dict[str, str]] = []
    parents: dict[str, str | None] = {}
    if root is not None:
        stack = [(root, source_ms + round(root[1] * 60_000))]
        while stack:
            node, ms = stack.pop()
            own = source_ms + round(node[1] * 60_000)
            notes = ""
            if node != root and own < ms:
                notes = (
                    f"retweeted {node[1]:g} min after the source per the data set, before its "
                    f"parent ({parent_of[node][1]:g} min); dated as its parent"
                )
            else:
                ms = own
            tid = tweet_of.get(node, "")
            if node == root:
                headline, stance = source_text, "originates"
                url = f"https://twitter.com/i/web/status/{tid or source_id}"
                if tid and tid != source_id:
                    notes = (
                        f"the tree's root is tweet {tid} (at {node[1]:g} min), not the labelled "
                        f"source tweet {source_id}; the headline is the labelled tweet's text"
                    )
            elif tid and tid != source_id:
                headline, stance = f"tweet {tid} (its text is not in the data set)", "repeats"
                url = f"https://twitter.com/i/web/status/{tid}"
            else:
                headline = f"RT: {source_text}" if source_text else "RT"
                stance, url = "repeats", ""
            parent = ids[parent_of[node]] if node != root else None
            parents[ids[node]] = parent
            rows.append(
                _row(
                    id=ids[node],
                    date=_iso(ms),
                    outlet=f"user {node[0]}",
                    outlet_type="social",
                    headline=headline,
                    url=url,
                    cites=parent or "",
                    stance=stance,
                    evidence="primary",
                    notes=notes,
                )
            )
            for child in sorted(children.get(node, []), key=lambda n: (n[1], n[0]), reverse=True):
                stack.append((child, ms))
    rows.sort(key=lambda r: (r["date"], r["id"]))
    return Cascade(
        name=f"{dataset}-{source_id}",
        rows=rows,
        parents=parents,
        label=label,
        rejected=rejected,
        lines=len(lines),
        dataset=dataset,
        claim=source_text,
        used=len(lines) - len(rejected),
    )


def _reaches(parent_of: dict, start, target) -> bool:
    """Whether `target` is `start` or one of its ancestors."""
    node = start
    while node is not None:
        if node == target:
            return True
        node = parent_of.get(node)
    return False


def read_labels(text: str) -> dict[str, str]:
    """label.txt: 'label:source_id' a line → {source_id: label}."""
    out = {}
    for line in text.splitlines():
        label, _, tid = line.strip().partition(":")
        if tid.strip():
            out[tid.strip()] = label.strip()
    return out


def read_source_texts(text: str) -> dict[str, str]:
    """source_tweets_text.csv (tweet_id,tweet_text,label) → {tweet_id: text}."""
    return {
        r["tweet_id"].strip(): (r.get("tweet_text") or "").strip()
        for r in csv.DictReader(io.StringIO(text))
        if r.get("tweet_id")
    }


def _tree_files(root: Path, dataset: str) -> Iterator[tuple[str, str]]:
    """(source_id, text) of each tree: from `root/dataset/tree/` if present, else the tgz."""
    folder = root / dataset / "tree"
    if folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            yield path.stem, path.read_text(encoding="utf-8")
        return
    tgz = root if root.is_file() else root / "trees_twitter15_16_full.tgz"
    with tarfile.open(tgz) as tar:
        for member in tar:
            parts = member.name.split("/")
            if member.isfile() and parts[-1].endswith(".txt") and f"{dataset}" in parts[:-1]:
                handle = tar.extractfile(member)
                if handle is not None:
                    yield parts[-1][:-4], handle.read().decode("utf-8")


def twitter_cascades(
    root: Path, dataset: str, limit: int | None = None, min_size: int = 0, tree: str | None = None
) -> Iterator[Cascade]:
    """Each tree of `dataset` (twitter15 or twitter16) under `root` (the folder holding
    `twitter1X/label.txt`, `twitter1X/source_tweets_text.csv` and the trees as `twitter1X/tree/`
    or `trees_twitter15_16_full.tgz`), in file order; `min_size`: at least this many events;
    `limit`: at most this many cascades; `tree`: only this source id."""
    if dataset not in TWITTER_DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(TWITTER_DATASETS)}")
    root = Path(root)
    folder = root.parent if root.is_file() else root
    labels_file = folder / dataset / "label.txt"
    texts_file = folder / dataset / "source_tweets_text.csv"
    labels = read_labels(labels_file.read_text(encoding="utf-8")) if labels_file.exists() else {}
    texts = read_source_texts(texts_file.read_text(encoding="utf-8")) if texts_file.exists() else {}
    count = 0
    for source_id, text in _tree_files(root, dataset):
        if tree is not None and source_id != tree:
            continue
        if limit is not None and count >= limit:
            return
        cascade = read_twitter_tree(
            text, source_id, labels.get(source_id, ""), texts.get(source_id, ""), dataset
        )
        if len(cascade.rows) < min_size:
            continue
        count += 1
        yield cascade
        if tree is not None:
            return


# --- PHEME / RumourEval 2017 -----------------------------------------------------------------


def _walk(tree: object, parent: str | None, out: list[tuple[str, str | None]]) -> None:
    """The nodes of a structure in depth-first order, as (post id, parent id)."""
    if not isinstance(tree, dict):
        return
    for post, sub in tree.items():
        out.append((str(post), parent))
        _walk(sub, str(post), out)


def read_pheme_thread(
    thread_id: str, structure: dict, posts: dict, label: str, stances: dict
) -> Cascade:
    """One thread as a Cascade. `structure` is the thread's nested {post: {child: ...} | []}
    (with or without the outer {thread_id: ...}); `posts` maps post id → {time, text}; `label`
    the veracity; `stances` post id → stance name or code. Records are the structure's nodes in
    depth-first order, numbered from 1. A post missing from `posts` (deleted) is rejected, and
    its children hang from the nearest surviving ancestor (so that ancestor is their true
    parent; their notes say so)."""
    thread_id = str(thread_id)
    outer = structure.get(thread_id) if set(structure) == {thread_id} else None
    if isinstance(outer, dict) and thread_id in outer:
        structure = outer  # given as {thread_id: {thread_id: ...}}
    nodes: list[tuple[str, str | None]] = []
    _walk(structure, None, nodes)
    rejected: list[tuple[int, str]] = []
    kept: dict[str, str | None] = {}  # post → surviving parent
    via: dict[str, str] = {}  # post → the deleted post it was re-parented over
    line_of: dict[str, int] = {}
    alive: dict[str, str | None] = {}  # any node → its nearest surviving self-or-ancestor
    root: str | None = None
    for number, (post, parent) in enumerate(nodes, 1):
        if post in line_of:
            rejected.append((number, f"duplicate of line {line_of[post]}"))
            continue
        line_of[post] = number
        up = alive.get(parent) if parent is not None else None
        entry = posts.get(post)
        if not isinstance(entry, dict) or "time" not in entry:
            rejected.append((number, f"post {post} is not in posts.json (deleted)"))
            alive[post] = up
            continue
        try:
            float(entry["time"])
        except (TypeError, ValueError):
            rejected.append((number, f"post {post} has no time that can be read"))
            alive[post] = up
            continue
        alive[post] = post
        if root is None and parent is None:
            root = post
        elif up is None:
            why = (
                f"its parent, post {parent}, is deleted and no post above it survives"
                if parent is not None
                else f"a second top-level post (the thread's source is on line {line_of[root]})"
            )
            rejected.append((number, why))
            alive[post] = None
            continue
        kept[post] = up if post != root else None
        if parent is not None and up != parent:
            via[post] = parent

    ms_of = {p: round(float(posts[p]["time"]) * 1000) for p in kept}
    dated: dict[str, int] = {}
    rows = []
    parents: dict[str, str | None] = {}
    for post in sorted(kept, key=lambda p: line_of[p]):  # parents come before children
        parent = kept[post]
        ms = ms_of[post]
        notes = []
        if post in via:
            notes.append(
                f"replied to post {via[post]}, which is deleted; linked to post {parent}, "
                "the nearest surviving post above it"
            )
        if parent is not None and ms < dated[parent]:
            notes.append(f"posted at {_iso(ms)}, before post {parent}; dated as that post")
            ms = dated[parent]
        dated[post] = ms
        entry = posts[post]
        code = str(stances.get(post, "")).strip()
        name = PHEME_STANCE_NAMES.get(code, code)
        stance = "originates" if post == root else PHEME_STANCES.get(name, "")
        text = " ".join(str(entry.get("text", "")).split())
        parents[f"p{post}"] = f"p{parent}" if parent is not None else None
        rows.append(
            _row(
                id=f"p{post}",
                date=_iso(ms),
                outlet=f"post {post}",
                outlet_type="social",
                headline=text[:HEADLINE_CHARS],
                url=f"https://twitter.com/i/web/status/{post}",
                cites=f"p{parent}" if parent is not None else "",
                stance=stance,
                evidence="primary",
                notes="; ".join(notes),
            )
        )
    claim = " ".join(str(posts.get(root, {}).get("text", "")).split()) if root else ""
    return Cascade(
        name=f"pheme-{thread_id}",
        rows=rows,
        parents=parents,
        label=label,
        rejected=rejected,
        lines=len(nodes),
        dataset="pheme",
        claim=claim,
        used=len(nodes) - len(rejected),
    )


def pheme_cascades(root: Path, split: str, thread: str | None = None) -> Iterator[Cascade]:
    """Each thread of `split` (traindev or test) under `root` (the folder holding the split
    folders, or a split folder itself), in thread_id.txt order; `thread`: only this one."""
    root = Path(root)
    folder = root if (root / "structures.json").exists() else root / split
    if not (folder / "structures.json").exists() and split not in PHEME_SPLITS:
        raise ValueError(f"split must be one of {', '.join(PHEME_SPLITS)}")
    structures = json.loads((folder / "structures.json").read_text(encoding="utf-8"))
    posts = json.loads((folder / "posts.json").read_text(encoding="utf-8"))
    threads = _lines(folder / "thread_id.txt") or list(structures)
    veracity = _lines(folder / "thread_label.txt")
    labels = {t: PHEME_VERACITY.get(v, v) for t, v in zip(threads, veracity, strict=False)}
    stances = dict(
        zip(_lines(folder / "post_id.txt"), _lines(folder / "post_label.txt"), strict=False)
    )
    for thread_id in threads:
        if thread is not None and thread_id != thread:
            continue
        if thread_id in structures:
            yield read_pheme_thread(
                thread_id, structures[thread_id], posts, labels.get(thread_id, ""), stances
            )


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- writing ---------------------------------------------------------------------------------


def events_csv(cascade: Cascade) -> bytes:
    """The cascade's events as a UTF-8 CSV with the contract's header."""
    handle = io.StringIO(newline="")
    writer = csv.DictWriter(handle, fieldnames=list(schema.COLUMN_NAMES))
    writer.writeheader()
    writer.writerows(cascade.rows)
    return handle.getvalue().encode("utf-8")


def write_case(cascade: Cascade, out_dir: Path) -> Path:
    """Write `events.csv` (UTF-8, the contract's header) and `case.json` into `out_dir`
    (created if missing); return the CSV's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "events.csv"
    path.write_bytes(events_csv(cascade))
    (out_dir / "case.json").write_text(
        json.dumps(case_meta(cascade), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


def case_meta(cascade: Cascade) -> dict:
    """The case.json of an imported cascade: title, the source text as the claim, a summary
    with the dataset, label and counts, and the dataset's credit."""
    pheme = cascade.dataset == "pheme"
    what = "PHEME / RumourEval 2017 reply thread" if pheme else f"{cascade.dataset} retweet tree"
    summary = (
        f"A {what} ({cascade.name}) with its true parents as `cites`; label "
        f"{cascade.label or 'none'}. {len(cascade.rows)} events from {cascade.lines} input "
        f"{'records' if pheme else 'lines'} ({len(cascade.rejected)} rejected)."
    )
    meta = {
        "title": f"{cascade.dataset} {cascade.name.rsplit('-', 1)[-1]}",
        "claim": cascade.claim,
        "summary": summary,
        "timezone": "UTC",
        "sources": what,
        "credit": PHEME_CREDIT if pheme else TWITTER_CREDIT,
        "label": cascade.label,
        "events": len(cascade.rows),
        "lines": cascade.lines,
        "rejected": len(cascade.rejected),
    }
    return meta


_TREE_LINE = re.compile(rb"^\s*\[\s*'[^']*'\s*,\s*'[^']*'\s*,\s*'[^']*'\s*\]\s*->")


def looks_like_twitter_tree(data: bytes) -> bool:
    """Whether a file is a Twitter15/16 tree (its first line is a `[...]->[...]` edge)."""
    first = data.lstrip()[:400].split(b"\n", 1)[0]
    return bool(_TREE_LINE.match(first))


def uploaded_tree(data: bytes, name: str, dataset: str = "twitter") -> Cascade:
    """A tree file as uploaded: the source tweet's id is the file's name, as in the data sets."""
    source_id = Path(name).stem if Path(name).stem.isdigit() else "0"
    return read_twitter_tree(data.decode("utf-8", errors="replace"), source_id, dataset=dataset)


def load_twitter_tree(data: bytes, name: str, dataset: str = "twitter"):
    """An uploaded tree file as a Case, its true parents as documented `cites`. The source
    tweet's id is the file's name (as in the data sets); every tree line not used is listed as
    a warning with its line number, so nothing is dropped unseen."""
    from claimtrace.ingest import load_bytes, meta_from_dict
    from claimtrace.model import Problem

    source_id = Path(name).stem if Path(name).stem.isdigit() else "0"
    cascade = uploaded_tree(data, name, dataset)
    meta = meta_from_dict(case_meta(cascade), name)
    case = load_bytes(events_csv(cascade), name, meta)
    notes = tuple(
        Problem("warning", f"tree line not used: {reason}", line, None, "tree line")
        for line, reason in cascade.rejected
    )
    if source_id == "0":
        notes += (
            Problem(
                "warning",
                f"{name} is not named after its source tweet's id, so the dates are counted "
                "from 4 Nov 2010 (the tweet-id epoch); the delays between events are right",
            ),
        )
    return replace(case, problems=case.problems + notes)


def hide_parents(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The same rows (copies) with `cites` emptied: what a link inference gets to see."""
    return [{**r, "cites": ""} for r in rows]
