"""Inferred diffusion links: for events that name no source, their most likely sources.

Many events carry the claim without saying where they got it (their `cites` cell is empty). For
each such event (the *target*) this module proposes the earlier events it most likely picked
the claim up from, in the spirit of NetInf (Gomez-Rodriguez, Leskovec and Krause 2010): every
earlier claim-carrying event is a *candidate* parent, scored by how well it explains the
target, and the best ones are kept as links of kind "inferred". They are suggestions, never
evidence: they are never counted in documented figures.

What the user wrote is respected. No source is inferred for an event that names any source at
all (an id, an outlet or a source outside the data), nor for one whose stance says where the
claim stands for it: `originates` (it is the origin) or `context` (it does not carry the claim;
nor do `debunks`, `denies` and `confirms`, which are never targets or candidates either).

Who can be a candidate. An event that carries the claim (diffusion.carries_claim) whose
interval starts no later than the target's, other than the target itself and other than
anything the target leads to along documented links (that would make a circle). Only the
K = 200 most recent of them are looked at, plus up to 20 earlier origins (stance originates:
in a cascade of thousands the origin is the likeliest source and would else fall out of the
window), so the work is O(n·K) for n events: one vectorised numpy pass per target over a
time-sorted window, plus an inverted index for the headline similarities.

The score of a candidate is a weighted sum of features (a log-linear model, NetInf's
likelihood factors as logarithms):

* time lag: lag = hours from the end of the candidate's interval to the start of the target's
  (0 when they overlap), as log(1 + lag) and log(1 + lag/24 h): a power law, with its weights
  fitted, so that pick-ups within minutes, within a day and weeks later are all told apart.
* language and country: same, different or unknown.
* outlet type: how often documented links of the case go from the candidate's outlet type to
  the target's, P(target type | source type) with add-one smoothing, relative to a uniform
  guess (no documented links at all gives 0).
* headline: TF-IDF cosine similarity in [0, 1] (words, case and accents folded, English and
  German stopwords dropped, averaged with a character trigram cosine).
* origin: the candidate's stance is `originates` (the user says it is where the claim began),
  and the same times log(1 + lag): how that pull fades for later targets.
* latest: the candidate is the most recent one.
* followed: how many claim-carrying events started within 10 minutes and within 6 hours after
  the candidate (as log(1 + count)): a source is often followed by a burst of pick-ups.
* whom a reply addresses (the handles a text opens with, "@bob @ann …": a reply on a social
  network opens with the handle of the post it answers, then whom that post addressed):
  addresses, the overlap of whom the candidate addressed with whom the target addresses after
  its first handle; addresses_first, the candidate itself addresses that first handle (then it
  is hardly that account's own post); origin_unanswered, the candidate is an origin and the
  target answers a handle other than the one most texts of the case answer (presumably the
  origin's author). All 0 where no text opens with a handle (news coverage).

The weights are fitted (claimtrace/calibration.json, written by `bench/inference.py --fit` on
the train split of cascades whose true sources are known: Twitter15/16 retweet trees and PHEME
reply threads) where the data vary; where they do not (no language or country in those data)
they stay at their prior values: ×3 for the same language, ×1.5 for the same country.

Confidence. The scores are turned into shares, a softmax over the target's candidates plus one
pseudo-candidate that stands for "a source that is not in the data" (NetInf's ε-edge, its score
fitted too), and that share is then *calibrated*: mapped through an isotonic regression fitted
on held-out folds of the train split, so that among proposals given 40 %, about 40 % are the
true source (on the benchmark's test split: docs/inference-benchmark.md). Where the best
candidates' calibrated chances would add up to more than 1 (two origins of the same day, each
mapped to the top of the calibration), they are scaled down to add up to 1: at most one of
them is the source. Proposals below the floor (FLOOR, 5 %) are not made; nor are candidates further
before the target than all but 0.1 % of the true sources in the fitted data (the fitted lag
distribution makes such a gap implausible: `max_gap_hours` in the calibration file).
inference_report says how many candidates were left out for each reason.

The `max_per_event` best are kept; a link that would close a circle with documented or already
kept inferred links (two events of the same start date each proposed for the other) is
skipped, the more confident one winning (on a tie, the one whose source comes first by date and
row).

Each link carries a one-line reason a reader understands, e.g. "3 hours earlier, same language
(en), same country (GB); both say '100,000 volunteers'" or "2 days earlier; the claim's
origin; state_tv → tabloid seen 3× in documented links".
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from claimtrace import schema
from claimtrace.diffusion import LINK_COLUMNS, carries_claim, empty_links
from claimtrace.i18n import Translator
from claimtrace.schema import OUTLET_TYPES

Progress = Callable[[int, int], None]  # told (done, total) now and then during long work

__all__ = ["FLOOR", "InferenceReport", "infer_links", "inference_report"]

# --- model constants ---------------------------------------------------------------------------
MAX_CANDIDATES = 200  # K: the most recent earlier events looked at per target
MAX_ORIGINS = 20  # ... plus up to this many earlier origins (stance originates) before them
_EXTRA_PROPOSALS = 4  # spare candidates per target, in case a better one would close a circle

# English, then German, folded as headlines are (no accents, ß as ss).
_STOPWORD_TEXT = (
    "a an the and or but of to in on at by for from with as is are was were be been being it "
    "its this that these those he she they we you i his her their our your not no yes has have "
    "had do does did will would can could may might should says said say after before over "
    "into about up out than then so if what who whom which when where why how all any some "
    "more most other such only also just very new s t"
    " der die das den dem des ein eine einer eines einem einen und oder aber von zu im in am an "
    "auf aus bei mit nach fur uber unter vor ist sind war waren sein wird werden wurde wurden "
    "hat haben hatte es er sie wir ihr ich du nicht kein keine auch nur noch schon so wie als "
    "dass sich bis um durch gegen ohne zum zur vom beim soll sollen will wollen neue neuen"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


# --- headline similarity -----------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lowercase with accents dropped ("Über" -> "uber"), as normalize_key folds, spaces kept."""
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", _fold(text)) if w not in _STOPWORDS and w != "_"]


def _trigrams(words: list[str]) -> list[str]:
    out = []
    for w in words:
        padded = f" {w} "
        out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def _concat(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)


class _TfIdf:
    """L2-normalised TF-IDF vectors (sublinear tf, smoothed idf) with an inverted index over
    the documents in `indexed` order, so that one document's cosines against a contiguous
    range of indexed documents cost a few numpy calls per term of that document."""

    def __init__(self, docs: list[list[str]], indexed: np.ndarray):
        vocab: dict[str, int] = {}
        counts = [Counter(vocab.setdefault(t, len(vocab)) for t in doc) for doc in docs]
        df = np.zeros(len(vocab))
        for c in counts:
            for term in c:
                df[term] += 1
        idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
        self.vectors: list[tuple[np.ndarray, np.ndarray]] = []
        for c in counts:
            terms = np.fromiter(c.keys(), dtype=np.int64, count=len(c))
            tf = 1.0 + np.log(np.fromiter(c.values(), dtype=float, count=len(c)))
            weights = tf * idf[terms]
            norm = float(np.sqrt(weights @ weights))
            self.vectors.append((terms, weights / norm if norm else weights))
        # Postings: (term, position in `indexed`) sorted by term, then position.
        pos = [np.full(len(self.vectors[d][0]), p) for p, d in enumerate(indexed)]
        terms = [self.vectors[d][0] for d in indexed]
        weights = [self.vectors[d][1] for d in indexed]
        all_pos = _concat(pos, np.int64)
        all_terms = _concat(terms, np.int64)
        all_weights = _concat(weights, float)
        order = np.lexsort((all_pos, all_terms))
        self.post_pos = all_pos[order]
        self.post_w = all_weights[order]
        # One sorted key per posting, so all of a document's slices are found in one call.
        self.stride = len(indexed) + 1
        self.key = all_terms[order] * self.stride + self.post_pos
        # The same postings by position: each indexed document's terms, for cosines_at.
        self.doc_start = np.concatenate([[0], np.cumsum([len(t) for t in terms])]).astype(int)
        self.doc_terms, self.doc_w = all_terms, all_weights

    def cosines(self, doc: int, lo: int, hi: int) -> np.ndarray:
        """Cosine of document `doc` with the indexed documents at positions lo..hi-1."""
        terms, weights = self.vectors[doc]
        first = np.searchsorted(self.key, terms * self.stride + lo)
        lengths = np.searchsorted(self.key, terms * self.stride + hi) - first
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(hi - lo)
        offsets = np.cumsum(lengths) - lengths
        at = np.arange(total) + np.repeat(first - offsets, lengths)
        contributions = np.repeat(weights, lengths) * self.post_w[at]
        return np.bincount(self.post_pos[at] - lo, weights=contributions, minlength=hi - lo)

    def cosines_at(self, doc: int, positions: np.ndarray) -> np.ndarray:
        """Cosines of document `doc` with the indexed documents at `positions` (any order);
        the same numbers as cosines(doc, p, p + 1) for each, summed in the same order."""
        terms, weights = self.vectors[doc]
        if len(positions) == 0 or len(terms) == 0:
            return np.zeros(len(positions))
        first = self.doc_start[positions]
        lengths = self.doc_start[positions + 1] - first
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(len(positions))
        offsets = np.cumsum(lengths) - lengths
        at = np.arange(total) + np.repeat(first - offsets, lengths)
        owner = np.repeat(np.arange(len(positions)), lengths)
        by_term = np.argsort(terms, kind="stable")
        sorted_terms = terms[by_term]
        found = np.minimum(np.searchsorted(sorted_terms, self.doc_terms[at]), len(terms) - 1)
        match = sorted_terms[found] == self.doc_terms[at]
        rank = by_term[found[match]]  # the term's place in `doc`, as cosines() adds them up
        owner, at = owner[match], at[match]
        order = np.lexsort((rank, owner))
        contributions = weights[rank[order]] * self.doc_w[at[order]]
        return np.bincount(owner[order], weights=contributions, minlength=len(positions))

    def has_terms(self, doc: int) -> bool:
        return len(self.vectors[doc][0]) > 0


# --- the model ---------------------------------------------------------------------------------

FEATURES = (
    "lag_hours",  # log(1 + lag / 1 h)
    "lag_days",  # log(1 + lag / 24 h)
    "same_language",
    "language_unknown",
    "same_country",
    "country_unknown",
    "outlet_type",  # log P(target type | source type) relative to a uniform guess
    "headline",  # similarity in [0, 1]
    "origin",  # the candidate's stance is originates
    "origin_lag",  # origin × log(1 + lag / 1 h): how the origin's pull fades with time
    "latest",  # the most recent candidate
    "followed_minutes",  # log(1 + events starting within 10 minutes after the candidate)
    "followed_hours",  # log(1 + events starting within 6 hours after the candidate)
    "addresses",  # overlap of whom the target addresses (after its first) and the candidate
    "addresses_first",  # the candidate addresses the target's first handle: not that one's post
    "origin_unanswered",  # origin × the target answers a handle other than the most answered
)
FOLLOW_WINDOWS_HOURS = (10 / 60, 6.0)
# Prior weights: the hand-set model this one grew from (a power law (1 + lag/24 h)^-1.5, ×3 for
# the same language, ×1.5 for the same country, exp(5·similarity)); fitting starts from them
# and keeps them where the data say nothing.
PRIOR_WEIGHTS = {
    "lag_hours": 0.0,
    "lag_days": -1.5,
    "same_language": math.log(3.0),
    "language_unknown": 0.5 * math.log(3.0),
    "same_country": math.log(1.5),
    "country_unknown": 0.5 * math.log(1.5),
    "outlet_type": 1.0,
    "headline": 5.0,
    "origin": 0.0,
    "origin_lag": 0.0,
    "latest": 0.0,
    "followed_minutes": 0.0,
    "followed_hours": 0.0,
    "addresses": 0.0,
    "addresses_first": 0.0,
    "origin_unanswered": 0.0,
}
PRIOR_OUTSIDE = math.log(5.0)  # log-score of the "source not in the data" pseudo-candidate


@dataclass(frozen=True)
class Model:
    """Feature weights, the outside score and the calibration map (raw share → probability)."""

    weights: dict[str, float]
    outside: float
    calibration_x: tuple[float, ...] = ()  # increasing raw shares ...
    calibration_y: tuple[float, ...] = ()  # ... and the calibrated probability at each
    fitted_on: str = ""
    max_gap_hours: float = math.inf  # longer lags are implausible: never proposed

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(f, PRIOR_WEIGHTS[f]) for f in FEATURES])

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        if not self.calibration_x:
            return np.asarray(raw, dtype=float)
        return np.interp(raw, self.calibration_x, self.calibration_y)


PRIOR_MODEL = Model(dict(PRIOR_WEIGHTS), PRIOR_OUTSIDE)
CALIBRATION_FILE = Path(__file__).with_name("calibration.json")


def load_model(path: Path = CALIBRATION_FILE) -> Model:
    """The fitted model from calibration.json (the prior, uncalibrated, if there is none)."""
    if not path.exists():
        return PRIOR_MODEL
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        {f: float(data["weights"].get(f, PRIOR_WEIGHTS[f])) for f in FEATURES},
        float(data["outside"]),
        tuple(float(x) for x in data["calibration"]["x"]),
        tuple(float(y) for y in data["calibration"]["y"]),
        str(data.get("fitted_on", "")),
        float(data.get("max_gap_hours") or math.inf),
    )


# Read once, when the module is imported: the package's own file, the same for every user.
FITTED_MODEL = load_model()


def model() -> Model:
    """The model infer_links uses."""
    return FITTED_MODEL


def _transition_counts(events: pd.DataFrame, links: pd.DataFrame) -> np.ndarray:
    """Documented links between events, counted by (source outlet type, target outlet type)."""
    types = list(OUTLET_TYPES)
    counts = np.zeros((len(types), len(types)))
    if links.empty:
        return counts
    kind = dict(zip(events["id"], events["outlet_type"], strict=True))
    documented = links[links["kind"] == "documented"]
    for s, t in zip(documented["source"], documented["target"], strict=True):
        a, b = kind.get(s, ""), kind.get(t, "")
        if a in OUTLET_TYPES and b in OUTLET_TYPES:
            counts[types.index(a), types.index(b)] += 1
    return counts


# --- reasons -----------------------------------------------------------------------------------


def lag_phrase(
    start_diff_h: float, lag_h: float, widest_h: float, lang: str = "en", earlier: bool = True
) -> str:
    """The lag as a person says it: "same day", "dates overlap", "4 minutes earlier",
    "3 hours earlier", "2 days earlier", "5 weeks earlier", "3 years earlier" (in `lang`;
    `earlier`=False: the length only, "9 days")."""
    tr = Translator(lang)
    if lag_h <= 0:
        if widest_h > 24:
            return tr("dates overlap")
        if start_diff_h <= 0:
            return tr("same time")
        lag_h = start_diff_h  # two moments of the same day: say how far apart
        if lag_h >= 24:
            return tr("same day")
    minutes = lag_h * 60
    if minutes < 1:
        return tr("under a minute earlier") if earlier else tr("under a minute")
    days = lag_h / 24
    if minutes < 54.5:  # 59 minutes is "1 hour" to a reader
        length = tr.plural(round(minutes), "{n} minute", "{n} minutes")
    elif lag_h < 47.5:
        length = tr.plural(max(1, round(lag_h)), "{n} hour", "{n} hours")
    elif days < 13.5:
        length = tr.plural(round(days), "{n} day", "{n} days")
    elif days < 60:
        length = tr.plural(round(days / 7), "{n} week", "{n} weeks")
    elif days < 700:
        length = tr.plural(round(days / 30.44), "{n} month", "{n} months")
    else:
        length = tr.plural(round(days / 365.25), "{n} year", "{n} years")
    return tr("{length} earlier", length=length) if earlier else length


_TOKEN = re.compile(r"\w+(?:[.,'’]\w+)*")
_PHRASE_WORDS = 8  # a shared phrase longer than this is cut with "…"


def _tokens(text: str) -> list[tuple[str, str]]:
    """(as written, folded) for each word, numbers like 100,000 kept whole."""
    return [(m.group(), _fold(m.group())) for m in _TOKEN.finditer(text)]


def shared_phrase(source: str, target: str, lang: str = "en") -> str:
    """What two headlines both say, for a reason: "both say '100,000 volunteers'", "same
    headline", or "" when they share no word that is not a stopword. The longest run of words
    the two have in common (case and accents folded), in the target's writing; stopwords count
    only inside a run."""
    a, b = _tokens(source), _tokens(target)
    if not a or not b:
        return ""
    fa, fb = [w for _, w in a], [w for _, w in b]
    tr = Translator(lang)
    if fa == fb:
        return tr("same headline")
    best_len, best_end = 0, 0
    previous = [0] * (len(fb) + 1)
    for i in range(1, len(fa) + 1):
        current = [0] * (len(fb) + 1)
        for j in range(1, len(fb) + 1):
            if fa[i - 1] == fb[j - 1]:
                current[j] = previous[j - 1] + 1
                run = fb[j - current[j] : j]
                content = any(w not in _STOPWORDS for w in run)
                if content and current[j] > best_len:
                    best_len, best_end = current[j], j
        previous = current
    if best_len == 0:
        return ""
    run = b[best_end - best_len : best_end]
    # Stopwords at the edges of the run say nothing.
    while run and run[0][1] in _STOPWORDS:
        run = run[1:]
    while run and run[-1][1] in _STOPWORDS:
        run = run[:-1]
    words = [w for w, _ in run]
    if best_len == len(fa) == len(fb):
        return tr("same headline")
    text = " ".join(words[:_PHRASE_WORDS]) + (" …" if len(words) > _PHRASE_WORDS else "")
    return tr("both say '{text}'", text=text)


def _reason(
    time: str,
    language: str,
    country: str,
    phrase: str,
    origin: bool,
    transition: tuple[str, str, int, float],
    handles: tuple[str, ...] = (),
    lang: str = "en",
) -> str:
    """One line from the strongest factors: time always, then the favourable ones. `handles`:
    whom both address (the target after the one it answers)."""
    tr = Translator(lang)
    head = time
    same = [tr("same language ({language})", language=language)] if language else []
    if country:
        same.append(tr("same country ({country})", country=country))
    if same:
        head += ", " + ", ".join(same)
    parts = [head]
    if phrase:
        parts.append(phrase)
    if handles:
        shown = ", ".join(f"@{h}" for h in handles[:3]) + (" …" if len(handles) > 3 else "")
        parts.append(tr("both address {handles}", handles=shown))
    if origin:
        parts.append(tr("the claim's origin"))
    source_type, target_type, seen, log_factor = transition
    if lang != "en":  # English keeps the vocabulary's own words, as in the file
        source_type = schema.label("outlet_type", source_type, lang)
        target_type = schema.label("outlet_type", target_type, lang)
    if seen and log_factor > 0:
        parts.append(tr("{source} → {target} seen {n}× in documented links", source=source_type,
                        target=target_type, n=seen))  # fmt: skip
    return "; ".join(parts)


def _reachable(
    adjacency: dict[int, list[int]],
    start: int,
    dates: np.ndarray,
    max_date: int | None,
) -> set[int]:
    """Nodes reachable from `start` (itself excluded); with `max_date`, only through nodes
    dated no later than it (exact when no link runs backward in time)."""
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in adjacency.get(node, ()):
            if nxt not in seen and (max_date is None or dates[nxt] <= max_date):
                seen.add(nxt)
                queue.append(nxt)
    seen.discard(start)
    return seen


_NAT = np.iinfo(np.int64).min
_HOUR = 3_600_000_000_000


def _nanoseconds(dates: pd.Series) -> np.ndarray:
    """UTC nanoseconds since the epoch; NaT as _NAT."""
    naive = pd.to_datetime(dates, utc=True).dt.tz_localize(None)
    return naive.to_numpy(dtype="datetime64[ns]").view(np.int64)


@dataclass
class Candidates:
    """One target's candidates: event positions, features (one row each, FEATURES order) and
    what the reasons need."""

    target: int
    cands: np.ndarray
    features: np.ndarray
    lag_hours: np.ndarray
    same_language: np.ndarray
    same_country: np.ndarray
    similarity: np.ndarray
    type_pair: tuple[np.ndarray, int]  # candidates' outlet type index, the target's
    addresses: np.ndarray  # the target addresses whom the candidate did, and one more


@dataclass
class Setting:
    """What every target's candidates share: the events as arrays, indexes and the pool."""

    ids: np.ndarray
    start: np.ndarray
    end: np.ndarray
    rows: np.ndarray
    stance: np.ndarray
    language: np.ndarray
    country: np.ndarray
    outlet_type: np.ndarray
    headline: np.ndarray
    pool: np.ndarray
    place: np.ndarray
    targets: np.ndarray
    adjacency: dict[int, list[int]]
    monotone: bool
    counts: np.ndarray
    log_transition: np.ndarray
    type_index: np.ndarray
    skipped: dict[str, int]


_SKIP_REASONS = {
    "originates": "its stance is originates",
    "context": "its stance is context",
    "cites": "it names a source",
}


def prepare(events: pd.DataFrame, links: pd.DataFrame) -> Setting:
    """The arrays and indexes every target's candidates are drawn from."""
    n = len(events)
    ids = events["id"].astype(str).to_numpy()
    start = _nanoseconds(events["date"])
    end_raw = _nanoseconds(events["date_end"])
    end = np.where(end_raw == _NAT, start, end_raw)
    rows = events["row"].to_numpy(dtype=np.int64) if "row" in events else np.arange(n)
    claim = carries_claim(events).to_numpy(dtype=bool)
    stance = events["stance"].fillna("").astype(str).to_numpy()
    cites_empty = (events["cites"].fillna("").astype(str).str.strip() == "").to_numpy()
    outlet_type = events["outlet_type"].fillna("").astype(str).to_numpy()

    pool = np.flatnonzero(claim)
    pool = pool[np.lexsort((rows[pool], start[pool]))]
    place = np.full(n, -1)
    place[pool] = np.arange(len(pool))
    is_target = cites_empty[pool] & (stance[pool] != "originates")
    targets = pool[is_target]
    skipped = {
        "originates": int((cites_empty & (stance == "originates")).sum()),
        "context": int((cites_empty & (stance == "context")).sum()),
        "cites": int((claim & ~cites_empty).sum()),
    }

    index = {e: i for i, e in enumerate(ids)}
    documented = links[links["kind"] == "documented"] if len(links) else links
    pairs = [
        (index[s], index[t])
        for s, t in zip(documented.get("source", []), documented.get("target", []), strict=True)
        if s in index and t in index and s != t
    ]
    adjacency: dict[int, list[int]] = {}
    for s, t in pairs:
        adjacency.setdefault(s, []).append(t)
    type_names = list(OUTLET_TYPES)
    counts = _transition_counts(events, links) if n else np.zeros((1, 1))
    n_types = len(type_names)
    prior = (counts + 1.0) / (counts.sum(axis=1, keepdims=True) + n_types)
    return Setting(
        ids=ids,
        start=start,
        end=end,
        rows=rows,
        stance=stance,
        language=events["language"].fillna("").astype(str).to_numpy(),
        country=events["country"].fillna("").astype(str).to_numpy(),
        outlet_type=outlet_type,
        headline=events["headline"].fillna("").astype(str).to_numpy(),
        pool=pool,
        place=place,
        targets=targets,
        adjacency=adjacency,
        monotone=all(start[s] <= start[t] for s, t in pairs),
        counts=counts,
        log_transition=np.log(prior * n_types),
        type_index=np.array(
            [type_names.index(t) if t in OUTLET_TYPES else -1 for t in outlet_type], dtype=int
        ),
        skipped=skipped,
    )


_LEADING_HANDLES = re.compile(r"^(?:\s*[@＠]\w+)+")
_HANDLE = re.compile(r"[@＠](\w+)")


def addressed(headline: str) -> tuple[str, ...]:
    """The handles a text opens with ("@ann @bob thanks" → ("ann", "bob")), lower case: whom
    a reply on a social network is addressed to. Replying to a post that was itself addressed
    to @ann puts its author first: "@bob @ann …"."""
    lead = _LEADING_HANDLES.match(headline)
    return tuple(h.casefold() for h in _HANDLE.findall(lead.group(0))) if lead else ()


def shared_handles(source: str, target: str) -> tuple[str, ...]:
    """Whom both texts address, the target's first handle (whom it answers) left out, in the
    target's order."""
    theirs = set(addressed(source))
    mine = addressed(target)
    return tuple(h for h in mine[1:] if h in theirs and h != mine[0])


def _address_sets(headlines: np.ndarray) -> list[tuple[frozenset[str], str]]:
    """Per event, the set of handles it opens with and its first handle ("" for none)."""
    out = []
    for h in headlines.tolist():
        handles = addressed(h)
        out.append((frozenset(handles), handles[0] if handles else ""))
    return out


def _address_features(
    sets: list[tuple[frozenset[str], str]], t: int, cands: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A reply opens with the handle of the post it answers, then whom that post addressed
    (less the replier): "@bob @ann …" answers bob's "@ann …". Per candidate: the overlap
    (Jaccard) of whom the candidate addressed with whom the target addresses after its first
    handle (0 when the target addresses no one else), and whether the candidate addresses the
    target's first handle itself (then it is hardly that account's own post)."""
    own, first = sets[t]
    rest = own - {first}
    overlap = np.zeros(len(cands))
    names_first = np.zeros(len(cands))
    if not first:
        return overlap, names_first
    for k, c in enumerate(cands.tolist()):
        theirs = sets[c][0]
        if rest and theirs:
            overlap[k] = len(rest & theirs) / len(rest | theirs)
        names_first[k] = first in theirs
    return overlap, names_first


def _outside(positions: np.ndarray, excluded: set[int]) -> np.ndarray:
    """Which of `positions` are not in `excluded` (as ~np.isin, faster for the few events a
    target usually excludes: itself and what it reaches)."""
    if len(excluded) > 16:
        return ~np.isin(positions, list(excluded))
    keep = np.ones(len(positions), bool)
    for e in excluded:
        keep &= positions != e
    return keep


def _cosines(
    index: _TfIdf, t: int, early: np.ndarray, lo: int, hi: int, valid: np.ndarray
) -> np.ndarray:
    """Cosines of `t` with the pool positions `early`, then with the window lo..hi (valid)."""
    return np.concatenate([index.cosines_at(t, early), index.cosines(t, lo, hi)[valid]])


PROGRESS_EVERY = 500  # targets between two progress reports
_TYPE_FEATURE = FEATURES.index("outlet_type")


def candidates(setting: Setting, progress: Progress | None = None) -> Iterator[Candidates]:
    """Each target's candidates with their features, targets in (date, row) order. `progress`
    is told (targets looked at, all targets) every PROGRESS_EVERY targets and at the end."""
    s = setting
    pool, pool_start, start = s.pool, s.start[s.pool], s.start
    if len(s.targets) == 0 or len(pool) < 2:
        return
    word_docs = [_words(h) for h in s.headline]
    words = _TfIdf(word_docs, pool)
    grams = _TfIdf([_trigrams(w) for w in word_docs], pool)
    origin = s.stance == "originates"
    origins = np.flatnonzero(origin[pool])  # positions in the pool
    address_sets = _address_sets(s.headline)
    # The handle most replies open with: presumably the origin's author, whom they answer.
    answered = Counter(first for _, first in address_sets if first).most_common(1)
    most_answered = answered[0][0] if answered else ""
    # How many claim-carrying events followed each one closely: a source is often followed by
    # a burst of pick-ups (NetInf's hubs); a count, not a look at who cited whom.
    followed = [
        np.log1p(
            np.searchsorted(pool_start, pool_start + round(h * _HOUR), side="right")
            - np.arange(len(pool))
            - 1
        )
        for h in FOLLOW_WINDOWS_HOURS
    ]
    total = len(s.targets)
    for done, t in enumerate(s.targets.tolist()):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        hi = int(np.searchsorted(pool_start, start[t], side="right"))
        excluded = _reachable(s.adjacency, t, start, start[t] if s.monotone else None)
        excluded.add(t)
        lo = max(0, hi - MAX_CANDIDATES - len(excluded))
        window = pool[lo:hi]
        valid = _outside(window, excluded)
        if valid.sum() > MAX_CANDIDATES:
            valid &= np.cumsum(valid[::-1])[::-1] <= MAX_CANDIDATES
        # The origins (stance originates) are candidates however long ago: the user says they
        # are where the claim began.
        early = origins[origins < lo]
        if len(early):
            early = early[_outside(pool[early], excluded)][-MAX_ORIGINS:]
        if not valid.any() and not len(early):
            continue
        cands = np.concatenate([pool[early], window[valid]])
        lag = np.maximum(0, start[t] - s.end[cands]) / _HOUR
        lang_known = (s.language[cands] != "") & (s.language[t] != "")
        same_lang = lang_known & (s.language[cands] == s.language[t])
        country_known = (s.country[cands] != "") & (s.country[t] != "")
        same_country = country_known & (s.country[cands] == s.country[t])
        ct, tt = s.type_index[cands], int(s.type_index[t])
        log_type = (
            np.where(ct >= 0, s.log_transition[ct, tt], 0.0) if tt >= 0 else np.zeros(len(cands))
        )

        gram_sim = _cosines(grams, t, early, lo, hi, valid)
        if words.has_terms(t):
            similarity = 0.5 * (_cosines(words, t, early, lo, hi, valid) + gram_sim)
        else:
            similarity = gram_sim
        similarity = np.clip(similarity, 0.0, 1.0)
        latest = np.zeros(len(cands))
        latest[-1] = 1.0  # the candidates are in (date, row) order
        addresses, names_first = _address_features(address_sets, t, cands)
        first = address_sets[t][1]
        answers_other = float(bool(first) and first != most_answered)
        features = np.column_stack(
            [
                np.log1p(lag),
                np.log1p(lag / 24.0),
                same_lang,
                ~lang_known,
                same_country,
                ~country_known,
                log_type,
                similarity,
                origin[cands],
                origin[cands] * np.log1p(lag),
                latest,
                followed[0][s.place[cands]],
                followed[1][s.place[cands]],
                addresses,
                names_first,
                origin[cands] * answers_other,
            ]
        ).astype(float)
        yield Candidates(
            t, cands, features, lag, same_lang, same_country, similarity, (ct, tt), addresses
        )
    if progress is not None:
        progress(total, total)


def raw_shares(scores: np.ndarray, outside: float) -> np.ndarray:
    """Softmax shares of the candidates next to the outside pseudo-candidate."""
    top = max(float(scores.max()), outside)
    weights = np.exp(scores - top)
    return weights / (weights.sum() + math.exp(outside - top))


# --- the report --------------------------------------------------------------------------------

FLOOR = 0.05  # proposals with a calibrated confidence below this are not made
# The page's settings when it opens; the summary JSON uses them too, so both list the same links.
PAGE_PER_EVENT = 1
PAGE_MIN_CONFIDENCE = 0.25
GAP_QUANTILE = 0.999  # lags longer than this share of true sources' lags are implausible


@dataclass(frozen=True)
class InferenceReport:
    """The inferred links and what was left out, for the summary, the exports and the page.

    targets: events that could get an inferred source (carry the claim, name none, stance not
    originates); with_source: how many got one. Among each target's best `max_per_event`
    candidates: beyond_gap, those not proposed because their lag is longer than max_gap_hours
    (longer than all but GAP_QUANTILE of the true sources' lags in the fitted data: an
    implausible gap, whatever else they share); below_floor, the others not proposed because
    their calibrated confidence is below the floor; below_minimum, those at or above the floor
    but below the `min_confidence` asked for. skipped: events not looked at, by reason
    (originates, context, cites: they name a source)."""

    links: pd.DataFrame
    floor: float
    min_confidence: float
    targets: int
    with_source: int
    below_floor: int
    beyond_gap: int
    below_minimum: int
    max_gap_hours: float
    skipped: dict[str, int]
    calibrated_on: str

    def as_dict(self) -> dict:
        """The figures as JSON values (the links are left out: the summary lists them)."""
        return {
            "floor": self.floor,
            "min_confidence": self.min_confidence,
            "targets": self.targets,
            "with_source": self.with_source,
            "links": len(self.links),
            "below_floor": self.below_floor,
            "beyond_gap": self.beyond_gap,
            "below_minimum": self.below_minimum,
            "max_gap_hours": None if math.isinf(self.max_gap_hours) else self.max_gap_hours,
            "skipped": dict(self.skipped),
            "calibrated_on": self.calibrated_on,
            "sentence": self.sentence(),
        }

    def sentence(self, lang: str = "en") -> str:
        """ "12 sources inferred for 10 of 14 events; 5 candidates below the floor of 5 % (2 of
        them more than 9 days earlier, too long a gap); 3 events with stance originates left
        without one." — what the page and the exports say under the links (in `lang`)."""
        tr = Translator(lang)
        parts = [
            tr.plural(len(self.links), "{n} source inferred for {k} of {m} that name none",
                      "{n} sources inferred for {k} of {m} that name none",
                      k=tr.number(self.with_source),
                      m=tr.plural(self.targets, "{n} event", "{n} events"))
        ]  # fmt: skip
        if self.below_floor:
            parts.append(
                tr.plural(self.below_floor, "{n} candidate below the floor of {share}",
                          "{n} candidates below the floor of {share}",
                          share=tr.percent(self.floor))
            )  # fmt: skip
        if self.beyond_gap:
            gap = lag_phrase(self.max_gap_hours, self.max_gap_hours, 0, lang, earlier=False)
            parts.append(
                tr.plural(self.beyond_gap,
                          "{n} candidate more than {gap} earlier, too long a gap to propose",
                          "{n} candidates more than {gap} earlier, too long a gap to propose",
                          gap=gap)
            )  # fmt: skip
        if self.below_minimum:
            parts.append(
                tr.plural(self.below_minimum,
                          "{n} candidate below the minimum confidence of {share}",
                          "{n} candidates below the minimum confidence of {share}",
                          share=tr.percent(self.min_confidence))
            )  # fmt: skip
        for key in ("originates", "context"):
            if self.skipped.get(key):
                parts.append(
                    tr.plural(self.skipped[key], "{n} event with stance {stance} not given one",
                              "{n} events with stance {stance} not given one",
                              stance=key if lang == "en" else
                              f"„{schema.label('stance', key, lang)}“")
                )  # fmt: skip
        return "; ".join(parts) + "."


def inference_report(
    events: pd.DataFrame,
    links: pd.DataFrame,
    *,
    max_per_event: int = 2,
    min_confidence: float = 0.0,
    fitted: Model | None = None,
    floor: float = FLOOR,
    lang: str = "en",
    progress: Progress | None = None,
) -> InferenceReport:
    """Inferred links (kind "inferred") and what was left out; see InferenceReport. `lang`: the
    language of the links' reasons (claimtrace.i18n); `progress`: told (targets looked at, all
    targets) as the work goes on.

    At most `max_per_event` links per target, each with a calibrated confidence of at least the
    floor and `min_confidence`, and a one-line reason; columns are diffusion.LINK_COLUMNS. Same
    input, same output: ties go to the earlier candidate (by date, then row)."""
    m = model() if fitted is None else fitted
    minimum = max(float(min_confidence), floor)
    empty = InferenceReport(
        empty_links(), floor, float(min_confidence), 0, 0, 0, 0, 0, math.inf, {}, m.fitted_on
    )
    if events.empty or max_per_event <= 0:
        return empty
    s = prepare(events, links)
    max_gap = m.max_gap_hours
    w = m.vector
    keep = max_per_event + _EXTRA_PROPOSALS
    # (confidence, raw share, target, candidate, what its reason needs): reasons are written
    # only for the proposals kept, most are not.
    proposals: list[tuple[float, float, int, int, tuple]] = []
    below_floor = beyond_gap = below_minimum = 0
    for c in candidates(s, progress):
        t = c.target
        scores = c.features @ w
        raw = raw_shares(scores, m.outside)
        confidence = np.clip(m.calibrate(raw), 0.0, 1.0)
        # Best first; ties to the earlier candidate (date, then row).
        order = np.lexsort((s.rows[c.cands], s.start[c.cands], -raw))[:keep]
        # At most one of them is the source: their chances cannot add up to more than 1 (two
        # origins of the same day would each be mapped to the top step of the calibration).
        total = float(confidence[order].sum())
        if total > 1:
            confidence = confidence / total
        for rank, k in enumerate(order.tolist()):
            if c.lag_hours[k] > max_gap:
                beyond_gap += int(rank < max_per_event)
                continue
            if confidence[k] < floor:
                below_floor += int(rank < max_per_event)
                continue
            if confidence[k] < minimum:
                below_minimum += int(rank < max_per_event)
                continue
            ct, tt = c.type_pair
            facts = (
                float(c.lag_hours[k]),
                bool(c.same_language[k]),
                bool(c.same_country[k]),
                int(s.counts[ct[k], tt]) if ct[k] >= 0 and tt >= 0 else 0,
                float(c.features[k, _TYPE_FEATURE]),
                bool(c.addresses[k]),
            )
            proposals.append((float(confidence[k]), float(raw[k]), t, int(c.cands[k]), facts))

    # Most confident first; skip links that would close a circle (only possible between events
    # of the same start date when documented links run forward in time).
    # On equal confidence, links that run forward in (date, row) order go first.
    place, start, rows = s.place, s.start, s.rows
    proposals.sort(
        key=lambda p: (
            -p[0],
            -p[1],
            place[p[3]] > place[p[2]],
            place[p[2]],
            start[p[3]],
            rows[p[3]],
        )
    )
    kept: list[tuple[float, float, int, int, str]] = []
    per_target: Counter[int] = Counter()
    adjacency = s.adjacency
    for proposal in proposals:
        _, _, t, c, _ = proposal
        if per_target[t] >= max_per_event:
            continue
        if (not s.monotone or start[c] == start[t]) and c in _reachable(
            adjacency, t, start, start[c] if s.monotone else None
        ):
            continue
        adjacency.setdefault(c, []).append(t)
        per_target[t] += 1
        kept.append(proposal)
    kept.sort(key=lambda p: (place[p[2]], -p[0], -p[1], start[p[3]], rows[p[3]]))
    ids = s.ids
    out = pd.DataFrame(
        {
            "source": pd.Series([ids[p[3]] for p in kept], dtype=object),
            "target": pd.Series([ids[p[2]] for p in kept], dtype=object),
            "kind": pd.Series(["inferred"] * len(kept), dtype=object),
            "via": pd.Series(["inferred"] * len(kept), dtype=object),
            "entry": pd.Series([""] * len(kept), dtype=object),
            "confidence": pd.Series([p[0] for p in kept], dtype=float),
            "reason": pd.Series([_written_reason(s, p[2], p[3], p[4], lang) for p in kept],
                                dtype=object),
        }
    )  # fmt: skip
    return InferenceReport(
        out[list(LINK_COLUMNS)] if kept else empty_links(),
        floor,
        float(min_confidence),
        len(s.targets),
        len(per_target),
        below_floor,
        beyond_gap,
        below_minimum,
        max_gap,
        s.skipped,
        m.fitted_on,
    )


def _written_reason(s: Setting, t: int, cand: int, facts: tuple, lang: str) -> str:
    """The one-line reason of the proposal `cand` -> `t` (facts as inference_report keeps them)."""
    lag_hours, same_language, same_country, count, type_score, addresses = facts
    time = lag_phrase(
        (s.start[t] - s.start[cand]) / _HOUR,
        lag_hours,
        max(s.end[t] - s.start[t], s.end[cand] - s.start[cand]) / _HOUR,
        lang,
    )
    return _reason(
        time,
        s.language[t] if same_language else "",
        s.country[t] if same_country else "",
        shared_phrase(s.headline[cand], s.headline[t], lang),
        s.stance[cand] == "originates",
        (s.outlet_type[cand], s.outlet_type[t], count, type_score),
        shared_handles(s.headline[cand], s.headline[t]) if addresses else (),
        lang,
    )


def with_inferred(
    events: pd.DataFrame,
    links: pd.DataFrame,
    *,
    max_per_event: int,
    min_confidence: float,
    lang: str = "en",
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, InferenceReport]:
    """The documented links followed by the inferred ones, and the report (see
    inference_report): what the page draws when inferred links are shown."""
    report = inference_report(
        events,
        links,
        max_per_event=max_per_event,
        min_confidence=min_confidence,
        lang=lang,
        progress=progress,
    )
    return pd.concat([links, report.links], ignore_index=True), report


def infer_links(
    events: pd.DataFrame,
    links: pd.DataFrame,
    *,
    max_per_event: int = 2,
    min_confidence: float = 0.0,
) -> pd.DataFrame:
    """The links of inference_report (same settings, same links); see the module docstring."""
    return inference_report(
        events, links, max_per_event=max_per_event, min_confidence=min_confidence
    ).links
