"""Showing user text safely in Streamlit markdown: as text, never as markup or links."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$:])")


def md(text: object) -> str:
    """Escape every character markdown (or HTML) could act on, so user text shows as written."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text)).replace("\n", " ")


def safe_url(url: object) -> str:
    """The URL if it is a plain http(s) link, else '' (javascript:, data: and others never link)."""
    text = "" if url is None else str(url).strip()
    return text if re.match(r"(?i)^https?://[^\s<>\"']+$", text) else ""
