"""Inferred links: at once for a small case, in the background for a large one.

A large case's inferred links take a while (about 15 s at 100,000 events). Its charts are drawn
with the documented links first; then the inference starts in a process of its own
(claimtrace.jobs), a progress bar says how far it is, and the page stays usable. When the links are ready the page
is drawn again with them, and they are kept in st.cache_data by the case's content key and the
settings, so the next visitor of the same case gets them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from claimtrace.inference import InferenceReport, with_inferred
from claimtrace.jobs import Job, JobFailed
from claimtrace.model import Case
from components import loading, state
from components.lang import tr

BACKGROUND_FROM = 2_000  # events: below this the inference takes about a second or less
POLL_SECONDS = 1.0  # how often the progress bar looks at the job


@dataclass(frozen=True)
class Inferring:
    """What the page has of the inferred links: `links` (documented + inferred) and `report`
    once ready; else `job` is still working them out (or `error` says why it could not)."""

    links: pd.DataFrame | None = None
    report: InferenceReport | None = None
    job: Job | None = None
    error: str = ""

    @property
    def ready(self) -> bool:
        return self.links is not None


class _NotKept(Exception):
    """Raised inside `_kept` so that nothing is cached: these links are not worked out yet."""


@st.cache_data(show_spinner=False, max_entries=32)
def _kept(case_key: str, per_event: int, min_confidence: float, lang: str, _done=None):
    """The links a background job worked out for this case and these settings, kept for every
    visitor; called with `_done` (the job's result) once it is ready, without it to look."""
    if _done is None:
        raise _NotKept
    return _done


def inferred_links(case_key: str, case: Case, per_event: int, min_confidence: float, lang: str):
    """The case's links with inferred ones, or the job still working them out."""
    if len(case.events) < BACKGROUND_FROM:
        links, report = loading.links_with_inferred(case_key, case, per_event, min_confidence, lang)
        return Inferring(links, report)
    wanted = (case_key, per_event, min_confidence, lang)
    try:
        links, report = _kept(*wanted)
        return Inferring(links, report)
    except _NotKept:
        pass
    job = state.inference_job(wanted)
    if job is None:  # launched at the end of the run (launch_waiting), once the page is drawn
        job = Job.prepare(
            with_inferred,
            case.events,
            case.links,
            max_per_event=per_event,
            min_confidence=min_confidence,
            lang=lang,
        )
        state.set_inference_job(wanted, job)
    if not job.finished():
        return Inferring(job=job)
    try:
        done = job.result()
    except JobFailed as exc:  # the job stays, so these settings are not tried again and again
        return Inferring(error=str(exc))
    state.set_inference_job(None, None)
    links, report = _kept(*wanted, _done=done)
    return Inferring(links, report)


def launch_waiting() -> None:
    """Start the session's inference job if it is still waiting: called when the page has been
    drawn, so that its process does not take a core from the first sight of a large case."""
    job = state.held_inference_job()
    if job is not None:
        job.launch()


def render_progress(job: Job) -> None:
    """A progress bar while the job runs; the page is drawn again once it is done."""

    @st.fragment(run_every=POLL_SECONDS)
    def watch() -> None:
        if job.finished():
            st.rerun(scope="app")
        done, total = job.progress()
        if total:
            text = tr(
                "Inferring likely sources in the background: {done} of {total} events looked "
                "at. The charts show the documented links until then; the page can be used "
                "meanwhile.",
                done=tr.number(done),
                total=tr.number(total),
            )
        else:  # the job's process is still starting
            text = tr(
                "Inferring likely sources in the background: getting started. The charts show "
                "the documented links until then; the page can be used meanwhile."
            )
        st.progress(job.fraction(), text=text)

    watch()
