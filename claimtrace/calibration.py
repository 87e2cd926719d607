"""Fitting and checking the inference model: weights, isotonic calibration, ECE (numpy only).

The inference model (claimtrace.inference) scores each candidate source of a target with a
weighted sum of features and turns the scores into softmax shares next to an "outside source"
pseudo-candidate. Here:

* fit_weights: the weights and the outside score as a conditional logit (one softmax per
  target, the true parent or the outside option as the label), by Newton's method on the log
  likelihood plus a Gaussian prior around the hand-set weights (σ = 1), so a feature that never
  varies in the data (no languages in retweet trees) keeps its prior weight.
* isotonic: a monotone map from raw shares to probabilities (pool-adjacent-violators), fitted on
  out-of-fold shares so that it corrects the model rather than memorising it.
* expected_calibration_error and reliability: how far stated confidences are from the rate at
  which they are right, over equal-width bins.

bench/inference.py runs these on the train split and writes claimtrace/calibration.json.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Choice",
    "Prediction",
    "expected_calibration_error",
    "fit_constrained",
    "fit_weights",
    "isotonic",
    "reliability",
    "score",
]


@dataclass(frozen=True)
class Choice:
    """One target's candidates as features (rows) and which of them is the true parent
    (None: the parent is not among them, so the outside option is right)."""

    features: np.ndarray
    truth: int | None


def _augment(choice: Choice) -> tuple[np.ndarray, int]:
    """Features with a last column for the outside option (a row of its own: 0s and a 1)."""
    x = choice.features
    rows = np.zeros((len(x) + 1, x.shape[1] + 1))
    rows[:-1, :-1] = x
    rows[-1, -1] = 1.0
    return rows, len(x) if choice.truth is None else choice.truth


def fit_weights(
    choices: Sequence[Choice],
    prior: np.ndarray,
    prior_outside: float,
    sigma: float = 1.0,
    iterations: int = 50,
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Weights and the outside score maximising the conditional logit likelihood of `choices`
    plus a Gaussian prior N(prior, σ²) on each; Newton's method with step halving. Weights
    where `fixed` is true stay at their prior values."""
    theta0 = np.append(np.asarray(prior, dtype=float), prior_outside)
    augmented = [_augment(c) for c in choices]
    d = len(theta0)
    free = np.ones(d, dtype=bool)
    if fixed is not None:
        free[:-1] = ~np.asarray(fixed, dtype=bool)
    penalty = 1.0 / sigma**2

    def objective(theta: np.ndarray) -> float:
        total = 0.0
        for rows, y in augmented:
            scores = rows @ theta
            top = scores.max()
            total += scores[y] - top - np.log(np.exp(scores - top).sum())
        return total - 0.5 * penalty * float((theta - theta0) @ (theta - theta0))

    theta = theta0.copy()
    value = objective(theta)
    for _ in range(iterations):
        grad = -penalty * (theta - theta0)
        hess = -penalty * np.eye(d)
        for rows, y in augmented:
            scores = rows @ theta
            p = np.exp(scores - scores.max())
            p /= p.sum()
            mean = p @ rows
            grad += rows[y] - mean
            hess -= (rows * p[:, None]).T @ rows - np.outer(mean, mean)
        step = np.zeros(d)
        step[free] = np.linalg.solve(hess[np.ix_(free, free)], -grad[free])
        scale = 1.0
        while scale > 1e-6:
            trial = theta + scale * step
            trial_value = objective(trial)
            if trial_value >= value - 1e-12:
                break
            scale /= 2
        else:
            break
        theta, improvement = trial, trial_value - value
        value = trial_value
        if abs(improvement) < 1e-8 * max(1.0, abs(value)):
            break
    return theta[:-1], float(theta[-1])


def uninformative(choices: Sequence[Choice]) -> np.ndarray:
    """Features that never differ between the candidates of one target: a conditional logit
    cannot tell their weight from the outside score's, so they are best left at the prior."""
    d = choices[0].features.shape[1] if choices else 0
    varies = np.zeros(d, dtype=bool)
    for c in choices:
        if len(c.features) > 1:
            varies |= np.ptp(c.features, axis=0) > 0
    return ~varies


def fit_constrained(
    choices: Sequence[Choice],
    prior: np.ndarray,
    prior_outside: float,
    non_positive: Sequence[int] = (),
) -> tuple[np.ndarray, float, np.ndarray]:
    """fit_weights with uninformative features fixed at the prior and the weights at
    `non_positive` kept <= 0 (one that comes out positive is set to 0 and the rest refitted).
    Returns the weights, the outside score and which weights were fixed."""
    fixed = uninformative(choices)
    prior = np.asarray(prior, dtype=float).copy()
    while True:
        weights, outside = fit_weights(choices, prior, prior_outside, fixed=fixed)
        wrong = [i for i in non_positive if not fixed[i] and weights[i] > 0]
        if not wrong:
            return weights, outside, fixed
        worst = max(wrong, key=lambda i: weights[i])
        prior[worst] = 0.0
        fixed[worst] = True


def isotonic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators: the non-decreasing fit of y (0/1 or rates) on x, as knots
    (x, fitted y) at each block's smallest and largest x, for np.interp. Ties in x are pooled
    first, so the fit is a function of x."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) == 0:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0])
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    unique, first = np.unique(x, return_index=True)
    sums = np.add.reduceat(y, first)
    counts = np.diff(np.append(first, len(x))).astype(float)
    # Blocks: [mean, weight, lo x, hi x]
    means: list[float] = []
    weights: list[float] = []
    lows: list[float] = []
    highs: list[float] = []
    for value, total, count in zip(unique, sums, counts, strict=True):
        means.append(total / count)
        weights.append(count)
        lows.append(value)
        highs.append(value)
        while len(means) > 1 and means[-2] >= means[-1]:
            w = weights[-2] + weights[-1]
            m = (means[-2] * weights[-2] + means[-1] * weights[-1]) / w
            means[-2:], weights[-2:] = [m], [w]
            highs[-2:] = [highs[-1]]
            lows[-2:] = [lows[-2]]
    knots_x: list[float] = []
    knots_y: list[float] = []
    for m, lo, hi in zip(means, lows, highs, strict=True):
        knots_x.append(lo)
        knots_y.append(m)
        if hi > lo:
            knots_x.append(hi)
            knots_y.append(m)
    return np.array(knots_x), np.array(knots_y)


def reliability(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> list[dict[str, float]]:
    """Equal-width bins over [0, 1]: for each non-empty one, its range, how many proposals,
    their mean confidence and the share that were right."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append(
                {
                    "lo": b / bins,
                    "hi": (b + 1) / bins,
                    "count": int(mask.sum()),
                    "confidence": float(confidence[mask].mean()),
                    "accuracy": float(correct[mask].mean()),
                }
            )
    return out


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> float:
    """Σ over bins of (share of proposals in the bin) × |mean confidence − share right|."""
    n = len(confidence)
    if n == 0:
        return float("nan")
    return float(
        sum(
            b["count"] / n * abs(b["confidence"] - b["accuracy"])
            for b in reliability(confidence, correct, bins)
        )
    )


# --- scoring a method against the true parents ----------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """One target: its true parent and a method's proposals, best first, as (source id,
    confidence); a baseline's confidence is None."""

    truth: str
    proposals: tuple[tuple[str, float | None], ...]


def score(predictions: Sequence[Prediction], bins: int = 10) -> dict[str, float | int | None]:
    """The benchmark's figures for one method on one set of targets.

    targets: how many; proposed: how many got at least one proposal; precision_at_1: of those,
    the share whose first proposal is the true parent; accuracy_at_1: the same over all targets
    (a target with no proposal counts as wrong); recall_at_3: the share of all targets whose
    true parent is among the first three proposals; proposals: how many in all; ece: expected
    calibration error over every proposal (right when it names the true parent), None when the
    method gives no confidences."""
    n = len(predictions)
    proposed = [p for p in predictions if p.proposals]
    top_right = sum(p.proposals[0][0] == p.truth for p in proposed)
    in_three = sum(any(s == p.truth for s, _ in p.proposals[:3]) for p in predictions)
    pairs = [(c, s == p.truth) for p in predictions for s, c in p.proposals]
    confident = [(c, r) for c, r in pairs if c is not None]
    ece = None
    if confident and len(confident) == len(pairs):
        conf = np.array([c for c, _ in confident], dtype=float)
        right = np.array([r for _, r in confident], dtype=float)
        ece = expected_calibration_error(conf, right, bins)
    return {
        "targets": n,
        "proposed": len(proposed),
        "precision_at_1": top_right / len(proposed) if proposed else None,
        "accuracy_at_1": top_right / n if n else None,
        "recall_at_3": in_three / n if n else None,
        "proposals": len(pairs),
        "ece": ece,
    }
