"""The event contract: columns, vocabularies and header synonyms. The one source of truth.

Everything that names a column, a vocabulary value or a human label for one imports it from here,
so the loader, the figures, the legend, the README and the tests all say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimtrace.i18n import N_, Translator
from claimtrace.vocab import normalize_key


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    synonyms: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("id", True, "unique id of the event within the file", ("event_id", "nr", "nummer")),
    Column(
        "date",
        True,
        "when it was published or aired",
        (
            "published",
            "published_at",
            "datetime",
            "timestamp",
            "time",
            "aired",
            "datum",
            "zeitpunkt",
            "veröffentlicht",
        ),
    ),
    Column(
        "date_end",
        False,
        "the latest it can have been, where the exact date is uncertain: "
        "the event lies in [date, date_end]",
        ("until", "latest", "bis", "datum_bis"),
    ),
    Column(
        "outlet",
        True,
        "the outlet, account or official body",
        ("source", "medium", "publisher", "media", "quelle", "sender"),
    ),
    Column(
        "outlet_type",
        False,
        "what kind of outlet (see the vocabulary below)",
        ("type", "source_type", "typ", "medientyp"),
    ),
    Column(
        "country",
        False,
        "ISO 3166 alpha-2 code (a country name is accepted and converted)",
        ("land",),
    ),
    Column(
        "language",
        False,
        "ISO 639-1 code (a language name is accepted and converted)",
        ("lang", "sprache"),
    ),
    Column(
        "headline",
        False,
        "headline or short description",
        ("title", "titel", "schlagzeile", "überschrift"),
    ),
    Column(
        "headline_en",
        False,
        "the headline in English, where it is in another language: a translation you supply, "
        "so that the wording of items in different languages can be compared",
        ("title_en", "headline_english", "titel_en", "headline_englisch", "schlagzeile_en"),
    ),
    Column(
        "quote",
        False,
        "the claim's exact words in the item (a sentence or two, in its own language); "
        "compared word by word with the item it cites, where that has a quote too",
        ("zitat", "wortlaut", "quotation", "excerpt"),
    ),
    Column("url", False, "link to the item", ("link",)),
    Column(
        "cites",
        False,
        "`;`-separated ids of events in the file, or outlet names, "
        "that this event attributes the claim to",
        ("cited", "attributed_to", "zitiert", "beruft_sich_auf"),
    ),
    Column("stance", False, "how the event treats the claim", ("position", "haltung")),
    Column("evidence", False, "how well the event itself is documented", ("beleg", "nachweis")),
    Column(
        "notes",
        False,
        "free text",
        ("note", "comment", "notiz", "notizen", "bemerkung", "kommentar"),
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)

# --- vocabularies -------------------------------------------------------------------------------
# value -> human label. Order matters: it is the lane order of the charts (origins at the top).
OUTLET_TYPES: dict[str, str] = {
    "state_tv": N_("State TV"),
    "state_agency": N_("State news agency"),
    "state_official": N_("State official"),
    "politician": N_("Politician"),
    "tabloid": N_("Tabloid"),
    "broadsheet": N_("Broadsheet"),
    "wire": N_("Wire service"),
    "broadcaster": N_("Broadcaster"),
    "digital": N_("Digital outlet"),
    "specialist": N_("Specialist outlet"),
    "fact_checker": N_("Fact-checker"),
    "social": N_("Social media"),
    "blog": N_("Blog"),
    "aggregator": N_("Aggregator"),
    "other": N_("Other"),
}
# Outlet types under state control: the claim "crosses" when it leaves them.
STATE_OUTLET_TYPES = frozenset({"state_tv", "state_agency", "state_official"})

STANCES: dict[str, str] = {
    "originates": N_("Originates"),
    "repeats": N_("Repeats"),
    "questions": N_("Questions"),
    "debunks": N_("Debunks"),
    "denies": N_("Denies"),
    "confirms": N_("Confirms"),
    "context": N_("Context"),
}
# Events that carry the claim onward (as opposed to rejecting it or giving background).
CLAIM_STANCES = frozenset({"originates", "repeats", "questions"})

EVIDENCE: dict[str, str] = {
    "primary": N_("Primary (the outlet's own item was seen)"),
    "secondary": N_("Secondary (known only from another report)"),
    "unverified": N_("Unverified"),
}

VOCABULARIES: dict[str, dict[str, str]] = {
    "outlet_type": OUTLET_TYPES,
    "stance": STANCES,
    "evidence": EVIDENCE,
}

# Spellings journalists use for vocabulary values, beyond the value and its label themselves.
# Keys are compared after normalize_key (case, accents, spaces, `_` and `-` ignored).
_VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "outlet_type": {
        "state television": "state_tv",
        "staatsfernsehen": "state_tv",
        "staatstv": "state_tv",
        "state media": "state_agency",
        "state news agency": "state_agency",
        "staatliche nachrichtenagentur": "state_agency",
        "staatsagentur": "state_agency",
        "government": "state_official",
        "official": "state_official",
        "regierung": "state_official",
        "behörde": "state_official",
        "ministry": "state_official",
        "politiker": "politician",
        "boulevard": "tabloid",
        "boulevardzeitung": "tabloid",
        "quality paper": "broadsheet",
        "newspaper": "broadsheet",
        "zeitung": "broadsheet",
        "qualitätszeitung": "broadsheet",
        "news agency": "wire",
        "agency": "wire",
        "nachrichtenagentur": "wire",
        "agentur": "wire",
        "tv": "broadcaster",
        "radio": "broadcaster",
        "public broadcaster": "broadcaster",
        "sender": "broadcaster",
        "rundfunk": "broadcaster",
        "online": "digital",
        "website": "digital",
        "news site": "digital",
        "fachmedium": "specialist",
        "factchecker": "fact_checker",
        "fact check": "fact_checker",
        "faktencheck": "fact_checker",
        "faktenchecker": "fact_checker",
        "social network": "social",
        "soziale medien": "social",
        "twitter": "social",
        "telegram": "social",
        "facebook": "social",
        "weblog": "blog",
        "aggregator site": "aggregator",
        "sonstige": "other",
        "andere": "other",
    },
    "stance": {
        "origin": "originates",
        "original": "originates",
        "ursprung": "originates",
        "repeat": "repeats",
        "repeated": "repeats",
        "amplifies": "repeats",
        "wiederholt": "repeats",
        "übernimmt": "repeats",
        "question": "questions",
        "hinterfragt": "questions",
        "skeptical": "questions",
        "debunk": "debunks",
        "debunked": "debunks",
        "widerlegt": "debunks",
        "deny": "denies",
        "denial": "denies",
        "dementi": "denies",
        "dementiert": "denies",
        "bestreitet": "denies",
        "confirm": "confirms",
        "bestätigt": "confirms",
        "background": "context",
        "hintergrund": "context",
        "kontext": "context",
    },
    "evidence": {
        "v": "primary",
        "seen": "primary",
        "verified": "primary",
        "direct": "primary",
        "primär": "primary",
        "i": "secondary",
        "indirect": "secondary",
        "sekundär": "secondary",
        "indirekt": "secondary",
        "u": "unverified",
        "unbelegt": "unverified",
        "unbestätigt": "unverified",
        "unknown": "unverified",
    },
}


def _build_value_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for column, vocab in VOCABULARIES.items():
        keys: dict[str, str] = {}
        for value, label in vocab.items():
            keys[normalize_key(value)] = value
            keys[normalize_key(label.split(" (")[0])] = value
        for spelling, value in _VALUE_SYNONYMS[column].items():
            keys[normalize_key(spelling)] = value
        index[column] = keys
    return index


def _build_header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        for spelling in (column.name, *column.synonyms):
            index[normalize_key(spelling)] = column.name
    return index


_VALUE_INDEX = _build_value_index()
_HEADER_INDEX = _build_header_index()


def match_header(header: str) -> str | None:
    """The contract column a spreadsheet header means, or None for an extra column."""
    return _HEADER_INDEX.get(normalize_key(header))


def match_value(column: str, value: str) -> str | None:
    """The vocabulary value a spelling means ("State TV" -> "state_tv"), or None if unknown."""
    return _VALUE_INDEX[column].get(normalize_key(value))


def label(column: str, value: str, lang: str = "en") -> str:
    """The human label of a vocabulary value (in `lang`), or the value itself."""
    known = VOCABULARIES.get(column, {}).get(value)
    return value if known is None else Translator(lang)(known)
