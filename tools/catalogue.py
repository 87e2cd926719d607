"""The interface's strings: found in the code, kept in claimtrace/locales/<lang>.po.

    python tools/catalogue.py          # add the code's new keys to de.po (empty, to translate),
                                       # drop keys no longer in the code; prints what changed

A key is the English text of a ``tr("…")``, ``tr.plural(n, "…", "…")`` or ``N_("…")`` call
(``tr`` is a claimtrace.i18n.Translator, or the page's components.lang.tr).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "app.py", *sorted((ROOT / "components").glob("*.py")),
           *sorted((ROOT / "claimtrace").rglob("*.py"))]  # fmt: skip
CALLS = {"tr", "N_"}
HEADER = (
    "# ClaimTrace's interface in German. Keys are the English text of the code;\n"
    "# python tools/catalogue.py adds new ones. de-CH is derived (ss for ß; Babel's de_CH forms)."
)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def keys(paths: list[Path] = SOURCES) -> dict[str | tuple[str, str], list[str]]:
    """Each key of the code -> where it is used ('components/sidebar.py:12'); a plural key is
    (singular, plural)."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            args = node.args
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            is_str = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args]
            if name in CALLS and args and is_str[0]:
                found.setdefault(args[0].value, []).append(where)
            elif (
                name == "plural"
                and len(args) >= 3
                and is_str[1]
                and is_str[2]
                and isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "tr"
            ):
                found.setdefault((args[1].value, args[2].value), []).append(where)
    return found


def update(lang: str = "de") -> tuple[list, list]:
    path = ROOT / "claimtrace" / "locales" / f"{lang}.po"
    if path.exists():
        with path.open("rb") as handle:
            old = read_po(handle)
    else:
        old = Catalog(locale=lang.replace("-", "_"))
    code = keys()
    new = Catalog(
        locale=old.locale,
        project="ClaimTrace",
        version="1",
        header_comment=HEADER,
        creation_date=old.creation_date,
        revision_date=old.creation_date,
        last_translator="ClaimTrace",
        language_team="ClaimTrace",
        fuzzy=False,
    )
    have = {m.id: m for m in old if m.id}
    added = []
    for key, places in code.items():
        was = have.get(key)
        string = was.string if was is not None else ("", "") if isinstance(key, tuple) else ""
        if was is None:
            added.append(key)
        new.add(key, string, locations=[(p.rsplit(":", 1)[0], None) for p in places[:1]])
    dropped = [k for k in have if k not in code]
    with path.open("wb") as handle:
        write_po(handle, new, width=100, omit_header=False, no_location=False, sort_output=False)
    return added, dropped


if __name__ == "__main__":
    added, dropped = update(*(sys.argv[1:2] or ["de"]))
    for key in added:
        print("+", key)
    for key in dropped:
        print("-", key)
