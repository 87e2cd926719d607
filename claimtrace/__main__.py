"""The command line: `python -m claimtrace check FILE` and `python -m claimtrace summary FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimtrace import analysis
from claimtrace.ingest import load_path

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def _load(path: str):
    file = Path(path)
    if not file.is_file():
        print(f"error: {path}: no such file", file=sys.stderr)
        raise SystemExit(EXIT_UNREADABLE)
    return load_path(file)


def check(args: argparse.Namespace) -> int:
    case = _load(args.file)
    if case.fatal:
        print(f"error: {case.fatal}")
        return EXIT_UNREADABLE
    loaded, rows = len(case.events), case.source.rows
    print(f"loaded {loaded} of {rows} rows ({len(case.rejected)} rejected)")
    for problem in case.problems:
        print(f"{problem.severity}: {problem}")
    return EXIT_REJECTED if len(case.rejected) else EXIT_OK


def summary(args: argparse.Namespace) -> int:
    case = _load(args.file)
    if case.fatal:
        print(f"error: {case.fatal}", file=sys.stderr)
        return EXIT_UNREADABLE
    data = analysis.summary(case)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for key, value in data.items():
            print(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m claimtrace",
        description="Check and summarise a file of source events (CSV, XLSX, JSON, JSON Lines).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("check", help="validate a file: one line per problem")
    p.add_argument("file")
    p.set_defaults(run=check)
    p = commands.add_parser("summary", help="key figures of a case")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=summary)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
