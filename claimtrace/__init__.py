"""ClaimTrace: timelines and diffusion networks of how a news claim travelled.

The core library: plain Python, never imports streamlit.
"""

__version__ = "0.1.0"
