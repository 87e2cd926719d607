"""A large case's inferred links are worked out in the background (components/inferring.py).

The page first shows the documented links, says the inferred ones are on their way with a
progress bar, and stays usable; once the job is done the page is drawn with them, and the next
visitor of the same case gets them from the cache without a job. Real processes, real
inference: only the size from which a case counts as large is lowered, so the bundled case
takes that path.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from claimtrace.jobs import Job
from components import inferring
from components.state import INFERENCE_JOB

APP = str(Path(__file__).resolve().parents[2] / "app.py")
APP_TIMEOUT = 60  # seconds for a run: the first imports pandas and plotly on 2 cores


def figure(at: AppTest, key: str) -> dict:
    """The figure JSON of the chart keyed `key` (its element id ends with it, or a hash)."""
    found = [c for c in at.get("plotly_chart") if re.search(rf"-{key}(-\w+)?$", c.proto.id)]
    assert len(found) == 1
    return json.loads(found[0].proto.spec)


class PausedJob(Job):
    """A real job whose process is stopped (SIGSTOP) as soon as it is launched, so that the page
    can be looked at while the work is under way, however fast the machine; `go_on` lets it
    run (SIGCONT)."""

    def launch(self) -> None:
        if not self.launched:
            super().launch()
            os.kill(self.process.pid, signal.SIGSTOP)

    def go_on(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def large_from_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inferring, "BACKGROUND_FROM", 1)
    monkeypatch.setattr(inferring, "Job", PausedJob)


def inferred_traces(at: AppTest) -> list[dict]:
    return [t for t in figure(at, "network")["data"] if "inferred" in (t.get("name") or "")]


def job_of(at: AppTest):
    held = at.session_state.get(INFERENCE_JOB)
    return held[1] if held else None


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.sidebar.caption)


def test_inferred_links_come_after_the_documented_ones(large_from_one) -> None:
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    assert not at.exception
    job = job_of(at)
    assert job is not None, "a job should be working out the inferred links"
    assert job.launched  # at the end of the run, once the page was drawn
    # Meanwhile: the charts with documented links only, a bar, and the sidebar says why.
    assert inferred_traces(at) == []
    assert figure(at, "timeline") and figure(at, "network")
    bars = at.get("progress")
    assert len(bars) == 1
    assert "Inferring likely sources in the background" in bars[0].proto.text
    assert "Still being worked out; the charts show documented links until then." in captions(at)

    # The page is usable meanwhile: a filter change redraws, the same job goes on.
    at.multiselect(key="outlet_type").set_value(["tabloid"]).run()
    assert not at.exception and job_of(at) is job
    at.multiselect(key="outlet_type").set_value([]).run()
    assert job_of(at) is job and not job.finished()

    job.go_on()
    deadline = time.monotonic() + 120
    while not job.finished():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    at.run()
    assert not at.exception
    assert job_of(at) is None and not at.get("progress")
    assert inferred_traces(at), "the inferred links are drawn once they are ready"
    assert re.search(r"sources? inferred for", captions(at))

    # Another visitor of the same case: from the cache, no job, no bar.
    other = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    assert job_of(other) is None and not other.get("progress")
    assert json.dumps(inferred_traces(other))


def test_turning_inference_off_and_on_keeps_the_one_job(large_from_one) -> None:
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    job = job_of(at)
    assert job is not None and not job.finished()
    at.toggle(key="inferred").set_value(False).run()
    assert not at.get("progress") and job_of(at) is job
    at.toggle(key="inferred").set_value(True).run()
    assert job_of(at) is job
    # Other settings are other links: the old job is stopped and a new one started.
    at.slider(key="confidence").set_value(0.5).run()
    assert job_of(at) is not job and job.finished()
    job_of(at).cancel()
