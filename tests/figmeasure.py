"""Measure a plotly figure as drawn: its exported SVG, laid out by a real Chromium.

`measure_svg(page, svg)` loads the SVG into a Playwright page and reads, in one script, the
on-screen boxes of every visible text and marker and points along every drawn line (2 px
apart); the metrics (overlapping labels, cut labels, stacked markers, lines through labels)
are then counted here. `figure_svg(fig, width, height)` makes that SVG through the project's own
kaleido renderer (Debian's Chromium).

Screen coordinates equal SVG coordinates: the page has no margin and the SVG sits at 0, 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

STEP = 2.0  # px between the points sampled along a line
SHRINK = 1.0  # px taken off each side of a text box: glyph boxes carry some slack
LABEL_OVERLAP_PX2 = 2.0
LABEL_MARKER_PX2 = 4.0
OUTSIDE_PX = 1.0
ELLIPSIS = "\u2026"

# Which text groups take part in which metric.
OVERLAP_GROUPS = {"point-label", "annotation", "xtick", "ytick", "legend", "title", "axis-title"}
CUT_GROUPS = {"point-label", "annotation", "xtick", "ytick"}
LABEL_GROUPS = {"point-label", "annotation"}

_JS = r"""
(step) => {
  const svg = document.querySelector('svg');
  const W = parseFloat(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
  const H = parseFloat(svg.getAttribute('height')) || svg.getBoundingClientRect().height;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const hidden = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') return true;
      if (parseFloat(cs.opacity) === 0) return true;
    }
    return false;
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      o *= parseFloat(getComputedStyle(e).opacity);
    }
    return o;
  };
  const alpha = (color) => {  // 0 for none/transparent, else the colour's alpha
    if (!color || color === 'none' || color === 'transparent') return 0;
    const m = color.match(/rgba\(([^)]*)\)/);
    return m ? parseFloat(m[1].split(',')[3]) : 1;
  };
  const group = (el) => {
    if (el.closest('.legend')) return 'legend';
    if (el.closest('.textpoint')) return 'point-label';
    if (el.closest('.annotation')) return 'annotation';
    for (let e = el; e && e.nodeType === 1 && e !== svg; e = e.parentElement) {
      for (const c of e.classList) {  // every axis: xtick, x2tick, g-ytitle, g-y3title ...
        if (/^x\d*tick$/.test(c)) return 'xtick';
        if (/^y\d*tick$/.test(c)) return 'ytick';
        if (/^g-[xy]\d*title$/.test(c)) return 'axis-title';
        if (/^(g-)?gtitle/.test(c)) return 'title';
      }
    }
    return 'other';
  };

  const texts = [];
  for (const el of svg.querySelectorAll('text')) {
    const lines = el.querySelectorAll('tspan.line');  // plotly's <br>: one tspan a line
    const content = (lines.length ? Array.from(lines, (t) => t.textContent).join(' ')
      : el.textContent || '').trim();
    if (!content || hidden(el)) continue;
    const cs = getComputedStyle(el);
    if (parseFloat(cs.fillOpacity) === 0 || alpha(cs.fill) === 0) continue;
    const b = box(el);
    if (b[2] - b[0] <= 0 || b[3] - b[1] <= 0) continue;
    const item = el.closest('.legend .traces');
    const legendItem = item ? Array.prototype.indexOf.call(item.parentNode.children, item) : -1;
    texts.push({group: group(el), text: content, box: b, legend_item: legendItem});
  }

  const markers = [];
  for (const el of svg.querySelectorAll('.scatterlayer path.point, .points path.point')) {
    if (el.closest('.legend') || hidden(el)) continue;
    const b = box(el);
    if (b[2] - b[0] <= 0 || b[3] - b[1] <= 0) continue;
    const cs = getComputedStyle(el);
    const fillOpacity = cs.fill === 'none' ? 0 : parseFloat(cs.fillOpacity) * alpha(cs.fill);
    const strokeWidth = parseFloat(cs.strokeWidth) || 0;
    const strokeOpacity = cs.stroke === 'none' ? 0
      : parseFloat(cs.strokeOpacity) * alpha(cs.stroke);
    const stroked = strokeWidth > 0 && strokeOpacity > 0;
    if (fillOpacity === 0 && !stroked) continue;  // invisible (a hover target)
    // Line symbols (a slash, a cross of lines) are open paths: nothing to cover or be covered.
    const closed = /[Zz]/.test(el.getAttribute('d') || '');
    markers.push({
      box: b, fill_opacity: fillOpacity, opacity: opacity(el),
      filled: fillOpacity > 0 && closed,
    });
  }

  const links = [];
  for (const el of svg.querySelectorAll('.scatterlayer .trace path.js-line')) {
    if (hidden(el)) continue;
    const cs = getComputedStyle(el);
    if (cs.stroke === 'none' || !(parseFloat(cs.strokeWidth) > 0)) continue;
    if (parseFloat(cs.strokeOpacity) === 0 || alpha(cs.stroke) === 0) continue;
    const d = el.getAttribute('d') || '';
    // One path per sub-path keeps getPointAtLength cheap on long broken lines.
    const parts = /^[\s]*M/.test(d) && !/m/.test(d) ? d.split(/(?=M)/) : [d];
    const ctm = el.getScreenCTM();
    const pts = [];
    for (const part of parts) {
      const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      p.setAttribute('d', part);
      el.parentNode.appendChild(p);
      const n = p.getTotalLength();
      for (let s = 0; s <= n; s += step) {
        const q = p.getPointAtLength(s);
        const t = new DOMPoint(q.x, q.y).matrixTransform(ctm);
        pts.push(t.x, t.y);
      }
      p.remove();
    }
    links.push(pts);
  }

  // Plot areas: the static SVG has no drag rects (rect.nsewdrag, used when present), so also
  // each subplot's plot clip rectangle, placed by the group it clips.
  const plots = [];
  for (const el of svg.querySelectorAll('rect.nsewdrag')) plots.push(box(el));
  if (!plots.length) {
    for (const el of svg.querySelectorAll('[clip-path]')) {
      const m = (el.getAttribute('clip-path') || '').match(/url\(["']?#([^"')]+)/);
      const clip = m && svg.querySelector(`clipPath.plotclip[id="${m[1]}"] rect`);
      if (!clip) continue;
      const ctm = el.getScreenCTM();
      const x = parseFloat(clip.getAttribute('x')) || 0;
      const y = parseFloat(clip.getAttribute('y')) || 0;
      const a = new DOMPoint(x, y).matrixTransform(ctm);
      const b = new DOMPoint(x + parseFloat(clip.getAttribute('width')),
        y + parseFloat(clip.getAttribute('height'))).matrixTransform(ctm);
      const key = [a.x, a.y, b.x, b.y].map((v) => v.toFixed(1)).join();
      if (!plots.some((p) => p.map((v) => v.toFixed(1)).join() === key)) {
        plots.push([a.x, a.y, b.x, b.y]);
      }
    }
  }
  return {width: W, height: H, texts, markers, links, plots};
}
"""


def _shrink(box: list[float], by: float = SHRINK) -> list[float]:
    return [box[0] + by, box[1] + by, box[2] - by, box[3] - by]


def _inter(a: list[float], b: list[float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _area(b: list[float]) -> float:
    return max(b[2] - b[0], 0.0) * max(b[3] - b[1], 0.0)


def _cut(text: str) -> bool:
    return ELLIPSIS in text or text.endswith("...")


def measure_svg(page: Any, svg_text: str) -> dict:
    """Metrics of the SVG as Chromium draws it. `page` is a Playwright Page (sync API).

    Keys: label_overlaps, overlap_pairs (first 20), cut_labels, cut_list, marker_overlaps,
    marker_touching (diagnostic: any two visible markers, open ones too, sharing > 4 px²),
    link_px_through_labels, label_marker_overlaps, n_texts, n_markers, n_link_paths, and the
    raw measurements width, height, plot_areas, texts, markers."""
    page.set_content(f"<html><body style='margin:0'>{svg_text}</body></html>")
    raw = page.evaluate(_JS, STEP)
    width, height = raw["width"], raw["height"]
    texts = raw["texts"]
    markers = raw["markers"]

    # Labels on labels.
    pool = [t for t in texts if t["group"] in OVERLAP_GROUPS]
    shrunk = [_shrink(t["box"]) for t in pool]
    pairs = []
    for i in range(len(pool)):
        for j in range(i + 1, len(pool)):
            a, b = pool[i], pool[j]
            if a["group"] == "legend" and b["group"] == "legend":
                continue  # the legend lays itself out (and one item's texts sit together)
            if _inter(shrunk[i], shrunk[j]) > LABEL_OVERLAP_PX2:
                pairs.append((a["text"], b["text"]))

    # Cut labels: an ellipsis, or a box past the image's edge.
    cut_list = []
    for t in texts:
        x0, y0, x1, y1 = t["box"]
        out = x0 < -OUTSIDE_PX or y0 < -OUTSIDE_PX or x1 > width + OUTSIDE_PX
        out = out or y1 > height + OUTSIDE_PX
        if t["group"] in CUT_GROUPS and _cut(t["text"]):
            cut_list.append({"text": t["text"], "group": t["group"], "why": "ellipsis"})
        elif out:
            cut_list.append({"text": t["text"], "group": t["group"], "why": "outside"})

    # Markers on markers: one covers at least half of the other (filled ones only).
    filled = [m for m in markers if m["filled"]]
    marker_pairs = 0
    for i in range(len(filled)):
        a = filled[i]["box"]
        for j in range(i + 1, len(filled)):
            b = filled[j]["box"]
            inter = _inter(a, b)
            if inter > 0 and inter >= 0.5 * min(_area(a), _area(b)):
                marker_pairs += 1
    # A looser diagnostic: any two drawn markers (rings, slashes and arrowheads too) touching.
    touching = 0
    for i in range(len(markers)):
        for j in range(i + 1, len(markers)):
            if _inter(markers[i]["box"], markers[j]["box"]) > LABEL_MARKER_PX2:
                touching += 1

    # Lines through labels: sampled points inside any point label or annotation.
    labels = [_shrink(t["box"]) for t in texts if t["group"] in LABEL_GROUPS]
    inside = 0
    if labels:
        lb = np.array(labels)
        for pts in raw["links"]:
            if not pts:
                continue
            xy = np.array(pts).reshape(-1, 2)
            x, y = xy[:, :1], xy[:, 1:]
            hit = (x > lb[:, 0]) & (x < lb[:, 2]) & (y > lb[:, 1]) & (y < lb[:, 3])
            inside += int(hit.any(axis=1).sum())

    # Labels on filled markers.
    label_marker = 0
    for t in labels:
        for m in filled:
            if _inter(t, m["box"]) > LABEL_MARKER_PX2:
                label_marker += 1

    return {
        "label_overlaps": len(pairs),
        "overlap_pairs": pairs[:20],
        "cut_labels": len(cut_list),
        "cut_list": cut_list,
        "marker_overlaps": marker_pairs,
        "marker_touching": touching,
        "link_px_through_labels": inside * STEP,
        "label_marker_overlaps": label_marker,
        "n_texts": len(texts),
        "n_markers": len(markers),
        "n_filled_markers": len(filled),
        "n_link_paths": len(raw["links"]),
        "width": width,
        "height": height,
        "plot_areas": raw["plots"],
        "texts": texts,
        "markers": markers,
    }


def figure_svg(fig: go.Figure, width: int, height: int) -> str:
    """`fig` as SVG at width x height, through the project's kaleido renderer (Debian's
    Chromium, one long-lived browser, WebGL traces drawn as SVG ones, as in the exports)."""
    from claimtrace import export

    sized = go.Figure(fig)
    sized.update_layout(width=width, height=height)
    return export.image_bytes(sized, "svg").decode("utf-8")
