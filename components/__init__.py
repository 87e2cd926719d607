"""Streamlit pieces of the page, one render_*() per panel. Only these and app.py import streamlit."""
