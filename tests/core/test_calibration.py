"""Calibration and scoring of inferred links: hand-checkable figures (claimtrace/calibration.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from claimtrace import calibration, inference
from claimtrace.calibration import Choice, Prediction


def test_score_on_a_tiny_hand_made_subset():
    predictions = [
        # right at the top, with 0.9
        Prediction("a", (("a", 0.9), ("b", 0.05))),
        # wrong at the top, right second
        Prediction("c", (("d", 0.6), ("c", 0.3))),
        # nothing proposed (all below the floor)
        Prediction("e", ()),
        # right third
        Prediction("f", (("g", 0.4), ("h", 0.2), ("f", 0.1))),
    ]
    s = calibration.score(predictions)
    assert s["targets"] == 4
    assert s["proposed"] == 3
    assert s["precision_at_1"] == pytest.approx(1 / 3)
    assert s["accuracy_at_1"] == pytest.approx(1 / 4)
    assert s["recall_at_3"] == pytest.approx(3 / 4)
    assert s["proposals"] == 7
    # Bins of tenths: 0.9 (right) | 0.6 (wrong) | 0.4 (wrong) | 0.3 (right) | 0.2 (wrong) |
    # 0.1 (right) | 0.05 (wrong): |0.9-1| + 0.6 + 0.4 + |0.3-1| + 0.2 + |0.1-1| + 0.05, over 7.
    expected = (0.1 + 0.6 + 0.4 + 0.7 + 0.2 + 0.9 + 0.05) / 7
    assert s["ece"] == pytest.approx(expected)


def test_baselines_have_no_ece_and_an_empty_set_no_rates():
    s = calibration.score([Prediction("a", (("a", None),)), Prediction("b", (("a", None),))])
    assert s["precision_at_1"] == 0.5 and s["ece"] is None
    empty = calibration.score([])
    assert empty["targets"] == 0 and empty["precision_at_1"] is None and empty["ece"] is None


def test_ece_of_a_perfectly_calibrated_bin_is_zero():
    confidence = np.array([0.25] * 4 + [0.75] * 4)
    correct = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    assert calibration.expected_calibration_error(confidence, correct) == pytest.approx(0)
    bins = calibration.reliability(confidence, correct)
    assert [(b["lo"], b["count"], b["accuracy"]) for b in bins] == [(0.2, 4, 0.25), (0.7, 4, 0.75)]


def test_ece_weighs_bins_by_their_size():
    # 3 proposals at 0.95 all wrong, 1 at 0.05 right: (3·0.95 + 1·0.95) / 4.
    confidence = np.array([0.95, 0.95, 0.95, 0.05])
    correct = np.array([0, 0, 0, 1])
    assert calibration.expected_calibration_error(confidence, correct) == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("x", "y", "knots_x", "knots_y"),
    [
        ([0.1, 0.2, 0.3], [0, 1, 1], [0.1, 0.2, 0.3], [0, 1, 1]),  # already monotone
        ([0.1, 0.2, 0.3], [1, 0, 1], [0.1, 0.2, 0.3], [0.5, 0.5, 1]),  # one violation pooled
        ([0.3, 0.1, 0.2], [0, 1, 1], [0.1, 0.3], [2 / 3, 2 / 3]),  # all pooled, order ignored
        ([0.5, 0.5, 0.9], [0, 1, 1], [0.5, 0.9], [0.5, 1]),  # ties in x pooled first
    ],
)
def test_isotonic_pools_adjacent_violators(x, y, knots_x, knots_y):
    kx, ky = calibration.isotonic(np.array(x), np.array(y))
    assert kx.tolist() == pytest.approx(knots_x)
    assert ky.tolist() == pytest.approx(knots_y)
    assert np.all(np.diff(ky) >= 0)


def test_fit_weights_recovers_what_the_data_say_and_keeps_the_prior_elsewhere():
    rng = np.random.default_rng(0)
    true = np.array([2.0, 0.0])  # feature 0 matters; feature 1 never varies (always 0)
    choices = []
    for _ in range(400):
        x = np.column_stack([rng.normal(size=5), np.zeros(5)])
        scores = np.append(x @ true, 0.0)  # the outside option scores 0
        p = np.exp(scores - scores.max())
        p /= p.sum()
        pick = int(rng.choice(6, p=p))
        choices.append(Choice(x, None if pick == 5 else pick))
    weights, outside = calibration.fit_weights(choices, np.array([0.0, 0.7]), 1.0)
    assert weights[0] == pytest.approx(2.0, abs=0.3)
    assert weights[1] == pytest.approx(0.7)  # no data: the prior
    assert outside == pytest.approx(0.0, abs=0.3)


def test_the_fitted_file_is_complete_and_monotone():
    data = json.loads(inference.CALIBRATION_FILE.read_text(encoding="utf-8"))
    assert set(data["weights"]) == set(inference.FEATURES)
    assert "bench/inference.py" in data["about"]
    x, y = np.array(data["calibration"]["x"]), np.array(data["calibration"]["y"])
    assert len(x) == len(y) >= 2
    assert np.all(np.diff(x) >= 0) and np.all(np.diff(y) >= 0)
    assert y.min() >= 0 and y.max() <= 1
    model = inference.load_model()
    assert model.fitted_on.startswith("train split")


def _bench():
    """bench/inference.py as a module (bench/ is not a package)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "inference.py"
    spec = importlib.util.spec_from_file_location("bench_inference", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_inference"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_quick_modes_scoring_on_a_hand_made_cascade():
    """r is the origin; a and c reply to r, b to a, a minute apart each."""
    from claimtrace import schema
    from claimtrace.importers import Cascade

    bench = _bench()

    def row(i: str, minute: int, stance: str, parent: str) -> dict[str, str]:
        cells = {c: "" for c in schema.COLUMN_NAMES}
        cells.update(
            id=i,
            date=f"2022-08-05T10:0{minute}:00Z",
            outlet=f"user {i}",
            outlet_type="social",
            headline=f"post {i}",
            cites=parent,
            stance=stance,
        )
        return cells

    parents = {"r": None, "a": "r", "b": "a", "c": "r"}
    rows = [row("r", 0, "originates", ""), row("a", 1, "repeats", "r")]
    rows += [row("b", 2, "repeats", "a"), row("c", 3, "repeats", "r")]
    cascade = Cascade("hand", rows, parents, "", [], 4, "test", "", 4)
    loaded = bench.load(cascade)
    assert set(loaded.events["cites"]) == {""}  # the parents are hidden
    found = bench.predictions(loaded, inference.load_model())
    latest = calibration.score(found["latest"])
    earliest = calibration.score(found["earliest"])
    # latest: a→r right, b→a right, c→b wrong; c's top 3 (b, a, r) hold r.
    assert latest["targets"] == 3
    assert latest["precision_at_1"] == pytest.approx(2 / 3)
    assert latest["recall_at_3"] == pytest.approx(1.0)
    # earliest: a→r right, b→r wrong, c→r right; b's top 3 (r, a) hold a.
    assert earliest["precision_at_1"] == pytest.approx(2 / 3)
    assert earliest["recall_at_3"] == pytest.approx(1.0)
    model = calibration.score(found["model"])
    assert model["targets"] == 3 and model["ece"] is not None
    assert [p.truth for p in found["model"]] == ["r", "a", "r"]
