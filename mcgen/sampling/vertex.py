"""Vertex boxes of a near source: the proposal of the interaction vertex.

A near source's events follow 1 / (4 pi L^2), L the distance from the emission point to the
vertex. Proposing the vertex uniformly in the fiducial volume and accepting with
(L_min / L)^2, L_min one bound for the whole volume, wastes most proposals when the volume is
large next to its distance from the source (the 51Cr card accepted 33 %). Here the fiducial
volume's bounding box is cut into boxes, finer where they are close to the source (each box is
split while its size exceeds SPLIT_SIZE x its own distance bound), every box v gets a lower bound
L_v of the distance between its points and the source's, and the kernel proposes box v with
probability proportional to V_v / L_v^2, a point uniform in it (rejected outside the fiducial
volume), and accepts with (L_v / L)^2: the accepted vertices are distributed as 1 / L^2 over the
fiducial volume exactly, whatever the boxes are.
"""

from __future__ import annotations

import math

import numpy as np

from ..geometry.shapes import (
    BOX_LX,
    BOX_LY,
    BOX_LZ,
    CYL_HEIGHT,
    CYL_RADIUS,
    SHAPE_CX,
    SHAPE_CY,
    SHAPE_CZ,
    SPH_RADIUS,
    ShapeKind,
)

#: A box is split while its diagonal exceeds SPLIT_SIZE x its distance bound L_v (then the bound
#: is within ~SPLIT_SIZE of the distances in it) ...
SPLIT_SIZE = 0.03
#: ... and at most this many times, ...
MAX_DEPTH = 8
#: ... and while there are fewer boxes than this (the relatively largest are split first).
MAX_BOXES = 8_000


def half_extent(kind: int, p: np.ndarray) -> np.ndarray:
    """Half side lengths [mm] of the axis-aligned box that holds the shape (kind, p)."""
    if kind == ShapeKind.BOX:
        return 0.5 * np.array([p[BOX_LX], p[BOX_LY], p[BOX_LZ]])
    if kind == ShapeKind.CYLINDER:
        return np.array([p[CYL_RADIUS], p[CYL_RADIUS], 0.5 * p[CYL_HEIGHT]])
    if kind == ShapeKind.SPHERE:
        return np.full(3, p[SPH_RADIUS])
    return np.zeros(3)


def _centre(p: np.ndarray) -> np.ndarray:
    return np.array([p[SHAPE_CX], p[SHAPE_CY], p[SHAPE_CZ]])


def _gap(lo: np.ndarray, hi: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance [mm] between the boxes [lo, hi] (rows) and the box [a, b]."""
    d = np.maximum(0.0, np.maximum(a - hi, lo - b))
    return np.sqrt((d * d).sum(axis=1))


def _meets(kind: int, p: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Whether each box [lo, hi] (rows) may hold points of the shape (kind, p)."""
    c = _centre(p)
    near = np.clip(c, lo, hi)  # the box's point nearest to the centre
    d = near - c
    if kind == ShapeKind.CYLINDER:
        return ((d[:, 0] ** 2 + d[:, 1] ** 2 <= p[CYL_RADIUS] ** 2)
                & (np.abs(d[:, 2]) <= 0.5 * p[CYL_HEIGHT]))
    if kind == ShapeKind.SPHERE:
        return (d * d).sum(axis=1) <= p[SPH_RADIUS] ** 2
    return _gap(lo, hi, c - half_extent(kind, p), c + half_extent(kind, p)) <= 0.0


def _split(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 8 octants of each box."""
    mid = 0.5 * (lo + hi)
    los, his = [], []
    for corner in range(8):
        pick = np.array([(corner >> a) & 1 for a in range(3)], bool)
        los.append(np.where(pick, mid, lo))
        his.append(np.where(pick, hi, mid))
    return np.concatenate(los), np.concatenate(his)


def vertex_boxes(fid_kind: int, fid_p: np.ndarray, src_kind: int, src_p: np.ndarray,
                 L_min: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lo, hi, L_v): corners [mm] (boxes x 3) of the vertex boxes of the fiducial volume
    (fid_kind, fid_p) and the lower bound L_v [mm] of the distance from each to the source
    volume (src_kind, src_p): the gap between the box and the source's bounding box, and at
    least L_min (a bound for every pair of points of the two volumes)."""
    c, e = _centre(fid_p), half_extent(fid_kind, fid_p)
    s_lo, s_hi = _centre(src_p) - half_extent(src_kind, src_p), \
        _centre(src_p) + half_extent(src_kind, src_p)
    lo, hi = (c - e)[None, :], (c + e)[None, :]
    for _ in range(MAX_DEPTH):
        L = np.maximum(_gap(lo, hi, s_lo, s_hi), L_min)
        size = np.sqrt(((hi - lo) ** 2).sum(axis=1)) / L
        big = size > SPLIT_SIZE
        room = (MAX_BOXES - lo.shape[0]) // 7
        if not big.any() or room <= 0:
            break
        if big.sum() > room:  # split the largest (relative to their distance) first
            big = size >= np.sort(size)[-room]
        new_lo, new_hi = _split(lo[big], hi[big])
        keep = _meets(fid_kind, fid_p, new_lo, new_hi)
        lo = np.concatenate([lo[~big], new_lo[keep]])
        hi = np.concatenate([hi[~big], new_hi[keep]])
    return lo, hi, np.maximum(_gap(lo, hi, s_lo, s_hi), L_min)


#: Guide entries per cell: a proposal's uniform number falls in one of GUIDE_PER_CELL x cells
#: equal buckets, and at most one bucket per cell boundary holds a boundary, so at least 3/4 of
#: the proposals find their cell from the guide alone (weighted by probability, far more: the
#: boundaries of small cells crowd into few buckets).
GUIDE_PER_CELL = 4


def guide_table(cdf: np.ndarray) -> np.ndarray:
    """Guide of the cumulative weights cdf for the kernels' _pick, K = GUIDE_PER_CELL x cells
    entries (int32): entry g >= 0 is the cell of every weight in the bucket
    [g / K, (g + 1) / K) x total (no search, and the cdf is not read: with tens of thousands of
    cells each read is a cache miss); a bucket holding a cell boundary has -1 - c, c the first
    cell with cdf[c] > g / K x total, where a short search starts. A bucket counts as one cell
    only with a margin of ~5 ulps of the total at both ends, so that the cell is the one
    np.searchsorted(cdf, u x total, "right") gives for every u of the bucket, whatever the
    rounding of u x K and u x total."""
    if cdf.size == 0:
        return np.zeros(1, dtype=np.int32)
    n = cdf.size
    K = GUIDE_PER_CELL * n
    total = cdf[-1]
    margin = 1e-15 * total
    lo, hi = np.arange(K) / K * total, np.arange(1, K + 1) / K * total
    start = np.minimum(np.searchsorted(cdf, lo, side="right"), n - 1)
    first = np.minimum(np.searchsorted(cdf, lo - margin, side="right"), n - 1)
    last = np.minimum(np.searchsorted(cdf, hi + margin, side="right"), n - 1)
    return np.where(first == last, first, -1 - start).astype(np.int32)


def box_weights(lo: np.ndarray, hi: np.ndarray, L_v: np.ndarray) -> np.ndarray:
    """Proposal weights of the boxes: volume / (4 pi L_v^2) [mm]."""
    return np.prod(hi - lo, axis=1) / (4.0 * math.pi * L_v * L_v)
