"""Inferred diffusion links: for events that name no source, their most likely sources.

Many events carry the claim without saying where they got it (their `cites` cell is empty). For
each such event (the *target*) this module proposes the earlier events it most likely picked
the claim up from, in the spirit of NetInf (Gomez-Rodriguez, Leskovec and Krause 2010): every
earlier claim-carrying event is a *candidate* parent, scored by how well it explains the
target, and the best ones are kept as links of kind "inferred". They are suggestions, never
evidence: they are never counted in documented figures, and an event that names any source at
all (an id, an outlet or a source outside the data) gets none.

Who can be a candidate. An event that carries the claim (diffusion.carries_claim) whose
interval starts no later than the target's (it cannot have been sourced from something that
surely started later), other than the target itself and other than anything the target leads
to along documented links (that would make a circle). Only the K = 200 most recent of them are
looked at, so the work is O(n·K) for n events: one vectorised numpy pass per target over a
time-sorted window, plus an inverted index for the headline similarities.

The score of a candidate is a product of likelihood factors (added as logarithms):

* time lag: lag = hours from the end of the candidate's interval to the start of the
  target's (0 when the intervals overlap). News pick-ups follow a heavy tail (most within a day,
  some weeks later), so a power law is used rather than an exponential: (1 + lag/24 h)^-1.5.
  Same day gives 1, two days later 0.19, a week 0.044, a month 0.006.
* language: ×3 for the same language, ×1 for different ones, ×√3 when either is unknown.
* country: ×1.5 for the same country, ×1 for different ones, ×√1.5 when either is unknown.
* outlet type: how often documented links go from the candidate's outlet type to the
  target's, P(target type | source type) with add-one (Laplace) smoothing over the outlet-type
  vocabulary, times the number of types, so that "no documented links at all" gives ×1.
* headline: TF-IDF cosine similarity s in [0, 1] (fitted on all headlines of the case; words,
  case and accents folded, English and German stopwords dropped, averaged with a character
  trigram cosine that catches inflected forms and unsegmented scripts), as ×exp(5·s):
  ×1 for nothing in common, ×33 for s = 0.7, ×148 for identical headlines.

Confidence. The scores are turned into shares, as in a softmax over the target's candidates,
but with one extra pseudo-candidate of fixed score 5 that stands for "a source that is not in
the data" (NetInf's ε-edge). So a lone weak candidate does not get confidence 1.0: a single
week-old foreign candidate with an unrelated headline gets about 0.01, a same-day candidate
of the same language and country with an unrelated headline about 0.5, and one with a
near-identical headline 0.99. Confidence is thus in (0, 1), and the confidences of one
target sum to less than 1. The `max_per_event` best with confidence >= `min_confidence` are kept; a link that
would close a circle with documented or already kept inferred links (two events of the same
start date each proposed for the other) is skipped, the more confident one winning (on a
tie, the one whose source comes first by date and row).

Each link carries a one-line reason built from its strongest factors, e.g.
"same day, same language (en); headline 0.71 similar" or "2 days earlier, same language (ru);
headline 0.12 similar; state_tv → tabloid seen 3× in documented links".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, deque

import numpy as np
import pandas as pd

from claimtrace.diffusion import LINK_COLUMNS, carries_claim, empty_links
from claimtrace.schema import OUTLET_TYPES

__all__ = ["infer_links"]

# --- model constants ---------------------------------------------------------------------------
MAX_CANDIDATES = 200  # K: the most recent earlier events looked at per target
LAG_SCALE_HOURS = 24.0  # τ of the power law (1 + lag/τ)^-α
LAG_EXPONENT = 1.5  # α
SAME_LANGUAGE = 3.0
SAME_COUNTRY = 1.5
HEADLINE_WEIGHT = 5.0  # β in exp(β·similarity)
OUTSIDE_SCORE = 5.0  # score of the "source not in the data" pseudo-candidate
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

    def has_terms(self, doc: int) -> bool:
        return len(self.vectors[doc][0]) > 0


# --- the model ---------------------------------------------------------------------------------


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


def _time_phrase(start_diff_h: float, lag_h: float, widest_h: float) -> str:
    if lag_h <= 0:
        return "same day" if start_diff_h < 24 and widest_h <= 24 else "dates overlap"
    if lag_h < 47.5:
        hours = max(1, round(lag_h))
        return f"{hours} hour{'s' if hours != 1 else ''} earlier"
    return f"{round(lag_h / 24)} days earlier"


def _reason(
    start_diff_h: float,
    lag_h: float,
    widest_h: float,
    language: str,
    country: str,
    similarity: float,
    transition: tuple[str, str, int, float],
) -> str:
    """One line from the strongest factors: time always, then the favourable ones."""
    head = _time_phrase(start_diff_h, lag_h, widest_h)
    same = [f"same language ({language})"] if language else []
    if country:
        same.append(f"same country ({country})")
    if same:
        head += ", " + ", ".join(same)
    parts = [head, f"headline {similarity:.2f} similar"]
    source_type, target_type, seen, log_factor = transition
    if seen and log_factor > 0:
        parts.append(f"{source_type} → {target_type} seen {seen}× in documented links")
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


def _nanoseconds(dates: pd.Series) -> np.ndarray:
    """UTC nanoseconds since the epoch; NaT as _NAT."""
    naive = pd.to_datetime(dates, utc=True).dt.tz_localize(None)
    return naive.to_numpy(dtype="datetime64[ns]").view(np.int64)


def infer_links(
    events: pd.DataFrame,
    links: pd.DataFrame,
    *,
    max_per_event: int = 2,
    min_confidence: float = 0.0,
) -> pd.DataFrame:
    """Inferred links (kind "inferred") to each claim-carrying event with an empty `cites`.

    Returns at most `max_per_event` links per such event, each with confidence in (0, 1] of at
    least `min_confidence` and a one-line reason; columns are diffusion.LINK_COLUMNS. Same input,
    same output: ties go to the earlier candidate (by date, then row). See the module docstring.
    """
    if events.empty or max_per_event <= 0:
        return empty_links()
    n = len(events)
    ids = events["id"].astype(str).to_numpy()
    start = _nanoseconds(events["date"])
    end_raw = _nanoseconds(events["date_end"])
    end = np.where(end_raw == _NAT, start, end_raw)
    hour = 3_600_000_000_000
    rows = events["row"].to_numpy(dtype=np.int64) if "row" in events else np.arange(n)
    claim = carries_claim(events).to_numpy()
    cites_empty = (events["cites"].fillna("").astype(str).str.strip() == "").to_numpy()
    language = events["language"].fillna("").astype(str).to_numpy()
    country = events["country"].fillna("").astype(str).to_numpy()
    outlet_type = events["outlet_type"].fillna("").astype(str).to_numpy()

    # Candidate pool: claim-carrying events in (date, row) order.
    pool = np.flatnonzero(claim)
    pool = pool[np.lexsort((rows[pool], start[pool]))]
    pool_start = start[pool]
    place = np.full(n, -1)
    place[pool] = np.arange(len(pool))
    targets = pool[cites_empty[pool]]
    if len(targets) == 0 or len(pool) < 2:
        return empty_links()

    # Documented links among events, as positions.
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
    # When no documented link runs backward in time, searches can stop at the target's date.
    monotone = all(start[s] <= start[t] for s, t in pairs)

    # Outlet-type transition prior, as a log factor relative to a uniform guess.
    type_names = list(OUTLET_TYPES)
    counts = _transition_counts(events, links)
    n_types = len(type_names)
    prior = (counts + 1.0) / (counts.sum(axis=1, keepdims=True) + n_types)
    log_transition = np.log(prior * n_types)
    type_index = np.array([type_names.index(t) if t in OUTLET_TYPES else -1 for t in outlet_type])

    # Headline similarity: words and character trigrams, both indexed over the pool.
    word_docs = [_words(h) for h in events["headline"].fillna("").astype(str)]
    words = _TfIdf(word_docs, pool)
    grams = _TfIdf([_trigrams(w) for w in word_docs], pool)

    log_lang_unknown = 0.5 * math.log(SAME_LANGUAGE)
    log_country_unknown = 0.5 * math.log(SAME_COUNTRY)
    log_outside = math.log(OUTSIDE_SCORE)
    keep = max_per_event + _EXTRA_PROPOSALS
    proposals: list[tuple[float, int, int, str]] = []  # (confidence, target, candidate, reason)

    for t in targets.tolist():
        hi = int(np.searchsorted(pool_start, start[t], side="right"))
        excluded = _reachable(adjacency, t, start, start[t] if monotone else None)
        excluded.add(t)
        lo = max(0, hi - MAX_CANDIDATES - len(excluded))
        window = pool[lo:hi]
        valid = ~np.isin(window, list(excluded))
        if valid.sum() > MAX_CANDIDATES:
            valid &= np.cumsum(valid[::-1])[::-1] <= MAX_CANDIDATES
        if not valid.any():
            continue
        cands = window[valid]

        lag = np.maximum(0, start[t] - end[cands]) / hour
        log_time = -LAG_EXPONENT * np.log1p(lag / LAG_SCALE_HOURS)
        lang_known = (language[cands] != "") & (language[t] != "")
        same_lang = lang_known & (language[cands] == language[t])
        log_lang = np.where(same_lang, math.log(SAME_LANGUAGE), 0.0)
        log_lang = np.where(lang_known, log_lang, log_lang_unknown)
        country_known = (country[cands] != "") & (country[t] != "")
        same_country = country_known & (country[cands] == country[t])
        log_country = np.where(same_country, math.log(SAME_COUNTRY), 0.0)
        log_country = np.where(country_known, log_country, log_country_unknown)
        ct, tt = type_index[cands], type_index[t]
        log_type = (
            np.where(ct >= 0, log_transition[ct, tt], 0.0) if tt >= 0 else np.zeros(len(cands))
        )
        gram_sim = grams.cosines(t, lo, hi)[valid]
        if words.has_terms(t):
            word_sim = words.cosines(t, lo, hi)[valid]
            similarity = 0.5 * (word_sim + gram_sim)
        else:
            similarity = gram_sim
        similarity = np.clip(similarity, 0.0, 1.0)
        log_score = log_time + log_lang + log_country + log_type + HEADLINE_WEIGHT * similarity

        top = max(float(log_score.max()), log_outside)
        total = np.exp(log_score - top).sum() + math.exp(log_outside - top)
        confidence = np.exp(log_score - top) / total
        confidence = np.clip(confidence, np.finfo(float).tiny, 1.0)
        # Best first; ties to the earlier candidate (date, then row).
        order = np.lexsort((rows[cands], start[cands], -confidence))[:keep]
        for k in order.tolist():
            if confidence[k] < min_confidence:
                break
            c = int(cands[k])
            reason = _reason(
                (start[t] - start[c]) / hour,
                float(lag[k]),
                max(end[t] - start[t], end[c] - start[c]) / hour,
                language[t] if same_lang[k] else "",
                country[t] if same_country[k] else "",
                float(similarity[k]),
                (
                    outlet_type[c],
                    outlet_type[t],
                    int(counts[ct[k], tt]) if ct[k] >= 0 and tt >= 0 else 0,
                    float(log_type[k]),
                ),
            )
            proposals.append((float(confidence[k]), t, c, reason))

    # Most confident first; skip links that would close a circle (only possible between events
    # of the same start date when documented links run forward in time).
    # On equal confidence, links that run forward in (date, row) order go first.
    proposals.sort(
        key=lambda p: (-p[0], place[p[2]] > place[p[1]], place[p[1]], start[p[2]], rows[p[2]])
    )
    kept: list[tuple[float, int, int, str]] = []
    per_target: Counter[int] = Counter()
    for proposal in proposals:
        confidence, t, c, _ = proposal
        if per_target[t] >= max_per_event:
            continue
        if (not monotone or start[c] == start[t]) and c in _reachable(
            adjacency, t, start, start[c] if monotone else None
        ):
            continue
        adjacency.setdefault(c, []).append(t)
        per_target[t] += 1
        kept.append(proposal)
    if not kept:
        return empty_links()

    kept.sort(key=lambda p: (place[p[1]], -p[0], start[p[2]], rows[p[2]]))
    out = pd.DataFrame(
        {
            "source": pd.Series([ids[p[2]] for p in kept], dtype=object),
            "target": pd.Series([ids[p[1]] for p in kept], dtype=object),
            "kind": pd.Series(["inferred"] * len(kept), dtype=object),
            "via": pd.Series(["inferred"] * len(kept), dtype=object),
            "entry": pd.Series([""] * len(kept), dtype=object),
            "confidence": pd.Series([p[0] for p in kept], dtype=float),
            "reason": pd.Series([p[3] for p in kept], dtype=object),
        }
    )
    return out[list(LINK_COLUMNS)]
