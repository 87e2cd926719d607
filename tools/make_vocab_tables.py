"""Generate claimtrace/vocab/countries.csv and claimtrace/vocab/languages.csv.

What it does
    Builds the two lookup tables that ``claimtrace.vocab`` reads, with columns
    ``code,display,names`` (``names`` separated by ``|``):

    * countries.csv: one row per ISO 3166-1 country (alpha-2 code), plus Kosovo (XK). Names are
      pycountry's English name, official name and common name, the alpha-3 code, their German
      translations (gettext domain ``iso3166-1``, locale ``de``) and hand-written aliases
      ("UK", "Russland", "Elfenbeinküste", ...).
    * languages.csv: one row per ISO 639-1 language (pycountry languages with an alpha-2 code).
      Names are the English name, the alpha-3 and bibliographic codes, the German translation
      (gettext domain ``iso639-3``) and hand-written aliases ("Farsi", "Mandarin", ...).

    Every German name also appears with ``ss`` for ``ß`` (Swiss spelling) and with ``ae oe ue``
    for ``ä ö ü`` (how people type without umlauts). Names like "Korea, Republic of" or
    "Spanisch (Kastilisch)" also give the short form before the comma or parenthesis.

    No alias may mean two codes once compared with ``claimtrace.vocab.normalize_key``. Clashes
    are resolved by rank: hand aliases beat pycountry's English names and codes, which beat
    German translations, which beat the derived short forms. Two codes clashing at the same
    rank make the alias ambiguous, and it is dropped. Every resolution is printed.

Requirements
    pycountry is needed only to regenerate the tables; the app never imports it::

        python3 -m venv /tmp/vocabenv
        /tmp/vocabenv/bin/pip install pycountry

How to run (from the repository root)
    /tmp/vocabenv/bin/python tools/make_vocab_tables.py

    Then review ``git diff claimtrace/vocab/*.csv`` and commit the CSVs.
"""

from __future__ import annotations

import csv
import gettext
import importlib.metadata
import importlib.util
import re
from collections import defaultdict
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "claimtrace" / "vocab"


def _load_normalize_key():
    """claimtrace.vocab.normalize_key, loaded from its file so the app's deps are not needed."""
    spec = importlib.util.spec_from_file_location("_claimtrace_vocab", OUT_DIR / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.normalize_key


normalize_key = _load_normalize_key()

# Ranks: a lower rank wins a clash.
HAND, ENGLISH, GERMAN, DERIVED = 0, 1, 2, 3
RANK_NAMES = {HAND: "hand alias", ENGLISH: "English/code", GERMAN: "German", DERIVED: "derived"}

# --- countries --------------------------------------------------------------------------------

COUNTRY_DISPLAY = {
    "RU": "Russia",
    "KP": "North Korea",
    "KR": "South Korea",
    "IR": "Iran",
    "SY": "Syria",
    "VN": "Vietnam",
    "TW": "Taiwan",
    "GB": "United Kingdom",
    "US": "United States",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "LA": "Laos",
    # Beyond the list above: pycountry's inverted or long forms read badly in a legend.
    "PS": "Palestine",
    "FM": "Micronesia",
    "CD": "Democratic Republic of the Congo",
    "VA": "Vatican City",
    "BN": "Brunei",
    "FK": "Falkland Islands",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
    "MF": "Saint Martin",
    "SX": "Sint Maarten",
}

COUNTRY_ALIASES = {
    "GB": [
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Großbritannien",
        "Britannien",
        "Schottland",
        "Nordirland",
    ],
    "US": [
        "USA",
        "U.S.A.",
        "US",
        "U.S.",
        "United States of America",
        "America",
        "Amerika",
        "Vereinigte Staaten",
    ],
    "RU": ["Russia", "Russland"],
    "KP": ["North Korea", "Nordkorea", "DPRK", "DVRK"],
    "KR": ["South Korea", "Südkorea"],
    "IR": ["Iran"],
    "TR": ["Türkei", "Turkey", "Türkiye"],
    "CH": ["Schweiz", "Switzerland"],
    "CZ": ["Czechia", "Tschechien", "Czech Republic"],
    "VN": ["Vietnam"],
    "SY": ["Syria", "Syrien"],
    "TW": ["Taiwan"],
    "BO": ["Bolivia", "Bolivien"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania", "Tansania"],
    "MD": ["Moldova", "Moldau", "Moldawien"],
    "LA": ["Laos"],
    "PS": ["Palestine", "Palästina", "Palestinian Territories", "Palästinensische Gebiete"],
    "CI": ["Ivory Coast", "Elfenbeinküste", "Cote d'Ivoire"],
    "NL": ["Holland", "Niederlande"],
    "AT": ["Österreich"],
    "DE": ["Deutschland"],
    "FR": ["Frankreich"],
    "IT": ["Italien"],
    "ES": ["Spanien"],
    "PL": ["Polen"],
    "UA": ["Ukraine"],
    "BY": ["Belarus", "Weißrussland", "Belarussland", "Byelorussia"],
    "PH": ["Philippinen"],
    "IN": ["Indien"],
    # A few more that newsrooms commonly write.
    "CD": ["DR Congo", "DRC", "DR Kongo", "Kongo-Kinshasa", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Kongo-Brazzaville"],
    "AE": ["UAE", "VAE", "Emirates", "Emirate"],
    "MM": ["Burma", "Birma"],
    "MK": ["Macedonia", "Mazedonien"],
    "TL": ["East Timor", "Osttimor"],
    "CV": ["Cape Verde", "Kapverden"],
    "SZ": ["Swaziland", "Swasiland"],
    "VA": ["Vatican", "Vatican City", "Vatikan", "Vatikanstadt"],
    "FM": ["Micronesia", "Mikronesien"],
    "BN": ["Brunei"],
    "SA": ["Saudi-Arabien"],
}

# Kosovo has no ISO 3166-1 entry (so none in pycountry); XK is the code in common use.
EXTRA_COUNTRIES = {
    "XK": ("Kosovo", ["Kosovo", "Kosova", "XKX", "Republic of Kosovo", "Republik Kosovo"]),
}

# --- languages --------------------------------------------------------------------------------

LANGUAGE_DISPLAY = {
    "el": "Greek",
    "pa": "Punjabi",
    "ps": "Pashto",
    "ky": "Kyrgyz",
    "ug": "Uyghur",
}

LANGUAGE_ALIASES = {
    "fa": ["Farsi"],
    "zh": ["Mandarin", "Chinesisch", "Standard Chinese", "Hochchinesisch"],
    "tl": ["Filipino", "Pilipino"],
    "el": ["Greek", "Griechisch"],
    "es": ["Castilian", "Kastilisch"],
    "nl": ["Flemish", "Flämisch"],
    "sw": ["Kiswahili", "Suaheli"],
    "or": ["Odia"],
    "pa": ["Punjabi", "Pandschabi"],
    "ps": ["Pashto", "Pashtu"],
    "ky": ["Kyrgyz"],
    "ug": ["Uyghur"],
    "si": ["Sinhalese"],
    "be": ["Belarussisch"],
    "kl": ["Greenlandic", "Grönländisch"],
    "lb": ["Letzeburgesch"],
    "dv": ["Dhivehi", "Maldivian"],
    "ny": ["Nyanja", "Chewa"],
    "lg": ["Luganda"],
    "tn": ["Setswana"],
    "st": ["Sesotho"],
    "ff": ["Fula", "Fulani", "Fulfulde"],
    "ga": ["Irish Gaelic"],
    "sl": ["Slovene"],
    "nb": ["Bokmål"],
    "nn": ["Nynorsk"],
    "he": ["Ivrit", "Iwrit"],
    "my": ["Birmanisch"],
    "ht": ["Haitian Creole"],
}

# German names gettext must give (checked, not added): a broken locale file fails loudly.
EXPECTED_GERMAN = {
    "en": "Englisch",
    "de": "Deutsch",
    "ru": "Russisch",
    "fr": "Französisch",
    "uk": "Ukrainisch",
    "zh": "Chinesisch",
    "ar": "Arabisch",
    "tr": "Türkisch",
    "it": "Italienisch",
    "pl": "Polnisch",
}

# --- building ---------------------------------------------------------------------------------


def german_spellings(name: str) -> list[str]:
    """The name, its Swiss spelling (ss for ß) and its spelling without umlauts."""
    spellings = [name]
    if "ß" in name:
        spellings.append(name.replace("ß", "ss"))
    if re.search("[äöüÄÖÜ]", spellings[-1]):
        table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
        spellings.append(spellings[-1].translate(table))
    return spellings


def short_forms(name: str) -> list[str]:
    """The part before a comma or parenthesis.

    "Korea, Republic of" -> "Korea"; "Spanisch (Kastilisch)" -> "Spanisch".
    """
    forms = []
    for cut in (",", " ("):
        if cut in name:
            head = name.split(cut, 1)[0].strip()
            if head and head != name:
                forms.append(head)
    return forms


class Table:
    """Rows of (code, display) with ranked aliases, and the clash resolution between them."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.display: dict[str, str] = {}
        self.aliases: dict[str, list[tuple[str, int]]] = defaultdict(list)

    def add(self, code: str, names: list[str], rank: int) -> None:
        for name in names:
            name = " ".join(name.split())
            if not name:
                continue
            if "|" in name:
                raise ValueError(f"{self.what}: '|' in alias {name!r} for {code}")
            self.aliases[code].append((name, rank))

    def resolve(self) -> list[tuple[str, str, list[str]]]:
        """Rows (code, display, names) in which every alias key means one code."""
        claims: dict[str, dict[str, int]] = defaultdict(dict)  # key -> code -> best rank
        for code, names in self.aliases.items():
            names.append((code, ENGLISH))  # the code itself is looked up too
            for name, rank in names:
                key = normalize_key(name)
                claims[key][code] = min(rank, claims[key].get(code, rank))
        owner: dict[str, str | None] = {}
        for key, by_code in sorted(claims.items()):
            if len(by_code) == 1:
                owner[key] = next(iter(by_code))
                continue
            best = min(by_code.values())
            winners = sorted(code for code, rank in by_code.items() if rank == best)
            spelled = sorted(
                {n for c in by_code for n, _ in self.aliases[c] if normalize_key(n) == key}
            )
            detail = ", ".join(f"{c} ({RANK_NAMES[r]})" for c, r in sorted(by_code.items()))
            if len(winners) > 1:
                if best == HAND:
                    raise ValueError(f"{self.what}: hand aliases {spelled} clash: {detail}")
                owner[key] = None
                print(f"{self.what}: dropped ambiguous {' / '.join(spelled)!r}: {detail}")
            else:
                owner[key] = winners[0]
                print(f"{self.what}: kept {' / '.join(spelled)!r} for {winners[0]}: {detail}")
        rows = []
        for code in sorted(self.aliases):
            names: list[str] = []
            for name, _rank in self.aliases[code]:
                if name != code and owner[normalize_key(name)] == code and name not in names:
                    names.append(name)
            display = self.display[code]
            if owner[normalize_key(display)] != code:
                raise ValueError(f"{self.what}: display name {display!r} of {code} is not its own")
            rows.append((code, display, names))
        return rows


def build_countries() -> Table:
    de = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    table = Table("countries")
    for country in pycountry.countries:
        code = country.alpha_2
        english = [
            getattr(country, field)
            for field in ("name", "official_name", "common_name")
            if getattr(country, field, None)
        ]
        german = [de.gettext(name) for name in english]
        table.display[code] = COUNTRY_DISPLAY.get(
            code, getattr(country, "common_name", None) or country.name
        )
        table.add(code, [table.display[code]], HAND if code in COUNTRY_DISPLAY else ENGLISH)
        table.add(code, [*english, country.alpha_3], ENGLISH)
        table.add(code, [s for name in german for s in german_spellings(name)], GERMAN)
        derived = [form for name in english + german for form in short_forms(name)]
        table.add(code, [s for name in derived for s in german_spellings(name)], DERIVED)
    for code, (display, names) in EXTRA_COUNTRIES.items():
        table.display[code] = display
        table.add(code, [s for name in names for s in german_spellings(name)], HAND)
    for code, names in COUNTRY_ALIASES.items():
        if code not in table.display:
            raise ValueError(f"countries: alias for unknown code {code}")
        table.add(code, [s for name in names for s in german_spellings(name)], HAND)
    return table


def build_languages() -> Table:
    de = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["de"])
    table = Table("languages")
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code is None:
            continue
        english = [language.name]
        if getattr(language, "common_name", None):
            english.append(language.common_name)
        codes = [language.alpha_3]
        if getattr(language, "bibliographic", None):
            codes.append(language.bibliographic)
        # gettext sometimes gives two names: "Paschtu; Afghanisch".
        german = [part.strip() for part in de.gettext(language.name).split(";")]
        if code in EXPECTED_GERMAN and EXPECTED_GERMAN[code] not in german:
            raise ValueError(f"languages: gettext gives {german} for {code}")
        default_display = short_forms(language.name)[:1] or [language.name]
        table.display[code] = LANGUAGE_DISPLAY.get(code, default_display[0])
        table.add(code, [table.display[code]], HAND if code in LANGUAGE_DISPLAY else ENGLISH)
        table.add(code, english + codes, ENGLISH)
        table.add(code, [s for name in german for s in german_spellings(name)], GERMAN)
        derived = [form for name in english + german for form in short_forms(name)]
        table.add(code, [s for name in derived for s in german_spellings(name)], DERIVED)
    for code, names in LANGUAGE_ALIASES.items():
        if code not in table.display:
            raise ValueError(f"languages: alias for unknown code {code}")
        table.add(code, [s for name in names for s in german_spellings(name)], HAND)
    return table


def write(path: Path, rows: list[tuple[str, str, list[str]]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "display", "names"])
        for code, display, names in rows:
            writer.writerow([code, display, "|".join(names)])
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")


def main() -> None:
    print(f"pycountry {importlib.metadata.version('pycountry')}")
    write(OUT_DIR / "countries.csv", build_countries().resolve())
    write(OUT_DIR / "languages.csv", build_languages().resolve())


if __name__ == "__main__":
    main()
