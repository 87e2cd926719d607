"""What changed between two revisions of a case: metadata fields, and rows added, removed, changed.

Rows are matched by their `id` where it is unique in both revisions, else by their position, so a
corrected date shows as one changed row, not as a row removed and another added.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from claimtrace.store import Content


@dataclass(frozen=True)
class RowChange:
    key: str  # the row's id, or "row N" where the id is missing or not unique
    kind: str  # "added", "removed", "changed"
    cells: tuple[tuple[str, str, str], ...] = ()  # (column, before, after) of changed cells
    row: tuple[tuple[str, str], ...] = ()  # the whole row (added or removed), column -> value


@dataclass(frozen=True)
class Diff:
    meta: tuple[tuple[str, str, str], ...] = ()  # (field, before, after)
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()
    rows: tuple[RowChange, ...] = field(default_factory=tuple)
    meta_after: dict = field(default_factory=dict, compare=False)  # changed fields' new values

    @property
    def empty(self) -> bool:
        return not (self.meta or self.columns_added or self.columns_removed or self.rows)

    def count(self, kind: str) -> int:
        return sum(1 for r in self.rows if r.kind == kind)


def _meta_text(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items() if v)
    return "" if value is None else str(value)


def _keyed(content: Content) -> dict[str, dict[str, str]]:
    # A header written twice names its second column by position too, so that neither hides
    # the other; a row with more cells than the header (kept so that it is rejected on loading)
    # names the extra ones by their position.
    header: list[str] = []
    for position, name in enumerate(content.header, start=1):
        header.append(name if name not in header else f"{name} (column {position})")
    width = len(header)
    rows = [
        dict(zip([*header, *(f"cell {i + 1}" for i in range(width, len(r)))], r, strict=True))
        for r in content.rows
    ]
    ids = [r.get("id", "") for r in rows]
    counts = Counter(ids)
    out: dict[str, dict[str, str]] = {}
    for position, (row, ident) in enumerate(zip(rows, ids, strict=True), start=1):
        unique = ident and counts[ident] == 1
        out[f"id {ident}" if unique else f"row {position}"] = row
    return out


def diff(before: Content | None, after: Content) -> Diff:
    before = before or Content({}, (), ())
    meta = []
    for key in sorted(set(before.meta) | set(after.meta)):
        a, b = _meta_text(before.meta.get(key)), _meta_text(after.meta.get(key))
        if a != b:
            meta.append((key, a, b))
    old_cols, new_cols = list(before.header), list(after.header)
    old, new = _keyed(before), _keyed(after)
    rows = []
    for key, row in new.items():
        if key not in old:
            rows.append(RowChange(key, "added", row=tuple((c, v) for c, v in row.items() if v)))
            continue
        cells = tuple(
            (c, old[key].get(c, ""), row.get(c, ""))
            for c in dict.fromkeys([*row, *old[key]])
            if old[key].get(c, "") != row.get(c, "")
        )
        if cells:
            rows.append(RowChange(key, "changed", cells=cells))
    for key, row in old.items():
        if key not in new:
            rows.append(RowChange(key, "removed", row=tuple((c, v) for c, v in row.items() if v)))
    return Diff(
        meta_after={key: after.meta.get(key) for key, _, _ in meta},
        meta=tuple(meta),
        columns_added=tuple(c for c in new_cols if c not in old_cols),
        columns_removed=tuple(c for c in old_cols if c not in new_cols),
        rows=tuple(rows),
    )


def describe(change: Diff) -> str:
    """One line for the history: "2 rows changed (id dm-1: date), 1 added; title"."""
    if change.empty:
        return "no change"
    parts = []
    changed = [r for r in change.rows if r.kind == "changed"]
    if changed:
        shown = ", ".join(
            f"{r.key.removeprefix('id ')}: {', '.join(c for c, _, _ in r.cells)}"
            for r in changed[:3]
        )
        more = ", …" if len(changed) > 3 else ""
        parts.append(f"{len(changed)} row{'s' * (len(changed) != 1)} changed ({shown}{more})")
    for kind in ("added", "removed"):
        n = change.count(kind)
        if n:
            parts.append(f"{n} row{'s' * (n != 1)} {kind}")
    if change.columns_added:
        parts.append("columns added: " + ", ".join(change.columns_added))
    if change.columns_removed:
        parts.append("columns removed: " + ", ".join(change.columns_removed))
    if change.meta:
        parts.append("case details: " + ", ".join(k for k, _, _ in change.meta))
    return "; ".join(parts)


def apply(change: Diff, onto: Content) -> tuple[Content, list[str]]:
    """Make the same edits on another revision (someone saved in between): cells changed by id,
    rows added and removed, case details. Returns the content and a note for every edit that met
    someone else's change (both changed a cell, or the row is gone), so nothing is lost unseen."""
    header = list(onto.header)
    for column in change.columns_added:
        if column not in header:
            header.append(column)
    keyed = {k: dict(v) for k, v in _keyed(onto).items()}
    order = list(keyed)
    notes = []
    for row in change.rows:
        name = row.key.removeprefix("id ")
        if row.kind == "changed":
            if row.key not in keyed:
                notes.append(
                    f"{name}: not in the latest revision (someone deleted it); your change "
                    "to it was not applied"
                )
                continue
            for column, before, after in row.cells:
                theirs = keyed[row.key].get(column, "")
                if theirs not in (before, after):
                    notes.append(
                        f"{name}, {column}: they wrote “{theirs}”, you “{after}”; yours kept"
                    )
                keyed[row.key][column] = after
        elif row.kind == "added":
            key = row.key if row.key not in keyed else f"{row.key} (yours)"
            if key != row.key:
                notes.append(f"{name}: they added a row with this id too; both are kept")
            keyed[key] = dict(row.row)
            order.append(key)
        elif row.key in keyed:
            del keyed[row.key]
            order.remove(row.key)
    meta = dict(onto.meta)
    for key, before, after in change.meta:
        theirs = _meta_text(meta.get(key))
        if theirs not in (before, after):
            notes.append(f"case {key}: they changed it too; yours kept")
        if change.meta_after.get(key) is None:
            meta.pop(key, None)
        else:
            meta[key] = change.meta_after[key]
    rows = [[keyed[k].get(c, "") for c in header] for k in order]
    return Content.of(meta, header, rows), notes
