"""How the words changed from hop to hop: the word diff, the named drifts, and what the bundled
case's tabloids did to the hedges of Regnum and Russian state TV."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimtrace import analysis, diffusion, wording
from claimtrace.ingest import load_path

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "cases" / "nk-100k-volunteers" / "events.csv"

H_DROP, H_ADD, NUM, TERM = "hedge_dropped", "hedge_added", "number_changed", "term_changed"

# (before, after, the drifts expected as (kind, before, after)), compared as wording.compare does.
PAIRS = [
    pytest.param(
        "North Korea reportedly ready to send troops",
        "North Korea sends troops",
        {(H_DROP, "reportedly", ""), (H_DROP, "ready to", "")},
        id="en-hedges-dropped",
    ),
    pytest.param(
        "Kim allegedly claimed he could send troops",
        "Kim sends troops",
        {(H_DROP, "allegedly", ""), (H_DROP, "claimed", ""), (H_DROP, "could", "")},
        id="en-more-hedges-dropped",
    ),
    pytest.param(
        "Unconfirmed: troops are said to be on their way, according to Regnum",
        "Troops on their way",
        {(H_DROP, "unconfirmed", ""), (H_DROP, "are said", ""), (H_DROP, "according to", "")},
        id="en-phrases-dropped-are-said-to-counted-once",
    ),
    pytest.param(
        "North Korea offers Russia troops",
        "North Korea reportedly offers Russia troops",
        {(H_ADD, "", "reportedly")},
        id="en-hedge-added",
    ),
    pytest.param(
        "Nordkorea soll angeblich Truppen schicken",
        "Nordkorea schickt Truppen",
        {(H_DROP, "soll", ""), (H_DROP, "angeblich", "")},
        id="de-hedges-dropped",
    ),
    pytest.param(
        "Berichten zufolge ist Nordkorea möglicherweise bereit, Truppen zu schicken",
        "Nordkorea schickt Truppen",
        {
            (H_DROP, "Berichten zufolge", ""),
            (H_DROP, "möglicherweise", ""),
            (H_DROP, "bereit", ""),
        },
        id="de-phrase-and-accents",
    ),
    pytest.param(
        "MOEGLICH: Nordkorea MÖGLICHERWEISE bereit",
        "Nordkorea",
        {(H_DROP, "möglicherweise", ""), (H_DROP, "bereit", "")},
        id="de-case-folded",
    ),
    pytest.param(
        "КНДР якобы готова отправить войска",
        "КНДР отправляет войска",
        {(H_DROP, "якобы", ""), (H_DROP, "готова", "")},
        id="ru-hedges-dropped",
    ),
    pytest.param(
        "По данным СМИ, КНДР, возможно, отправит войска",
        "КНДР отправит войска",
        {(H_DROP, "по данным", ""), (H_DROP, "возможно", "")},
        id="ru-phrase-dropped",
    ),
    pytest.param(
        "North Korea offers 100,000 troops",
        "North Korea offers 100 000 troops",
        set(),
        id="number-space-separated-is-the-same",
    ),
    pytest.param(
        "North Korea offers 100,000 troops",
        "North Korea offers 100k troops",
        set(),
        id="number-100k-is-the-same",
    ),
    pytest.param(
        "North Korea offers 100K troops",
        "North Korea offers 100 thousand troops",
        set(),
        id="number-100K-and-thousand",
    ),
    pytest.param(
        "Nordkorea bietet 100.000 Soldaten",
        "Nordkorea bietet 100 000 Soldaten",
        set(),
        id="number-german-dots",
    ),
    pytest.param(
        "Nordkorea bietet 100'000 Soldaten",
        "Nordkorea bietet hunderttausend Soldaten",
        set(),
        id="number-swiss-and-word",
    ),
    pytest.param(
        "КНДР предлагает 100 тысяч солдат",
        "КНДР предлагает 100 000 солдат",
        set(),
        id="number-russian-thousand",
    ),
    pytest.param(
        "Nordkorea bietet 100 Tausend Soldaten",
        "Nordkorea bietet 100k Soldaten",
        set(),
        id="number-tausend",
    ),
    pytest.param(
        "North Korea offers 100,000 troops",
        "North Korea offers thousands of troops",
        {(NUM, "100,000", "thousands")},
        id="number-to-vague-thousands",
    ),
    pytest.param(
        "North Korea could send up to 100,000 troops",
        "North Korea could send 100,000 troops",
        {(NUM, "up to 100,000", "100,000")},
        id="number-up-to-hardened",
    ),
    pytest.param(
        "North Korea offers 10,000 troops",
        "North Korea offers 100,000 troops",
        {(NUM, "10,000", "100,000")},
        id="number-tenfold",
    ),
    pytest.param(
        "North Korea offers 100,000 troops",
        "North Korea offers troops",
        {(NUM, "100,000", "")},
        id="number-no-longer-given",
    ),
    pytest.param(
        "North Korea offers 100,000 volunteers",
        "North Korea offers 100,000 troops",
        {(TERM, "volunteers", "troops")},
        id="en-volunteers-to-troops",
    ),
    pytest.param(
        "North Korea offers volunteers",
        "North Korean fighters arrive",
        {(TERM, "volunteers", "fighters")},
        id="en-volunteers-to-fighters",
    ),
    pytest.param(
        "Nordkorea bietet Freiwillige an",
        "Nordkorea bietet Truppen an",
        {(TERM, "Freiwillige", "Truppen")},
        id="de-freiwillige-to-truppen",
    ),
    pytest.param(
        "Nordkorea bietet Freiwillige an",
        "Nordkorea bietet Soldaten an",
        {(TERM, "Freiwillige", "Soldaten")},
        id="de-freiwillige-to-soldaten",
    ),
    pytest.param(
        "КНДР предлагает добровольцы",
        "КНДР предлагает войска",
        {(TERM, "добровольцы", "войска")},
        id="ru-volunteers-to-troops",
    ),
    pytest.param(
        "КНДР предложила 100 тысяч добровольцев",
        "КНДР предложила 100 000 солдат",
        {(TERM, "добровольцев", "солдат")},
        id="ru-inflected",
    ),
    pytest.param(
        "North Korean builders to help rebuild Donbas",
        "North Korean troops to help Russia",
        {(TERM, "builders", "troops")},
        id="workers-to-soldiers",
    ),
    pytest.param(
        "North Korea offers 100,000 'volunteers'",
        "North Korea offers 100,000 'volunteers'",
        set(),
        id="no-change",
    ),
    pytest.param(
        "North Korea offers 100,000 'volunteers'",
        "NORTH KOREA OFFERS 100,000 volunteers…",
        set(),
        id="case-quotes-and-punctuation-are-no-new-words",
    ),
    pytest.param(
        "North Korea ready to send 100,000 volunteers (from URL slug)",
        "North Korea ready to send 100,000 volunteers",
        set(),
        id="compiler-note-ignored",
    ),
    pytest.param(
        "Reportedly, North Korea – ready to send 100,000 volunteers – 'waits'",
        "North Korea offers Russia 100K troops!",
        {
            (H_DROP, "reportedly", ""),
            (H_DROP, "ready to", ""),
            (TERM, "volunteers", "troops"),
        },
        id="reportedly-ready-became-offers-troops",
    ),
]


def kinds(hop: wording.Hop) -> set[tuple[str, str, str]]:
    return {(d.kind, d.before.casefold(), d.after.casefold()) for d in hop.drifts}


def folded(expected: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    return {(k, b.casefold(), a.casefold()) for k, b, a in expected}


@pytest.mark.parametrize(("before", "after", "expected"), PAIRS)
def test_named_drifts_of_a_pair(before, after, expected):
    hop = wording.compare(before, after)
    assert kinds(hop) == folded(expected)


@pytest.mark.parametrize(("before", "after", "expected"), PAIRS)
def test_ops_spell_out_both_texts_word_by_word(before, after, expected):
    hop = wording.compare(before, after)
    assert [w for _, old, _ in hop.ops for w in old] == wording.tokens(before)
    assert [w for _, _, new in hop.ops for w in new] == wording.tokens(after)
    assert {tag for tag, _, _ in hop.ops} <= {"equal", "replace", "delete", "insert"}
    for tag, old, new in hop.ops:
        if tag == "equal":
            assert [wording.word_key(w) for w in old] == [wording.word_key(w) for w in new]


def test_a_pair_without_change_is_not_a_changed_hop():
    hop = wording.compare(
        "North Korea offers 100,000 'volunteers'", "north korea offers 100,000 volunteers."
    )
    assert hop.added == [] and hop.dropped == [] and hop.drifts == []
    assert not hop.changed
    # The words keep their spelling in the ops, so a UI still shows the quotes.
    assert hop.ops == [
        (
            "equal",
            ["North", "Korea", "offers", "100,000", "'volunteers'"],
            ["north", "korea", "offers", "100,000", "volunteers."],
        )
    ]


def test_added_and_dropped_are_words_without_their_punctuation():
    hop = wording.compare(
        "'There are reports that 100,000 volunteers are prepared to come'",
        "Russian state TV: North Korea offering 100,000 'volunteers'",
    )
    assert hop.dropped == ["There", "are", "reports", "that", "are", "prepared", "to", "come"]
    assert hop.added == ["Russian", "state", "TV", "North", "Korea", "offering"]
    assert ("equal", ["100,000", "volunteers"], ["100,000", "'volunteers'"]) in hop.ops


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100,000", ["100,000"]),
        ("100 000", ["100,000"]),
        ("100\u202f000", ["100,000"]),
        ("100'000", ["100,000"]),
        ("100.000", ["100,000"]),
        ("100k", ["100,000"]),
        ("100K", ["100,000"]),
        ("100 thousand", ["100,000"]),
        ("100 тысяч", ["100,000"]),
        ("100 тыс. человек", ["100,000"]),
        ("hunderttausend", ["100,000"]),
        ("100 mil soldados", ["100,000"]),
        ("100 bin asker", ["100,000"]),
        ("1.5 million", ["1,500,000"]),
        ("up to 100,000", ["up to 100,000"]),
        ("bis zu 100.000", ["up to 100,000"]),
        ("до 100 тысяч", ["up to 100,000"]),
        ("more than 100,000", ["more than 100,000"]),
        ("about 12,000 in total", ["about 12,000"]),
        ("thousands of troops", ["thousands"]),
        ("Tausende Soldaten", ["thousands"]),
        ("tens of thousands", ["tens of thousands"]),
        ("a few dozen might", ["a few dozen"]),
        ("the 100,000-volunteer reports", ["100,000"]),
        ("1,500 shipped; about 12,000 in total", ["1,500", "about 12,000"]),
        ("no numbers here", []),
        # Two numbers side by side with different separators: read as the first (it once raised).
        ("100.000 100.000 Soldaten", ["100,000"]),
        ("1,000.000", ["1,000"]),
    ],
)
def test_quantities_are_normalised(text, expected):
    assert wording.quantities(text) == expected


def test_hedges_are_data():
    table = wording.HEDGES_CSV.read_text(encoding="utf-8").splitlines()
    assert table[0] == "language,phrase"
    rows = {tuple(line.split(",", 1)) for line in table[1:]}
    for language, phrase in [
        ("en", "reportedly"),
        ("en", "allegedly"),
        ("en", "claims"),
        ("en", "ready to"),
        ("en", "is said"),
        ("de", "angeblich"),
        ("de", "Berichten zufolge"),
        ("ru", "якобы"),
        ("ru", "по словам"),
    ]:
        assert (language, phrase) in rows
    assert wording.hedges("Angeblich soll Nordkorea bereit sein") == [
        ("de", "angeblich"),
        ("de", "bereit"),
        ("de", "soll"),
    ]


# --- which text a hop compares -------------------------------------------------------------------

HEADER = ["id", "date", "outlet", "language", "headline", "headline_en", "quote", "cites"]


def test_quote_is_preferred_where_both_have_one(make_csv, load):
    case = load(
        make_csv(
            HEADER,
            [
                [
                    "a",
                    "2022-08-04",
                    "TV",
                    "en",
                    "Talk show",
                    "",
                    "there are reports 100,000 volunteers are ready to come",
                    "",
                ],
                [
                    "b",
                    "2022-08-05",
                    "Tabloid",
                    "en",
                    "Putin's new army",
                    "",
                    "100,000 soldiers come",
                    "a",
                ],
            ],
        )
    )
    [hop] = wording.drifts(case)
    assert (hop.source, hop.target, hop.text_used) == ("a", "b", "quote")
    assert hop.before.startswith("there are reports") and hop.after == "100,000 soldiers come"
    assert kinds(hop) == {
        (H_DROP, "there are reports", ""),
        (H_DROP, "ready to", ""),
        (TERM, "volunteers", "soldiers"),
    }


def test_headline_when_only_one_has_a_quote(make_csv, load):
    case = load(
        make_csv(
            HEADER,
            [
                ["a", "2022-08-04", "TV", "en", "Kim reportedly offers troops", "", "a quote", ""],
                ["b", "2022-08-05", "Tabloid", "en", "Kim offers troops", "", "", "a"],
            ],
        )
    )
    [hop] = wording.drifts(case)
    assert hop.text_used == "headline"
    assert kinds(hop) == {(H_DROP, "reportedly", "")}


def test_headline_en_across_languages_and_only_then(make_csv, load):
    rows = [
        [
            "a",
            "2022-08-04",
            "Regnum",
            "ru",
            "КНДР якобы готова отправить 100 тысяч добровольцев",
            "North Korea reportedly ready to send 100,000 volunteers",
            "",
            "",
        ],
        [
            "b",
            "2022-08-05",
            "Tabloid",
            "en",
            "North Korea offers 100,000 troops",
            "North Korea offers 100,000 troops",
            "",
            "a",
        ],
        [
            "c",
            "2022-08-06",
            "Blog",
            "ru",
            "КНДР отправит 100 000 солдат",
            "North Korea will send 100,000 soldiers",
            "",
            "a",
        ],
        [
            "d",
            "2022-08-06",
            "Other blog",
            "en",
            "North Korea sends thousands of troops",
            "",
            "",
            "a",
        ],
    ]
    case = load(make_csv(HEADER, rows))
    by_target = {h.target: h for h in wording.drifts(case)}
    # Languages differ and both have a translation: the translations are compared.
    assert by_target["b"].text_used == "headline_en"
    assert by_target["b"].languages == ("ru", "en")
    assert kinds(by_target["b"]) == {
        (H_DROP, "reportedly", ""),
        (H_DROP, "ready to", ""),
        (TERM, "volunteers", "troops"),
    }
    # Same language: the headlines themselves.
    assert by_target["c"].text_used == "headline"
    assert kinds(by_target["c"]) == {
        (H_DROP, "якобы", ""),
        (H_DROP, "готова", ""),
        (TERM, "добровольцев", "солдат"),
    }
    # Languages differ but one has no translation: the headlines, as they are.
    assert by_target["d"].text_used == "headline"
    assert (NUM, "100,000", "thousands") in kinds(by_target["d"])


def test_external_sources_and_events_without_text_are_not_compared(make_csv, load):
    case = load(
        make_csv(
            HEADER,
            [
                ["a", "2022-08-04", "TV", "en", "", "", "", ""],
                [
                    "b",
                    "2022-08-05",
                    "Tabloid",
                    "en",
                    "Kim reportedly offers troops",
                    "",
                    "",
                    "a;TASS",
                ],
            ],
        )
    )
    every = wording.hops(case)
    assert [(h.source, h.target, h.text_used) for h in every] == [("a", "b", "")]
    assert wording.drifts(case) == []
    assert wording.summary_block(case) == {
        "compared": 0,
        "hops": [],
        "counts": dict.fromkeys(wording.DRIFT_KINDS, 0),
    }


def test_attribution_dropped_is_where_diffusion_says_attribution_decays(make_csv, load):
    case = load(
        make_csv(
            HEADER,
            [
                ["a", "2022-08-04", "Russian state TV", "ru", "100,000 volunteers", "", "", ""],
                ["b", "2022-08-05", "New York Post", "en", "100,000 volunteers", "", "", "a"],
                ["c", "2022-08-06", "Blog", "en", "100,000 volunteers", "", "", "b"],
                ["d", "2022-08-07", "Other blog", "en", "100,000 volunteers", "", "", "a;b"],
            ],
        )
    )
    decay = diffusion.attribution(case.events, case.links)
    assert decay.loc[decay["decays"], "id"].tolist() == ["c"]
    [hop] = wording.drifts(case)  # the wording is the same on every hop
    assert (hop.source, hop.target) == ("b", "c")
    [drift] = hop.drifts
    assert (drift.kind, drift.before, drift.after) == (
        "attribution_dropped",
        "Russian state TV",
        "New York Post",
    )


def test_attribution_is_computed_by_diffusion_once(make_csv, load, monkeypatch):
    case = load(
        make_csv(
            HEADER,
            [
                ["a", "2022-08-04", "TV", "en", "x", "", "", ""],
                ["b", "2022-08-05", "Paper", "en", "y", "", "", "a"],
                ["c", "2022-08-06", "Blog", "en", "z", "", "", "b"],
            ],
        )
    )
    calls = []
    real = diffusion.attribution

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(diffusion, "attribution", counted)
    wording.summary_block(case)
    assert calls == [1]


def test_a_long_cell_is_compared_by_its_first_words():
    long = " ".join(["word"] * 50_000)
    hop = wording.compare(long, long + " reportedly")
    assert len(wording.tokens(long)) == wording.MAX_WORDS
    assert not hop.changed  # the hedge lies past the words compared


# --- the bundled case ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    return load_path(BUNDLED)


@pytest.fixture(scope="module")
def bundled_hops(bundled):
    return {(h.source, h.target): h for h in wording.hops(bundled)}


def headline(case, event_id: str) -> str:
    return case.events.set_index("id").loc[event_id, "headline"]


def test_bundled_tabloids_drop_the_hedges_of_regnum_and_state_tv(bundled, bundled_hops):
    regnum, tv = headline(bundled, "regnum-0802"), headline(bundled, "korotchenko-0804")
    mail, post = headline(bundled, "dailymail-0805"), headline(bundled, "nypost-0805")
    # What the data says: Regnum had North Korea "ready to send up to 100,000 soldiers", state
    # TV said "there are reports" of volunteers "prepared to" come; the tabloids say neither.
    assert "ready to send up to 100,000 soldiers" in regnum
    assert "There are reports" in tv and "prepared to" in tv and "volunteers" in tv
    for text in (mail, post):
        assert "ready to" not in text and "reports that" not in text and "prepared" not in text
    assert "Russian reports claim" in mail and "soldiers" in mail
    assert "'volunteers'" in post

    tv_to_post = bundled_hops[("korotchenko-0804", "nypost-0805")]
    assert tv_to_post.text_used == "headline"
    assert kinds(tv_to_post) == {(H_DROP, "there are reports", ""), (H_DROP, "prepared to", "")}

    tv_to_mail = bundled_hops[("korotchenko-0804", "dailymail-0805")]
    assert kinds(tv_to_mail) == {
        (H_DROP, "there are reports", ""),
        (H_DROP, "prepared to", ""),
        (H_ADD, "", "reports claim"),  # the Daily Mail attributes: "Russian reports claim"
        (TERM, "volunteers", "soldiers"),
    }

    regnum_to_mail = bundled_hops[("regnum-0802", "dailymail-0805")]
    assert kinds(regnum_to_mail) == {
        (H_DROP, "ready to", ""),
        (H_ADD, "", "reports claim"),
        (NUM, "up to 100,000", "100,000"),
    }
    assert ("regnum-0802", "nypost-0805") not in bundled_hops  # the Post cites state TV only


def test_bundled_new_york_post_readers(bundled, bundled_hops):
    hop = bundled_hops[("nypost-0805", "businessinsider-08")]
    assert (TERM, "volunteers", "troops") in kinds(hop)
    assert (H_ADD, "", "reportedly") in kinds(bundled_hops[("nypost-0805", "townhall-0808")])
    assert "100K" in headline(bundled, "townhall-0808")
    assert not {k for k, _, _ in kinds(bundled_hops[("nypost-0805", "townhall-0808")])} & {NUM}
    # Everyone who cites only the Post no longer names Russian state TV: diffusion's decay.
    decay = diffusion.attribution(bundled.events, bundled.links)
    decays = set(decay.loc[decay["decays"], "id"])
    from_post = {t for s, t in bundled_hops if s == "nypost-0805"}
    dropped = {
        t
        for (s, t), h in bundled_hops.items()
        if s == "nypost-0805" and any(d.kind == "attribution_dropped" for d in h.drifts)
    }
    assert dropped == from_post & decays
    assert {"yahoo-08", "worldtodaynews-08", "townhall-0808", "independent-0808"} <= dropped
    [drift] = [
        d
        for d in bundled_hops[("nypost-0805", "yahoo-08")].drifts
        if d.kind == "attribution_dropped"
    ]
    assert (drift.before, drift.after) == ("Russian state TV (Igor Korotchenko)", "New York Post")


def test_bundled_summary_has_wording_drifts_by_hop(bundled):
    block = analysis.summary(bundled)["wording_drifts"]
    assert block == wording.summary_block(bundled)
    json.dumps(block, ensure_ascii=False)
    assert set(block) == {"compared", "hops", "counts"}
    assert block["compared"] == sum(1 for h in wording.hops(bundled) if h.text_used)
    assert set(block["counts"]) == set(wording.DRIFT_KINDS)
    assert sum(block["counts"].values()) == sum(len(h["drifts"]) for h in block["hops"])
    assert all(n > 0 for n in block["counts"].values())
    post = next(
        h
        for h in block["hops"]
        if (h["source"], h["target"]) == ("korotchenko-0804", "nypost-0805")
    )
    assert post["text_used"] == "headline"
    assert {"kind": H_DROP, "before": "there are reports", "after": ""} in post["drifts"]
    assert "reports" in post["dropped"] and "offering" in post["added"]


def test_cli_summary_json_includes_wording_drifts():
    out = subprocess.run(
        [sys.executable, "-m", "claimtrace", "summary", str(BUNDLED), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    block = json.loads(out.stdout)["wording_drifts"]
    pairs = {(h["source"], h["target"]) for h in block["hops"]}
    assert ("regnum-0802", "dailymail-0805") in pairs
    assert block["counts"]["hedge_dropped"] > 0
