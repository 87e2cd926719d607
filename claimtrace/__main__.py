"""The command line: `check` and `summary` a file of events, `render` its figures and exports,
`import` cascades with known sources (Twitter15/16, PHEME) as case folders."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tarfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from claimtrace import analysis, export, importers, mapping, report, schema
from claimtrace.figures.common import Options
from claimtrace.figures.timescale import SCALES
from claimtrace.filters import Filters, apply
from claimtrace.i18n import LANGUAGES
from claimtrace.ingest import load_path
from claimtrace.readers import UnreadableFile, read_table
from claimtrace.vocab import country_code, language_code

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_NO_IMAGES = 0, 1, 2, 3


def _load(args: argparse.Namespace):
    """The file's case, loaded with the --map options (a bad one ends the run with exit 2)."""
    file = Path(args.file)
    if not file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        raise SystemExit(EXIT_UNREADABLE)
    columns = _columns(args.map, file)
    args.columns = columns
    return load_path(file, columns=columns or None)


def _map_error(message: str) -> SystemExit:
    print(f"error: --map: {message}", file=sys.stderr)
    return SystemExit(EXIT_UNREADABLE)


def _columns(specs: list[str], file: Path) -> dict[str, str]:
    """The --map options merged into one mapping, its headers checked against the file's."""
    given: dict[str, str] = {}
    for spec in specs:
        try:
            parsed = mapping.parse_option(spec)
        except ValueError as exc:
            raise _map_error(str(exc)) from None
        for header, column in parsed.items():
            if given.get(header, column) != column:
                shown = " and ".join(
                    repr(c or mapping.EXTRA_FIELD) for c in (given[header], column)
                )
                raise _map_error(f"{header!r} is given two fields, {shown}")
            given[header] = column
    if not given:
        return {}
    headers = _headers(file)
    if headers is None:
        return given  # unreadable: the load says why
    given = mapping.match_headers(given, headers)
    absent = [h for h in given if h not in headers]
    if absent:
        names = ", ".join(repr(h) for h in absent)
        listed = ", ".join(repr(h) for h in headers)
        raise _map_error(f"no header {names} in {file.name}; its headers are {listed}")
    problems = mapping.check(given, headers, require=False)
    if problems:
        raise _map_error("; ".join(problems))
    return given


def _headers(file: Path) -> list[str] | None:
    """The file's headers as the reader sees them, or None if it cannot be read. (The file is
    read again by the load: only when --map is given or a hint is due.)"""
    try:
        return read_table(file.read_bytes(), file.name).header
    except UnreadableFile:
        return None


def _hint(file: Path, given: dict[str, str]) -> str | None:
    """The line that shows how to map the columns, when a required one is still not found."""
    headers = _headers(file)
    if headers is None:
        return None
    found = set(mapping.suggest(headers, given).values())
    if all(c in found for c in schema.REQUIRED):
        return None
    spec = mapping.shell_option(mapping.example(headers, given))
    return f"hint: map the columns, e.g. --map {spec}"


def check(args: argparse.Namespace) -> int:
    case = _load(args)
    if case.fatal:
        print(f"error: {case.fatal}")
        return EXIT_UNREADABLE
    loaded, rows = len(case.events), case.source.rows
    print(f"loaded {loaded} of {rows} rows ({len(case.rejected)} rejected)")
    for problem in case.problems:
        print(f"{problem.severity}: {problem}")
    if not loaded:
        hint = _hint(Path(args.file), args.columns)
        if hint:
            print(hint)
    return EXIT_REJECTED if len(case.rejected) else EXIT_OK


def summary(args: argparse.Namespace) -> int:
    case = _load(args)
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


def render(args: argparse.Namespace) -> int:
    """Write one file per format to --out and print each path, one per line."""
    case = _load(args)
    if case.fatal:
        print(f"error: {case.fatal}", file=sys.stderr)
        return EXIT_UNREADABLE
    if len(case.rejected):
        print(f"warning: {len(case.rejected)} rows rejected (see `check`)", file=sys.stderr)
    date_from, date_to = args.date_from or "", args.date_to or ""
    if not (date_from or date_to or args.all) and len(case.events):
        # The page's default view: the claim's own period.
        first, last, why = analysis.claim_period(case)
        if first:
            date_from, date_to = first, last
            print(f"note: {date_from} to {date_to}, {why} (--all for every event)",
                  file=sys.stderr)  # fmt: skip
    filters = Filters(
        date_from,
        date_to,
        outlet_type=tuple(args.outlet_type),
        country=tuple(args.country),
        language=tuple(args.language),
        stance=tuple(args.stance),
    )
    for facet in ("outlet_type", "country", "language", "stance"):
        for value in sorted(set(getattr(filters, facet)) - set(case.events[facet])):
            print(f"warning: no event has {facet} {value!r}", file=sys.stderr)
    view = apply(case, filters)
    if view.events.empty:
        print(f"warning: no events match the filters ({filters.describe()})", file=sys.stderr)
    spec = report.Report(
        args.view,
        args.width,
        args.height or report.SIZES["report"][1],
        case.meta.title if args.title is None else args.title,
        case.meta.claim if args.subtitle is None else args.subtitle,
    )
    options = Options(timezone=case.meta.timezone, time_scale=args.time_scale, width=spec.width,
                      lang=args.lang)  # fmt: skip
    inferred = args.view != "timeline" and bool(view.links["kind"].eq("inferred").any())
    footer = report.provenance(case, filters, inferred_shown=inferred, lang=args.lang)
    drawn = set(args.format) & {*export.IMAGE_FORMATS, "html"}
    parts = report.figures_for(view, options, args.view) if drawn else []
    said = next((p.layout.meta["scale"] for p in parts if p.layout.meta), "")
    if said:  # the time scale the figures took (the same for both), and why
        print(f"note: {said}", file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = report.file_stem(case)
    builders: dict[str, Callable[[], bytes]] = {
        "html": lambda: export.interactive_html(
            parts, title=spec.title, subtitle=spec.subtitle, footer=footer, lang=args.lang
        ).encode("utf-8"),
        "csv": lambda: export.events_csv(case, view),
        "json": lambda: export.events_json(case, view, filters, footer),
        "gexf": lambda: export.gexf_bytes(export.diffusion_graph(view, case.meta.timezone)),
        "graphml": lambda: export.graphml_bytes(export.diffusion_graph(view, case.meta.timezone)),
    }
    if set(args.format) & set(export.IMAGE_FORMATS):
        share, enough = report.fit(parts, spec, footer)
        if share < 1 and args.height is None:
            # No height asked for: take the one that keeps the charts as legible as on screen.
            spec = replace(spec, height=enough)
            print(f"note: height {enough} so the charts keep their on-screen size", file=sys.stderr)
        elif share < report.SQUEEZED:
            print(
                f"warning: at {spec.width} x {spec.height} the charts get {share:.0%} of their "
                f"on-screen height and labels overlap; --height {enough} keeps them as on screen",
                file=sys.stderr,
            )
        figure = report.report_figure(parts, spec, footer)
        for fmt in export.IMAGE_FORMATS:
            builders[fmt] = lambda fmt=fmt: export.image_bytes(figure, fmt, args.scale)
    failed = False
    for fmt in args.format:
        if failed and fmt in export.IMAGE_FORMATS:
            continue
        path = out / export.file_name(stem, fmt, args.view)
        try:
            path.write_bytes(builders[fmt]())
        except export.ImageExportUnavailable as exc:
            # The tables, the graph and the page need no browser: they are still written.
            print(f"error: {exc}", file=sys.stderr)
            failed = True
            continue
        print(path)
    return EXIT_NO_IMAGES if failed else EXIT_OK


def import_cascades(args: argparse.Namespace) -> int:
    """Write one case folder per cascade under --out; print each events.csv and its count."""
    source = Path(args.path)
    if not source.exists():
        print(f"error: {args.path}: no such file or folder", file=sys.stderr)
        return EXIT_UNREADABLE
    out = Path(args.out)
    any_rejected = False
    found = 0
    try:
        for cascade in _cascades(args, source):
            found += 1
            path = importers.write_case(cascade, out / cascade.name)
            rejected = len(cascade.rejected)
            print(path)
            print(f"loaded {cascade.used} of {cascade.lines} lines ({rejected} rejected)")
            for line, reason in cascade.rejected:
                print(f"  line {line}: {reason}")
            any_rejected = any_rejected or bool(rejected)
    except (OSError, ValueError, tarfile.TarError, UnicodeDecodeError) as exc:
        print(f"error: {args.path}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    if not found:
        wanted = getattr(args, "tree", None) or getattr(args, "thread", None)
        print(f"error: {args.path}: no cascade" + (f" {wanted}" if wanted else ""), file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_REJECTED if any_rejected else EXIT_OK


def _cascades(args: argparse.Namespace, source: Path):
    """The cascades the import command asked for."""
    if args.dataset == "pheme":
        if (source / "structures.json").exists():
            yield from importers.pheme_cascades(source, source.name, thread=args.thread)
            return
        splits = [args.split] if args.split else list(importers.PHEME_SPLITS)
        splits = [s for s in splits if (source / s / "structures.json").exists()]
        if not splits:
            raise ValueError("no structures.json here or in traindev/ or test/")
        for split in splits:
            yield from importers.pheme_cascades(source, split, thread=args.thread)
        return
    if source.is_file() and not tarfile.is_tarfile(source):
        # One tree file: its label and source text from a twitter1X/ folder above it, if any.
        labels, texts = {}, {}
        for folder in list(source.parents)[:3]:
            data = folder / args.dataset
            if (data / "label.txt").exists():
                labels = importers.read_labels((data / "label.txt").read_text(encoding="utf-8"))
                csv_file = data / "source_tweets_text.csv"
                if csv_file.exists():
                    texts = importers.read_source_texts(csv_file.read_text(encoding="utf-8"))
                break
        tid = args.tree or source.stem
        yield importers.read_twitter_tree(
            source.read_text(encoding="utf-8"),
            tid,
            labels.get(tid, ""),
            texts.get(tid, ""),
            args.dataset,
        )
        return
    yield from importers.twitter_cascades(source, args.dataset, limit=args.limit, tree=args.tree)


def _formats(text: str) -> list[str]:
    chosen = [f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in export.FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or text!r}; choose from {','.join(export.FORMATS)}"
        )
    return list(dict.fromkeys(chosen))


def _day(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def _side(text: str) -> int:
    value = int(text)
    if not report.MIN_SIDE <= value <= report.MAX_SIDE:
        raise argparse.ArgumentTypeError(
            f"{value} is outside {report.MIN_SIDE} to {report.MAX_SIDE} pixels"
        )
    return value


def _scale(text: str) -> float:
    value = float(text)
    if not 0.5 <= value <= 4:
        raise argparse.ArgumentTypeError(f"scale {value:g} is outside 0.5 to 4")
    return value


def _vocabulary(facet: str, to_code: Callable[[str], str | None]) -> Callable[[str], str]:
    """A value as the data stores it: 'State TV' -> 'state_tv', 'English' -> 'en'."""

    def parse(text: str) -> str:
        code = to_code(text)
        if code is None:
            raise argparse.ArgumentTypeError(f"unknown {facet} {text!r}")
        return code

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m claimtrace",
        description="Check and summarise a file of source events (CSV, XLSX, JSON, JSON Lines).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("check", help="validate a file: one line per problem")
    p.add_argument("file")
    _map_argument(p)
    p.set_defaults(run=check)
    p = commands.add_parser("summary", help="key figures of a case")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _map_argument(p)
    p.set_defaults(run=summary)
    _render_parser(commands)
    _import_parser(commands)
    args = parser.parse_args(argv)
    return args.run(args)


def _map_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="SPEC",
        help="what the file's headers mean, as field=HEADER pairs separated by commas: "
        '--map outlet=Publication,date="Date published" (quotes keep commas in a header; '
        "extra=HEADER keeps one as an extra column; repeatable)",
    )


def _import_parser(commands) -> None:
    p = commands.add_parser(
        "import",
        help="write cascades whose true sources are known (Twitter15/16, PHEME) as case folders",
        description="Read Twitter15/16 retweet trees or PHEME (RumourEval 2017) threads and write "
        "one case folder (events.csv, case.json) per cascade under --out, the true parent of "
        "each event as its `cites`; print each events.csv and how many input lines were used.",
    )
    kinds = p.add_subparsers(dest="dataset", required=True)
    for name in importers.TWITTER_DATASETS:
        q = kinds.add_parser(name, help=f"{name} trees: one tree file, the tgz, or its folder")
        q.add_argument("path", metavar="FILE_OR_TGZ")
        q.add_argument("--tree", help="only the tree of this source tweet id")
        q.add_argument("--limit", type=int, help="at most this many trees")
        q.add_argument("--out", default="imported", help="folder (default ./imported/)")
        q.set_defaults(run=import_cascades)
    q = kinds.add_parser("pheme", help="PHEME threads: the folder of traindev/ and test/, or one")
    q.add_argument("path", metavar="DIR")
    q.add_argument("--thread", help="only this thread id")
    q.add_argument("--split", choices=importers.PHEME_SPLITS, help="default: both")
    q.add_argument("--out", default="imported", help="folder (default ./imported/)")
    q.set_defaults(run=import_cascades)


def _render_parser(commands) -> None:
    p = commands.add_parser(
        "render",
        help="write the figures and exports of a file, one file per format",
        description="Write the timeline, the network or both (PNG, SVG, PDF, interactive HTML), "
        "the filtered events (CSV, JSON) and the diffusion graph (GEXF, GraphML) to --out; "
        "print each path.",
    )
    p.add_argument("file")
    p.add_argument("--out", required=True, help="folder for the files (created if missing)")
    _map_argument(p)
    p.add_argument(
        "--format",
        type=_formats,
        default=["png"],
        help=f"comma-separated, from {','.join(export.FORMATS)} (default png)",
    )
    p.add_argument("--view", choices=report.VIEWS, default="both", help="default both")
    p.add_argument(
        "--time-scale",
        choices=SCALES,
        default="auto",
        help="calendar (evenly spaced), compressed (empty stretches cut out, marked ⋯) or "
        "auto (compressed when most events crowd into a small part of the span); default auto",
    )
    p.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default="en",
        help="the language of the figures' words, dates and numbers and of the footer: "
        "en, de or de-CH (default en); the CSV and JSON field names stay the contract's",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="every event; by default a case with a focus period is drawn for that period",
    )
    p.add_argument("--width", type=_side, default=1600, help="layout pixels (default 1600)")
    p.add_argument(
        "--height",
        type=_side,
        default=None,
        help="layout pixels (default 900, or taller where the charts would be squeezed)",
    )
    p.add_argument("--scale", type=_scale, default=1, help="PNG pixels per layout pixel")
    p.add_argument("--title", help="default: the case title")
    p.add_argument("--subtitle", help="default: the claim")
    p.add_argument("--from", dest="date_from", type=_day, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="YYYY-MM-DD, inclusive")
    facets = (
        ("--outlet-type", "outlet_type", lambda v: schema.match_value("outlet_type", v)),
        ("--country", "country", country_code),
        ("--language", "language", language_code),
        ("--stance", "stance", lambda v: schema.match_value("stance", v)),
    )
    for flag, facet, to_code in facets:
        p.add_argument(
            flag,
            dest=facet,
            nargs="+",
            action="extend",
            default=[],
            type=_vocabulary(facet.replace("_", " "), to_code),
            metavar=facet.upper(),
            help=f"keep only these values of {facet} (repeatable)",
        )
    p.set_defaults(run=render)


if __name__ == "__main__":
    raise SystemExit(main())
