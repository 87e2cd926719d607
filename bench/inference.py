"""How right are the inferred links? A benchmark on cascades whose true sources are known.

Twitter15/16 retweet trees and PHEME (RumourEval 2017) reply threads are read by
claimtrace.importers into ClaimTrace cases, their `cites` (the true parents) are hidden, the
inference runs, and each proposal is checked against the true parent. Two baselines run on the
same targets: "latest" (the latest earlier event) and "earliest" (the earliest event, the
cascade's root). A target is an event the inference may give a source to: it carries the claim
and its stance is not originates (PHEME comments are `context`, denials `debunks`: not targets).

Splits (nothing is fitted on a test split): PHEME traindev is train, PHEME test is test;
Twitter15 and Twitter16 trees go to train or test by a hash of the tree's name with a fixed
seed (SEED), and the first --trees of each (in the archive's order) are used.

    python bench/inference.py --fit      # fit on train, write claimtrace/calibration.json
    python bench/inference.py            # the table on the test split, the reliability PNG
    python bench/inference.py --quick    # a small deterministic subset (< 60 s), for CI

Prints a markdown table: per data set and method, the targets, top-1 precision (over targets
that got a proposal), top-1 accuracy (over all), recall within the top 3, and ECE.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

from claimtrace import calibration, inference, schema  # noqa: E402
from claimtrace.calibration import Choice, Prediction  # noqa: E402
from claimtrace.importers import (  # noqa: E402
    Cascade,
    hide_parents,
    pheme_cascades,
    twitter_cascades,
)
from claimtrace.ingest import load_bytes  # noqa: E402

# The shared data sets (the full run and the fit), or $CLAIMTRACE_DATASETS; --quick reads the
# copy of its own subset in bench/data/quick/ (tools/make_quick_cascades.py), so that CI on a
# fresh clone scores exactly the same cascades.
SHARED = Path(os.environ.get("CLAIMTRACE_DATASETS") or ROOT.parent / "shared" / "datasets")
QUICK_DATA = ROOT / "bench" / "data" / "quick"

SEED = "claimtrace-issue13"
TREES = 80  # Twitter trees per data set and split in the full run
MAX_EVENTS = 1500  # trees larger than this are left out (the inference is O(n·K); time)
FIT_TARGETS = 30  # targets per cascade used to fit the weights (drawn with the seed)
PER_TARGET = 3  # proposals per target: the top 3
QUICK = {"pheme": 10, "twitter15": 4, "twitter16": 4}  # cascades per data set in --quick
QUICK_MAX_EVENTS = 300
RELIABILITY_PNG = ROOT / "docs" / "inference-reliability.png"
TABLE_MD = ROOT / "docs" / "inference-benchmark.md"


def _hash(name: str) -> str:
    return hashlib.sha256(f"{SEED}:{name}".encode()).hexdigest()


def split_of(name: str) -> str:
    """train or test, by a seeded hash of the cascade's name (about half each)."""
    return "test" if int(_hash(name)[:8], 16) % 2 else "train"


def cascades(
    dataset: str,
    split: str,
    trees: int | None = TREES,
    max_events: int = MAX_EVENTS,
    data: Path = SHARED,
) -> list[Cascade]:
    """The cascades of one data set and split (at most `trees`; None: all), deterministic, from
    the data sets under `data`. PHEME threads are small: the full run and the fit take all."""
    if dataset == "pheme":
        root = data / "pheme_rumoureval2017"
        found = list(pheme_cascades(root, "traindev" if split == "train" else "test"))
        return [c for c in found if len(c.rows) <= max_events][:trees]
    found = []
    for c in twitter_cascades(data / "twitter15_16", dataset):  # lazily, in the archive's order
        if split_of(c.name) == split and 2 <= len(c.rows) <= max_events:
            found.append(c)
            if trees is not None and len(found) >= trees:
                break
    return found


@dataclass
class Loaded:
    cascade: Cascade
    events: object  # the case's events frame, cites hidden
    links: object


def load(cascade: Cascade) -> Loaded:
    """The cascade as a ClaimTrace case with its parents hidden, read as the app reads a file."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(schema.COLUMN_NAMES))
    writer.writeheader()
    writer.writerows(hide_parents(cascade.rows))
    case = load_bytes(buffer.getvalue().encode(), f"{cascade.name}.csv")
    return Loaded(cascade, case.events, case.links)


def _targets(loaded: Loaded) -> dict[str, str]:
    """Target id → true parent, for the events the inference may give a source to."""
    setting = inference.prepare(loaded.events, loaded.links)
    ids = setting.ids
    parents = loaded.cascade.parents
    return {ids[t]: parents[ids[t]] for t in setting.targets if parents.get(ids[t])}


def predictions(loaded: Loaded, model: inference.Model) -> dict[str, list[Prediction]]:
    """Each method's predictions for the cascade's targets."""
    truth = _targets(loaded)
    report = inference.inference_report(
        loaded.events, loaded.links, max_per_event=PER_TARGET, fitted=model
    )
    proposed: dict[str, list[tuple[str, float | None]]] = {t: [] for t in truth}
    links = report.links.sort_values(["target", "confidence"], ascending=[True, False])
    for s, t, c in zip(links["source"], links["target"], links["confidence"], strict=True):
        if t in proposed:
            proposed[t].append((s, float(c)))
    events = loaded.events
    order = np.lexsort((events["row"].to_numpy(), events["date"].to_numpy()))
    ids = events["id"].to_numpy()[order].tolist()
    start = events["date"].to_numpy()[order]
    place = {e: i for i, e in enumerate(ids)}
    latest, earliest = [], []
    for t, parent in truth.items():
        i = place[t]
        # Earlier: started no later, other than the target; in (date, row) order.
        last = int(np.searchsorted(start, start[i], side="right"))
        before = [e for e in ids[:last] if e != t]
        latest.append(Prediction(parent, tuple((e, None) for e in before[::-1][:PER_TARGET])))
        earliest.append(Prediction(parent, tuple((e, None) for e in before[:PER_TARGET])))
    model_predictions = [Prediction(p, tuple(proposed[t])) for t, p in truth.items()]
    return {"model": model_predictions, "latest": latest, "earliest": earliest}


def choices(
    loaded: Loaded, rng: np.random.Generator, per_cascade: int, lags: list[float]
) -> list[Choice]:
    """Training examples: each sampled target's candidates and where its true parent is; the
    lag of every true parent found among the candidates is added to `lags`."""
    parents = loaded.cascade.parents
    setting = inference.prepare(loaded.events, loaded.links)
    ids = setting.ids
    out = []
    for c in inference.candidates(setting):
        parent = parents.get(ids[c.target])
        if not parent:
            continue
        where = np.flatnonzero(ids[c.cands] == parent)
        if len(where):
            lags.append(float(c.lag_hours[where[0]]))
        out.append(Choice(c.features, int(where[0]) if len(where) else None))
    if len(out) > per_cascade:
        keep = np.sort(rng.choice(len(out), per_cascade, replace=False))
        out = [out[i] for i in keep]
    return out


def _top_shares(
    choice_sets: list[list[Choice]], weights: np.ndarray, outside: float
) -> tuple[np.ndarray, np.ndarray]:
    """Raw shares of each target's top PER_TARGET candidates, and whether each is right."""
    shares, right = [], []
    for group in choice_sets:
        for ch in group:
            raw = inference.raw_shares(ch.features @ weights, outside)
            top = np.argsort(-raw, kind="stable")[:PER_TARGET]
            shares.extend(raw[top].tolist())
            right.extend((top == (-1 if ch.truth is None else ch.truth)).tolist())
    return np.array(shares), np.array(right, dtype=float)


def fit(trees: int = TREES) -> dict:
    """Weights on all of train; the isotonic map on out-of-fold shares (2 folds by cascade)."""
    rng = np.random.default_rng(13)
    groups: list[list[Choice]] = []
    names: list[str] = []
    counts: dict[str, int] = {}
    lags: list[float] = []
    for dataset in ("pheme", "twitter15", "twitter16"):
        found = cascades(dataset, "train", None if dataset == "pheme" else trees)
        counts[dataset] = len(found)
        for c in found:
            groups.append(choices(load(c), rng, FIT_TARGETS, lags))
            names.append(c.name)
    prior = inference.PRIOR_MODEL.vector
    # The lag may only make a source less likely: else a years-old event would look plausible.
    lag_weights = [inference.FEATURES.index(f) for f in ("lag_hours", "lag_days")]

    def fit_on(data: list[Choice]) -> tuple[np.ndarray, float, np.ndarray]:
        return calibration.fit_constrained(data, prior, inference.PRIOR_OUTSIDE, lag_weights)

    folds = np.array([int(_hash(n)[8:16], 16) % 2 for n in names])
    shares, right = [], []
    for k in (0, 1):
        train = [ch for g, f in zip(groups, folds, strict=True) if f != k for ch in g]
        w, out, _ = fit_on(train)
        held = [g for g, f in zip(groups, folds, strict=True) if f == k]
        s, r = _top_shares(held, w, out)
        shares.append(s)
        right.append(r)
    x, y = calibration.isotonic(np.concatenate(shares), np.concatenate(right))
    everything = [ch for g in groups for ch in g]
    w, out, fixed = fit_on(everything)
    return {
        "about": "Inference weights and calibration, written by bench/inference.py --fit; "
        "do not edit by hand.",
        "fitted_on": "train split of Twitter15/16 retweet trees and PHEME reply threads "
        f"({', '.join(f'{v} {k}' for k, v in counts.items())} cascades, "
        f"{len(everything)} targets)",
        "fitted": dt.date.today().isoformat(),
        "seed": SEED,
        "weights": {f: round(float(v), 6) for f, v in zip(inference.FEATURES, w, strict=True)},
        # Not fitted: never different between one target's candidates (kept at the prior), or a
        # lag weight that came out positive (set to 0: a lag never makes a source likelier).
        "held": [f for f, k in zip(inference.FEATURES, fixed, strict=True) if k],
        "outside": round(float(out), 6),
        "max_gap_hours": round(float(np.quantile(lags, inference.GAP_QUANTILE)), 3),
        "max_gap_quantile": inference.GAP_QUANTILE,
        "true_source_lags": len(lags),
        "calibration": {
            "method": "isotonic regression on out-of-fold raw shares (2 folds by cascade), "
            f"top {PER_TARGET} candidates of each target",
            "x": [round(float(v), 8) for v in x],
            "y": [round(float(v), 8) for v in y],
            "samples": len(np.concatenate(shares)),
        },
    }


def evaluate(
    subsets: dict[str, list[Cascade]], model: inference.Model
) -> tuple[dict[str, dict[str, list[Prediction]]], list[dict]]:
    """Predictions per data set and method, and the table rows (all data sets pooled too)."""
    per: dict[str, dict[str, list[Prediction]]] = {}
    for dataset, found in subsets.items():
        per[dataset] = {"model": [], "latest": [], "earliest": []}
        for c in found:
            for method, preds in predictions(load(c), model).items():
                per[dataset][method].extend(preds)
    per["all"] = {
        m: [p for d in subsets for p in per[d][m]] for m in ("model", "latest", "earliest")
    }
    rows = []
    for dataset, methods in per.items():
        for method, preds in methods.items():
            rows.append(
                {
                    "dataset": dataset,
                    "cascades": len(subsets[dataset])
                    if dataset in subsets
                    else sum(len(v) for v in subsets.values()),
                    "method": method,
                    **calibration.score(preds),
                }
            )
    return per, rows


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


def table(rows: list[dict]) -> str:
    lines = [
        "| data set | cascades | method | targets | proposed | top-1 precision | "
        "top-1 accuracy | recall@3 | ECE |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ece = "–" if r["ece"] is None else f"{r['ece']:.3f}"
        lines.append(
            f"| {r['dataset']} | {r['cascades']} | {r['method']} | {r['targets']} | "
            f"{r['proposed']} | {_pct(r['precision_at_1'])} | {_pct(r['accuracy_at_1'])} | "
            f"{_pct(r['recall_at_3'])} | {ece} |"
        )
    return "\n".join(lines)


def reliability_figure(per: dict[str, dict[str, list[Prediction]]]):
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="perfect", line={"dash": "dot", "color": "#999"}
        )
    )
    for dataset, methods in per.items():
        pairs = [(c, s == p.truth) for p in methods["model"] for s, c in p.proposals]
        if not pairs:
            continue
        bins = calibration.reliability(
            np.array([c for c, _ in pairs]), np.array([r for _, r in pairs], dtype=float)
        )
        ece = calibration.expected_calibration_error(
            np.array([c for c, _ in pairs]), np.array([r for _, r in pairs], dtype=float)
        )
        # A marker per tenth, its area growing with the number of proposals in it (a tenth
        # with a handful says little); a line only for all data sets together.
        fig.add_trace(
            go.Scatter(
                x=[b["confidence"] for b in bins],
                y=[b["accuracy"] for b in bins],
                mode="lines+markers+text" if dataset == "all" else "markers",
                name=f"{dataset} (ECE {ece:.3f}, {len(pairs)} proposals)",
                marker={"size": [5 + 5 * np.log10(b["count"]) for b in bins], "opacity": 0.7},
                text=[str(b["count"]) if dataset == "all" else "" for b in bins],
                textposition="bottom right",
            )
        )
    fig.update_layout(
        title="Inferred links on the test split: stated confidence vs. share right<br>"
        "<sup>marker size and label: proposals in that tenth of confidence</sup>",
        # A margin around [0, 1] so that markers at 0 or 1 are not cut; the legend below the
        # plot, where it covers no marker.
        xaxis={"title": "confidence given (mean in each tenth)", "range": [-0.03, 1.03]},
        yaxis={"title": "share that named the true source", "range": [-0.04, 1.06]},
        width=800,
        height=700,
        template="plotly_white",
        legend={"orientation": "h", "x": 0, "y": -0.15, "xanchor": "left", "yanchor": "top"},
        margin={"b": 140},
    )
    return fig


def quick_subsets(data: Path | None = None) -> dict[str, list[Cascade]]:
    """The quick run's cascades: from its committed copy when there is one (CI), else from the
    shared data sets (which is how tools/make_quick_cascades.py makes that copy)."""
    if data is None:
        data = QUICK_DATA if QUICK_DATA.is_dir() else SHARED
    return {d: cascades(d, "test", n, QUICK_MAX_EVENTS, data) for d, n in QUICK.items()}


def full_subsets(trees: int) -> dict[str, list[Cascade]]:
    return {
        d: cascades(d, "test", None if d == "pheme" else trees)
        for d in ("pheme", "twitter15", "twitter16")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fit", action="store_true", help="fit on train, write calibration")
    parser.add_argument("--quick", action="store_true", help="a small subset (< 60 s), for CI")
    parser.add_argument("--trees", type=int, default=TREES, help="Twitter trees per split")
    parser.add_argument("--prior", action="store_true", help="score the unfitted prior model")
    parser.add_argument("--no-plot", action="store_true", help="do not write the PNG")
    args = parser.parse_args(argv)
    began = time.monotonic()
    if args.fit:
        data = fit(args.trees)
        inference.CALIBRATION_FILE.write_text(
            json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {inference.CALIBRATION_FILE} ({time.monotonic() - began:.0f} s)")
        print(
            json.dumps(
                {k: data[k] for k in ("weights", "outside", "held", "max_gap_hours")}, indent=1
            )
        )
        return 0
    model = inference.PRIOR_MODEL if args.prior else inference.load_model()
    subsets = quick_subsets() if args.quick else full_subsets(args.trees)
    per, rows = evaluate(subsets, model)
    text = table(rows)
    print(text)
    print(
        f"\n({time.monotonic() - began:.0f} s; model: {model.fitted_on or 'prior, uncalibrated'})"
    )
    if not args.quick and not args.prior:
        TABLE_MD.write_text(
            "# Inferred links: benchmark on the test split\n\n"
            "Written by `python bench/inference.py`; see its docstring for the method.\n\n"
            + text
            + "\n",
            encoding="utf-8",
        )
        if not args.no_plot:
            from claimtrace.export import image_bytes

            RELIABILITY_PNG.write_bytes(image_bytes(reliability_figure(per), "png", 2))
            print(f"wrote {RELIABILITY_PNG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
