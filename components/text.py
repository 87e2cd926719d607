"""Showing user text safely in Streamlit markdown: as text, never as markup or links."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$:])")


def md(text: object) -> str:
    """Escape every character markdown (or HTML) could act on, so user text shows as written."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text)).replace("\n", " ")


_LINK_UNSAFE = {"(": "%28", ")": "%29", "[": "%5B", "]": "%5D", "<": "%3C", ">": "%3E"}


def safe_url(url: object) -> str:
    """The URL if it is a plain http(s) link, else '' (javascript:, data: and others never link).

    Brackets are percent-encoded, so the address cannot close the Markdown link it is put in."""
    text = "" if url is None else str(url).strip()
    if not re.match(r"(?i)^https?://[^\s<>\"']+$", text):
        return ""
    return "".join(_LINK_UNSAFE.get(ch, ch) for ch in text)
