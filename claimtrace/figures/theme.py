"""Colours, symbols, fonts and sizes: the one place they live.

The palette is Okabe & Ito's (2008), distinguishable with every common colour-vision
deficiency; stance is carried by marker shape as well, so no meaning rests on colour alone.
"""

from __future__ import annotations

from claimtrace.schema import STANCES

FONT = "Inter, 'Source Sans Pro', 'Helvetica Neue', Arial, sans-serif"
FONT_SIZE = 13
TITLE_SIZE = 17
SMALL_SIZE = 11
TEXT = "#1f2328"
MUTED = "#57606a"
GRID = "#e6e8eb"
BACKGROUND = "#ffffff"
LANE_SHADE = "#f6f8fa"

# Okabe-Ito, in an order that keeps the first colours far apart.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
OTHER_COLOUR = "#8c8c8c"  # for "other" and everything past the palette
UNKNOWN_COLOUR = "#cdd2d7"  # for a value not known: paler, never shared with a named value
MAX_COLOURS = 7  # categories beyond this share OTHER_COLOUR, so colours stay tellable apart

# Stance has fixed, meaningful colours (red family carries the claim, blue family rejects it).
STANCE_COLOURS = {
    "originates": "#D55E00",
    "repeats": "#E69F00",
    "questions": "#CC79A7",
    "debunks": "#0072B2",
    "denies": "#56B4E9",
    "confirms": "#009E73",
    "context": "#8c8c8c",
    "": UNKNOWN_COLOUR,
}
STANCE_SYMBOLS = {
    "originates": "star",
    "repeats": "circle",
    "questions": "diamond",
    "debunks": "x",
    "denies": "square",
    "confirms": "triangle-up",
    "context": "circle-open",
    "": "circle",
}
assert set(STANCE_SYMBOLS) >= set(STANCES)
RELAY_SYMBOL = "square-open"  # a denial relayed by an outlet, not made (diffusion.relays_denial)

MARKER_SIZE = 12
MARKER_LINE = "#ffffff"
EXTERNAL_COLOUR = "#ffffff"
EXTERNAL_LINE = "#57606a"
EXTERNAL_SYMBOL = "square"

DOCUMENTED_EDGE = "#57606a"
INFERRED_EDGE = "#8c959f"
HIGHLIGHT = "#000000"
FADED_OPACITY = 0.18
FADED_TEXT = "#afb6bd"  # labels of faded events: still legible, plainly in the background

INTERVAL_OPACITY = 0.35
INTERVAL_WIDTH = 7

# How many events a stretch of a lane holds, in a chart too large to draw every point.
DENSITY_SCALE = [[0.0, "rgba(0,114,178,0.08)"], [1.0, "rgba(0,114,178,0.55)"]]

MILESTONE_COLOUR = "#57606a"
JUMP_COLOUR = "#000000"
STATUS_COLOURS = {
    "uncorroborated": "#F0E442",
    "denied": "#56B4E9",
    "debunked": "#0072B2",
    "debunked and denied": "#0072B2",
    "confirmed": "#009E73",
}


def colour_map(values: list[str], fixed: dict[str, str] | None = None) -> dict[str, str]:
    """A colour for each value: fixed colours where given, else Okabe-Ito by frequency order.

    `values` must be ordered by importance (most frequent first); values past MAX_COLOURS
    (and the value "other") get OTHER_COLOUR, and "" (not known) UNKNOWN_COLOUR, its own.
    """
    if fixed:
        return {v: fixed.get(v, OTHER_COLOUR) for v in values}
    out: dict[str, str] = {}
    palette = iter(OKABE_ITO[:MAX_COLOURS])
    for value in values:
        if value in ("", "other"):
            out[value] = UNKNOWN_COLOUR if value == "" else OTHER_COLOUR
            continue
        out[value] = next(palette, OTHER_COLOUR)
    return out


def base_layout(height: int) -> dict:
    """Layout settings every figure shares."""
    return {
        "template": "plotly_white",
        "height": height,
        "font": {"family": FONT, "size": FONT_SIZE, "color": TEXT},
        "paper_bgcolor": BACKGROUND,
        "plot_bgcolor": BACKGROUND,
        "hoverlabel": {"font": {"family": FONT, "size": FONT_SIZE}, "align": "left"},
        "legend": {
            "font": {"size": SMALL_SIZE + 1},
            "orientation": "v",
            "x": 1.01,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "bgcolor": "rgba(255,255,255,0.9)",
            "tracegroupgap": 6,
        },
        "margin": {"l": 150, "r": 20, "t": 40, "b": 40},
    }
