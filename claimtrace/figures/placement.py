"""Geometry of the network as drawn: link curves and label places, in the plot's pixels.

The figure is laid out for a known plot size, so labels can be placed before plotly draws
them: each label takes, of a few places around its node (right, left, above, below, and the
corners), one that overlaps no marker, no arrowhead, no other label and nothing outside the
plot, and that no link runs along; of those, the one fewest links cross (they are cut under
it: knock_out). A label that finds no such place is left out (the figure and the caption
count them); labels are placed in order of importance, so what matters is named first.
Links run in the gaps between rows of points (curves). Deterministic: the same input gives
the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RES = 1.0  # pixels per raster cell (finer would not matter; coarser merges neighbouring rows)
STEP = 1.5  # pixels between the points sampled along a link
PAD = 1.0  # pixels kept free around a label
LEVEL = 12.0  # pixels a link runs level before it reaches its target's marker


@dataclass
class Raster:
    """What is taken in the plot: a boolean grid, RES pixels a cell."""

    width: float
    height: float

    def __post_init__(self) -> None:
        self.cells = np.zeros((int(self.height / RES) + 2, int(self.width / RES) + 2), bool)

    def _slice(self, box: tuple[float, float, float, float]) -> tuple[slice, slice]:
        """The cells of a box, rounded: boxes that only touch do not collide."""
        x0, y0, x1, y1 = (max(round(v / RES), 0) for v in box)
        return slice(y0, y1), slice(x0, x1)

    def inside(self, box) -> bool:
        x0, y0, x1, y1 = box
        return x0 >= 0 and y0 >= 0 and x1 <= self.width and y1 <= self.height

    def free(self, box) -> bool:
        return self.inside(box) and not self.cells[self._slice(box)].any()

    def take(self, box) -> None:
        self.cells[self._slice(box)] = True


class Ink:
    """The links' sampled points (STEP pixels apart), found by box: how many links cross a
    box, and whether one runs along it rather than across."""

    def __init__(self, xs: list[np.ndarray], ys: list[np.ndarray]) -> None:
        x = np.concatenate(xs) if xs else np.zeros(0)
        y = np.concatenate(ys) if ys else np.zeros(0)
        link = np.repeat(np.arange(len(xs)), [len(v) for v in xs]) if xs else np.zeros(0, int)
        order = np.argsort(x, kind="stable")
        self.x, self.y, self.link = x[order], y[order], link[order]

    def crossing(self, box) -> tuple[int, float]:
        """(links through the box, the most pixels one of them runs inside it)."""
        x0, y0, x1, y1 = box
        lo, hi = np.searchsorted(self.x, [x0, x1])
        if lo == hi:
            return 0, 0.0
        inside = (self.y[lo:hi] >= y0) & (self.y[lo:hi] <= y1)
        if not inside.any():
            return 0, 0.0
        counts = np.bincount(self.link[lo:hi][inside])
        counts = counts[counts > 0]
        return len(counts), float(counts.max() * STEP)


def curves(
    sx: np.ndarray,
    sy: np.ndarray,
    tx: np.ndarray,
    ty: np.ndarray,
    radius: float,
    pitch: float,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each link's route from its source (sx, sy) to its target (tx, ty), in pixels, as a
    metro map draws lines: down (or up) from the source's port, along the gap between two rows
    of points (`pitch` apart), so that it runs under no label, then into the target from its
    side. The links of one source share their first stretch, so a source cited many times
    reads as one trunk and its branches; between two points of one row, by the gap above it."""
    xs, ys = [], []
    for x0, y0, x1, y1 in zip(sx, sy, tx, ty, strict=True):
        dy = y1 - y0
        if abs(dy) < 6:  # same row: up to the gap above it, along, and down into the target
            down, lane_y = -1.0, y1 - pitch / 2
        else:
            down = 1.0 if dy > 0 else -1.0
            lane_y = y1 - down * pitch / 2  # the gap between the target's row and the next
        r = min(5.0, abs(lane_y - y0) / 2)
        level = x1 - radius - LEVEL  # from here on the route runs level into the target
        if level >= x0 + r + 4:  # ahead: along the gap, then down (or up) into the row
            enter = max(level - pitch, x0 + r)  # where the route leaves the gap
            turn = _corner((x0, lane_y - down * r), (x0, lane_y), (x0 + r, lane_y))
        else:  # nearly above each other: a hook back along the gap, and in from the left
            enter = min(level - pitch / 2, x0 - r)
            turn = _corner((x0, lane_y - down * r), (x0, lane_y), (x0 - r, lane_y))
        points = np.vstack(
            [
                [[x0, y0]],
                turn,
                _bezier(
                    (enter, lane_y),
                    ((enter + level) / 2, lane_y),
                    ((enter + level) / 2, y1),
                    (level, y1),
                ),
                [[x1, y1]],  # level, from the left: the arrowhead in the target's row
            ]
        )
        xs_, ys_ = _trimmed(points, radius)
        xs.append(xs_)
        ys.append(ys_)
    return xs, ys


def _bezier(a, b, c, d, n: int = 17) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    a, b, c, d = (np.asarray(p, float) for p in (a, b, c, d))
    return (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d


def _corner(a, b, c, n: int = 7) -> np.ndarray:
    """A rounded corner from a through (near) b to c: a quadratic curve."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    a, b, c = (np.asarray(p, float) for p in (a, b, c))
    return (1 - t) ** 2 * a + 2 * (1 - t) * t * b + t**2 * c


def _trimmed(points: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """The polyline resampled every STEP pixels, without its ends inside the markers."""
    seg = np.hypot(*np.diff(points, axis=0).T)
    at = np.concatenate([[0.0], np.cumsum(seg)])
    total = at[-1]
    if total <= 2 * radius + 6:  # the points nearly touch: the bit of line between them
        cut = min(radius + 1, total / 2 - 1)
        s = np.linspace(cut, total - cut, 4) if total > 2 * cut else np.array([total / 2] * 2)
        return np.interp(s, at, points[:, 0]), np.interp(s, at, points[:, 1])
    # The target end stops a little further out: its arrowhead must clear a star's points.
    s = np.linspace(radius + 1, total - radius - 4, max(int((total - 2 * radius) / STEP), 2))
    return np.interp(s, at, points[:, 0]), np.interp(s, at, points[:, 1])


def straightened(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The polyline without the points inside its level or upright straight runs: each lies on
    the line between its neighbours, so the drawing is the same with far fewer points (a link
    sampled every STEP pixels down a tall network has thousands). Turns, curves, ends and the
    ends of gaps (NaN) are kept."""
    if len(x) < 3:
        return x, y
    a, b, c = slice(None, -2), slice(1, -1), slice(2, None)
    upright = (x[b] == x[a]) & (x[b] == x[c]) & ((y[b] - y[a]) * (y[c] - y[b]) > 0)
    level = (y[b] == y[a]) & (y[b] == y[c]) & ((x[b] - x[a]) * (x[c] - x[b]) > 0)
    keep = np.ones(len(x), bool)
    keep[1:-1] = ~(upright | level)
    return x[keep], y[keep]


# Places of a label around its node, in order of preference: (horizontal, vertical) sides.
SIDES = (
    ("right", "middle"),
    ("left", "middle"),
    ("center", "top"),
    ("center", "bottom"),
    ("right", "top"),
    ("right", "bottom"),
    ("left", "top"),
    ("left", "bottom"),
)


def box_at(x: float, y: float, w: float, h: float, side: tuple[str, str], r: float) -> tuple:
    """The box (x0, y0, x1, y1) of a w x h label on `side` of a marker of radius r at x, y."""
    horizontal, vertical = side
    gap = 3.0
    if vertical == "middle":
        x0 = x + r + gap if horizontal == "right" else x - r - gap - w
        return (x0, y - h / 2, x0 + w, y + h / 2)
    y0 = y - r - 1 - h if vertical == "top" else y + r + 1
    if horizontal == "center":
        x0 = x - w / 2
    elif horizontal == "right":
        x0 = x - r / 2
    else:
        x0 = x + r / 2 - w
    return (x0, y0, x0 + w, y0 + h)


def place(
    x: np.ndarray,
    y: np.ndarray,
    widths: np.ndarray,
    height: float,
    order: list[int],
    raster: Raster,
    ink: Ink,
    radius: np.ndarray,
    most_links: np.ndarray,
) -> list[tuple | None]:
    """The box of each label (None: left out), trying nodes in `order`. A place is allowed
    when the raster is free there and at most `most_links[i]` links cross it, each straight
    across (the link is then cut for the label: see knock_out), none along it. Of the places
    allowed, the one crossed by fewest links, then the most preferred side."""
    out: list[tuple | None] = [None] * len(x)
    along = height + 6  # a link longer than this inside the box runs along the label
    # Python floats: the boxes are rounded to cells one number at a time, numpy's scalars
    # make that ten times slower.
    x, y, widths, radius = (np.asarray(v, float).tolist() for v in (x, y, widths, radius))
    for i in order:
        best, best_cost = None, None
        for rank, side in enumerate(SIDES):
            box = box_at(x[i], y[i], widths[i], height, side, radius[i])
            padded = (box[0] - PAD, box[1] - PAD, box[2] + PAD, box[3] + PAD)
            if not raster.free(padded):
                continue
            links, longest = ink.crossing(padded)
            if links > most_links[i] or longest > along:
                continue
            cost = links * 3 + rank
            if best_cost is None or cost < best_cost:
                best, best_cost = box, cost
            if links == 0 and rank == 0:
                break
        if best is not None:
            raster.take((best[0] - PAD, best[1] - PAD, best[2] + PAD, best[3] + PAD))
            out[i] = best
    return out


def knock_out(
    xs: list[np.ndarray], ys: list[np.ndarray], boxes: list[tuple], margin: float = 2.0
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The links with a gap wherever they cross a label (a cartographer's halo): the label
    stays legible and no line is drawn through it. Gaps are NaN, which plotly draws as a
    break in the line."""
    if not boxes:
        return xs, ys
    b = np.array(boxes, float)
    x0, y0, x1, y1 = b[:, 0] - margin, b[:, 1] - margin, b[:, 2] + margin, b[:, 3] + margin
    out_x, out_y = [], []
    for px, py in zip(xs, ys, strict=True):
        near = (x0 <= px.max()) & (x1 >= px.min()) & (y0 <= py.max()) & (y1 >= py.min())
        if not near.any():
            out_x.append(px)
            out_y.append(py)
            continue
        hit = np.zeros(len(px), bool)
        for k in np.flatnonzero(near):
            hit |= (px >= x0[k]) & (px <= x1[k]) & (py >= y0[k]) & (py <= y1[k])
        out_x.append(np.where(hit, np.nan, px))
        out_y.append(np.where(hit, np.nan, py))
    return out_x, out_y
