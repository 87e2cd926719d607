"""Cascades with known sources: every tree line used or rejected with its line number and reason,
and the written case loads with its documented links equal to the true parents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrace import importers, schema
from claimtrace.importers import (
    Cascade,
    hide_parents,
    pheme_cascades,
    read_pheme_thread,
    read_twitter_tree,
    twitter_cascades,
    write_case,
)
from claimtrace.ingest import load_path

DATASETS = Path("/work/shared/datasets")
TWITTER = DATASETS / "twitter15_16"
SAMPLES = TWITTER / "sample_trees_twitter16"
PHEME = DATASETS / "pheme_rumoureval2017"
needs_twitter = pytest.mark.skipif(not SAMPLES.is_dir(), reason="Twitter15/16 sample not here")
needs_pheme = pytest.mark.skipif(not PHEME.is_dir(), reason="PHEME data not here")

S = "675065047710892033"  # a real source id: 2015-12-10T21:30:24Z by its snowflake


def node(uid: str, delay: str, tweet: str = S) -> str:
    return f"['{uid}', '{tweet}', '{delay}']"


def edge(parent: str, child: str) -> str:
    return f"{parent}->{child}"


ROOT = edge("['ROOT', 'ROOT', '0.0']", node("1", "0.0"))
A = edge(node("1", "0.0"), node("2", "1.5"))  # a normal retweet
B = edge(node("2", "1.5"), node("3", "4.0"))  # a retweet of the retweet

# (lines, events, rejected): each line form of a tree file and what becomes of it.
LINE_FORMS = {
    "root line only": ([ROOT], 1, []),
    "normal edge": ([ROOT, A], 2, []),
    "chain": ([ROOT, A, B], 3, []),
    "duplicate": ([ROOT, A, A], 2, [(3, "duplicate of line 2")]),
    "duplicate root": ([ROOT, ROOT, A], 2, [(2, "duplicate of line 1")]),
    "child earlier than parent": (
        [ROOT, edge(node("1", "0.0"), node("2", "5.0")), edge(node("2", "5.0"), node("3", "2.0"))],
        3,
        [],
    ),
    "malformed tuple": (
        [ROOT, edge("['1', '675065047710892033']", node("2", "1.5"))],
        1,
        [(2, "cannot read \"['1', '675065047710892033']\" as ['uid', 'tweet_id', 'delay']")],
    ),
    "non-numeric delay": (
        [ROOT, edge(node("1", "0.0"), node("2", "soon"))],
        1,
        [(2, "the delay 'soon' is not a number of minutes")],
    ),
    "nan delay": (
        [ROOT, edge(node("1", "0.0"), node("2", "nan"))],
        1,
        [(2, "the delay 'nan' is not a number of minutes")],
    ),
    "extra spaces": (
        [
            ROOT,
            "  [ '1' ,  '675065047710892033',  '0.0' ] ->  ['2', '675065047710892033', '1.5']  ",
        ],
        2,
        [],
    ),
    "empty line": ([ROOT, "", A], 2, [(2, "empty line")]),
    "blank line of spaces": ([ROOT, "   ", A], 2, [(2, "empty line")]),
    "not an edge": ([ROOT, "hello", A], 2, [(2, "not an edge 'parent->child'")]),
    "own parent": (
        [ROOT, edge(node("2", "1.5"), node("2", "1.5")), A],
        2,
        [(2, "the node is its own parent")],
    ),
    "second parent": (
        [
            ROOT,
            A,
            edge(node("1", "0.0"), node("4", "0.5")),
            edge(node("4", "0.5"), node("2", "1.5")),
        ],
        3,
        [(4, "the child already has a parent on line 2")],
    ),
    "gives the source a parent": (
        [ROOT, A, edge(node("2", "1.5"), node("1", "0.0"))],
        2,
        [(3, "would give the source a parent")],
    ),
    "loop off the tree": (
        [ROOT, edge(node("7", "1.0"), node("8", "2.0")), edge(node("8", "2.0"), node("7", "1.0"))],
        1,
        [(2, "its parent is not linked to the source by any line"), (3, "would close a loop")],
    ),
    "parent not linked": (
        [ROOT, edge(node("9", "1.0"), node("10", "2.0"))],
        1,
        [(2, "its parent is not linked to the source by any line")],
    ),
    "second ROOT line": (
        [ROOT, edge("['ROOT', 'ROOT', '0.0']", node("5", "0.0")), A],
        2,
        [(2, "a second ROOT line (the source is on line 1)")],
    ),
    "ROOT line last": ([A, B, ROOT], 3, []),
    "same user twice": ([ROOT, A, edge(node("2", "1.5"), node("1", "3.0"))], 3, []),
    "reply with its own tweet id": ([ROOT, edge(node("1", "0.0"), node("6", "2.0", "99"))], 2, []),
}


def check_invariants(c: Cascade) -> None:
    assert c.used + len(c.rejected) == c.lines
    assert len({r["id"] for r in c.rows}) == len(c.rows)
    assert set(c.parents) == {r["id"] for r in c.rows}
    assert [k for k, v in c.parents.items() if v is None] == [
        r["id"] for r in c.rows if r["stance"] == "originates"
    ]
    for r in c.rows:
        assert list(r) == list(schema.COLUMN_NAMES)
        assert r["cites"] == (c.parents[r["id"]] or "")
    numbers = [n for n, _ in c.rejected]
    assert numbers == sorted(set(numbers))


@pytest.mark.parametrize(("lines", "events", "rejected"), LINE_FORMS.values(), ids=LINE_FORMS)
@pytest.mark.parametrize("ending", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("final", [True, False], ids=["final-newline", "no-final-newline"])
def test_every_tree_line_is_used_or_rejected(lines, events, rejected, ending, final):
    text = ending.join(lines) + (ending if final else "")
    c = read_twitter_tree(text, S, "false", "a claim")
    assert c.lines == len(lines)
    assert len(c.rows) == events
    assert c.rejected == rejected
    check_invariants(c)


def test_tree_rows_say_who_when_and_from_whom():
    c = read_twitter_tree("\n".join([ROOT, A, B]), S, "false", "the claim", "twitter16")
    rows = {r["id"]: r for r in c.rows}
    assert list(rows) == ["t1-0.0", "t2-1.5", "t3-4.0"]
    root, rt, rt2 = rows.values()
    assert root["date"] == "2015-12-10T21:30:24Z"
    assert rt["date"] == "2015-12-10T21:31:54Z"  # 1.5 minutes later
    assert (root["stance"], rt["stance"]) == ("originates", "repeats")
    assert (root["headline"], rt["headline"]) == ("the claim", "RT: the claim")
    assert rt2["cites"] == "t2-1.5"
    assert root["outlet"] == "user 1" and root["outlet_type"] == "social"
    assert {r["evidence"] for r in c.rows} == {"primary"}
    assert c.parents == {"t1-0.0": None, "t2-1.5": "t1-0.0", "t3-4.0": "t2-1.5"}
    assert (c.label, c.name) == ("false", f"twitter16-{S}")


def test_a_child_earlier_than_its_parent_takes_its_date_and_says_so():
    lines = LINE_FORMS["child earlier than parent"][0]
    rows = {r["id"]: r for r in read_twitter_tree("\n".join(lines), S).rows}
    late = rows["t3-2.0"]
    assert late["date"] == rows["t2-5.0"]["date"]
    assert late["cites"] == "t2-5.0"
    assert "before its parent" in late["notes"]
    assert rows["t2-5.0"]["notes"] == ""


def test_same_user_twice_is_two_events():
    lines = LINE_FORMS["same user twice"][0]
    c = read_twitter_tree("\n".join(lines), S)
    assert c.parents["t1-3.0"] == "t2-1.5"
    assert {r["outlet"] for r in c.rows} == {"user 1", "user 2"}


def test_hide_parents_empties_cites_only():
    c = read_twitter_tree("\n".join([ROOT, A, B]), S)
    hidden = hide_parents(c.rows)
    assert [r["cites"] for r in hidden] == ["", "", ""]
    assert [{**r, "cites": ""} for r in c.rows] == hidden
    assert c.rows[1]["cites"] == "t1-0.0"  # the originals are untouched


def links_of(case) -> dict[str, str]:
    docs = case.links[case.links["kind"] == "documented"]
    return dict(zip(docs["target"], docs["source"], strict=True))


def assert_loads_with_true_parents(c: Cascade, out: Path) -> None:
    path = write_case(c, out)
    case = load_path(path)
    assert not case.fatal
    assert len(case.rejected) == 0
    assert len(case.events) == len(c.rows)
    assert len(case.links) == len(c.rows) - 1
    assert links_of(case) == {k: v for k, v in c.parents.items() if v is not None}
    meta = json.loads((out / "case.json").read_text(encoding="utf-8"))
    assert meta["claim"] == c.claim and meta["label"] == c.label
    assert case.meta.credit


def test_written_synthetic_tree_loads(tmp_path):
    lines = LINE_FORMS["child earlier than parent"][0] + [A.replace("1.5", "9.0")]
    c = read_twitter_tree("\r\n".join(lines), S, "true", 'a "quoted", claim')
    assert_loads_with_true_parents(c, tmp_path / "case")


@needs_twitter
@pytest.mark.parametrize("tree", sorted(p.stem for p in SAMPLES.glob("*.txt")) or ["none"])
def test_real_sample_trees_load_with_their_true_parents(tree, tmp_path):
    text = (SAMPLES / f"{tree}.txt").read_text(encoding="utf-8")
    c = read_twitter_tree(text, tree, "", "claim", "twitter16")
    check_invariants(c)
    assert all(r.startswith(("duplicate of line", "the ", "would ")) for _, r in c.rejected)
    assert_loads_with_true_parents(c, tmp_path / tree)


@needs_twitter
def test_sixteen_samples_as_the_index_says():
    index = (SAMPLES / "INDEX.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(index) == 16
    for line in index:
        tid, label, edges, when = line.split(",")[:4]
        c = read_twitter_tree((SAMPLES / f"{tid}.txt").read_text(encoding="utf-8"), tid, label)
        assert c.lines == int(edges)
        root = next(r for r in c.rows if r["stance"] == "originates")
        assert root["date"] == when


@needs_twitter
def test_twitter_cascades_read_labels_and_texts_from_the_tgz():
    first = list(twitter_cascades(TWITTER, "twitter16", limit=2, min_size=50))
    assert len(first) == 2
    for c in first:
        assert c.label in {"true", "false", "unverified", "non-rumor"}
        assert c.claim and len(c.rows) >= 50
        check_invariants(c)


@needs_pheme
@pytest.mark.parametrize("split", importers.PHEME_SPLITS)
def test_real_pheme_threads_load_with_their_true_parents(split, tmp_path):
    threads = pheme_cascades(PHEME, split)
    for _ in range(3):
        c = next(threads)
        check_invariants(c)
        assert c.label in {"true", "false", "unverified"}
        assert_loads_with_true_parents(c, tmp_path / c.name)


def test_a_deleted_post_is_rejected_and_its_replies_move_up():
    structure = {"1": {"2": {"3": [], "4": {"5": []}}, "6": []}}
    posts = {p: {"time": 1400000000 + int(p) * 60, "text": f"post {p}"} for p in "13456"}
    c = read_pheme_thread("1", structure, posts, "false", {"3": "2", "4": "query", "5": "0"})
    assert c.lines == 6
    assert c.rejected == [(2, "post 2 is not in posts.json (deleted)")]
    assert c.parents == {"p1": None, "p3": "p1", "p4": "p1", "p5": "p4", "p6": "p1"}
    rows = {r["id"]: r for r in c.rows}
    assert "post 2, which is deleted" in rows["p3"]["notes"]
    assert rows["p5"]["notes"] == ""
    stances = {k: r["stance"] for k, r in rows.items()}
    assert stances == {
        "p1": "originates",
        "p3": "debunks",
        "p4": "questions",
        "p5": "repeats",
        "p6": "",
    }
    assert rows["p1"]["date"] == "2014-05-13T16:54:20Z"
    check_invariants(c)


@pytest.mark.parametrize(
    ("structure", "posts", "rejected"),
    [
        ({"1": {"2": []}}, "12", []),
        ({"1": {"2": {"3": []}}}, "13", [(2, "post 2 is not in posts.json (deleted)")]),
        (
            {"1": [], "2": {"3": []}},
            "13",
            [
                (2, "post 2 is not in posts.json (deleted)"),
                (3, "its parent, post 2, is deleted and no post above it survives"),
            ],
        ),
        (
            {"1": [], "4": []},
            "14",
            [(2, "a second top-level post (the thread's source is on line 1)")],
        ),
        ({"1": {"2": {"1": []}}}, "12", [(3, "duplicate of line 1")]),
    ],
    ids=["reply", "deleted middle", "deleted top-level", "second top-level", "repeat"],
)
def test_pheme_records_used_or_rejected(structure, posts, rejected):
    entries = {p: {"time": 1400000000, "text": "t"} for p in posts}
    c = read_pheme_thread("1", structure, entries, "", {})
    assert c.rejected == rejected
    check_invariants(c)


def test_a_pheme_reply_posted_before_its_parent_takes_its_date():
    posts = {"1": {"time": 1400000600, "text": "a"}, "2": {"time": 1400000000, "text": "b"}}
    c = read_pheme_thread("1", {"1": {"2": []}}, posts, "", {})
    assert c.rows[1]["date"] == c.rows[0]["date"]
    assert "dated as that post" in c.rows[1]["notes"]


def test_a_root_other_than_the_labelled_tweet_says_so():
    root = edge("['ROOT', 'ROOT', '0.0']", node("1", "-33.17", "523115432736460802"))
    child = edge(node("1", "-33.17", "523115432736460802"), node("2", "0.18"))
    c = read_twitter_tree("\n".join([child, root]), S, "", "claim")
    first = c.rows[0]
    assert first["id"] == "t1--33.17" and first["stance"] == "originates"
    assert first["date"] == "2015-12-10T20:57:13Z"  # 33.17 min before, to the second (down)
    assert "523115432736460802" in first["url"] and "not the labelled" in first["notes"]
    assert c.parents["t2-0.18"] == "t1--33.17"
