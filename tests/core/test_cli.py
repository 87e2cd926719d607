"""The command line: exit codes and the first line of `check`, the JSON of `summary`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "cases" / "nk-100k-volunteers" / "events.csv"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimtrace", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_check_bundled_case_exits_zero():
    out = run("check", str(BUNDLED))
    assert out.returncode == 0, out.stdout + out.stderr
    first = out.stdout.splitlines()[0]
    assert first == "loaded 60 of 60 rows (0 rejected)"
    assert all(line.startswith("warning: ") for line in out.stdout.splitlines()[1:])


def test_check_names_each_bad_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,date,outlet\n"
        "a,2022-08-05,Daily Mail\n"
        "b,2022-13-32,New York Post\n"
        "a,2022-08-06,Duplicate\n"
        "c,2022-08-07,\n"
        ",2022-08-07,No id\n",
        encoding="utf-8",
    )
    out = run("check", str(bad))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == "loaded 1 of 5 rows (4 rejected)"
    assert "error: row 3, column date: cannot read '2022-13-32' as a date" in out.stdout
    assert "error: row 4, column id: id 'a' is already used on row 2" in out.stdout
    assert "error: row 5, column outlet: no outlet" in out.stdout
    assert "error: row 6, column id: no id" in out.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\xff\xfe\x00\x00" * 50, "not a table"),
        (b'{"events": [1, 2', "JSON cannot be read"),
    ],
    ids=["empty", "binary", "broken-json"],
)
def test_check_unreadable_file_exits_two(tmp_path, content, message):
    path = tmp_path / "events.csv"
    path.write_bytes(content)
    out = run("check", str(path))
    assert out.returncode == 2
    assert out.stdout.startswith("error: ")
    assert message in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_check_missing_file_exits_two(tmp_path):
    out = run("check", str(tmp_path / "nope.csv"))
    assert out.returncode == 2
    assert "no such file" in out.stderr


def test_summary_json_of_bundled_case():
    out = run("summary", str(BUNDLED), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["events"] == 60
    assert data["rejected"] == 0
    assert data["outlets"] >= 50
    assert data["countries"] >= 10
    assert data["languages"] >= 8
    assert data["first_appearance"].startswith("2022-08-02")
    assert {"regnum-0802", "korotchenko-0804"} <= set(data["origins"])
    # Events that cite something in the data are never origins.
    assert "dailymail-0805" not in data["origins"]
    assert "nypost-0805" not in data["origins"]
