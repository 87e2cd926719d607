"""The core stays plain Python: importing it never pulls in streamlit."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_does_not_import_streamlit():
    code = (
        "import sys, claimtrace, claimtrace.ingest, claimtrace.diffusion, claimtrace.analysis, "
        "claimtrace.filters, claimtrace.export, claimtrace.figures.timeline, "
        "claimtrace.figures.network, claimtrace.__main__; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_no_core_source_mentions_streamlit_imports():
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "claimtrace").rglob("*.py")
        if "import streamlit" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
