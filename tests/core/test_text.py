"""User text in Markdown: shown as written, links only for plain web addresses."""

import re

import pytest

from components.text import md, safe_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("https://en.wikipedia.org/wiki/X_(y)", "https://en.wikipedia.org/wiki/X_%28y%29"),
        (
            "https://x.invalid/a)![t](https://t.invalid/p.png",
            "https://x.invalid/a%29!%5Bt%5D%28https://t.invalid/p.png",
        ),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("ftp://example.org", ""),
        ("https://example.org/a b", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected
    assert not re.search(r"[()\[\]<>\s]", safe_url(url))


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "![i](http://t/p.png)",
        "**b** _i_ `c`",
    ],
)
def test_md_escapes_every_mark(text):
    escaped = md(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text
    assert not re.search(r"(?<!\\)[\[\]()<>*_`!]", escaped)
