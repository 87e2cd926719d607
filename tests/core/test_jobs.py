"""Background jobs (claimtrace.jobs): real processes, real inference, what comes back.

A large case's inferred links are worked out in a process of its own while the page draws the
documented ones; these tests hold the job to the same result as the call made directly.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from claimtrace import inference
from claimtrace.ingest import load_bytes
from claimtrace.jobs import Job, JobFailed

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import synth


@pytest.fixture(scope="module")
def case():
    data = synth.generate(2_500, seed=3).to_csv(index=False).encode()
    return load_bytes(data, "synthetic.csv")


def _wait(job: Job, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not job.finished():
        assert time.monotonic() < deadline, "the job did not end"
        time.sleep(0.05)


def test_a_job_gives_what_the_direct_call_gives(case) -> None:
    settings = {"max_per_event": 2, "min_confidence": 0.1, "lang": "de"}
    job = Job.start(inference.with_inferred, case.events, case.links, **settings)
    folder = job.folder
    _wait(job)
    links, report = job.result()
    direct_links, direct_report = inference.with_inferred(case.events, case.links, **settings)
    pd.testing.assert_frame_equal(links, direct_links)
    pd.testing.assert_frame_equal(report.links, direct_report.links)
    counts = {k: v for k, v in vars(report).items() if k != "links"}
    assert counts == {k: v for k, v in vars(direct_report).items() if k != "links"}
    assert report.with_source > 100 and (links["kind"] == "inferred").sum() > 100
    assert job.progress() == (1, 1) and job.fraction() == 1.0  # finished and cleaned up
    assert not folder.exists()


def test_progress_counts_the_targets_up_to_all_of_them(case) -> None:
    told: list[tuple[int, int]] = []
    report = inference.inference_report(
        case.events, case.links, max_per_event=1, progress=lambda d, n: told.append((d, n))
    )
    assert told[-1] == (report.targets, report.targets)
    assert [d for d, _ in told] == sorted(d for d, _ in told)
    assert len(told) == report.targets // inference.PROGRESS_EVERY + 2  # every 500, and the end
    # Thousands are grouped in every count of the sentence the page shows under the toggle.
    assert report.with_source >= 1_000
    assert f"inferred for {report.with_source:,} of {report.targets:,} events" in report.sentence()
    german = f"{report.with_source:,}".replace(",", ".")
    assert f" {german} von " in report.sentence("de")


def test_a_failing_job_says_why(case) -> None:
    job = Job.start(inference.with_inferred, None, case.links, max_per_event=1, min_confidence=0)
    _wait(job)
    with pytest.raises(JobFailed, match="AttributeError: 'NoneType' object has no attribute"):
        job.result()


def test_a_cancelled_job_stops_and_leaves_nothing_behind(case) -> None:
    big = synth.generate(20_000, seed=1).to_csv(index=False).encode()
    many = load_bytes(big, "big.csv")
    job = Job.start(inference.with_inferred, many.events, many.links, max_per_event=1,
                    min_confidence=0)  # fmt: skip
    assert not job.finished()
    job.cancel()
    assert job.process.poll() is not None and job.finished()
    assert not job.folder.exists()
    with pytest.raises(JobFailed, match="cancelled"):
        job.result()


def test_a_result_is_not_asked_for_before_the_end(case) -> None:
    job = Job.start(inference.with_inferred, case.events, case.links, max_per_event=1,
                    min_confidence=0)  # fmt: skip
    try:
        with pytest.raises(RuntimeError, match="still running"):
            job.result()
    finally:
        job.cancel()


def test_a_prepared_job_waits_for_its_launch(case) -> None:
    job = Job.prepare(inference.with_inferred, case.events, case.links, max_per_event=1,
                      min_confidence=0.25)  # fmt: skip
    assert not job.launched and not job.finished() and job.progress() == (0, 0)
    assert not job.wait(0.2)  # nothing runs until launched
    job.launch()
    job.launch()  # once only
    _wait(job)
    links, report = job.result()
    assert report.with_source > 0 and len(links) > len(case.links)


def test_a_forgotten_job_is_stopped_and_its_folder_removed(case) -> None:
    big = synth.generate(20_000, seed=2).to_csv(index=False).encode()
    many = load_bytes(big, "big.csv")
    job = Job.start(inference.with_inferred, many.events, many.links, max_per_event=1,
                    min_confidence=0)  # fmt: skip
    process, folder = job.process, job.folder
    del job  # as when the visitor's session ends
    assert process.wait(timeout=10) is not None
    assert not folder.exists()
