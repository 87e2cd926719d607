"""The floor for the app benchmarks: the least a Streamlit page can do with the same events.

It reads the same file (the bundled case, or an upload), offers the same outlet-type filter and
draws every event as a point in two plotly charts (WebGL, time against lane): no validation, no
analysis, no hover texts, no tables. ClaimTrace's page is measured against this one.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

BUNDLED = (
    Path(__file__).resolve().parents[1] / "data" / "cases" / "nk-100k-volunteers" / "events.csv"
)

st.set_page_config(page_title="Floor", layout="wide")


@st.cache_data(show_spinner=False)
def load(data: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(data), engine="pyarrow", dtype=str).fillna("")
    frame["date"] = pd.to_datetime(frame["date"], format="mixed", errors="coerce", utc=True)
    return frame


upload = st.sidebar.file_uploader("Events file", key="upload")
events = load(upload.getvalue() if upload is not None else BUNDLED.read_bytes())
types = sorted(events["outlet_type"].unique())
chosen = st.sidebar.multiselect("Outlet type", types, key="outlet_type", placeholder="All")
shown = events[events["outlet_type"].isin(chosen)] if chosen else events
lane = pd.Categorical(shown["outlet_type"], categories=types).codes
st.title("Floor")
for key in ("timeline", "network"):
    figure = go.Figure(go.Scattergl(x=shown["date"], y=lane, mode="markers"))
    figure.update_layout(height=500, margin={"l": 40, "r": 10, "t": 10, "b": 30})
    st.plotly_chart(figure, width="stretch", theme=None, key=key)
