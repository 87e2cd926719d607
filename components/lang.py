"""The page's language: the sidebar's switch, bound to the URL (?lang=de); a first visit follows
the browser's language (st.context.locale). `tr` translates the page's strings."""

from __future__ import annotations

import streamlit as st

from claimtrace.i18n import LANGUAGES, Translator, language

LANG = "lang"  # the language choice: a widget bound to the URL


def current() -> str:
    """The language of this run: the switch's value, or the URL's, or the browser's."""
    chosen = st.session_state.get(LANG)
    if chosen in LANGUAGES:
        return chosen
    asked = st.query_params.get(LANG)
    if asked:
        return language(asked)
    return language(getattr(st.context, "locale", None))


def translator() -> Translator:
    return Translator(current())


class _Page:
    """The page's strings, numbers and dates in the chosen language of this run: ``tr("…")``,
    ``tr.plural(n, "{n} event", "{n} events")``, ``tr.number(n)``, ``tr.date(d)``."""

    def __call__(self, msgid: str, **fields: object) -> str:
        return translator()(msgid, **fields)

    def __getattr__(self, name: str):
        return getattr(translator(), name)


tr = _Page()


def render_switch() -> str:
    """The language switch at the top of the sidebar; returns the language chosen."""
    st.sidebar.segmented_control(
        tr("Language"),
        list(LANGUAGES),
        default=current(),
        format_func=LANGUAGES.get,
        key=LANG,
        bind="query-params",
        required=True,
    )
    return current()
