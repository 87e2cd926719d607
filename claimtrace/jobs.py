"""Long work in a process of its own, so a page can draw what it has while the work goes on.

    job = Job.start(work, *args, **kw)  # work(*args, progress=..., **kw), importable by name
    job = Job.prepare(work, *args, **kw); job.launch()  # the same, the process started later
    job.progress()                      # (done, total) as `work` last reported them
    job.finished()                      # True once the process has ended
    job.result()                        # the result (raises JobFailed with the error's text)
    job.cancel()                        # stop it; nothing comes back

`work` gets a keyword `progress`, a callable `progress(done, total)`, and reports as often as it
likes. The process is a fresh interpreter (`python -m claimtrace.jobs FOLDER`), not a fork or a
multiprocessing "spawn": those would inherit a web server's threads and locks, or run its main
script again (under `streamlit run` that is the page itself). The work, its arguments, its
progress and its result pass through files in a private temporary folder, removed at the end.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TASK, PROGRESS, RESULT, ERRORS = "task.pickle", "progress", "result.pickle", "stderr.txt"
_COUNTERS = struct.Struct("<qq")  # done, total


class JobFailed(RuntimeError):
    """The work raised, or its process ended without a result; the message says which."""


@dataclass
class Job:
    folder: Path
    process: subprocess.Popen | None = None  # None until launched
    _outcome: tuple[str, Any] | None = None

    @classmethod
    def start(cls, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        job = cls.prepare(work, *args, **kwargs)
        job.launch()
        return job

    @classmethod
    def prepare(cls, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """The job written down, its process not started yet (launch): a page can draw what
        it has first, without the work's process taking a core from it."""
        folder = Path(tempfile.mkdtemp(prefix="claimtrace-job-"))
        task = (work.__module__, work.__qualname__, args, kwargs)
        (folder / TASK).write_bytes(pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL))
        (folder / PROGRESS).write_bytes(_COUNTERS.pack(0, 0))
        return cls(folder)

    @property
    def launched(self) -> bool:
        return self.process is not None

    def launch(self) -> None:
        if self.process is not None or self._outcome is not None:
            return
        root = str(Path(__file__).resolve().parents[1])
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])])}  # fmt: skip
        with (self.folder / ERRORS).open("wb") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "claimtrace.jobs", str(self.folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=environment,
            )

    def progress(self) -> tuple[int, int]:
        try:
            done, total = _COUNTERS.unpack((self.folder / PROGRESS).read_bytes())
        except (OSError, struct.error):  # finished and cleaned up, or caught mid-write
            return (1, 1) if self._outcome and self._outcome[0] == "ok" else (0, 0)
        return done, total

    def fraction(self) -> float:
        done, total = self.progress()
        return min(1.0, done / total) if total else 0.0

    def finished(self) -> bool:
        if self._outcome is None and self.launched and self.process.poll() is not None:
            self._outcome = self._read_outcome()
            shutil.rmtree(self.folder, ignore_errors=True)
        return self._outcome is not None

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the process to end; True if it did."""
        if not self.launched:
            return self.finished()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)
        return self.finished()

    def result(self) -> Any:
        if not self.finished():
            raise RuntimeError("the job is still running")
        kind, payload = self._outcome
        if kind != "ok":
            raise JobFailed(payload)
        return payload

    def cancel(self) -> None:
        if self.launched and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self._outcome is None:
            self._outcome = ("error", "cancelled")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __del__(self) -> None:
        # Forgotten (its session ended, or a newer job took its place): stop its process and
        # remove its folder, so nothing is left running or lying in the temporary folder.
        with contextlib.suppress(Exception):
            self.cancel()

    def _read_outcome(self) -> tuple[str, Any]:
        try:
            return pickle.loads((self.folder / RESULT).read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError):
            errors = (self.folder / ERRORS).read_text(encoding="utf-8", errors="replace")
            last = errors.strip().splitlines()[-1:] or ["no message"]
            return ("error", f"the work's process ended ({self.process.returncode}): {last[0]}")


def _main(folder: Path) -> None:
    """In the child: run the task, write ("ok", result) or ("error", message) atomically."""
    module, name, args, kwargs = pickle.loads((folder / TASK).read_bytes())
    (folder / TASK).unlink()  # read: the data need not lie on the disk while the work runs
    with (folder / PROGRESS).open("r+b", buffering=0) as counters:

        def progress(done: int, total: int) -> None:
            counters.seek(0)
            counters.write(_COUNTERS.pack(done, total))

        try:
            work = importlib.import_module(module)
            for part in name.split("."):
                work = getattr(work, part)
            outcome = ("ok", work(*args, progress=progress, **kwargs))
        except Exception as exc:  # the parent shows the message; the traceback goes to stderr
            traceback.print_exc()
            outcome = ("error", f"{type(exc).__name__}: {exc}")
    partial = folder / (RESULT + ".part")
    partial.write_bytes(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(folder / RESULT)


if __name__ == "__main__":
    _main(Path(sys.argv[1]))
