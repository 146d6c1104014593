"""The event kernel: exact rejection sampling of (channel, E, T, emission point, vertex) and the
final state.

Proposal: a channel-and-energy cell c is drawn with probability proportional to its weight
(a guide table finds it in a few steps), E uniform in the cell (a line: its energy), T from
g_c(T) = h_cj / T (piecewise log-uniform over the channel's T bins j, with the bounds h_cj of
the cell's row: a bound of T dsigma/dT for the energies of the cell's group, mcgen.sampling.plan)
restricted to the open recoil range [Ta(E), Tb(E)]; for a near source a vertex uniform in a box
v drawn by volume / L_v^2 (mcgen.sampling.vertex; rejected outside the fiducial volume) and an
emission point uniform in the source volume. The event is accepted with probability

    flux(E) [G_c(Tb) - G_c(Ta)] T dsigma/dT(E, T) / (H_c h_cj) x (L_v / L)^2 x P_osc(E, L)

(the last two factors for near sources / oscillating components), <= 1 by construction, G_c
being the integral of g_c. The accepted events are distributed exactly as
n_c flux(E) dsigma/dT(E, T) / (4 pi L^2) P_osc(E, L). Any acceptance probability above 1 is
counted as an envelope violation (the caller raises).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ..constants import C_LIGHT
from ..geometry import DirectionKind, exit_distance, sample_point
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
    unit_disk,
)
from ..physics.decay import (
    DEC_CTAU,
    DEC_MAJORANA,
    DEC_MASS,
    DEC_MODES,
    DEC_NMODES,
    DEC_PARENT,
    DEC_PER_MODE,
    DEC_SPIN_HALF,
    boost_photon,
    photon_direction,
    polarization,
)
from ..physics.dispatch import dsigma_dT_inside, flux
from ..physics.kinematics import orthonormal_basis, recoil_cos, recoil_range
from ..physics.oscillation import p_ee_3plus1
from ..physics.propagation import transport_tabulated
from ..physics.spectra import table_linear
from ..sources.base import (
    TIME_N,
    TIME_T0,
    TIME_T1,
    TIME_TAU,
    TIME_TAU_MU,
    TIME_TAU_PI,
    TIME_WINDOWS,
    TimeKind,
)
from ..tolerances import ENVELOPE_SLACK
from .columns import ROW, ROW_DECAY
from .prefetch import prefetch

# Rows of the float64 output array filled by `sample_events` (mcgen.sampling.columns, the one
# table of output columns; numba freezes these module-level ints at compile time). ROW_DECAY:
# the first of the rows filled only for a decaying outgoing particle (NaN otherwise).
R_E_IN = ROW["E_in"]  # incoming total energy at the detector [MeV]
R_UX, R_UY, R_UZ = ROW["ux"], ROW["uy"], ROW["uz"]  # incoming direction (unit)
R_X, R_Y, R_Z = ROW["x"], ROW["y"], ROW["z"]  # vertex [mm]
R_T = ROW["T"]  # recoil kinetic energy [MeV]
R_E_OUT = ROW["E_out"]  # outgoing total energy [MeV]
R_PX_OUT, R_PY_OUT, R_PZ_OUT = ROW["px_out"], ROW["py_out"], ROW["pz_out"]  # [MeV]
R_PX_REC, R_PY_REC, R_PZ_REC = ROW["px_rec"], ROW["py_rec"], ROW["pz_rec"]  # [MeV]
R_T_EMIT = ROW["t"]  # emission time [ns]
R_SX, R_SY, R_SZ = ROW["sx"], ROW["sy"], ROW["sz"]  # emission point [mm]
R_L = ROW["L"]  # baseline [mm]
R_RX, R_RY, R_RZ = ROW["rx"], ROW["ry"], ROW["rz"]  # reconstructed vertex [mm]
R_E_SURF = ROW["E_surf"]  # total energy at the surface [MeV]
R_PATH = ROW["path"]  # path through rock [mm]
R_CZ = ROW["cz"]  # arrival cos(zenith)
R_G_E = ROW["g_E"]  # decay photon energy [MeV]
R_G_PX, R_G_PY, R_G_PZ = ROW["g_px"], ROW["g_py"], ROW["g_pz"]  # decay photon momentum [MeV]
R_D_X, R_D_Y, R_D_Z = ROW["d_x"], ROW["d_y"], ROW["d_z"]  # decay point [mm]
R_D_DT = ROW["d_dt"]  # lab time from the interaction to the decay [ns]
R_D_IN = ROW["d_in"]  # 1: the decay point is inside the fiducial volume, else 0
R_D_PIN = ROW["d_pin"]  # probability to decay inside the fiducial volume
R_G_COS = ROW["g_cos"]  # cos(photon, N) in the N rest frame
R_D_PDG = ROW["d_pdg"]  # signed PDG id of the neutral daughter


# Grouped arguments of `sample_events`, built once per run by mcgen.sampling.plan.Plan (numba
# types a NamedTuple of arrays and scalars as a struct: one argument, fields by name).
#: Columns of Placement.v_box: lower corner x, y, z, upper corner x, y, z [mm], the box's
#: distance bound L_v [mm] (a padding column: one 64-byte row per box).
BOX_LO, BOX_HI, BOX_L = 0, 3, 6
BOX_SIZE = 8
#: Columns of Cells.table: energy cell at the surface [MeV]; arrival cos(zenith) bin (angular
#: proposal; else -1, 1); largest zenith pdf in it; H = largest flux in the cell x integral of g
#: over the reachable T [mm^2 x flux]; channel index; row of the T bounds (TEnvelopes.h, .G).
(CELL_E_LO, CELL_E_HI, CELL_C_LO, CELL_C_HI, CELL_DMAX, CELL_H, CELL_CHAN,
 CELL_ROW) = range(8)
CELL_SIZE = 8


class Cells(NamedTuple):
    """Proposal cells (channel x energy cell x cos(zenith) bin): the cumulative weights, their
    guide, and one row of CELL_SIZE numbers per cell (a proposal reads one 64-byte row, one
    cache line, instead of eight arrays: 10-30 % faster with tens of thousands of cells)."""

    cdf: np.ndarray  # cumulative cell weight [expected events]
    guide: np.ndarray  # guide[g]: the cell of weights g / guide.size x total (vertex.guide_table)
    table: np.ndarray  # (cells, CELL_SIZE): the columns CELL_* (channel and row as floats)

    @property
    def chan(self) -> np.ndarray:
        """Channel index of each cell (int64)."""
        return self.table[:, CELL_CHAN].astype(np.int64)

    @property
    def row(self) -> np.ndarray:
        """Row of T bounds of each cell (int64)."""
        return self.table[:, CELL_ROW].astype(np.int64)


class Channels(NamedTuple):
    """Per-channel tables (row i: channel i), and the source's oscillation parameters."""

    proc: np.ndarray  # cross-section code (mcgen.physics.dispatch)
    p: np.ndarray  # cross-section parameters, [:, 0:3] = (m1, m3, M) [MeV]
    T_lo: np.ndarray  # recoil window [MeV]
    T_hi: np.ndarray
    spec_kind: np.ndarray  # spectrum code (mcgen.physics.dispatch.flux)
    # the distinct spectra's parameters, and each channel's row of them: the solar cards' 135
    # to 270 channels share 27 tables of up to 3,001 numbers (one copy each: 0.65 instead of
    # 3-6 MB read by the proposals)
    spec_p: np.ndarray
    spec_row: np.ndarray
    time_kind: np.ndarray  # emission-time model (TimeKind) and parameters [ns]
    time_p: np.ndarray
    osc: np.ndarray  # bool: the component oscillates
    life: np.ndarray  # proper mean life x c [mm] (inf: stable)
    dec: np.ndarray  # decay rows (mcgen.physics.decay), [:, DEC_NMODES] = 0: no decay
    osc_p: np.ndarray  # (sin^2 2theta, dm^2 [eV^2]) of the source (0, 0: none)


class TEnvelopes(NamedTuple):
    """T proposals g(T) = h[r, j] / T on [exp(ln[i, j]), exp(ln[i, j + 1])]: the bins of
    channel i, and rows r of bounds (one per channel and group of energy bins, so that a cell
    of low energy proposes with the bound of its own energies)."""

    ln: np.ndarray  # ln of the bin edges of each channel [ln MeV] (row i padded with zeros)
    n: np.ndarray  # number of bins of channel i (int64)
    h: np.ndarray  # bound on T dsigma/dT in each bin, per row [mm^2]
    G: np.ndarray  # integral of g from the first edge to each edge, per row [mm^2]


class Placement(NamedTuple):
    """Where the source and the vertex are (mcgen.geometry.Layout) and how particles arrive.
    A near source's vertex is proposed in boxes v (mcgen.sampling.vertex) with probability
    proportional to volume / L_v^2, L_v a lower bound of the distance between the box and the
    source, and accepted with (L_v / L)^2."""

    fid_kind: int  # fiducial volume shape (mcgen.geometry.shapes) and parameters [mm]
    fid_p: np.ndarray
    src_kind: int  # source volume shape; < 0: a far source
    src_p: np.ndarray
    L_min: float  # lower bound of the emission-to-vertex distance [mm] (near)
    dir_kind: int  # far-source direction model (DirectionKind) and its parameters
    dir_p: np.ndarray
    distance: float  # far baseline [mm] (NaN: unknown)
    v_cdf: np.ndarray  # vertex boxes (near): cumulative weight, guide (as Cells.guide),
    v_guide: np.ndarray
    v_box: np.ndarray  # (boxes, BOX_SIZE): lower corner, upper corner [mm], bound L_v [mm]


class Rock(NamedTuple):
    """Transport from the surface through the site's rock (mcgen.physics.propagation)."""

    on: bool  # propagate (far isotropic or zenith-table sources under a site)
    site_p: np.ndarray  # site array
    mu: float  # magnetic moment [mu_B] of the energy loss
    rt: np.ndarray  # range tables (propagation.range_table), one row per component
    rt_row: np.ndarray  # row of rt of each channel (int64)


# Why the kernels below are compiled without numba's reference counting (_nrt=False): numba
# counts references to every array, view and NamedTuple member passed to a function (an atomic
# increment and decrement, ~5-15 ns a call, not pruned in this loop); per-trial helpers taking
# arrays, and the per-trial row views (t_G[r], p[i] ...), cost 10-30 % of the sampling. These
# kernels allocate nothing (no array is created, only views of their arguments), which is what
# _nrt=False requires; it is why small helpers taking arrays cost nothing here.
KERNEL = dict(cache=True, nogil=True, _nrt=False)


@njit(**KERNEL, inline="always")
def _bucket(guide, u):
    """The guide entry of the uniform number u in [0, 1)."""
    return min(int(u * guide.size), guide.size - 1)


@njit(**KERNEL, inline="always")
def _pick(cdf, guide, u):
    """The cell c of the cumulative weights cdf with cdf[c - 1] <= u x total < cdf[c] (the
    last cell for u x total >= total): the same cell as np.searchsorted(cdf, u * total,
    side="right"), from the guide (vertex.guide_table) alone when u's bucket lies in one cell,
    else by a short search from the guide's start."""
    c = guide[_bucket(guide, u)]
    if c >= 0:
        return c
    last = cdf.size - 1
    x = u * cdf[last]
    c = -1 - c
    while c > 0 and cdf[c - 1] > x:
        c -= 1
    while c < last and cdf[c] <= x:
        c += 1
    return c


@njit(**KERNEL, inline="always")
def _bin_of(ln_e, nb, lnT):
    """Bin j of the (nearly uniform) edges ln_e[0..nb] with ln_e[j] <= lnT < ln_e[j + 1]
    (0 <= j < nb; lnT inside): a guess from the mean spacing and a short walk."""
    j = int((lnT - ln_e[0]) / (ln_e[nb] - ln_e[0]) * nb)
    j = min(max(j, 0), nb - 1)
    while j > 0 and lnT < ln_e[j]:
        j -= 1
    while j < nb - 1 and lnT >= ln_e[j + 1]:
        j += 1
    return j


@njit(**KERNEL, inline="always")
def _G(ln_e, G, h, nb, T):
    """Integral of the T proposal g = h_j / T from the first edge to T [MeV], and the bin j
    (0 <= j < nb) holding T (the first or last one beyond the edges)."""
    lnT = math.log(T)
    if lnT <= ln_e[0]:
        return 0.0, 0
    if lnT >= ln_e[nb]:
        return G[nb], nb - 1
    j = _bin_of(ln_e, nb, lnT)
    return G[j] + h[j] * (lnT - ln_e[j]), j


@njit(**KERNEL, inline="always")
def _draw_T(ln_e, G, h, nb, Ta, Tb, T_first, u):
    """T [MeV] from g = h_j / T restricted to [Ta, Tb] by inverse CDF at u, the bound h_j of
    its bin (0: no proposal) and the integral of g over [Ta, Tb]. T_first: the first edge
    exp(ln_e[0]) [MeV] (the channel's T_lo: Ta is often there, where G = 0 needs no log)."""
    Ga, ja = (0.0, 0) if Ta <= T_first else _G(ln_e, G, h, nb, Ta)
    Gb, jb = _G(ln_e, G, h, nb, Tb)
    y = Ga + u * (Gb - Ga)
    j = _bin_at(G, nb, y, u, ja, jb)
    h_j = h[j]
    if h_j <= 0.0:
        return 0.0, 0.0, 0.0
    return min(max(math.exp(ln_e[j] + (y - G[j]) / h_j), Ta), Tb), h_j, Gb - Ga


@njit(**KERNEL, inline="always")
def _bin_at(G, nb, y, u, ja, jb):
    """The last bin j (0 <= j < nb) with G[j] <= y (np.searchsorted(G, y, "right") - 1,
    clipped), for y = Ga + u (Gb - Ga), Ga and Gb the integrals at the ends of the T window
    (bins ja and jb): from the bin where y would fall were G linear between them and a short
    walk (a binary search over the ~40-100 bins cost ~30 ns a proposal)."""
    j = min(ja + int(u * (jb - ja + 1)), jb)
    while j > 0 and G[j] > y:
        j -= 1
    while j < nb - 1 and G[j + 1] <= y:
        j += 1
    return j


@njit(**KERNEL, inline="always")
def _inside(kind, p, x, y, z):
    """Whether the point (x, y, z) [mm] lies in the shape (kind, p) (mcgen.geometry.shapes
    layout; boundaries included, as Shape.contains)."""
    dx, dy, dz = x - p[SHAPE_CX], y - p[SHAPE_CY], z - p[SHAPE_CZ]
    if kind == ShapeKind.CYLINDER:
        return dx * dx + dy * dy <= p[CYL_RADIUS] ** 2 and abs(dz) <= 0.5 * p[CYL_HEIGHT]
    if kind == ShapeKind.BOX:
        return (abs(dx) <= 0.5 * p[BOX_LX] and abs(dy) <= 0.5 * p[BOX_LY]
                and abs(dz) <= 0.5 * p[BOX_LZ])
    if kind == ShapeKind.SPHERE:
        return dx * dx + dy * dy + dz * dz <= p[SPH_RADIUS] ** 2
    return False


@njit(**KERNEL, inline="always")
def _vertex_near(rng, place, box):
    """A near source's vertex [mm] uniform in the vertex box `box` (a row of place.v_box, drawn
    by volume / L_v^2), the box's distance bound L_v [mm], and whether the point is in the
    fiducial volume."""
    x = _between(box[BOX_LO], box[BOX_HI], rng.random())
    y = _between(box[BOX_LO + 1], box[BOX_HI + 1], rng.random())
    z = _between(box[BOX_LO + 2], box[BOX_HI + 2], rng.random())
    return (x, y, z), box[BOX_L], _inside(place.fid_kind, place.fid_p, x, y, z)


@njit(**KERNEL, inline="always")
def _ahead(rng, cdf, guide, table, u_after):
    """One step of a pick made two passes ahead: the row index picked by the uniform number
    drawn in the previous pass (its guide entry prefetched then), with that row prefetched,
    and the number for the next pass, drawn now, with its guide entry prefetched."""
    c = _pick(cdf, guide, u_after)
    prefetch(table, c)
    u = rng.random()
    prefetch(guide, _bucket(guide, u))
    return c, u


@njit(**KERNEL, inline="always")
def _start(rng, cdf, guide, on):
    """The first two steps of a pick made two passes ahead (_ahead): the first row and the
    next number; nothing drawn (0, 0.0) unless `on`."""
    if not on:
        return 0, 0.0
    return _pick(cdf, guide, rng.random()), rng.random()


@njit(**KERNEL)
def sample_time(kind, p, rng):
    """Emission time [ns] for a time model (mcgen.sources.base.TimeKind; parameter layouts
    TIME_* there); NaN for TimeKind.NONE."""
    if kind == TimeKind.UNIFORM:
        return p[TIME_T0] + rng.random() * (p[TIME_T1] - p[TIME_T0])
    if kind == TimeKind.DECAY_WINDOWS:
        # p = (tau, n, t_start[n], t_stop[n], cumulative decay fraction[n])
        tau, n = p[TIME_TAU], int(p[TIME_N])
        u = rng.random()
        w = 0
        while w < n - 1 and u > p[TIME_WINDOWS + 2 * n + w]:
            w += 1
        a, b = p[TIME_WINDOWS + w], p[TIME_WINDOWS + n + w]
        # exponential decay truncated to the window [a, b], by inverse CDF
        return a - tau * math.log(1.0 - rng.random() * (1.0 - math.exp(-(b - a) / tau)))
    if kind == TimeKind.PION_PROMPT:
        return -p[TIME_TAU_PI] * math.log(1.0 - rng.random())
    if kind == TimeKind.PION_DELAYED:
        return (-p[TIME_TAU_PI] * math.log(1.0 - rng.random())
                - p[TIME_TAU_MU] * math.log(1.0 - rng.random()))
    return math.nan  # TimeKind.NONE (other codes are refused by TimeModel)


@njit(**KERNEL)
def sample_events(rng, n, cells, chans, tenv, place, rock, vtx_sigma, out, out_chan):
    """Fill out[:, :n] (rows of mcgen.sampling.columns) and out_chan[:n]; return (trials,
    violations). Arguments: the groups Cells, Channels, TEnvelopes, Placement, Rock (built by
    mcgen.sampling.plan.Plan.kernel_args) and the vertex resolution vtx_sigma [mm].
    place.src_kind < 0 means a far source (direction model dir_kind/dir_p, baseline
    `distance`). rock.on: propagate from the surface through the site's rock (far isotropic
    sources): the cell's energy is the surface energy and the arrival cos(zenith) is drawn in the
    cell's [c_lo, c_hi]; the flux is evaluated at the surface energy and the cross section at the
    detector energy, times the survival probability. With a zenith table (dir_kind 2)
    cos(zenith) is likewise drawn in the cell and accepted with pdf(cos) / cells.dmax. The decay
    rows of `out` (from ROW_DECAY) are filled only when some channel decays (chans.dec)."""
    proc, p, T_lo, T_hi, spec_kind, spec_p = chans[:6]
    near = place.src_kind >= 0
    zenith = place.dir_kind == DirectionKind.ZENITH_TABLE
    angular = rock.on or zenith
    any_decay = _any_decay(chans.dec)
    # a fixed direction's basis, once (the recoil's azimuth is measured in it)
    fixed_basis = orthonormal_basis(place.dir_p[0], place.dir_p[1], place.dir_p[2]) if (
        place.dir_kind == DirectionKind.FIXED and not near and not angular) else (
        1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    trials = 0
    violations = 0
    k = 0
    # A proposal's cell (and a near source's vertex box) is known two passes ahead (_ahead):
    # with thousands of cells or boxes their guide entries and rows miss the caches (perf: ~15 %
    # of the rock and 51Cr cards' time waited on them); read ahead, the waits overlap with a
    # proposal's work.
    c_next, u_after = _start(rng, cells.cdf, cells.guide, True)
    b_next, ub_after = _start(rng, place.v_cdf, place.v_guide, near)
    while k < n:  # one proposal per pass
        trials += 1
        cell = cells.table[c_next]
        c_next, u_after = _ahead(rng, cells.cdf, cells.guide, cells.table, u_after)
        i, r = int(cell[CELL_CHAN]), int(cell[CELL_ROW])
        E_s = _between(cell[CELL_E_LO], cell[CELL_E_HI], rng.random())
        m1, m3, M = p[i, 0], p[i, 1], p[i, 2]
        cz = _between(cell[CELL_C_LO], cell[CELL_C_HI], rng.random()) if angular else 0.0
        surv = table_linear(cz, place.dir_p) / cell[CELL_DMAX] if zenith else 1.0
        E, path = E_s, 0.0
        if rock.on:
            E, path, s_rock = transport_tabulated(E_s, cz, rock.mu, rock.site_p,
                                                  rock.rt[rock.rt_row[i]], chans.life[i])
            surv *= s_rock
            if surv <= 0.0:
                continue
        Ta, Tb = _T_window(T_lo[i], T_hi[i], E, m1, m3, M)
        u_T = rng.random()
        u_acc = rng.random()
        L_v, L = 0.0, place.distance
        if near:  # vertex, then emission point
            box = place.v_box[b_next]
            b_next, ub_after = _ahead(rng, place.v_cdf, place.v_guide, place.v_box, ub_after)
            v_pt, L_v, inside = _vertex_near(rng, place, box)
            s_pt = sample_point(place.src_kind, place.src_p, rng)
            L = _distance(s_pt, v_pt)
            if not inside:
                continue
        if not _open(Ta, Tb, near, L):
            continue
        nb = tenv.n[i]
        T, h_j, dG = _draw_T(tenv.ln[i], tenv.G[r], tenv.h[r], nb, Ta, Tb, T_lo[i], u_T)
        if h_j <= 0.0:
            continue
        # (T is inside the kinematic range at E: the cross section without its range check)
        ds = dsigma_dT_inside(proc[i], p[i], E, T)
        phi = flux(spec_kind[i], spec_p[chans.spec_row[i]], E_s)
        f = _density(phi * dG * T * ds * surv, near, L_v, L, chans.osc[i], E, chans.osc_p[0],
                     chans.osc_p[1])
        env = cell[CELL_H] * h_j
        violations += f > env * (1.0 + ENVELOPE_SLACK)
        if u_acc * env > f:
            continue
        # accepted: direction, (far source) vertex and emission point, recoil, time, reco, decay
        if near:
            u = _unit(s_pt, v_pt, L)
            basis = orthonormal_basis(u[0], u[1], u[2])
        else:
            u, basis = _far_direction(rng, place.dir_kind, place.dir_p, cz, angular, fixed_basis)
            v_pt = sample_point(place.fid_kind, place.fid_p, rng)
            s_pt = _behind(v_pt, u, L)  # NaN when no distance is known
        p1 = math.sqrt(E * E - m1 * m1)  # projectile momentum [MeV]
        rec = _recoil(E, m1, m3, M, T, p1, u, basis, _azimuth(rng))
        p_out = _outgoing(p1, u, rec)
        _fill(out, k, E, u, v_pt, T, p_out, rec, s_pt, L, E_s, path)
        out[R_T_EMIT, k] = sample_time(chans.time_kind[i], chans.time_p[i], rng)
        out[R_RX, k], out[R_RY, k], out[R_RZ, k] = v_pt
        if vtx_sigma > 0.0:
            out[R_RX, k], out[R_RY, k], out[R_RZ, k] = _smear(
                v_pt, vtx_sigma, rng.standard_normal(), rng.standard_normal(),
                rng.standard_normal())
        if chans.dec[i, DEC_NMODES] > 0.0:
            _decay(rng, chans.dec[i], out, k, E, u, M, T, rec, p_out, v_pt, place.fid_kind,
                   place.fid_p)
        elif any_decay:  # (filling all decay rows with NaN up front costs ~8 % of a decay run)
            out[ROW_DECAY:, k] = math.nan
        out_chan[k] = i
        k += 1
    return trials, violations


@njit(**KERNEL, inline="always")
def _any_decay(dec):
    """Whether some channel's outgoing particle decays (a decay row with modes)."""
    for i in range(dec.shape[0]):
        if dec[i, DEC_NMODES] > 0.0:
            return True
    return False


@njit(**KERNEL, inline="always")
def _far_direction(rng, dir_kind, dir_p, cz, angular, fixed_basis):
    """Flight direction u of a far source's particle and a basis (a, b) with (a, b, u)
    right-handed orthonormal: from the drawn arrival cos(zenith) cz (angular proposal), the
    fixed direction (its basis fixed_basis), or isotropic."""
    if angular:
        return _from_uz(-cz, _azimuth(rng))
    if dir_kind == DirectionKind.FIXED:
        return (dir_p[0], dir_p[1], dir_p[2]), fixed_basis
    return _from_uz(2.0 * rng.random() - 1.0, _azimuth(rng))


@njit(**KERNEL, inline="always")
def _fill(out, k, E, u, v_pt, T, p_out, rec, s_pt, L, E_s, path):
    """The kinematic rows of event k: energies [MeV], direction, vertex and emission point
    [mm], momenta [MeV], baseline and rock path [mm], arrival cos(zenith)."""
    out[R_E_IN, k] = E
    out[R_UX, k], out[R_UY, k], out[R_UZ, k] = u
    out[R_X, k], out[R_Y, k], out[R_Z, k] = v_pt
    out[R_T, k] = T
    out[R_E_OUT, k] = E - T
    out[R_PX_OUT, k], out[R_PY_OUT, k], out[R_PZ_OUT, k] = p_out
    out[R_PX_REC, k], out[R_PY_REC, k], out[R_PZ_REC, k] = rec
    out[R_SX, k], out[R_SY, k], out[R_SZ, k] = s_pt
    out[R_L, k] = L
    out[R_E_SURF, k] = E_s
    out[R_PATH, k] = path
    out[R_CZ, k] = -u[2]


@njit(**KERNEL, inline="always")
def _between(lo, hi, u):
    """lo + u (hi - lo): uniform in [lo, hi) for u uniform in [0, 1)."""
    return lo + u * (hi - lo)


@njit(**KERNEL, inline="always")
def _T_window(T_lo, T_hi, E, m1, m3, M):
    """(Ta, Tb) [MeV]: the recoil window [T_lo, T_hi] cut to the kinematic range of
    m1 + M -> m3 + M at total energy E [MeV] (empty unless Tb > Ta)."""
    tmin, tmax = recoil_range(E, m1, m3, M)
    return max(T_lo, tmin), min(T_hi, tmax)


@njit(**KERNEL, inline="always")
def _distance(a, b):
    """Distance [mm] between the points a and b."""
    dx, dy, dz = b[0] - a[0], b[1] - a[1], b[2] - a[2]
    return math.sqrt(dx * dx + dy * dy + dz * dz)


@njit(**KERNEL, inline="always")
def _open(Ta, Tb, near, L):
    """Whether a proposal can go on: its recoil window [Ta, Tb] is open and, for a near source,
    the emission point and the vertex are apart (L > 0)."""
    return Tb > Ta and (L > 0.0 or not near)


@njit(**KERNEL, inline="always")
def _unit(a, b, L):
    """Unit vector from a to b, L their distance."""
    return (b[0] - a[0]) / L, (b[1] - a[1]) / L, (b[2] - a[2]) / L


@njit(**KERNEL, inline="always")
def _behind(v, u, L):
    """The point L behind v along u."""
    return v[0] - L * u[0], v[1] - L * u[1], v[2] - L * u[2]


@njit(**KERNEL, inline="always")
def _density(f, near, L_v, L, oscillates, E, s2, dm2):
    """The acceptance numerator f = flux(E_s) dG T dsigma/dT(E, T) surv, times (L_v / L)^2
    for a near source (L_v the distance bound of the vertex box) and P_ee(E, L) (sin^2 2theta
    s2, dm^2 [eV^2]) when the component oscillates (E [MeV], L [mm])."""
    if near:
        f *= (L_v / L) ** 2
    if oscillates:
        f *= p_ee_3plus1(E, L, s2, dm2)
    return f


# Directions and points without sine and cosine (sin and cos of 2 pi u cost ~22 ns; a point of
# the unit disk by rejection from the square, 1.27 tries of two uniforms, ~8 ns).
@njit(**KERNEL, inline="always")
def _azimuth(rng):
    """(cos phi, sin phi) of an azimuth phi uniform in [0, 2 pi): the polar angle theta of a
    point uniform in the unit disk is uniform, and so is 2 theta: cos 2 theta =
    (x^2 - y^2) / r^2, sin 2 theta = 2 x y / r^2 (J. von Neumann, "Various techniques used in
    connection with random digits", NBS Appl. Math. Ser. 12 (1951) 36)."""
    x, y, r2 = unit_disk(rng)
    return (x * x - y * y) / r2, 2.0 * x * y / r2


@njit(**KERNEL, inline="always")
def _isotropic(rng):
    """A unit vector uniform on the sphere: (x, y) uniform in the unit disk, s = x^2 + y^2,
    n = (2 x sqrt(1 - s), 2 y sqrt(1 - s), 1 - 2 s) (G. Marsaglia, Ann. Math. Statist. 43
    (1972) 645)."""
    x, y, s = unit_disk(rng)
    r = 2.0 * math.sqrt(1.0 - s)
    return x * r, y * r, 1.0 - 2.0 * s


@njit(**KERNEL, inline="always")
def _from_uz(uz, cs):
    """Unit vector u with z component uz and the azimuth whose (cos, sin) is cs, and the basis
    a = (-sin, cos, 0), b = u x a = (-uz cos, -uz sin, sin theta) completing (a, b, u) to a
    right-handed orthonormal one (from the angles: no normalisation)."""
    c, s = cs
    st = math.sqrt(max(0.0, 1.0 - uz * uz))
    return (st * c, st * s, uz), (-s, c, 0.0, -uz * c, -uz * s, st)


@njit(**KERNEL, inline="always")
def _recoil(E, m1, m3, M, T, p1, u, basis, cs):
    """Recoil momentum [MeV] of kinetic energy T [MeV] for m1 + M -> m3 + M with the incoming
    energy E and momentum p1 [MeV] along u: two-body angle to u, azimuth with (cos, sin) cs in
    the basis (a, b) = basis of the plane normal to u."""
    ux, uy, uz = u
    ax, ay, az, bx, by, bz = basis
    p4 = math.sqrt(T * T + 2.0 * M * T)
    ct = recoil_cos(E, m1, m3, M, T, p1, p4)
    st4 = math.sqrt(max(0.0, 1.0 - ct * ct))
    cp, sp = cs
    rx = p4 * (ct * ux + st4 * (cp * ax + sp * bx))
    ry = p4 * (ct * uy + st4 * (cp * ay + sp * by))
    rz = p4 * (ct * uz + st4 * (cp * az + sp * bz))
    return rx, ry, rz


@njit(**KERNEL, inline="always")
def _outgoing(p1, u, rec):
    """Momentum [MeV] of the outgoing particle: incoming (momentum p1 [MeV] along u) minus the
    recoil's rec (the target at rest)."""
    return p1 * u[0] - rec[0], p1 * u[1] - rec[1], p1 * u[2] - rec[2]


@njit(**KERNEL, inline="always")
def _smear(v, sigma, gx, gy, gz):
    """The point v [mm] moved by sigma [mm] times the standard normals (gx, gy, gz)."""
    return v[0] + sigma * gx, v[1] + sigma * gy, v[2] + sigma * gz


@njit(**KERNEL, inline="always")
def _decay(rng, d, out, k, E, u, M, T, rec, pN, vtx, fid_kind, fid_p):
    """Decay in flight of the outgoing N of event k (row d, layout in mcgen.physics.decay), made
    by a massless projectile (energy E, direction u) on a target of mass M at rest (recoil T,
    momentum rec) at the vertex vtx [MeV, mm]; N has momentum pN and energy E - T: mode by
    branching fraction, photon from the polarised rest-frame distribution, decay point at an
    exponential distance along the N direction. Fills the decay rows: photon energy and
    momentum [MeV], decay point [mm], lab time to decay [ns], inside flag, probability to decay
    inside, cos(photon, N) at rest, signed PDG id of the daughter."""
    m = d[DEC_MASS]
    j = _decay_mode(d, rng)
    m_f = d[DEC_MODES + DEC_PER_MODE * j]
    parent = d[DEC_PARENT]
    # Dirac: the daughter has the parent's lepton number; Majorana: either, half each
    daughter = parent if d[DEC_MAJORANA] == 0.0 else (1.0 if rng.random() < 0.5 else -1.0)
    EN = E - T
    pNx, pNy, pNz = pN
    pn = math.sqrt(pNx * pNx + pNy * pNy + pNz * pNz)  # once: polarisation, boost, decay point
    if pn > 0.0:
        inv_pn = 1.0 / pn
        ex, ey, ez = pNx * inv_pn, pNy * inv_pn, pNz * inv_pn
    else:  # N at rest (exactly at threshold): decays where it was made
        ex, ey, ez = 0.0, 0.0, 1.0
    Sx, Sy, Sz = polarization(E, u[0], u[1], u[2], M, T, rec[0], rec[1], rec[2], m,
                              d[DEC_SPIN_HALF] > 0.0, ex, ey, ez, pn)
    # the N (Nbar) spin is +S (-S); a daughter nu (nubar) takes the photon opposite to (along)
    # it: rest-frame density 1 - parent x daughter x S.n
    i1, i2, i3 = _isotropic(rng)
    n1, n2, n3 = photon_direction(Sx, Sy, Sz, -parent * daughter, i1, i2, i3, rng.random())
    inv_m = 1.0 / m
    gamma, gb = EN * inv_m, pn * inv_m  # Lorentz factors of N
    E_star = 0.5 * (m * m - m_f * m_f) * inv_m  # photon energy at rest
    out[R_G_E, k], out[R_G_PX, k], out[R_G_PY, k], out[R_G_PZ, k], out[R_G_COS, k] = (
        boost_photon(E_star, gamma, gb, ex, ey, ez, n1, n2, n3))
    lam = gb * d[DEC_CTAU]  # lab decay length beta gamma c tau
    # proper time exponential with mean tau; lab time gamma t, distance beta gamma c t
    ct_proper = -d[DEC_CTAU] * math.log(1.0 - rng.random())
    dist = gb * ct_proper
    x, y, z = vtx
    out[R_D_X, k], out[R_D_Y, k], out[R_D_Z, k] = x + dist * ex, y + dist * ey, z + dist * ez
    out[R_D_DT, k] = gamma * ct_proper / C_LIGHT
    L_exit = exit_distance(fid_kind, fid_p, x, y, z, ex, ey, ez)
    out[R_D_IN, k] = 1.0 if dist < L_exit else 0.0
    out[R_D_PIN, k] = -math.expm1(-L_exit / lam) if lam > 0.0 else 1.0
    out[R_D_PDG, k] = daughter * d[DEC_MODES + DEC_PER_MODE * j + 2]


@njit(**KERNEL, inline="always")
def _decay_mode(d, rng):
    """Decay mode j of the row d drawn by branching fraction (no random number for one mode)."""
    n_modes = int(d[DEC_NMODES])
    if n_modes == 1:
        return 0
    u_mode = rng.random()
    j = 0
    while j < n_modes - 1 and u_mode >= d[DEC_MODES + DEC_PER_MODE * j + 1]:
        j += 1
    return j
