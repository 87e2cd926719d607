"""The command line: exit codes and the first line of `check`, the JSON of `summary`."""

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from claimtrace.__main__ import main

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


# --- --map: what the file's headers mean -----------------------------------------------------

MAPPED_CSV = (
    "Publication;Date published;Link to article;Nr\n"
    "Daily Mail;2022-08-05;https://dailymail.example/a;1\n"
    "New York Post;2022-08-06;https://nypost.example/b;2\n"
    ";2022-08-07;https://x.example/c;3\n"
)
MAP_ALL = 'outlet=Publication,date="Date published"'


@pytest.fixture
def mapped_file(tmp_path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(MAPPED_CSV, encoding="utf-8")
    return path


def test_check_without_map_ends_with_a_hint(mapped_file):
    out = run("check", str(mapped_file))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == "loaded 0 of 3 rows (3 rejected)"
    assert (
        lines[-1] == 'hint: map the columns, e.g. --map date="Date published",outlet="Publication"'
    )


def test_the_hint_works_as_typed(mapped_file):
    hint = run("check", str(mapped_file)).stdout.splitlines()[-1]
    typed = shlex.split(hint.split("--map ", 1)[1])  # as a shell hands it on
    out = run("check", str(mapped_file), "--map", *typed)
    assert out.stdout.splitlines()[0] == "loaded 2 of 3 rows (1 rejected)"
    assert "hint:" not in out.stdout


def test_check_with_map_loads_the_rows(mapped_file):
    # as the shell hands on --map outlet=Publication --map date="Date published"
    out = run(
        "check", str(mapped_file), "--map", "outlet=Publication", "--map", "date=Date published"
    )
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "loaded 2 of 3 rows (1 rejected)"
    assert "error: row 4, column outlet: no outlet" in out.stdout
    assert "hint:" not in out.stdout
    assert out.stderr == ""


def test_check_with_a_partial_map_hints_at_the_rest(mapped_file):
    out = run("check", str(mapped_file), "--map", "outlet=Publication")
    assert out.returncode == 1
    assert out.stdout.splitlines()[-1] == 'hint: map the columns, e.g. --map date="Date published"'


def test_map_takes_the_files_spelling_of_a_header(mapped_file):
    out = run("check", str(mapped_file), "--map", "outlet=publication,date=DATE PUBLISHED")
    assert out.stdout.splitlines()[0] == "loaded 2 of 3 rows (1 rejected)", out.stderr


@pytest.mark.parametrize(
    ("maps", "message"),
    [
        (["foo=Publication"], "unknown field 'foo' in 'foo=Publication'; the fields are id, date"),
        (["outlet"], "'outlet' has no '='"),
        (["outlet="], "'outlet=' has no header after '='"),
        (["=Publication"], "has no field before '='"),
        (['outlet="Publication'], "no closing quotation"),
        (["outlet=Publication", "date=Publication"], "'Publication' is given two fields"),
        (
            ["outlet=Publication", "outlet=Nr"],
            "'outlet' is chosen for 2 headers, 'Publication' and 'Nr'",
        ),
        (
            ["outlet=Publikation"],
            "no header 'Publikation' in events.csv; its headers are 'Publication', "
            "'Date published', 'Link to article', 'Nr'",
        ),
    ],
    ids=[
        "unknown-field",
        "no-equals",
        "no-header",
        "no-field",
        "open-quote",
        "two-fields",
        "chosen-twice",
        "not-in-file",
    ],
)
@pytest.mark.parametrize("command", ["check", "summary", "render"])
def test_a_bad_map_exits_two(mapped_file, tmp_path, capsys, command, maps, message):
    # In process (main raises SystemExit as the interpreter would exit): many cases, all quick.
    extra = ["--out", str(tmp_path / "out"), "--format", "csv"] if command == "render" else []
    args = [a for m in maps for a in ("--map", m)]
    with pytest.raises(SystemExit) as stopped:
        main([command, str(mapped_file), *args, *extra])
    assert stopped.value.code == 2
    out = capsys.readouterr()
    assert out.err.startswith("error: --map: "), out.err
    assert message in out.err
    assert out.out == ""
    assert not (tmp_path / "out").exists()


def test_a_bad_map_exits_two_from_the_shell(mapped_file):
    out = run("check", str(mapped_file), "--map", "foo=Publication")
    assert out.returncode == 2
    assert out.stderr.startswith("error: --map: unknown field 'foo'")
    assert "Traceback" not in out.stderr


def test_summary_with_map(mapped_file):
    out = run("summary", str(mapped_file), "--json", "--map", MAP_ALL)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["events"] == 2
    assert data["rejected"] == 1


def test_render_with_map_keeps_the_extra_column(mapped_file, tmp_path):
    out_dir = tmp_path / "out"
    out = run(
        "render", str(mapped_file), "--map", MAP_ALL, "--out", str(out_dir), "--format", "csv"
    )
    assert out.returncode == 0, out.stderr
    (written,) = out.stdout.splitlines()
    table = Path(written).read_text(encoding="utf-8")
    assert "Link to article" in table.splitlines()[0]
    assert "https://dailymail.example/a" in table


def test_map_on_an_unreadable_file_reports_the_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"")
    out = run("check", str(path), "--map", "outlet=Publication")
    assert out.returncode == 2
    assert out.stdout.startswith("error: ")
    assert "--map" not in out.stdout + out.stderr


# --- import: cascades with known sources ---------------------------------------------------------

DATASETS = Path("/work/shared/datasets")
SAMPLE_TREES = DATASETS / "twitter15_16" / "sample_trees_twitter16"
PHEME_DATA = DATASETS / "pheme_rumoureval2017"
CLEAN_TREE = SAMPLE_TREES / "675065047710892033.txt"  # 100 lines, none rejected
REJECTING_TREE = SAMPLE_TREES / "525068915068923904.txt"  # 99 lines, a duplicate and a loop


@pytest.mark.skipif(not SAMPLE_TREES.is_dir(), reason="Twitter15/16 sample not here")
def test_import_a_tree_file_writes_a_case_that_checks(tmp_path, capsys):
    assert main(["import", "twitter16", str(CLEAN_TREE), "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    path = tmp_path / "twitter16-675065047710892033" / "events.csv"
    assert lines == [str(path), "loaded 100 of 100 lines (0 rejected)"]
    meta = json.loads((path.parent / "case.json").read_text(encoding="utf-8"))
    assert meta["label"] == "false"  # found in twitter16/label.txt beside the samples
    assert meta["claim"].startswith("mexican drug kingpin")
    out = run("check", str(path))
    assert out.stdout.splitlines()[0] == "loaded 100 of 100 rows (0 rejected)"


@pytest.mark.skipif(not SAMPLE_TREES.is_dir(), reason="Twitter15/16 sample not here")
def test_import_exits_one_and_names_each_rejected_line(tmp_path, capsys):
    assert main(["import", "twitter16", str(REJECTING_TREE), "--out", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "loaded 97 of 99 lines (2 rejected)"
    assert lines[2:] == [
        "  line 17: duplicate of line 14",
        "  line 99: would give the source a parent",
    ]


@pytest.mark.skipif(not SAMPLE_TREES.is_dir(), reason="Twitter15/16 sample not here")
def test_import_from_the_tgz_by_tree_id_from_the_shell(tmp_path):
    tgz = DATASETS / "twitter15_16" / "trees_twitter15_16_full.tgz"
    out = run(
        "import", "twitter16", str(tgz), "--tree", "675065047710892033", "--out", str(tmp_path)
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1] == "loaded 100 of 100 lines (0 rejected)"


@pytest.mark.skipif(not PHEME_DATA.is_dir(), reason="PHEME data not here")
def test_import_a_pheme_thread(tmp_path, capsys):
    argv = ["import", "pheme", str(PHEME_DATA), "--thread", "553480082996879360"]
    assert main([*argv, "--out", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == str(tmp_path / "pheme-553480082996879360" / "events.csv")
    assert lines[1] == "loaded 9 of 17 lines (8 rejected)"
    assert "  line 10: post 553485679129534464 is not in posts.json (deleted)" in lines


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["twitter15", "{tmp}/nope.tgz"], "no such file or folder"),
        (["pheme", "{tmp}"], "no structures.json"),
        (["twitter16", "{tmp}/bad.txt"], "codec can't decode"),
        (["twitter16", "{tmp}", "--tree", "1"], "No such file"),
    ],
    ids=["missing", "not-pheme", "not-text", "no-trees"],
)
def test_import_unreadable_exits_two(tmp_path, capsys, argv, message):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["import", *argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err


@pytest.mark.parametrize(
    ("lang", "words", "absent"),
    [
        ("de", ["Erstes Auftreten", "Erstmals auf Englisch", "Staatsfernsehen", "Exportiert",
                "5. Aug.", "Russisch"], ["First appearance", "Exported", "5 Aug"]),
        ("de-CH", ["Erstes Auftreten", "Exportiert", "5. Aug."], ["Exported"]),
        ("en", ["First appearance", "State TV", "Exported"], ["Erstes Auftreten"]),
    ],
)  # fmt: skip
def test_render_in_a_language(tmp_path, lang, words, absent):
    out_dir = tmp_path / "out"
    out = run("render", str(BUNDLED), "--lang", lang, "--out", str(out_dir), "--format", "html")
    assert out.returncode == 0, out.stderr
    (written,) = out.stdout.splitlines()
    page = Path(written).read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page

    def shown(word: str) -> bool:  # as text, or as the figures' JSON writes it (\u00df)
        return word in page or json.dumps(word)[1:-1] in page

    for word in words:
        assert shown(word), word
    for word in absent:
        assert not shown(word), word
