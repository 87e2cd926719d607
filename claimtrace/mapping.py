"""What a file's headers mean: suggestions, checks and the command line's `--map` option.

A file whose headers the contract's synonyms do not recognise ("Publication", "Date published")
would have every row rejected. A mapping says what each of the file's own headers means, as
{header: contract column}, with EXTRA ("") for a header kept as an extra column; `load_bytes`
and `build_case` take it as `columns=`, over the synonyms. These functions are pure, so the page's
column picker, the command line and the tests all work out a mapping and its problems the same way.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence

from claimtrace import schema
from claimtrace.vocab import normalize_key

# The mapping's value for "keep this header as an extra column": what build_case reads as such.
EXTRA = ""
# The word that means EXTRA on the command line (`--map extra=Nr`), where "" cannot be typed.
EXTRA_FIELD = "extra"

_MEANING = {c.name: c.meaning for c in schema.COLUMNS}


def suggest(headers: Sequence[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each header -> the contract column its synonyms give, else EXTRA.

    The first header that means a column takes it and later ones are EXTRA, as build_case does,
    so the suggestion is what a load would do. `given` (the user's own choices) goes over the
    synonyms; a header whose synonym names a column the user gave to another header is EXTRA,
    because the user's word beats a guess.
    """
    given = dict(given or {})
    claimed = {v for h, v in given.items() if h in headers and v in schema.COLUMN_NAMES}
    out: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        if header in out:
            continue  # a repeat: its first meaning stands (a load keeps it as an extra column)
        if header in given:
            column = given[header] if given[header] in schema.COLUMN_NAMES else EXTRA
        else:
            column = (schema.match_header(header) if header else None) or EXTRA
            if column in claimed:
                column = EXTRA
        if column and column in taken:
            column = EXTRA
        taken.add(column)
        out[header] = column
    return out


def needs_mapping(headers: Sequence[str]) -> bool:
    """Whether a required contract column is not recognised among the headers: without a
    mapping every row of the file would be rejected."""
    found = set(suggest(headers).values())
    return any(c not in found for c in schema.REQUIRED)


def check(mapping: Mapping[str, str], headers: Sequence[str], *, require: bool = True) -> list[str]:
    """The problems of a mapping, in plain English, one sentence each (empty: it is fine).

    A required column not mapped (only with `require`: a partial mapping laid over the synonyms,
    as the command line's, is checked for the rest), a contract column chosen for two headers,
    a target that is not a contract column, and a header that is not in the file. Each names
    what it is about, so the person can fix it without knowing the code.
    """
    problems: list[str] = []
    present = set(headers)
    if require:
        for column in schema.REQUIRED:
            if column not in mapping.values():
                problems.append(
                    f"no header is mapped to the required column {column!r} ({_MEANING[column]})"
                )
    chosen: dict[str, list[str]] = {}
    for header, target in mapping.items():
        if target == EXTRA:
            continue
        if target not in schema.COLUMN_NAMES:
            problems.append(
                f"{header!r} is mapped to {target!r}, which is not a column of the contract "
                f"(the columns are {', '.join(schema.COLUMN_NAMES)})"
            )
            continue
        chosen.setdefault(target, []).append(header)
    for target, named in chosen.items():
        if len(named) > 1:
            both = " and ".join(repr(h) for h in named)
            problems.append(
                f"{target!r} is chosen for {len(named)} headers, {both}; a column can come "
                "from one header only"
            )
    for header in mapping:
        if header not in present:
            problems.append(f"there is no header {header!r} in the file")
    return problems


def parse_option(text: str) -> dict[str, str]:
    """The command line's `--map` value -> {header: contract column}.

    The form is `field=HEADER` pairs separated by commas, such as
    `outlet=Publication,date="Date published",url='Link to article'`. The text is split with
    `shlex` in POSIX mode on commas alone (not on spaces, and with no comment character), so:
    a header may hold spaces without quotes; single or double quotes keep commas (and `=`) in a
    header; a backslash escapes the next character outside single quotes; empty pairs (a comma
    at the end, two in a row) are skipped. Each pair splits at its first `=`; spaces around the
    field and the header are dropped. The field is a contract column (case, `-` and spaces
    ignored) or `extra` (EXTRA: keep the header as an extra column).

    Raises ValueError, naming the part at fault: a quote not closed, a pair without `=`, a field
    or a header left empty, an unknown field (listing the contract's fields), or one header given
    two fields.
    """
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace = ","
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        parts = list(lexer)
    except ValueError as exc:  # shlex: "No closing quotation", "No escaped character"
        raise ValueError(f"cannot read {text!r}: {str(exc).lower()}") from None
    if not parts:
        raise ValueError(
            f"{text!r} names no column; write field=HEADER, such as outlet=Publication"
        )
    out: dict[str, str] = {}
    for part in parts:
        field, sep, header = part.partition("=")
        field, header = field.strip(), header.strip()
        if not sep:
            raise ValueError(f"{part!r} has no '='; write field=HEADER, such as outlet={part}")
        if not field:
            raise ValueError(f"{part!r} has no field before '='; the fields are {_fields()}")
        if not header:
            raise ValueError(f"{part!r} has no header after '='; write {field}=HEADER")
        column = _field(field)
        if column is None:
            raise ValueError(f"unknown field {field!r} in {part!r}; the fields are {_fields()}")
        if header in out and out[header] != column:
            raise ValueError(
                f"{header!r} is given two fields, {_shown(out[header])} and {_shown(column)}"
            )
        out[header] = column
    return out


def format_option(mapping: Mapping[str, str]) -> str:
    """A mapping as parse_option reads it back: `field="HEADER"` pairs, each header in double
    quotes (a `"` or `\\` in it escaped with a backslash)."""
    pairs = []
    for header, column in mapping.items():
        quoted = header.replace("\\", "\\\\").replace('"', '\\"')
        pairs.append(f'{column or EXTRA_FIELD}="{quoted}"')
    return ",".join(pairs)


# What a shell still acts on inside double quotes (shlex.split does not: it expands nothing).
_SHELL_EXPANDS = "$`!\\"


def shell_option(mapping: Mapping[str, str]) -> str:
    """The `--map` argument as typed in a POSIX shell: format_option's text as it is where the
    shell hands it on unchanged enough for parse_option to read the same mapping (the usual
    case: `outlet="Publication",date="Date published"`), else quoted whole for the shell (a
    comma, a quote, or `$`, a backtick, `!` or a backslash, which a shell would act on)."""
    spec = format_option(mapping)
    if not any(ch in spec for ch in _SHELL_EXPANDS):
        try:
            typed = shlex.split(spec)
            if len(typed) == 1 and parse_option(typed[0]) == dict(mapping):
                return spec
        except ValueError:
            pass
    return shlex.quote(spec)


def example(headers: Sequence[str], given: Mapping[str, str] | None = None) -> dict[str, str]:
    """A mapping to show as an example for the required columns the headers lack: each takes an
    unrecognised header with a word that is the column's name or a synonym ("Date published"
    for date), else the next unrecognised one in the file's order, else the placeholder
    "HEADER". Whole words, so "Video" is not taken for id.

    Only a hint of the form: the person knows what their headers mean, the code guesses.
    """
    suggested = suggest(headers, given)
    missing = [c for c in schema.REQUIRED if c not in suggested.values()]
    free = [h for h, c in suggested.items() if c == EXTRA and h and h not in (given or {})]
    out: dict[str, str] = {}
    for column in missing:
        spellings = {normalize_key(s) for s in (column, *_synonyms(column))}
        pick = next((h for h in free if spellings & _words(h)), None)
        if pick is not None:
            free.remove(pick)
            out[pick] = column
    for column in missing:
        if column in out.values():
            continue
        pick = free.pop(0) if free else "HEADER"
        out[pick] = column
    return dict(sorted(out.items(), key=lambda item: schema.REQUIRED.index(item[1])))


def field_choices() -> list[tuple[str, str]]:
    """(value, label) for each choice of a column picker: every contract column with its meaning
    ("outlet — the outlet, account or official body", "(required)" where it is), then EXTRA.

    From schema, so the picker says what the contract says."""
    out = []
    for column in schema.COLUMNS:
        mark = " (required)" if column.required else ""
        out.append((column.name, f"{column.name}{mark} — {column.meaning}"))
    out.append((EXTRA, "keep as an extra column"))
    return out


def _field(text: str) -> str | None:
    """The contract column a typed field names ("Outlet-Type" -> "outlet_type"), EXTRA for
    `extra`, or None."""
    key = "_".join(text.lower().replace("-", " ").replace("_", " ").split())
    if key == EXTRA_FIELD:
        return EXTRA
    return key if key in schema.COLUMN_NAMES else None


def _fields() -> str:
    return f"{', '.join(schema.COLUMN_NAMES)} (or {EXTRA_FIELD} to keep a column as it is)"


def _shown(column: str) -> str:
    return repr(column or EXTRA_FIELD)


def _words(header: str) -> set[str]:
    return {normalize_key(w) for w in re.split(r"[\W_]+", header) if w}


def _synonyms(column: str) -> tuple[str, ...]:
    return next(c.synonyms for c in schema.COLUMNS if c.name == column)


def match_headers(mapping: Mapping[str, str], headers: Sequence[str]) -> dict[str, str]:
    """The mapping with each header as the file spells it, where it is typed with another case,
    accents or spacing ("publication" for "Publication") and only one header of the file reads
    so. A header that matches none, or two, is left as typed, for check to report."""
    keys: dict[str, list[str]] = {}
    for header in headers:
        keys.setdefault(normalize_key(header), []).append(header)
    out: dict[str, str] = {}
    for header, column in mapping.items():
        found = keys.get(normalize_key(header), [])
        out[header if header in headers or len(found) != 1 else found[0]] = column
    return out
