"""Twitter15/16 propagation trees as ClaimTrace events: real cascades for the benchmarks.

A tree file (Ma, Gao & Wong 2017) has one edge per line,
    ['parent uid', 'parent tweet id', 'delay']->['child uid', 'child tweet id', 'delay'],
the delays in minutes after the source tweet, the first line from ['ROOT', 'ROOT', '0.0'] to the
source tweet. Each node becomes an event (outlet: the user; outlet type: social), each edge a
`cites` link from the child to its parent, so ClaimTrace draws the cascade exactly as the file
has it.

Times. The source tweet's time is read from its id: since 4 Nov 2010 tweet ids are "snowflakes"
whose high bits count milliseconds, ms = (id >> 22) + 1288834974657. Older ids were plain
counters that say nothing about time; a tree whose source id is not a snowflake is refused, not
guessed (there is none in Twitter15/16: the oldest source tweet is from 2011). Each other node is
the source time plus its delay, rounded down to the second (the event then lies in that second,
which is true). The files' known quirks are kept as they are: a repeated edge line is read once,
a node with several parents cites all of them, and a child dated before its parent stays so.

    python bench/twitter.py --largest 1 --out /tmp/cascade.csv      # from the archive
    python bench/twitter.py path/to/tree/123.txt --out /tmp/123.csv
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import re
import sys
import tarfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "twitter15_16"
ARCHIVE = DATASET / "trees_twitter15_16_full.tgz"
TWEPOCH_MS = 1288834974657  # Twitter's snowflake epoch, 2010-11-04 01:42:54.657 UTC
# An id below this would decode to the snowflake epoch's first day: it is an old counter.
FIRST_SNOWFLAKE = 86_400_000 << 22


class NotASnowflake(ValueError):
    """The source tweet's id predates snowflake ids, so it does not say when it was posted."""


def snowflake_time(tweet_id: int) -> pd.Timestamp:
    """When a tweet was posted, from its snowflake id (UTC, millisecond resolution)."""
    if tweet_id < FIRST_SNOWFLAKE:
        raise NotASnowflake(
            f"tweet id {tweet_id} is older than snowflake ids (Nov 2010) and carries no time"
        )
    return pd.Timestamp((tweet_id >> 22) + TWEPOCH_MS, unit="ms", tz="UTC")


_EDGE = re.compile(r"\['([^']*)', '([^']*)', '([^']*)'\]->\['([^']*)', '([^']*)', '([^']*)'\]")


def parse_edges(lines: Iterable[str]) -> list[tuple[tuple[str, str, str], tuple[str, str, str]]]:
    """(parent, child) node triples (uid, tweet id, delay in minutes), each edge once, in order."""
    seen: dict[tuple, None] = {}
    for line in lines:
        line = line.strip()
        if not line:
            continue
        match = _EDGE.fullmatch(line)
        if match:
            parts = match.groups()
        else:  # an unusual spelling of the same Python lists
            parent, child = line.split("->")
            parts = (*ast.literal_eval(parent), *ast.literal_eval(child))
        seen.setdefault((tuple(parts[:3]), tuple(parts[3:])), None)
    return list(seen)


def tree_events(lines: Iterable[str], source_id: int, text: str = "") -> pd.DataFrame:
    """The events of one tree file; `source_id` names the file, `text` is the source tweet."""
    start = snowflake_time(source_id)
    edges = parse_edges(lines)
    order: dict[tuple, None] = {}
    parents: dict[tuple, list[tuple]] = {}
    for parent, child in edges:
        order.setdefault(child, None)
        if parent[0] != "ROOT":
            order.setdefault(parent, None)
            parents.setdefault(child, [])
            if parent not in parents[child]:
                parents[child].append(parent)

    def event_id(node: tuple) -> str:
        uid, tweet, delay = node
        return f"{uid}:{tweet}:{delay}"

    sources = {child for parent, child in edges if parent[0] == "ROOT"}
    rows = []
    for node in order:
        uid, tweet, delay = node
        when = start + pd.Timedelta(seconds=int(float(delay) * 60))
        own = int(tweet) != source_id  # a reply or quote has an id of its own
        rows.append(
            {
                "id": event_id(node),
                "date": when.strftime("%Y-%m-%d %H:%M:%S"),
                "outlet": f"user {uid}",
                "outlet_type": "social",
                "headline": text if node in sources else "",
                "url": f"https://twitter.com/i/web/status/{tweet}"
                if own or node in sources
                else "",
                "cites": ";".join(event_id(p) for p in parents.get(node, [])),
                "stance": "originates" if node in sources else "repeats",
                "notes": f"own tweet {tweet}" if own else "",
            }
        )
    return pd.DataFrame(rows)


def archive_trees() -> dict[str, tuple[str, int]]:
    """Tree member name -> (dataset, number of distinct nodes), for every tree in the archive."""
    out = {}
    with tarfile.open(ARCHIVE) as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".txt") and "/tree/" in member.name:
                lines = archive.extractfile(member).read().decode("utf-8").splitlines()
                nodes = {child for _, child in parse_edges(lines)}
                out[member.name] = (member.name.split("/")[0], len(nodes))
    return out


def source_texts() -> dict[int, str]:
    """Source tweet id -> its text (lower-cased, links as URL), from both datasets."""
    texts = {}
    for name in ("twitter15", "twitter16"):
        path = DATASET / name / "source_tweets_text.csv"
        if path.exists():
            for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
                texts[int(row["tweet_id"])] = row["tweet_text"]
    return texts


def largest(count: int = 1) -> list[tuple[str, pd.DataFrame]]:
    """The `count` largest cascades of the archive (by nodes; a tree in both datasets once),
    each as (name, events)."""
    sizes = archive_trees()
    by_tree: dict[str, tuple[int, str]] = {}
    for member, (_, nodes) in sizes.items():
        tree = Path(member).stem
        if nodes > by_tree.get(tree, (-1, ""))[0]:
            by_tree[tree] = (nodes, member)
    chosen = sorted(by_tree.items(), key=lambda kv: (-kv[1][0], kv[0]))[:count]
    texts = source_texts()
    out = []
    with tarfile.open(ARCHIVE) as archive:
        for tree, (_, member) in chosen:
            lines = archive.extractfile(member).read().decode("utf-8").splitlines()
            source = int(tree)
            out.append((member, tree_events(lines, source, texts.get(source, ""))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path, help="a tree file (else --largest)")
    parser.add_argument("--largest", type=int, default=0, help="the N largest of the archive")
    parser.add_argument("--out", type=Path, required=True, help="CSV file (or folder for N > 1)")
    args = parser.parse_args(argv)
    if args.tree:
        source = int(args.tree.stem)
        text = source_texts().get(source, "")
        try:
            events = tree_events(args.tree.read_text(encoding="utf-8").splitlines(), source, text)
        except NotASnowflake as exc:
            print(f"{args.tree}: {exc}", file=sys.stderr)
            return 2
        events.to_csv(args.out, index=False)
        print(f"{args.out}: {len(events)} events")
        return 0
    cascades = largest(max(args.largest, 1))
    for member, events in cascades:
        path = args.out if len(cascades) == 1 else args.out / f"{Path(member).stem}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        events.to_csv(path, index=False)
        print(f"{path}: {len(events)} events ({member})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
