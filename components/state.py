"""Session state: only the user's choices live here, under these names, owned by this module."""

from __future__ import annotations

import streamlit as st

PICKED = "picked"  # event ids the user picked in a chart or the finder


def picked() -> tuple[str, ...]:
    return tuple(st.session_state.get(PICKED, ()))


def set_picked(ids: tuple[str, ...]) -> None:
    st.session_state[PICKED] = tuple(ids)


def clear_picked() -> None:
    st.session_state[PICKED] = ()


def forget_stale(valid: set[str]) -> None:
    """Drop picks that are not events of the loaded case (a new file, other filters)."""
    current = picked()
    kept = tuple(i for i in current if i in valid)
    if kept != current:
        st.session_state[PICKED] = kept
