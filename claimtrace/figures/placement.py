"""Geometry of the network as drawn: link curves and label places, in the plot's pixels.

The figure is laid out for a known plot size, so labels can be placed before plotly draws
them: each label takes, of a few places around its node (right, left, above, below, and the
corners), one that overlaps no marker, no arrowhead, no other label and nothing outside the
plot, and that no link runs along; of those, the one fewest links cross (they are cut under
it: knock_out). A label that finds no such place is left out (the figure and the caption
count them); labels are placed in order of importance, so what matters is named first.
Links run in the gaps between rows of points (curves), each a polyline: its turns and curves
as points, its straight runs by their two ends (a link down a tall network is one segment, not
thousands of sampled points). Lengths inside a box are measured on the segments themselves.
Deterministic: the same input gives the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RES = 1.0  # pixels per raster cell (finer would not matter; coarser merges neighbouring rows)
CELL = 64.0  # pixels a side of the cells by which Ink finds the segments near a box
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

    def take_each(self, x0, y0, x1, y1) -> None:
        """take() of many boxes (arrays of their sides): the same cells, the same rounding.
        Small boxes (markers, arrowheads) are marked a cell offset at a time for all of them
        together; a large one on its own."""
        rows, columns = self.cells.shape
        c0, r0, c1, r1 = (
            np.maximum(np.round(np.asarray(v, float) / RES), 0).astype(np.int64)
            for v in (x0, y0, x1, y1)
        )
        r1, c1 = np.minimum(r1, rows), np.minimum(c1, columns)  # as a slice stops at the end
        tall, wide = np.maximum(r1 - r0, 0), np.maximum(c1 - c0, 0)
        small = (tall <= 24) & (wide <= 24)
        for k in np.flatnonzero(~small & (tall > 0) & (wide > 0)).tolist():
            self.cells[r0[k] : r1[k], c0[k] : c1[k]] = True
        if not small.any():
            return
        r0, c0, tall, wide = r0[small], c0[small], tall[small], wide[small]
        for dr in range(int(tall.max(initial=0))):
            for dc in range(int(wide.max(initial=0))):
                inside = (dr < tall) & (dc < wide)
                self.cells[r0[inside] + dr, c0[inside] + dc] = True

    def free_each(self, x0, y0, x1, y1) -> np.ndarray:
        """free() of many boxes at once (arrays of their sides), by the raster as it is now:
        the same rounding, and the cells taken in each box counted row by row from each row's
        running count (one pass over the raster; a label box spans a few rows)."""
        shape = np.shape(x0)  # any shape: each box of the arrays, flat, then as given
        x0, y0, x1, y1 = (np.ravel(v) for v in (x0, y0, x1, y1))
        rows, columns = self.cells.shape
        before = np.zeros((rows, columns + 1), np.int32)  # cells taken left of each column
        np.cumsum(self.cells, axis=1, dtype=np.int32, out=before[:, 1:])
        c0, r0, c1, r1 = (
            np.maximum(np.round(v / RES), 0).astype(np.int64) for v in (x0, y0, x1, y1)
        )
        r0, r1 = np.minimum(r0, rows), np.minimum(r1, rows)
        c0, c1 = np.minimum(c0, columns), np.minimum(c1, columns)
        r1, c1 = np.maximum(r1, r0), np.maximum(c1, c0)  # an empty slice takes nothing
        spans = r1 - r0
        box = np.repeat(np.arange(len(spans)), spans)
        row = r0[box] + np.arange(len(box)) - np.repeat(np.cumsum(spans) - spans, spans)
        hit = before[row, c1[box]] != before[row, c0[box]]
        taken = np.bincount(box[hit], minlength=len(spans)) > 0
        inside = (x0 >= 0) & (y0 >= 0) & (x1 <= self.width) & (y1 <= self.height)
        return (inside & ~taken).reshape(shape)


class Ink:
    """The links' segments, found by box: how many links cross a box, and whether one runs
    along it rather than across. Each segment is filed under every CELL-pixel cell its
    bounding box touches; a box asks only the segments of its cells."""

    def __init__(self, xs: list[np.ndarray], ys: list[np.ndarray]) -> None:
        x0, y0, x1, y1, link = _segments(xs, ys)
        self.x0, self.y0, self.x1, self.y1, self.link = x0, y0, x1, y1, link
        self.length = np.hypot(x1 - x0, y1 - y0)
        if not len(x0):
            self.keys, self.segs, self.columns = np.zeros(0, np.int64), np.zeros(0, np.int64), 1
            self.first_cell = np.zeros(0, np.int64)
            return
        cx0, cx1 = _cell(np.minimum(x0, x1)), _cell(np.maximum(x0, x1))
        cy0, cy1 = _cell(np.minimum(y0, y1)), _cell(np.maximum(y0, y1))
        self.columns = int(cx1.max()) + 2
        self.first_cell = cy0 * self.columns + cx0  # each segment's top left cell
        wide = cx1 - cx0 + 1
        count = wide * (cy1 - cy0 + 1)
        seg = np.repeat(np.arange(len(x0)), count)
        k = np.arange(len(seg)) - np.repeat(np.cumsum(count) - count, count)
        keys = (cy0[seg] + k // wide[seg]) * self.columns + cx0[seg] + k % wide[seg]
        order = np.argsort(keys, kind="stable")
        self.keys, self.segs = keys[order], seg[order]

    def near(self, box) -> np.ndarray:
        """The segments filed under the cells of a box (x0, y0, x1, y1), each once."""
        bx0, by0, bx1, by1 = box
        lo_x, hi_x = max(_cell(bx0), 0), min(_cell(bx1), self.columns - 1)
        if lo_x > hi_x:
            return np.zeros(0, np.int64)
        rows = range(max(_cell(by0), 0), _cell(by1) + 1)
        starts = [r * self.columns + lo_x for r in rows]
        stops = [r * self.columns + hi_x for r in rows]
        lo = np.searchsorted(self.keys, starts, side="left")
        hi = np.searchsorted(self.keys, stops, side="right")
        parts = [self.segs[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True) if b > a]
        if not parts:
            return np.zeros(0, np.int64)
        return np.unique(np.concatenate(parts))  # a wide segment is in several cells

    def inside(self, box, segs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of the segments `segs` runs inside the box: the fractions (t0, t1) of
        the segment, t1 <= t0 where it does not (Liang and Barsky's clipping: between the
        fractions where it crosses the box's sides, within 0 and 1)."""
        bx0, by0, bx1, by1 = box
        t0, t1 = np.zeros(len(segs)), np.ones(len(segs))
        for start, end, low, high in ((self.x0, self.x1, bx0, bx1), (self.y0, self.y1, by0, by1)):
            a = start[segs]
            d = end[segs] - a
            with np.errstate(divide="ignore", invalid="ignore"):
                r0, r1 = (low - a) / d, (high - a) / d
            moving = d != 0
            t0 = np.where(moving, np.maximum(t0, np.minimum(r0, r1)), t0)
            t1 = np.where(moving, np.minimum(t1, np.maximum(r0, r1)), t1)
            t1 = np.where(~moving & ((a < low) | (a > high)), -1.0, t1)  # beside the box
        return t0, t1

    def crossing(self, box) -> tuple[int, float]:
        """(links through the box, the most pixels one of them runs inside it)."""
        segs = self.near(box)
        if not len(segs):
            return 0, 0.0
        t0, t1 = self.inside(box, segs)
        run = np.maximum(t1 - t0, 0.0) * self.length[segs]
        if not (run > 0).any():
            return 0, 0.0
        per_link = np.bincount(self.link[segs], weights=run)
        return int((per_link > 0).sum()), float(per_link.max())

    def crossing_each(self, x0, y0, x1, y1) -> tuple[np.ndarray, np.ndarray]:
        """crossing() of many boxes at once (arrays of their sides): the same numbers, from
        the same segments in the same order (so every sum adds up as it does one by one)."""
        n = len(x0)
        links, longest = np.zeros(n, np.int64), np.zeros(n)
        if not n or not len(self.keys):
            return links, longest
        # near(): the cells of each box, row by row, and the segments filed under them.
        lo_x = _cell(np.asarray(x0, float))
        hi_x = np.minimum(_cell(np.asarray(x1, float)), self.columns - 1)
        first_row, last_row = _cell(np.asarray(y0, float)), _cell(np.asarray(y1, float))
        rows = np.where(lo_x <= hi_x, np.maximum(last_row - first_row + 1, 0), 0)
        box = np.repeat(np.arange(n), rows)
        row = first_row[box] + np.arange(len(box)) - np.repeat(np.cumsum(rows) - rows, rows)
        lo = np.searchsorted(self.keys, row * self.columns + lo_x[box], side="left")
        hi = np.searchsorted(self.keys, row * self.columns + hi_x[box], side="right")
        count = np.maximum(hi - lo, 0)
        at = np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
        box, segs = np.repeat(box, count), self.segs[at]
        # A segment is met in every cell the box and it share: kept in the top left one.
        cell_row, cell_column = np.divmod(self.keys[at], self.columns)
        corner_row, corner_column = np.divmod(self.first_cell[segs], self.columns)
        once = (cell_row == np.maximum(corner_row, first_row[box])) & (
            cell_column == np.maximum(corner_column, lo_x[box])
        )
        found = np.sort(box[once] * len(self.x0) + segs[once])  # by box, then segment
        box, segs = found // len(self.x0), found % len(self.x0)
        if not len(segs):
            return links, longest
        # inside(), for every (box, segment), by the same arithmetic.
        t0, t1 = np.zeros(len(segs)), np.ones(len(segs))
        sides = ((self.x0, self.x1, np.asarray(x0, float), np.asarray(x1, float)),
                 (self.y0, self.y1, np.asarray(y0, float), np.asarray(y1, float)))  # fmt: skip
        for start, end, low, high in sides:
            a = start[segs]
            d = end[segs] - a
            low, high = low[box], high[box]
            with np.errstate(divide="ignore", invalid="ignore"):
                r0, r1 = (low - a) / d, (high - a) / d
            moving = d != 0
            t0 = np.where(moving, np.maximum(t0, np.minimum(r0, r1)), t0)
            t1 = np.where(moving, np.minimum(t1, np.maximum(r0, r1)), t1)
            t1 = np.where(~moving & ((a < low) | (a > high)), -1.0, t1)
        run = np.maximum(t1 - t0, 0.0) * self.length[segs]
        # Each link's run in each box, summed in segment order; then per box.
        groups, which = np.unique(box * (int(self.link.max()) + 1) + self.link[segs],
                                  return_inverse=True)  # fmt: skip
        per_link = np.bincount(which, weights=run)
        owner = groups // (int(self.link.max()) + 1)
        links += np.bincount(owner, weights=per_link > 0, minlength=n).astype(np.int64)
        np.maximum.at(longest, owner, per_link)
        return links, longest


def _cell(v):
    """The CELL-pixel cell (column or row) of a coordinate or of each of an array's."""
    if isinstance(v, np.ndarray):  # anything left of or above the plot: the first cell
        return np.maximum(np.floor(v / CELL).astype(np.int64), 0)
    return max(int(np.floor(v / CELL)), 0)


def _segments(xs: list[np.ndarray], ys: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Every polyline's segments (x0, y0, x1, y1, polyline), none across a gap (NaN)."""
    if not xs:
        empty = np.zeros(0)
        return empty, empty, empty, empty, np.zeros(0, np.int64)
    x, y = np.concatenate(xs), np.concatenate(ys)
    link = np.repeat(np.arange(len(xs)), [len(v) for v in xs])
    real = (link[1:] == link[:-1]) & ~np.isnan(x[1:]) & ~np.isnan(x[:-1])
    return x[:-1][real], y[:-1][real], x[1:][real], y[1:][real], link[:-1][real]


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
    reads as one trunk and its branches; between two points of one row, by the gap above it.
    Each route is a polyline: the ends of its straight runs, and the points of its turns."""
    x0, y0, x1, y1 = (np.asarray(v, float) for v in (sx, sy, tx, ty))
    if not len(x0):
        return [], []
    dy = y1 - y0
    same = np.abs(dy) < 6  # same row: up to the gap above it, along, and down into the target
    down = np.where(same, -1.0, np.where(dy > 0, 1.0, -1.0))
    # Else the gap between the target's row and the next.
    lane_y = np.where(same, y1 - pitch / 2, y1 - down * pitch / 2)
    r = np.minimum(5.0, np.abs(lane_y - y0) / 2)
    level = x1 - radius - LEVEL  # from here on the route runs level into the target
    # Ahead: along the gap, then down (or up) into the row; else nearly above each other: a
    # hook back along the gap, and in from the left.
    ahead = level >= x0 + r + 4
    enter = np.where(
        ahead, np.maximum(level - pitch, x0 + r), np.minimum(level - pitch / 2, x0 - r)
    )
    mid = (enter + level) / 2
    # The points of every route, a route a row: its port, the turn into the gap, the curve
    # out of it, and level into the target from the left (where its arrowhead is).
    px = np.hstack([x0[:, None], _corner(x0, x0, np.where(ahead, x0 + r, x0 - r)),
                    _bezier(enter, mid, mid, level), x1[:, None]])  # fmt: skip
    py = np.hstack([y0[:, None], _corner(lane_y - down * r, lane_y, lane_y),
                    _bezier(lane_y, lane_y, y1, y1), y1[:, None]])  # fmt: skip
    return _trimmed(px, py, radius)


def _bezier(a, b, c, d, n: int = 17) -> np.ndarray:
    """Cubic curves through the control values a, b, c, d (one coordinate), a curve a row."""
    t = np.linspace(0.0, 1.0, n)
    a, b, c, d = (np.asarray(p, float)[:, None] for p in (a, b, c, d))
    return (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d


def _corner(a, b, c, n: int = 7) -> np.ndarray:
    """Rounded corners from a through (near) b to c (one coordinate): quadratic curves."""
    t = np.linspace(0.0, 1.0, n)
    a, b, c = (np.asarray(p, float)[:, None] for p in (a, b, c))
    return (1 - t) ** 2 * a + 2 * (1 - t) * t * b + t**2 * c


def _trimmed(
    px: np.ndarray, py: np.ndarray, radius: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The polylines (a row each) without their ends inside the markers: cut at arc lengths
    from their start, each as _stretch would cut it alone."""
    at = np.hstack([np.zeros((len(px), 1)), np.cumsum(np.hypot(np.diff(px), np.diff(py)), axis=1)])
    total = at[:, -1]
    # The points nearly touch: the bit of line between them. Else the target end stops a
    # little further out: its arrowhead must clear a star's points.
    short = total <= 2 * radius + 6
    cut = np.minimum(radius + 1, total / 2 - 1)
    split = total > 2 * cut
    lo = np.where(short, np.where(split, cut, total / 2), radius + 1)
    hi = np.where(short, np.where(split, total - cut, total / 2), total - radius - 4)
    keep = np.hstack([np.ones((len(px), 1), bool), (at > lo[:, None]) & (at < hi[:, None]),
                      np.ones((len(px), 1), bool)])  # fmt: skip
    out = []
    for p in (px, py):
        every = np.hstack([_at(lo, at, p)[:, None], p, _at(hi, at, p)[:, None]])
        out.append(np.split(every[keep], np.cumsum(keep.sum(axis=1))[:-1]))
    return out[0], out[1]


def _at(s: np.ndarray, at: np.ndarray, p: np.ndarray) -> np.ndarray:
    """np.interp(s[i], at[i], p[i]) for every row i, by np.interp's own formula."""
    rows = np.arange(len(s))
    last = at.shape[1] - 1
    j = np.maximum((at <= s[:, None]).sum(axis=1) - 1, 0)  # the stretch at[j] <= s < at[j + 1]
    k = np.minimum(j + 1, last)
    a0, a1, p0, p1 = at[rows, j], at[rows, k], p[rows, j], p[rows, k]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (p1 - p0) / (a1 - a0) * (s - a0) + p0
    # At or beyond an end, or on a point: that point's value, as np.interp gives it.
    return np.where((j == last) | (a0 == s) | (s < a0), p0, value)


def _stretch(x, y, at, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """The part of a polyline (points x, y at arc lengths `at`) from arc length lo to hi."""
    s = np.concatenate([[lo], at[(at > lo) & (at < hi)], [hi]])
    return np.interp(s, at, x), np.interp(s, at, y)


def arc(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The arc length at each point of a polyline (no gaps) from its first."""
    return np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))])


def halfway(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The point halfway along a polyline (no gaps), by length."""
    at = arc(x, y)
    return float(np.interp(at[-1] / 2, at, x)), float(np.interp(at[-1] / 2, at, y))


def heading(x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """Which way a polyline arrives: its last segment of some length (dx, dy), or None."""
    for k in range(len(x) - 1, 0, -1):
        dx, dy = float(x[-1] - x[k - 1]), float(y[-1] - y[k - 1])
        if abs(dx) + abs(dy) > 1e-9:
            return dx, dy
    return None


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
    # A place the raster holds now (markers, arrowheads) stays taken: those are ruled out for
    # every node at once, before the loop.
    arrays = [np.asarray(v, float) for v in (x, y, widths, radius)]
    sides = np.array([box_at(*arrays[:3], height, side, arrays[3]) for side in SIDES])
    x0, y0, x1, y1 = sides.transpose(1, 2, 0)  # each (nodes, sides)
    open_now = raster.free_each(x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD)
    # The links through each open place, all at once (they do not change as labels go in).
    crossed, runs = np.zeros(open_now.shape, np.int64), np.zeros(open_now.shape)
    crossed[open_now], runs[open_now] = ink.crossing_each(
        x0[open_now] - PAD, y0[open_now] - PAD, x1[open_now] + PAD, y1[open_now] + PAD
    )
    # Only nodes with a place open now can get a label: the others are passed over.
    hopeful = np.flatnonzero(open_now.any(axis=1))
    each = (open_now[hopeful].tolist(), crossed[hopeful].tolist(), runs[hopeful].tolist())
    chances = dict(zip(hopeful.tolist(), zip(*each, strict=True), strict=True))
    x, y, widths, radius = (v.tolist() for v in arrays)
    for i in order:
        if i not in chances:
            continue
        is_open, crossing, longest_run = chances[i]
        best, best_cost = None, None
        for rank, side in enumerate(SIDES):
            if best_cost is not None and best_cost <= rank:
                break  # this side and the later ones cost at least their rank: none is better
            if not is_open[rank]:
                continue
            box = box_at(x[i], y[i], widths[i], height, side, radius[i])
            padded = (box[0] - PAD, box[1] - PAD, box[2] + PAD, box[3] + PAD)
            if not raster.free(padded):
                continue
            links, longest = crossing[rank], longest_run[rank]
            if links > most_links[i] or longest > along:
                continue
            cost = links * 3 + rank
            if best_cost is None or cost < best_cost:
                best, best_cost = box, cost
        if best is not None:
            raster.take((best[0] - PAD, best[1] - PAD, best[2] + PAD, best[3] + PAD))
            out[i] = best
    return out


def knock_out(
    xs: list[np.ndarray], ys: list[np.ndarray], boxes: list[tuple], margin: float = 2.0
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The links with a gap wherever they cross a label (a cartographer's halo): the label
    stays legible and no line is drawn through it. The gaps are cut where the segments meet
    the label's box grown by `margin`, and are NaN, which plotly draws as a break in the line."""
    if not boxes or not xs:
        return xs, ys
    ink = Ink(xs, ys)
    cuts: dict[int, list[tuple[float, float]]] = {}
    starts = {}  # each polyline's first segment
    for k, link in enumerate(ink.link.tolist()):
        starts.setdefault(link, k)
    for b in boxes:
        box = (b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin)
        segs = ink.near(box)
        if not len(segs):
            continue
        t0, t1 = ink.inside(box, segs)
        hit = t1 > t0
        for seg, a, z in zip(segs[hit].tolist(), t0[hit].tolist(), t1[hit].tolist(), strict=True):
            cuts.setdefault(int(ink.link[seg]), []).append((seg, a, z))
    out_x, out_y = list(xs), list(ys)
    for link, found in cuts.items():
        x, y = xs[link], ys[link]
        at = arc(x, y)
        first = starts[link]
        gaps = sorted(
            (at[seg - first] + a * (at[seg - first + 1] - at[seg - first]),
             at[seg - first] + z * (at[seg - first + 1] - at[seg - first]))
            for seg, a, z in found
        )  # fmt: skip
        out_x[link], out_y[link] = _gapped(x, y, at, gaps)
    return out_x, out_y


def _gapped(x, y, at, gaps: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """The polyline without the stretches `gaps` (arc lengths, sorted), NaN between parts."""
    parts_x, parts_y, done = [], [], 0.0
    for lo, hi in [*gaps, (at[-1], at[-1])]:
        if lo > done:
            px, py = _stretch(x, y, at, done, lo)
            parts_x += [px, [np.nan]]
            parts_y += [py, [np.nan]]
        done = max(done, hi)
    if not parts_x:
        return np.array([np.nan]), np.array([np.nan])
    return np.concatenate(parts_x[:-1]), np.concatenate(parts_y[:-1])
