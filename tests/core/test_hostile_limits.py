"""The guards that keep one file from taking the server down, and the docs that state them.

The server refuses uploads over `server.maxUploadSize` (Streamlit enforces it; the browser test
shows the message). Whatever gets through meets the loader's guards: rows, columns, cell size,
XLSX expansion, JSON depth. The command line has no size limit of its own: it reads a file on
the user's own machine, so only the loader's guards apply (README, "Reliability").
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from pathlib import Path

import openpyxl
import pytest

from claimtrace import readers
from claimtrace.__main__ import main
from claimtrace.dates import FIRST_YEAR, LAST_YEAR
from claimtrace.ingest import load_bytes

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_MB = 50


def rows_csv(n: int, *, pad: int = 0, blank_lines: bool = False) -> bytes:
    """n events (a third cite an earlier one), each with `pad` characters of notes."""
    end = "\n\n" if blank_lines else "\n"
    lines = ["id,date,outlet,outlet_type,country,language,headline,cites,notes\n"]
    notes = "n" * pad
    for i in range(n):
        day = f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}"
        cites = f"e{i // 2}" if i % 3 == 1 else ""
        kind, country, language = ("tabloid", "GB", "en") if i % 2 else ("wire", "RU", "ru")
        lines.append(
            f"e{i},{day},Outlet {i % 500},{kind},{country},{language},Headline {i},{cites},{notes}"
            + end
        )
    return "".join(lines).encode()


def test_the_server_refuses_uploads_over_50_mb():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == UPLOAD_MB


def test_200000_rows_load_and_the_command_line_reads_files_over_the_upload_limit(tmp_path, capsys):
    data = rows_csv(200_000, pad=215)
    assert len(data) > UPLOAD_MB * 2**20  # too big to upload, fine on one's own machine
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "loaded 200000 of 200000 rows (0 rejected)"


@pytest.mark.parametrize("blank_lines", [False, True], ids=["plain", "with-blank-lines"])
def test_more_rows_than_the_limit_are_refused_plainly(blank_lines):
    data = b"id,date,outlet\n" + b"".join(
        b"e%d,2022-08-05,A\n%s" % (i, b"\n" if blank_lines else b"")
        for i in range(readers.MAX_ROWS + 1)
    )
    case = load_bytes(data, "huge.csv")
    assert case.fatal == "huge.csv: the file has more than 500,000 rows; split it"


def test_more_json_records_than_the_limit_are_refused_plainly():
    data = json.dumps(
        [{"id": f"e{i}", "date": "2022-08-05", "outlet": "A"} for i in range(readers.MAX_ROWS + 1)]
    ).encode()
    assert load_bytes(data, "huge.json").fatal.endswith("more than 500,000 records; split it")


def _xlsx(n: int) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["id", "date", "outlet"])
    for i in range(n):
        book.active.append([f"e{i}", "2022-08-05", "A"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("rows.xlsx", _xlsx, "the sheet has more than 50 rows; split it"),
        (
            "rows.jsonl",
            lambda n: "".join(
                json.dumps({"id": f"e{i}", "date": "2022-08-05", "outlet": "A"}) + "\n"
                for i in range(n)
            ).encode(),
            "the file has more than 50 records; split it",
        ),
        ("rows.csv", lambda n: rows_csv(n), "the file has more than 50 rows; split it"),
    ],
)
def test_the_row_limit_holds_in_every_format(monkeypatch, name, make, message):
    monkeypatch.setattr(readers, "MAX_ROWS", 50)
    assert not load_bytes(make(50), name).fatal
    assert load_bytes(make(51), name).fatal == f"{name}: {message}"


def test_guards_are_real_limits_not_suggestions():
    # Big enough for any newsroom's file, small enough that one file costs seconds, not minutes.
    assert readers.MAX_ROWS == 500_000
    assert readers.MAX_CELL_CHARS == 1_000_000
    assert readers.MAX_COLUMNS == 500
    assert readers.MAX_XLSX_UNCOMPRESSED == 200 * 2**20


def test_the_readme_states_every_limit():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reliability", 1)[1].split("\n## ", 1)[0]
    for stated in (
        f"{UPLOAD_MB} MB",
        f"{readers.MAX_ROWS:,}",
        f"{readers.MAX_CELL_CHARS:,}",
        f"{readers.MAX_COLUMNS:,}",
        f"{readers.MAX_XLSX_UNCOMPRESSED // 2**20:,} MB",
        f"{FIRST_YEAR} to {LAST_YEAR}",
    ):
        assert stated in section, stated
    assert re.search(r"command line.{0,200}no size limit", section, re.S | re.I)
