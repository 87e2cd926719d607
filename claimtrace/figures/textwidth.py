"""How wide a label is drawn, without a browser: the figures place labels before plotly draws.

Widths are Arial's (Liberation Sans, its metric twin, is what Chromium draws for our font stack
on Debian), per 1,000 units of the font size. Letters with accents take their base letter's
width; other scripts an average width; CJK and Hangul a full em. A little is added for fonts
that run wider (DejaVu Sans), so a label measured here never comes out longer than its room.
"""

from __future__ import annotations

import unicodedata

import numpy as np

# Advance widths of the printable ASCII characters 32..126 in Liberation Sans Regular.
_ASCII = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584,
)  # fmt: skip
OTHER = 600  # Cyrillic, Greek and the rest: about an average letter
WIDE = 1000  # CJK, Hangul, full-width forms
SAFETY = 1.06  # DejaVu Sans, the usual fallback, runs about this much wider than Arial
BOLD = 1.08


def _units(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _ASCII[code - 32]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return WIDE
    if unicodedata.combining(char):
        return 0
    base = unicodedata.normalize("NFKD", char)[:1]
    if base and 32 <= ord(base) < 127:
        return _ASCII[ord(base) - 32]
    return OTHER


def text_px(text: str, size: float, bold: bool = False) -> float:
    """Pixels `text` (plain, one line) takes at font `size` px."""
    units = sum(_ASCII[ord(c) - 32] if " " <= c <= "~" else _units(c) for c in text)
    return units * size / 1000 * SAFETY * (BOLD if bold else 1.0)


def texts_px(texts: list[str], size: float) -> np.ndarray:
    """text_px of each of many texts, each distinct text measured once (outlets repeat)."""
    width: dict[str, float] = {}
    for text in texts:
        if text not in width:
            width[text] = text_px(text, size)
    return np.array([width[t] for t in texts], float)


def line_px(size: float) -> float:
    """The height of one line of text at font `size`, as the browser boxes it: Arial's
    ascent and descent (0.905 + 0.212 of the size), a little over."""
    return size * 1.15
