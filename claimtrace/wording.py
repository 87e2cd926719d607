"""How the words of a claim changed from hop to hop: a word-level diff along documented links.

The story of a claim is often told by its wording: "reportedly ready to send" became "North
Korea offers 100,000 troops"; the hedges ("angeblich", "reportedly", "claims") fell away, "up
to" went, "volunteers" turned into "soldiers". This module compares, for every documented link
between two events of the data, the cited event's text (source) with the citing event's text
(target), and names such drifts so that a reader does not have to spot them in a table.

Which text is compared, per hop (the first that applies):

* ``headline_en`` when the two events are in different languages and both have one (a
  translation the user supplies): comparing a Russian headline with an English one word by word
  says nothing;
* ``quote`` when both have one (the claim's exact words beat a headline written around them);
* ``headline`` otherwise, in whatever language it is (the bundled case's headlines of Russian
  items are English renderings already; ``Hop.languages`` says what the events are in).

The named drifts are ``hedge_dropped`` and ``hedge_added`` (phrases from
``vocab/hedges.csv``), ``number_changed`` (the set of quantities differs, once "100,000",
"100 000", "100.000", "100k" and "100 тысяч" are one number and "up to" is part of it),
``term_changed`` (who is sent: "volunteers" became "soldiers") and ``attribution_dropped``
(the citing event no longer names the original source although its own source did: the
attribution decay of ``claimtrace.diffusion.attribution``, reused, not computed again).

Pure functions on a Case; nothing here imports streamlit.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claimtrace import diffusion
from claimtrace.i18n import N_, Translator
from claimtrace.model import Case

__all__ = [
    "DRIFT_KINDS",
    "Drift",
    "Hop",
    "compare",
    "drifts",
    "hedges",
    "hops",
    "quantities",
    "summary_block",
    "terms",
    "tokens",
    "word_key",
]

HEDGES_CSV = Path(__file__).resolve().parent / "vocab" / "hedges.csv"
DRIFT_KINDS = (
    "hedge_dropped",
    "hedge_added",
    "number_changed",
    "term_changed",
    "attribution_dropped",
)
# How each kind of drift is named to a reader (translated where shown, claimtrace.i18n).
DRIFT_NAMES = {
    "hedge_dropped": N_("hedge dropped"),
    "hedge_added": N_("hedge added"),
    "number_changed": N_("number changed"),
    "term_changed": N_("word changed"),
    "attribution_dropped": N_("attribution dropped"),
}


def hardens(drift: Drift) -> bool:
    """Whether a drift makes the claim sound surer or bigger on the way: a hedge dropped, a
    number changed into another (not merely left out), a key word changed. These are the
    drifts the network marks on the link (a dropped attribution is marked on the citing event
    already: diffusion's attribution decay; a hedge added softens)."""
    if drift.kind == "number_changed":
        return bool(drift.before and drift.after)
    return drift.kind in ("hedge_dropped", "term_changed")


# A headline or quote is a sentence or two; a longer cell is compared by its first words only,
# so that one pasted article cannot make the summary slow (difflib is quadratic at worst).
MAX_WORDS = 300


@dataclass(frozen=True)
class Drift:
    """One named change of wording on a hop: what it was (before) and what it became (after).

    An empty `before` means the thing was not there (a hedge added), an empty `after` that it
    went (a hedge dropped, a number no longer given)."""

    kind: str  # one of DRIFT_KINDS
    before: str
    after: str
    detail: str = ""


@dataclass(frozen=True)
class Hop:
    """One documented link compared: the cited event (source) and the citing one (target).

    `ops` is the word-level diff, every word in its original spelling, so that a UI can show
    both texts side by side and highlight word by word: (tag, source words, target words) with
    tag one of difflib's equal, replace, delete, insert. `added` and `dropped` are the words
    the target has that the source has not, and the other way round, without the punctuation
    around them (a token of punctuation only is no word).
    `text_used` is "quote", "headline" or "headline_en", or "" where one of the two events has
    no text (a hop can still have a drift then: attribution_dropped)."""

    source: str
    target: str
    text_used: str
    added: list[str]
    dropped: list[str]
    ops: list[tuple[str, list[str], list[str]]]
    drifts: list[Drift]
    languages: tuple[str, str] = ("", "")
    before: str = ""  # the source's text that was compared
    after: str = ""  # the target's

    @property
    def changed(self) -> bool:
        """Whether the wording differs at all, or a drift was found."""
        return bool(self.drifts) or any(tag != "equal" for tag, _, _ in self.ops)


# --- folding and words ---------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lowercase with accents dropped ("Möglicherweise" -> "moglicherweise", "ё" -> "е"), so
    that a hedge or a term is found however the headline capitalises or accents it."""
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# The punctuation a word carries with it ("Kremlin:", "'volunteers'", "Un…") but that does not
# make it another word. Quotes are among it: ops keep every word as written, so a UI still shows
# that one outlet put 'volunteers' in quotes, while the diff matches the word itself.
_EDGE = "\"'‘’‚‛“”„«»‹›.,;:!?…()[]{}<>*–—-/\\"
# The compilers of the bundled cases mark a headline reconstructed from a link "(from URL
# slug)": their note, not the outlet's words.
_COMPILER_NOTE = re.compile(r"\s*\(from [^()]*\)\s*$", re.IGNORECASE)


def clean(text: str) -> str:
    """The text as compared: a trailing "(from URL slug)" note taken off, spaces collapsed."""
    return " ".join(_COMPILER_NOTE.sub("", text or "").split())


def tokens(text: str) -> list[str]:
    """The words of a text, split at whitespace so punctuation stays attached to its word:
    "Kremlin:" and "'volunteers'" are one word each, a lone dash is a token of its own."""
    return clean(text).split()[:MAX_WORDS]


def word_key(token: str) -> str:
    """What two words are compared by: folded, without the punctuation around them (a token of
    punctuation only is compared as it is)."""
    folded = fold(token)
    return folded.strip(_EDGE) or folded


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def word_diff(
    before: list[str], after: list[str]
) -> tuple[list[tuple[str, list[str], list[str]]], list[str], list[str]]:
    """(ops, added, dropped) between two token lists, with difflib's SequenceMatcher on the
    words' keys (autojunk off: a headline is short, and no word should be ignored)."""
    matcher = difflib.SequenceMatcher(
        None, [word_key(t) for t in before], [word_key(t) for t in after], autojunk=False
    )
    ops, added, dropped = [], [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = before[i1:i2], after[j1:j2]
        ops.append((tag, old, new))
        if tag != "equal":
            dropped.extend(t.strip(_EDGE) for t in old if _is_word(t))
            added.extend(t.strip(_EDGE) for t in new if _is_word(t))
    return ops, added, dropped


# --- hedges --------------------------------------------------------------------------------------


def _hedge_table() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(language, phrase, pattern on folded text) for every row of hedges.csv, longest phrase
    first so that "Berichten zufolge" is found before anything inside it."""
    rows = []
    with HEDGES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            phrase = row["phrase"].strip()
            if phrase:
                words = [re.escape(w) for w in fold(phrase).split()]
                pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")
                rows.append((row["language"].strip(), phrase, pattern))
    rows.sort(key=lambda r: -len(r[1]))
    return tuple(rows)


def hedges(text: str) -> list[tuple[str, str]]:
    """The hedge phrases of hedges.csv in a text, as (language, phrase), each once, in the
    order of the table. Every language's phrases are looked for in every text, because a
    headline column often holds a translation; a phrase inside a longer one found first ("is
    said" in "is said to" is one hedge, found as the longer) is not counted again."""
    folded = fold(clean(text))
    taken: list[tuple[int, int]] = []
    found: dict[str, tuple[str, str]] = {}
    for language, phrase, pattern in HEDGE_TABLE:
        for m in pattern.finditer(folded):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append(m.span())
            found.setdefault(fold(phrase), (language, phrase))
    return list(found.values())


# --- numbers -------------------------------------------------------------------------------------

# Digits with thousands separators (",", ".", "'", "’", a space or a narrow space between groups
# of three), or plain digits with an optional decimal part.
_DIGITS = r"\d{1,3}(?:[,.'’\u00a0\u202f ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?"
_MULTIPLIERS = {
    "k": 1_000,
    "thousand": 1_000,
    "tausend": 1_000,
    "тысяч": 1_000,
    "тысячи": 1_000,
    "тысяча": 1_000,
    "тыс": 1_000,
    "mil": 1_000,  # Portuguese, Spanish "100 mil"
    "bin": 1_000,  # Turkish "100 bin"
    "tysiecy": 1_000,  # Polish, folded
    "million": 1_000_000,
    "millions": 1_000_000,
    "millionen": 1_000_000,
    "mio": 1_000_000,
    "mln": 1_000_000,
    "млн": 1_000_000,
    "миллион": 1_000_000,
    "миллиона": 1_000_000,
    "миллионов": 1_000_000,
}
_QUALIFIERS = {
    "up to": "up to",
    "as many as": "up to",
    "bis zu": "up to",
    "до": "up to",
    "more than": "more than",
    "over": "more than",
    "mehr als": "more than",
    "uber": "more than",
    "более": "more than",
    "больше": "more than",
    "свыше": "more than",
    "at least": "at least",
    "mindestens": "at least",
    "не менее": "at least",
    "about": "about",
    "around": "about",
    "some": "about",
    "roughly": "about",
    "approximately": "about",
    "nearly": "about",
    "almost": "about",
    "rund": "about",
    "etwa": "about",
    "circa": "about",
    "ca.": "about",
    "fast": "about",
    "knapp": "about",
    "около": "about",
    "примерно": "about",
    "почти": "about",
    "порядка": "about",
}
# Numbers written as words, and vague quantities ("thousands" is a quantity, not a number).
_NUMBER_WORDS = {
    "hundred thousand": 100_000,
    "one hundred thousand": 100_000,
    "a hundred thousand": 100_000,
    "ten thousand": 10_000,
    "hunderttausend": 100_000,
    "zehntausend": 10_000,
    "сто тысяч": 100_000,
    "десять тысяч": 10_000,
}
_VAGUE = {
    "hundreds of thousands": "hundreds of thousands",
    "tens of thousands": "tens of thousands",
    "thousands": "thousands",
    "hundreds": "hundreds",
    "dozens": "dozens",
    "a few dozen": "a few dozen",
    "hunderttausende": "hundreds of thousands",
    "zehntausende": "tens of thousands",
    "tausende": "thousands",
    "hunderte": "hundreds",
    "dutzende": "dozens",
    "сотни тысяч": "hundreds of thousands",
    "десятки тысяч": "tens of thousands",
    "тысячи": "thousands",
    "сотни": "hundreds",
    "десятки": "dozens",
    "milhares": "thousands",
    "binlerce": "thousands",
}


# The tables as the folded text they are looked for in.
_MULTIPLIERS = {fold(k): v for k, v in _MULTIPLIERS.items()}
_QUALIFIERS = {fold(k): v for k, v in _QUALIFIERS.items()}
_NUMBER_WORDS = {fold(k): v for k, v in _NUMBER_WORDS.items()}
_VAGUE = {fold(k): v for k, v in _VAGUE.items()}


def _alternatives(words) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


_QUANTITY = re.compile(
    r"(?:(?<!\w)(?P<qualifier>" + _alternatives(_QUALIFIERS) + r")\s+)?"
    r"(?:(?<![\w.,])(?P<digits>" + _DIGITS + r")"
    r"(?:\s?(?P<k>k)(?!\w)|\s*(?P<multiplier>" + _alternatives(set(_MULTIPLIERS) - {"k"}) + r")"
    r"(?!\w)\.?)?"
    r"|(?<!\w)(?P<words>" + _alternatives(_NUMBER_WORDS) + r")(?!\w)"
    r"|(?<!\w)(?P<vague>" + _alternatives(_VAGUE) + r")(?!\w))"
)


def _spaced(text: str) -> str:
    return " ".join(text.split())


_GROUPED = re.compile(r"\d{1,3}(?:[,.'’\u00a0\u202f ]\d{3})+")
_SEPARATOR = re.compile(r"[,.'’\u00a0\u202f ]")


def _number(digits: str) -> float:
    """'100,000', '100 000', '100.000' and "100'000" -> 100000; '1.5' and '1,5' -> 1.5. Groups
    joined by different separators are two numbers side by side ("100.000 100.000"): the
    first is taken."""
    if _GROUPED.fullmatch(digits):
        first = _SEPARATOR.search(digits).group()
        other = next((m.start() for m in _SEPARATOR.finditer(digits) if m.group() != first), None)
        return float(_SEPARATOR.sub("", digits[:other]))
    return float(digits.replace(",", "."))


def _shown(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


def quantities(text: str) -> list[str]:
    """The quantities a text gives, normalised and each once, in order: "up to 100,000",
    "100,000", "thousands". "100,000", "100 000", "100'000", "100.000", "100k", "100K", "100
    thousand", "100 тысяч", "100 mil", "hunderttausend" all give "100,000"; a qualifier before it
    ("up to", "bis zu", "более") is part of the quantity, because "up to 100,000" hardening into
    "100,000" is a change of the claim. A group of three digits after "." or "," is read as
    thousands (German "1.500" is 1,500), so an English "1.500" would be misread."""
    out: dict[str, None] = {}
    for m in _QUANTITY.finditer(fold(clean(text))):
        if m["vague"]:
            shown = _VAGUE[_spaced(m["vague"])]
        else:
            if m["words"]:
                value = float(_NUMBER_WORDS[_spaced(m["words"])])
            else:
                value = _number(m["digits"])
                unit = "k" if m["k"] else m["multiplier"]
                value *= _MULTIPLIERS[unit] if unit else 1
            shown = _shown(value)
        if m["qualifier"]:
            shown = _QUALIFIERS[_spaced(m["qualifier"])] + " " + shown
        out.setdefault(shown, None)
    return list(out)


# --- terms ---------------------------------------------------------------------------------------

# Who is sent: the word decides whether a reader pictures civilians who chose to go or an army.
# Entries are folded words; a trailing * matches any ending (Russian and German inflect).
TERMS: dict[str, tuple[str, ...]] = {
    "volunteers": (
        "volunteer*",
        "freiwillig*",
        "добровол*",
        "voluntari*",
        "gonullu*",
        "ochotnik*",
    ),
    "soldiers": (
        "soldier*",
        "troop*",
        "fighter*",
        "army",
        "armies",
        "soldat*",
        "truppe*",
        "kampfer*",
        "armee*",
        "солдат*",
        "войск*",
        "военнослужащ*",
        "боец",
        "бойц*",
        "арми*",
        "soldado*",
        "tropa*",
        "asker*",
        "zolnier*",
    ),
    "workers": (
        "worker*",
        "builder*",
        "labourer*",
        "laborer*",
        "arbeiter*",
        "bauarbeiter*",
        "рабоч*",
        "строител*",
        "trabalhador*",
        "robotnik*",
    ),
}


def _term_index() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(exact word -> group, (prefix, group) pairs) from TERMS, folded as the words they are
    compared with ("войск*" is "воиск*" then: folding drops the breve of "й")."""
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for group, words in TERMS.items():
        for word in map(fold, words):
            if word.endswith("*"):
                prefixes.append((word[:-1], group))
            else:
                exact[word] = group
    return exact, tuple(sorted(prefixes, key=lambda p: -len(p[0])))


def terms(text: str) -> dict[str, str]:
    """The TERMS groups a text uses, each with its first word as written: {"soldiers":
    "troops"}. A hyphenated word counts by its parts ("100,000-volunteer")."""
    exact, prefixes = TERM_INDEX
    out: dict[str, str] = {}
    for token in tokens(text):
        for part in re.split(r"[-‐‑]", token):
            key = word_key(part)
            group = exact.get(key) or next((g for p, g in prefixes if key.startswith(p)), None)
            if group:
                out.setdefault(group, part.strip(_EDGE))
    return out


# --- one hop -------------------------------------------------------------------------------------


def compare(
    before: str,
    after: str,
    *,
    source: str = "",
    target: str = "",
    text_used: str = "headline",
    languages: tuple[str, str] = ("", ""),
) -> Hop:
    """The word diff and the named drifts (all but attribution) from `before` to `after`."""
    old, new = tokens(before), tokens(after)
    before, after = " ".join(old), " ".join(new)  # the words compared, and no more
    ops, added, dropped = word_diff(old, new)
    found: list[Drift] = []
    old_hedges, new_hedges = hedges(before), hedges(after)
    new_keys = {fold(p) for _, p in new_hedges}
    old_keys = {fold(p) for _, p in old_hedges}
    for language, phrase in old_hedges:
        if fold(phrase) not in new_keys:
            found.append(
                Drift("hedge_dropped", phrase, "", f"the hedge {phrase!r} ({language}) went")
            )
    for language, phrase in new_hedges:
        if fold(phrase) not in old_keys:
            found.append(
                Drift("hedge_added", "", phrase, f"the hedge {phrase!r} ({language}) came in")
            )
    old_numbers, new_numbers = quantities(before), quantities(after)
    if set(old_numbers) != set(new_numbers):
        gone = [q for q in old_numbers if q not in new_numbers]
        came = [q for q in new_numbers if q not in old_numbers]
        detail = (
            f"{', '.join(gone) or 'no number'} became {', '.join(came)}"
            if came
            else f"{', '.join(gone)} no longer given"
        )
        found.append(Drift("number_changed", ", ".join(gone), ", ".join(came), detail))
    old_terms, new_terms = terms(before), terms(after)
    for group, word in old_terms.items():
        if group in new_terms:
            continue
        for other, other_word in new_terms.items():
            if other not in old_terms:
                found.append(Drift("term_changed", word, other_word, f"{group} became {other}"))
    return Hop(
        source,
        target,
        text_used,
        added,
        dropped,
        ops,
        found,
        languages,
        clean(before),
        clean(after),
    )


# --- the whole case ------------------------------------------------------------------------------


def _text(row: dict, column: str) -> str:
    value = row.get(column, "")
    return value.strip() if isinstance(value, str) else ""


def choose_text(source: dict, target: dict) -> tuple[str, str, str]:
    """(column, source text, target text) to compare, by the rule in the module's docstring;
    ("", "", "") when the two have no text in common to compare."""
    a, b = _text(source, "language"), _text(target, "language")
    if a and b and a != b and _text(source, "headline_en") and _text(target, "headline_en"):
        return "headline_en", _text(source, "headline_en"), _text(target, "headline_en")
    for column in ("quote", "headline"):
        if clean(_text(source, column)) and clean(_text(target, column)):
            return column, _text(source, column), _text(target, column)
    return "", "", ""


def _attribution(events: pd.DataFrame, links: pd.DataFrame) -> tuple[set[str], set[str]]:
    """(events whose attribution decays, events that name an origin), from
    diffusion.attribution and diffusion.origins: computed there, once, not here again."""
    decay = diffusion.attribution(events, links)
    decays = set(decay.loc[decay["decays"].astype(bool), "id"].tolist())
    naming = set(decay.loc[decay["names_origin"].astype(bool), "id"].tolist())
    naming |= set(diffusion.origins(events, links))
    return decays, naming


def _named(row: dict, outlet_of: dict[str, str]) -> str:
    """Whom an event names as its source, as outlets: its `cites` entries (an id shown as the
    outlet of that event), or its own outlet where it cites nothing (an origin)."""
    entries = diffusion.split_cites(_text(row, "cites"))
    if not entries:
        return _text(row, "outlet")
    return "; ".join(dict.fromkeys(outlet_of.get(e, e) for e in entries))


def hops(case: Case) -> list[Hop]:
    """Every documented link between two events of the data, compared, in the links' order
    (external sources have no text and are left out)."""
    events = case.events
    if events.empty or case.links.empty:
        return []
    links = case.links[case.links["kind"] == "documented"]
    wanted = ("id", "outlet", "language", "headline", "headline_en", "quote", "cites")
    columns = [c for c in wanted if c in events.columns]
    rows = {r["id"]: r for r in events[columns].to_dict("records")}
    outlet_of = {i: _text(r, "outlet") for i, r in rows.items()}
    decays, naming = _attribution(events, links)
    out = []
    for s, t in zip(links["source"].tolist(), links["target"].tolist(), strict=True):
        if s not in rows or t not in rows:
            continue
        source, target = rows[s], rows[t]
        used, before, after = choose_text(source, target)
        languages = (_text(source, "language"), _text(target, "language"))
        hop = compare(before, after, source=s, target=t, text_used=used, languages=languages)
        if t in decays and s in naming:
            hop.drifts.append(
                Drift(
                    "attribution_dropped",
                    _named(source, outlet_of),
                    _named(target, outlet_of),
                    f"{outlet_of[s]} names an origin of the claim in the data; "
                    f"{outlet_of[t]} names only {_named(target, outlet_of)}",
                )
            )
        out.append(hop)
    return out


def drifts(case: Case) -> list[Hop]:
    """The hops of the case whose wording changed or that have a named drift."""
    return [h for h in hops(case) if h.changed]


def summary_block(case: Case, found: list[Hop] | None = None) -> dict:
    """`wording_drifts` of analysis.summary: how many hops had text on both sides (compared),
    the hops that changed with their added and dropped words and named drifts, and how many
    drifts of each kind. `found` (hops(case)) saves comparing again."""
    every = hops(case) if found is None else found
    changed = [h for h in every if h.changed]
    counts = dict.fromkeys(DRIFT_KINDS, 0)
    for hop in changed:
        for d in hop.drifts:
            counts[d.kind] += 1
    return {
        "compared": sum(1 for h in every if h.text_used),
        "hops": [
            {
                "source": h.source,
                "target": h.target,
                "text_used": h.text_used,
                "languages": list(h.languages),
                "added": h.added,
                "dropped": h.dropped,
                "drifts": [
                    {"kind": d.kind, "before": d.before, "after": d.after} for d in h.drifts
                ],
            }
            for h in changed
        ],
        "counts": counts,
    }


# Read once, when the module is imported: the package's own tables, the same for every user.
HEDGE_TABLE = _hedge_table()
TERM_INDEX = _term_index()


def describe_drift(drift: Drift, lang: str = "en") -> str:
    """'hedge dropped: “reportedly”', 'number changed: “100,000” → “100k”' (in `lang`)."""
    name = Translator(lang)(DRIFT_NAMES.get(drift.kind, drift.kind.replace("_", " ")))
    if drift.before and drift.after:
        return f"{name}: “{drift.before}” → “{drift.after}”"
    return f"{name}: “{drift.before or drift.after}”"
