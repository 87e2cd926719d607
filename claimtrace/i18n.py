"""The page, the figures and the exports in the reader's language.

English is the source language: every string of the interface is written in English in the code,
inside ``tr("…")`` (or marked ``N_("…")`` where it is defined and translated where it is shown),
and that English text is the key of the catalogue. One catalogue per language lives in
``claimtrace/locales/<lang>.po`` (gettext), read once at import; a test fails when a key of the
code has no German text or a German text has no key in the code.

Dates and numbers are formatted by Babel (CLDR data): ``5. Aug. 2022`` and ``100.000`` in German,
``100’000`` in Swiss German (de-CH), which also writes ``ss`` for ``ß``. English keeps the forms
the app has always printed ("5 Aug 2022", "100,000").

Placeholders are ``str.format`` fields (``{n}``), the same in the key and in its translation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from claimtrace import vocab

LOCALES = Path(__file__).resolve().parent / "locales"

# The languages of the switch: code -> its own name.
LANGUAGES = {"en": "English", "de": "Deutsch", "de-CH": "Deutsch (Schweiz)"}
DEFAULT = "en"
_BABEL = {"en": "en_GB", "de": "de_DE", "de-CH": "de_CH"}


def N_(msgid: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated where shown."""
    return msgid


def read_catalogue(path: Path) -> dict[str, str | tuple[str, ...]]:
    """A .po file as {English key: translation}; a plural entry's key is its singular."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    out: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):
            out[message.id[0]] = tuple(message.string)
        else:
            out[message.id] = message.string
    return out


# Read once, at import: the catalogues are part of the code, not state.
CATALOGUES: dict[str, dict[str, str | tuple[str, ...]]] = {
    "de": read_catalogue(LOCALES / "de.po"),
}


def language(tag: object) -> str:
    """The interface language for a language tag ('de-DE', 'de_CH', 'en-US', None): one of
    LANGUAGES, English when the tag names none of them."""
    text = str(tag or "").strip().replace("_", "-").lower()
    if text.startswith("de"):
        region = text[3:5]
        return "de-CH" if region in ("ch", "li") else "de"
    return "en" if text.startswith("en") or not text else DEFAULT


@dataclass(frozen=True)
class Translator:
    """Strings, numbers and dates in one language: ``tr = Translator("de"); tr("Timeline")``."""

    lang: str = DEFAULT

    @property
    def base(self) -> str:
        return self.lang.split("-")[0]

    @property
    def locale(self) -> Locale:
        return Locale.parse(_BABEL.get(self.lang, "en_GB"))

    def _swiss(self, text: str) -> str:
        return text.replace("ß", "ss") if self.lang == "de-CH" else text

    def __call__(self, msgid: str, **fields: object) -> str:
        found = CATALOGUES.get(self.base, {}).get(msgid, msgid)
        text = found[0] if isinstance(found, tuple) else found
        text = self._swiss(text)
        return text.format(**fields) if fields else text

    def plural(self, n: int, singular: str, plural: str, **fields: object) -> str:
        """'{n} event' / '{n} events' by n (German and English share the rule: one, other);
        n is formatted as a number of the language."""
        found = CATALOGUES.get(self.base, {}).get(singular)
        forms = found if isinstance(found, tuple) else (singular, plural)
        text = self._swiss(forms[0] if n == 1 else forms[-1])
        return text.format(n=self.number(n), **fields)

    def number(self, value: float, decimals: int = 0) -> str:
        """100,000 (en), 100.000 (de), 100’000 (de-CH)."""
        if self.lang == "en":
            return f"{value:,.{decimals}f}"
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float, decimals: int = 0) -> str:
        """40% (en), 40 % (de)."""
        if self.lang == "en":
            return f"{share:.{decimals}%}"
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
        return format_percent(share, format=pattern, locale=self.locale)

    def date(self, day: dt.date, month: bool = True) -> str:
        """5 Aug 2022 (en), 5. Aug. 2022 (de); `month`=False: the day left out (Aug 2022)."""
        if self.lang == "en":
            return f"{day.day} {day:%b %Y}" if month else f"{day:%b %Y}"
        return format_skeleton("yMMMd" if month else "yMMM", day, locale=self.locale)

    def day_month(self, day: dt.date) -> str:
        """5 Aug (en), 5. Aug. (de)."""
        if self.lang == "en":
            return f"{day.day} {day:%b}"
        return format_skeleton("MMMd", day, locale=self.locale)

    def month_name(self, day: dt.date) -> str:
        """The month's short name: Aug (en), Aug. (de), Mär. (March, de)."""
        if self.lang == "en":
            return f"{day:%b}"
        return self.locale.months["format"]["abbreviated"][day.month]


ENGLISH = Translator(DEFAULT)


def _local_name(code: str | None, english: str, lang: str, names: str) -> str:
    if lang == "en" or code is None:
        return english
    return getattr(Translator(lang).locale, names).get(code) or english


def country_name(value: object, lang: str = "en") -> str:
    """A country's display name in `lang`: "Russia", "Russland" (CLDR's, by Babel), for a code
    or any spelling claimtrace.vocab knows; an unknown string is returned unchanged."""
    return _local_name(vocab.country_code(value), vocab.country_name(value), lang, "territories")


def language_name(value: object, lang: str = "en") -> str:
    """A language's display name in `lang`: "Russian", "Russisch"; see country_name."""
    return _local_name(vocab.language_code(value), vocab.language_name(value), lang, "languages")
