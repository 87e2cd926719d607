"""Synthetic cases for the benchmarks: seeded, so the same size and seed give the same file.

A case of n events looks like a claim that went round the world: a few origins in state media,
then branching cascades (each event picks up the claim from an earlier one, after a heavy-tailed
delay), outlets drawn Zipf-like (a few outlets publish a lot, most publish once or twice), some
dates known only to the day or as a range of days, and a third of the events naming their
source (mostly by id, some by outlet name, a few a source outside the data).

    python bench/synth.py 10000 --out /tmp/events-10k.csv [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

START = pd.Timestamp("2022-08-02 06:00")  # wall-clock, in the case's zone (UTC)
ORIGINS = 3
CITE_SHARE = 1 / 3
UNCERTAIN_SHARE = 0.05  # a range of days (date + date_end)
DAY_ONLY_SHARE = 0.10  # the day is known, the time is not

# (outlet_type, weight) of ordinary outlets; state outlets are made apart.
TYPES = (("tabloid", 14), ("broadsheet", 12), ("digital", 18), ("social", 22), ("blog", 10),
         ("broadcaster", 8), ("wire", 4), ("aggregator", 6), ("specialist", 3),
         ("fact_checker", 2), ("politician", 1))  # fmt: skip
# (country, language, weight)
PLACES = (("US", "en", 20), ("GB", "en", 12), ("RU", "ru", 10), ("DE", "de", 8), ("FR", "fr", 7),
          ("KR", "ko", 6), ("UA", "uk", 6), ("IN", "en", 6), ("JP", "ja", 5), ("ES", "es", 4),
          ("BR", "pt", 4), ("IT", "it", 3), ("CH", "de", 2), ("AT", "de", 2), ("PL", "pl", 2),
          ("TR", "tr", 2), ("AU", "en", 2), ("CA", "en", 2))  # fmt: skip
STANCES = (("repeats", 68), ("questions", 10), ("", 7), ("debunks", 8), ("context", 4),
           ("denies", 2.5), ("confirms", 0.5))  # fmt: skip
EVIDENCE = (("primary", 60), ("secondary", 30), ("unverified", 10))
WORDS = ("North Korea", "Russia", "volunteers", "troops", "Kim", "Putin", "offer", "Donbas",
         "soldiers", "state TV", "claims", "reportedly", "100,000", "report", "denies", "ready",
         "send", "war", "Ukraine", "Pyongyang", "Moscow", "deal", "rebuild", "workers")  # fmt: skip


def _pick(rng: np.random.Generator, table: tuple, size: int) -> np.ndarray:
    weights = np.array([row[-1] for row in table], dtype=float)
    return rng.choice(len(table), size=size, p=weights / weights.sum())


def generate(n: int, seed: int = 0) -> pd.DataFrame:
    """A case of `n` events (n >= 10) as the table a journalist would upload."""
    if n < 10:
        raise ValueError("a synthetic case needs at least 10 events")
    rng = np.random.default_rng(seed)

    # Outlets: a pool of n/20 (at least 40), each with a fixed type, country and language;
    # how often each publishes follows a Zipf-like law (weight 1 / rank^1.1).
    n_outlets = max(40, n // 20)
    kinds = _pick(rng, TYPES, n_outlets)
    places = _pick(rng, PLACES, n_outlets)
    outlet_type = np.array([TYPES[k][0] for k in kinds], dtype=object)
    country = np.array([PLACES[p][0] for p in places], dtype=object)
    language = np.array([PLACES[p][1] for p in places], dtype=object)
    # The first outlets are the state media the claim starts in.
    for i, kind in enumerate(("state_tv", "state_agency", "state_agency", "state_official")):
        outlet_type[i], country[i], language[i] = kind, "RU", "ru"
    names = np.array([f"Outlet {i:05d}" for i in range(n_outlets)], dtype=object)
    names[:4] = ["Rossiya 1", "Regnum", "RIA Novosti", "Russian MFA"]
    zipf = 1.0 / np.arange(1, n_outlets + 1) ** 1.1
    outlet = rng.choice(n_outlets, size=n, p=zipf / zipf.sum())
    outlet[:ORIGINS] = [0, 1, 2]

    # Branching cascades: event i picks up the claim from an earlier event, mostly a recent one
    # (news travels in bursts), after a log-normal delay (median 3 hours, a long tail of days).
    parent = np.full(n, -1)
    minutes = np.zeros(n)
    minutes[:ORIGINS] = [0, 95, 610]
    delays = rng.lognormal(mean=np.log(180), sigma=1.4, size=n)
    recent = rng.random(n) < 0.7
    for i in range(ORIGINS, n):
        lo = max(0, i - 200) if recent[i] else 0
        p = int(rng.integers(lo, i))
        parent[i] = p
        minutes[i] = minutes[p] + delays[i]
    # Mostly claim-carrying; the first denial is the state official's, as in real cases.
    stance = np.array([STANCES[s][0] for s in _pick(rng, STANCES, n)], dtype=object)
    stance[:ORIGINS] = "originates"
    stance[outlet == 3] = "denies"

    ids = np.array([f"e{i:06d}" for i in range(n)], dtype=object)
    when = START + pd.to_timedelta(np.round(minutes), unit="min")
    kind = rng.random(n)
    uncertain = kind < UNCERTAIN_SHARE
    day_only = (kind >= UNCERTAIN_SHARE) & (kind < UNCERTAIN_SHARE + DAY_ONLY_SHARE)
    date = np.where(
        uncertain | day_only,
        when.strftime("%Y-%m-%d"),
        when.strftime("%Y-%m-%dT%H:%M"),
    )
    date_end = np.where(
        uncertain,
        (when + pd.to_timedelta(rng.integers(1, 6, n), unit="D")).strftime("%Y-%m-%d"),
        "",
    )

    # A third name their source: by id, sometimes by the outlet's name, rarely one not in the data.
    cites = np.full(n, "", dtype=object)
    citing = np.flatnonzero(rng.random(n) < CITE_SHARE)
    citing = citing[citing >= ORIGINS]
    how = rng.random(len(citing))
    for i, h in zip(citing, how, strict=True):
        if h < 0.8:
            cites[i] = ids[parent[i]]
        elif h < 0.97:
            cites[i] = names[outlet[parent[i]]]
        else:
            cites[i] = f"Telegram channel {int(rng.integers(0, 20))}"

    word = rng.integers(0, len(WORDS), size=(n, 5))
    headline = [" ".join(WORDS[w] for w in row) for row in word]
    evidence = np.array([EVIDENCE[e][0] for e in _pick(rng, EVIDENCE, n)], dtype=object)
    frame = pd.DataFrame(
        {
            "id": ids,
            "date": date,
            "date_end": date_end,
            "outlet": names[outlet],
            "outlet_type": outlet_type[outlet],
            "country": country[outlet],
            "language": language[outlet],
            "headline": headline,
            "url": [f"https://example.org/{o}/{i}" for o, i in zip(outlet, range(n), strict=True)],
            "cites": cites,
            "stance": stance,
            "evidence": evidence,
        }
    )
    # Files come in no particular order.
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def write_csv(n: int, path: Path, seed: int = 0) -> Path:
    """Write the case of `n` events as a UTF-8 CSV (the format journalists upload most)."""
    generate(n, seed).to_csv(path, index=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(write_csv(args.events, args.out, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
