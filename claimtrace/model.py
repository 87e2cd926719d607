"""The loaded case: events, links, rejected rows, problems and where it all came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the user's own file shows it."""

    severity: str  # "error" (the row was rejected) or "warning" (loaded, with a caveat)
    message: str
    row: int | None = None  # header row = 1, first data row = 2 (JSON: record number; JSONL: line)
    column: str | None = None
    unit: str = "row"

    @property
    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"{self.unit} {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class CaseMeta:
    """What travels with a case: its title, the claim, a summary, time zone and source credits."""

    title: str
    claim: str = ""
    summary: str = ""
    timezone: str = "UTC"
    sources: str = ""
    credit: str = ""
    # The range the case opens on ("2022-07-10", "2022-09-30"); empty shows everything.
    focus: tuple[str, str] | tuple[()] = ()


@dataclass(frozen=True)
class Source:
    """The file a case was read from."""

    name: str
    sha256: str
    format: str = ""  # csv, xlsx, json, jsonl
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    rows: int = 0  # data rows in the file (blank rows do not count)

    @property
    def short_hash(self) -> str:
        return self.sha256[:8]

    @property
    def description(self) -> str:
        """'events.csv (CSV, semicolon, Windows-1252), sha256 1a2b3c4d'."""
        details = [self.format.upper()] if self.format else []
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        if self.delimiter:
            details.append(names.get(self.delimiter, repr(self.delimiter)))
        if self.encoding:
            details.append(self.encoding)
        if self.sheet:
            details.append(f"sheet {self.sheet!r}")
        inner = f" ({', '.join(details)})" if details else ""
        return f"{self.name}{inner}, sha256 {self.short_hash}"


@dataclass(frozen=True)
class Case:
    """A loaded case. `events` holds the loaded rows, `rejected` the others with their reasons.

    Invariant: len(events) + len(rejected) == source.rows.
    """

    events: pd.DataFrame
    links: pd.DataFrame
    rejected: pd.DataFrame
    problems: tuple[Problem, ...]
    meta: CaseMeta
    source: Source
    extra_columns: tuple[str, ...] = ()
    fatal: str = ""  # set when the file could not be read as a table at all
    external_sources: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def readable(self) -> bool:
        return not self.fatal

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]
