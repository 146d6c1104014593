"""Named layouts of the flat arrays the numba kernels read: each ``pack_...`` builder puts each
named value at its offset (packed with distinct values, read back by name), and the kernel
that reads the array finds them there (kernel on a packed array = the formula on the values)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mcgen.geometry import Box, Cylinder, Direction, Point, Site, Sphere
from mcgen.geometry import direction as gdir
from mcgen.geometry import shapes as gs
from mcgen.physics import cevns, electron, ionization, layout, nucleus, propagation, spectra
from mcgen.physics import neutrino_spectra as nsp
from mcgen.physics import upscattering as ups
from mcgen.physics.energy_loss import (
    ROCK_A,
    ROCK_CBAR,
    ROCK_DELTA0,
    ROCK_I,
    ROCK_K,
    ROCK_RHO,
    ROCK_SIZE,
    ROCK_X0,
    ROCK_X1,
    ROCK_Z_OVER_A,
    STANDARD_ROCK,
)
from mcgen.physics.form_factors import FF_PAPER000
from mcgen.physics.layout import P_HBARC2, P_M_IN, P_M_OUT, P_M_TARGET, P_SPECIFIC
from mcgen.physics.nuclear_form_factors import FF_HELM, ff2
from mcgen.sampling.kernels import sample_time
from mcgen.sources import base as sb


def _distinct(names):
    """{name: value}: a different value for every name (11, 12, 13, ...)."""
    return {n: 11.0 + k for k, n in enumerate(names)}


def _read(p, offsets):
    return {n: p[at] for n, at in offsets.items()}


# -- channel parameter arrays ----------------------------------------------------------------
def test_common_part_and_the_dispatch_re_export():
    from mcgen.physics import dispatch

    p = layout.pack_common(1.0, 2.0, 3.0, 4.0, [5.0, 6.0])
    assert (p[P_M_IN], p[P_M_OUT], p[P_M_TARGET], p[P_HBARC2]) == (1.0, 2.0, 3.0, 4.0)
    assert p[P_SPECIFIC:].tolist() == [5.0, 6.0] and p.dtype == np.float64
    assert dispatch.pack_common is layout.pack_common and dispatch.P_HBARC2 == P_HBARC2
    assert len({P_M_IN, P_M_OUT, P_M_TARGET, P_HBARC2}) == 4 and P_SPECIFIC == 4


def test_at_offsets_needs_every_offset_once():
    assert layout.at_offsets({1: 7.0, 0: 5.0}).tolist() == [5.0, 7.0]
    assert layout.place({P_SPECIFIC + 1: 2.0, P_SPECIFIC: 1.0}, P_SPECIFIC + 2).tolist() == [
        1.0, 2.0]
    with pytest.raises(ValueError):
        layout.at_offsets({0: 1.0, 2: 2.0})  # offset 1 missing
    with pytest.raises(ValueError):
        layout.place({P_SPECIFIC: 1.0}, P_SPECIFIC + 2)  # the last offset missing


def test_dipole_layout():
    v = _distinct(["m", "M", "hbarc2", "Z", "A", "mu", "ff", "m_e", "alpha"])
    p = nucleus.pack_dipole(**v)
    assert p.size == nucleus.DIP_SIZE
    assert _read(p, {"m": P_M_IN, "M": P_M_TARGET, "hbarc2": P_HBARC2, "Z": nucleus.DIP_Z,
                     "A": nucleus.DIP_A, "mu": nucleus.DIP_MU, "ff": nucleus.DIP_FF,
                     "m_e": nucleus.DIP_M_E, "alpha": nucleus.DIP_ALPHA}) == {
        k: v[k] for k in ("m", "M", "hbarc2", "Z", "A", "mu", "ff", "m_e", "alpha")}
    assert p[P_M_OUT] == v["m"]  # elastic: the same particle comes out


def test_dipole_kernel_reads_the_named_values():
    args = dict(m=10.0, M=120e3, Z=54.0, A=131.0, mu=3e-8, ff=FF_PAPER000, m_e=0.511,
                alpha=1 / 137.0)
    p = nucleus.pack_dipole(hbarc2=1.0, **args)
    for E, T in [(50.0, 1e-3), (200.0, 0.02), (20.0, 5e-4)]:
        direct = nucleus.dipole_elastic_dsigma_dT(E, T, args["m"], args["mu"], args["Z"],
                                                  args["A"], args["M"], args["ff"], args["m_e"],
                                                  args["alpha"])
        assert direct > 0 and nucleus.dipole_dsigma_dT(E, T, p) == direct


def test_nu_electron_layout_and_kernel():
    v = _distinct(["m_e", "hbarc2", "gl", "gr", "G_F", "kappa", "alpha", "Z"])
    binding, cumulative = np.array([1e-3, 2e-3, 3e-3]), np.array([2.0, 10.0, 18.0])
    p = electron.pack_nu_e(binding=binding, cumulative=cumulative, **v)
    assert _read(p, {"m_e": electron.NUE_M_E, "hbarc2": P_HBARC2, "gl": electron.NUE_GL,
                     "gr": electron.NUE_GR, "G_F": electron.NUE_GF,
                     "kappa": electron.NUE_KAPPA, "alpha": electron.NUE_ALPHA,
                     "Z": electron.NUE_Z}) == v
    assert (p[P_M_IN], p[P_M_OUT], p[P_M_TARGET], p[electron.NUE_N]) == (0.0, 0.0, v["m_e"], 3)
    b, c = electron.stepping_table(p, electron.NUE_N, electron.NUE_SHELLS)
    assert b.tolist() == binding.tolist() and c.tolist() == cumulative.tolist()
    assert p.size == electron.NUE_SHELLS + 6
    # the kernel: free electrons (no table) = SM + magnetic with the named values
    q = electron.pack_nu_e(m_e=0.511, hbarc2=1.0, gl=0.73, gr=0.23, G_F=1.17e-11, kappa=1e-10,
                           alpha=1 / 137.0, Z=54.0, binding=[], cumulative=[])
    E, T = 1.0, 0.1
    assert electron.nu_e_dsigma_dT(E, T, q) == (
        electron.sm_dsigma_dT(E, T, 0.73, 0.23, 0.511, 1.17e-11)
        + electron.magnetic_dsigma_dT(E, T, 1e-10, 1 / 137.0, 0.511))
    with_steps = electron.pack_nu_e(m_e=0.511, hbarc2=1.0, gl=0.73, gr=0.23, G_F=1.17e-11,
                                    kappa=1e-10, alpha=1 / 137.0, Z=54.0, binding=[0.05, 0.2],
                                    cumulative=[44.0, 54.0])
    assert electron.nu_e_dsigma_dT(E, T, with_steps) == pytest.approx(
        electron.nu_e_dsigma_dT(E, T, q) * 44.0 / 54.0, rel=1e-15)


def test_cevns_layout_and_kernel():
    v = _distinct(["M", "hbarc2", "G_F", "Q", "ff", "radius", "length2", "Z", "A"])
    p = cevns.pack_cevns(**v)
    assert p.size == cevns.CEV_SIZE and p[P_M_IN] == p[P_M_OUT] == 0.0
    assert _read(p, {"M": P_M_TARGET, "hbarc2": P_HBARC2, "G_F": cevns.CEV_GF,
                     "Q": cevns.CEV_Q, "ff": cevns.CEV_FF, "radius": cevns.CEV_RADIUS,
                     "length2": cevns.CEV_LENGTH2, "Z": cevns.CEV_Z, "A": cevns.CEV_A}) == v
    M, G_F, Q, r, a = 120e3, 1.17e-11, -35.0, 0.03, 0.005
    q = cevns.pack_cevns(M=M, hbarc2=1.0, G_F=G_F, Q=Q, ff=FF_HELM, radius=r, length2=a,
                         Z=54.0, A=131.0)
    E, T = 20.0, 1e-3
    bracket = 1.0 - T / E - M * T / (2.0 * E * E)
    assert cevns.dsigma_dT(E, T, q) == pytest.approx(
        G_F * G_F * M / math.pi * Q * Q * bracket * ff2(FF_HELM, 2.0 * M * T, r, a), rel=1e-14)


def test_upscattering_nucleus_layout_and_kernel():
    v = _distinct(["m_N", "M", "hbarc2", "Z", "A", "mu", "alpha", "spin", "ff", "radius",
                   "length2"])
    p = ups.pack_upscatter_nucleus(**v)
    assert p.size == ups.UPN_SIZE and p[P_M_IN] == 0.0
    assert _read(p, {"m_N": P_M_OUT, "M": P_M_TARGET, "hbarc2": P_HBARC2, "Z": ups.UPN_Z,
                     "A": ups.UPN_A, "mu": ups.UPN_MU, "alpha": ups.UPN_ALPHA,
                     "spin": ups.UPN_SPIN, "ff": ups.UPN_FF, "radius": ups.UPN_RADIUS,
                     "length2": ups.UPN_LENGTH2}) == v
    m, M, Z, mu, alpha, r, a = 1.0, 70e3, 32.0, 1e-8, 1 / 137.0, 0.02, 0.004
    for spin in (ups.SPIN_ZERO, ups.SPIN_HALF):
        q = ups.pack_upscatter_nucleus(m_N=m, M=M, hbarc2=1.0, Z=Z, A=74.0, mu=mu, alpha=alpha,
                                       spin=spin, ff=FF_HELM, radius=r, length2=a)
        E, T = 20.0, 2e-3
        tb = ups.t_bracket(E, T, m, M, spin)
        assert tb > 0 and ups.nucleus_dsigma_dT(E, T, q) == pytest.approx(
            alpha * Z * Z * mu * mu * ff2(FF_HELM, 2.0 * M * T, r, a) * tb / T, rel=1e-14)


def test_upscattering_electron_layout_and_kernel():
    v = _distinct(["m_N", "m_e", "hbarc2", "mu", "alpha", "Z"])
    p = ups.pack_upscatter_electron(binding=[1e-3, 5e-3], cumulative=[2.0, 8.0], **v)
    assert p[P_M_IN] == 0.0 and p[ups.UPE_N] == 2
    assert _read(p, {"m_N": P_M_OUT, "m_e": P_M_TARGET, "hbarc2": P_HBARC2, "mu": ups.UPE_MU,
                     "alpha": ups.UPE_ALPHA, "Z": ups.UPE_Z}) == v
    b, c = electron.stepping_table(p, ups.UPE_N, ups.UPE_SHELLS)
    assert b.tolist() == [1e-3, 5e-3] and c.tolist() == [2.0, 8.0]
    m, mu, alpha = 0.1, 1e-8, 1 / 137.0
    q = ups.pack_upscatter_electron(m_N=m, m_e=0.511, hbarc2=1.0, mu=mu, alpha=alpha, Z=10.0,
                                    binding=[0.01], cumulative=[8.0])
    E, T = 10.0, 0.5
    expected = alpha * mu * mu * ups.t_bracket(E, T, m, 0.511, ups.SPIN_HALF) / T * 8.0 / 10.0
    assert expected > 0 and ups.electron_dsigma_dT(E, T, q) == pytest.approx(expected, rel=1e-14)


def test_ionization_layout_and_kernel():
    v = _distinct(["m_e", "hbarc2", "kappa", "alpha"])
    lnE, lnS = np.log([1e-3, 2e-3, 4e-3]), np.log([5.0, 3.0, 1.0])
    p = ionization.pack_epa(ln_E=lnE, ln_sigma=lnS, **v)
    assert p[P_M_IN] == p[P_M_OUT] == 0.0 and p[ionization.EPA_N] == 3
    assert ionization.P_N == ionization.EPA_N
    assert _read(p, {"m_e": ionization.EPA_M_E, "hbarc2": P_HBARC2,
                     "kappa": ionization.EPA_KAPPA, "alpha": ionization.EPA_ALPHA}) == v
    assert p[P_M_TARGET] == v["m_e"]
    x, y = ionization.table(p)
    assert x.tolist() == lnE.tolist() and y.tolist() == lnS.tolist()
    assert ionization.sigma_gamma(2e-3, p) == pytest.approx(3.0, rel=1e-12)


# -- spectra -----------------------------------------------------------------------------------
def test_spectrum_layouts():
    v = _distinct(["norm", "E_lo", "E_hi", "E_break", "g1", "g2"])
    p = spectra.pack_broken_power_law(**v)
    assert _read(p, {"norm": spectra.BPL_NORM, "E_lo": spectra.BPL_E_LO,
                     "E_hi": spectra.BPL_E_HI, "E_break": spectra.BPL_E_BREAK,
                     "g1": spectra.BPL_G1, "g2": spectra.BPL_G2}) == v
    v = _distinct(["norm", "E_lo", "E_hi", "m", "gamma"])
    p = spectra.pack_momentum_power_law(**v)
    assert _read(p, {"norm": spectra.MPL_NORM, "E_lo": spectra.MPL_E_LO,
                     "E_hi": spectra.MPL_E_HI, "m": spectra.MPL_MASS,
                     "gamma": spectra.MPL_GAMMA}) == v
    p = spectra.pack_line(intensity=3.0, energy=7.0)
    assert (p[spectra.LINE_INTENSITY], p[spectra.LINE_ENERGY]) == (3.0, 7.0)
    p = spectra.pack_table_linear([1.0, 2.0, 4.0], [5.0, 6.0, 7.0])
    assert p[spectra.TAB_N] == 3 and p[spectra.TAB_X:spectra.TAB_X + 3].tolist() == [1, 2, 4]
    assert p[spectra.TAB_X + 3:].tolist() == [5.0, 6.0, 7.0]


def test_spectrum_kernels_read_the_named_values():
    p = spectra.pack_broken_power_law(norm=2.0, E_lo=1.0, E_hi=100.0, E_break=10.0, g1=1.0,
                                      g2=-2.0)
    assert spectra.broken_power_law(5.0, p) == 10.0
    assert spectra.broken_power_law(20.0, p) == pytest.approx(2.0 * 10.0**3 / 400.0)
    assert spectra.broken_power_law(0.5, p) == 0.0 and spectra.broken_power_law(101.0, p) == 0.0
    p = spectra.pack_momentum_power_law(norm=3.0, E_lo=11.0, E_hi=20.0, m=10.0, gamma=1.0)
    assert spectra.momentum_power_law(12.0, p) == pytest.approx(3.0 / 44.0)
    assert spectra.momentum_power_law(10.5, p) == 0.0
    p = spectra.pack_line(intensity=3.0, energy=7.0)
    assert spectra.line(7.0, p) == 3.0 and spectra.line(7.5, p) == 0.0
    p = spectra.pack_table_linear([1.0, 2.0, 4.0], [5.0, 6.0, 7.0])
    assert spectra.table_linear(3.0, p) == 6.5 and spectra.table_linear(4.5, p) == 0.0


def test_reactor_layout_and_kernel():
    hm, ve = [0.1, -0.2, 0.03, -0.004, 5e-4, -6e-5], [0.7, -0.08, -0.009]
    p = nsp.pack_reactor(norm=2.0, E_lo=0.5, E_hi=7.0, E_join=3.0,
                         isotopes=[(0.25, hm, ve), (0.75, [0.0] * 6, [0.0] * 3)])
    assert _read(p, {"norm": nsp.REA_NORM, "E_lo": nsp.REA_E_LO, "E_hi": nsp.REA_E_HI,
                     "E_join": nsp.REA_E_JOIN, "n": nsp.REA_N_ISO}) == {
        "norm": 2.0, "E_lo": 0.5, "E_hi": 7.0, "E_join": 3.0, "n": 2}
    b = nsp.REA_ISOTOPES
    assert p[b + nsp.REA_WEIGHT] == 0.25
    assert p[b + nsp.REA_HM:b + nsp.REA_HM + 6].tolist() == hm
    assert p[b + nsp.REA_VE:b + nsp.REA_VE + 3].tolist() == ve
    assert nsp.reactor_weights(p).tolist() == [0.25, 0.75]
    assert p.size == nsp.REA_ISOTOPES + 2 * nsp.REA_STRIDE
    for E in (1.5, 5.0):
        expo = (sum(a * E**k for k, a in enumerate(ve)) if E < 3.0
                else sum(a * E**k for k, a in enumerate(hm)))
        assert nsp.reactor_antinu(E, p) == pytest.approx(2.0 * (0.25 * math.exp(expo) + 0.75),
                                                         rel=1e-13)
    # the validated builder packs the published coefficients the same way
    q = nsp.reactor_params({"U238": 1.0}, norm=1.5)
    u238 = nsp.REACTOR_ISOTOPES.index("U238")
    blk = nsp.REA_ISOTOPES + nsp.REA_STRIDE * u238
    assert q[nsp.REA_NORM] == 1.5 and q[blk + nsp.REA_WEIGHT] == 1.0
    assert tuple(q[blk + nsp.REA_HM:blk + nsp.REA_HM + 6]) == nsp.HUBER_MUELLER_COEFFS["U238"]
    assert tuple(q[blk + nsp.REA_VE:blk + nsp.REA_VE + 3]) == nsp.VOGEL_ENGEL_COEFFS["U238"]


def test_michel_layout():
    p = nsp.pack_michel(norm=4.0, m_mu=100.0)
    assert (p[nsp.MICHEL_NORM], p[nsp.MICHEL_M_MU]) == (4.0, 100.0)
    assert np.array_equal(nsp.michel_params(4.0, 100.0), p)
    assert nsp.michel_nue(20.0, p) == pytest.approx(4.0 * 192.0 / 100.0 * 0.04 * 0.3)


# -- time models -------------------------------------------------------------------------------
def test_time_layouts():
    p = sb.pack_uniform_time(t0=3.0, t1=9.0)
    assert (p[sb.TIME_T0], p[sb.TIME_T1]) == (3.0, 9.0)
    p = sb.pack_pion_prompt(tau_pi=26.0)
    assert p[sb.TIME_TAU_PI] == 26.0 and p.size == 1
    p = sb.pack_pion_delayed(tau_pi=26.0, tau_mu=2197.0)
    assert (p[sb.TIME_TAU_PI], p[sb.TIME_TAU_MU]) == (26.0, 2197.0)
    p = sb.pack_decay_windows(tau=50.0, starts=[0.0, 100.0], stops=[10.0, 130.0],
                              cumulative=[0.4, 1.0])
    n = 2
    assert (p[sb.TIME_TAU], p[sb.TIME_N]) == (50.0, 2)
    w = sb.TIME_WINDOWS
    assert p[w:w + n].tolist() == [0.0, 100.0] and p[w + n:w + 2 * n].tolist() == [10.0, 130.0]
    assert p[w + 2 * n:w + 3 * n].tolist() == [0.4, 1.0]
    tm = sb.TimeModel.decay_windows(50.0, [0.0, 100.0], [10.0, 130.0], [0.4, 1.0])
    assert tm.kind == sb.TimeKind.DECAY_WINDOWS and np.array_equal(tm.array(), p)


def test_the_time_kernel_reads_the_layouts():
    rng = np.random.default_rng(1)
    models = {
        sb.TimeKind.UNIFORM: (sb.pack_uniform_time(t0=3.0, t1=9.0), lambda t: 3 <= t <= 9),
        sb.TimeKind.DECAY_WINDOWS: (
            sb.pack_decay_windows(tau=50.0, starts=[0.0, 100.0], stops=[10.0, 130.0],
                                  cumulative=[0.4, 1.0]),
            lambda t: 0 <= t <= 10 or 100 <= t <= 130),
        sb.TimeKind.PION_PROMPT: (sb.pack_pion_prompt(tau_pi=26.0), lambda t: t >= 0),
    }
    for kind, (p, ok) in models.items():
        t = [sample_time(int(kind), p, rng) for _ in range(2000)]
        assert all(ok(x) for x in t), kind
    t = np.array([sample_time(int(sb.TimeKind.DECAY_WINDOWS), models[2][0], rng)
                  for _ in range(4000)])
    assert np.mean(t < 50) == pytest.approx(0.4, abs=0.03)  # the cumulative fractions
    t = np.array([sample_time(int(sb.TimeKind.PION_DELAYED),
                              sb.pack_pion_delayed(tau_pi=1.0, tau_mu=100.0), rng)
                  for _ in range(4000)])
    assert t.mean() == pytest.approx(101.0, rel=0.06)


# -- shapes, sites, directions -----------------------------------------------------------------
def test_shape_layouts():
    c = (1.0, 2.0, 3.0)
    for p in (gs.pack_point(c), gs.pack_box(c, 4.0, 5.0, 6.0), gs.pack_cylinder(c, 4.0, 5.0),
              gs.pack_sphere(c, 4.0)):
        assert (p[gs.SHAPE_CX], p[gs.SHAPE_CY], p[gs.SHAPE_CZ]) == c
    p = gs.pack_box(c, 4.0, 5.0, 6.0)
    assert (p[gs.BOX_LX], p[gs.BOX_LY], p[gs.BOX_LZ]) == (4.0, 5.0, 6.0)
    p = gs.pack_cylinder(c, 4.0, 5.0)
    assert (p[gs.CYL_RADIUS], p[gs.CYL_HEIGHT]) == (4.0, 5.0)
    assert gs.pack_sphere(c, 4.0)[gs.SPH_RADIUS] == 4.0
    assert np.array_equal(Box(4.0, 5.0, 6.0, center=c).params(), gs.pack_box(c, 4.0, 5.0, 6.0))
    assert np.array_equal(Cylinder(4.0, 5.0, center=c).params(), gs.pack_cylinder(c, 4.0, 5.0))
    assert np.array_equal(Sphere(4.0, center=c).params(), gs.pack_sphere(c, 4.0))
    assert np.array_equal(Point(center=c).params(), gs.pack_point(c))


@pytest.mark.parametrize("shape,ux_exit", [(Box(4.0, 6.0, 10.0, center=(1.0, 2.0, 3.0)), 2.0),
                                           (Cylinder(4.0, 6.0, center=(1.0, 2.0, 3.0)), 4.0),
                                           (Sphere(5.0, center=(1.0, 2.0, 3.0)), 5.0)])
def test_shape_kernels_read_the_layouts(shape, ux_exit):
    rng = np.random.default_rng(2)
    pts = shape.sample(3000, rng)
    assert shape.contains(pts).all()
    assert np.allclose(pts.mean(axis=0), shape.center, atol=0.3)
    p = shape.params()
    assert gs.exit_distance(int(shape.kind), p, *shape.center, 1.0, 0.0, 0.0) == ux_exit
    assert gs.exit_distance(int(shape.kind), p, *shape.center, 0.0, 0.0, -1.0) == pytest.approx(
        {gs.ShapeKind.BOX: 5.0, gs.ShapeKind.CYLINDER: 3.0, gs.ShapeKind.SPHERE: 5.0}[shape.kind])


def test_site_layout():
    rock = [11.0 + k for k in range(ROCK_SIZE)]
    p = propagation.pack_site(R_earth=1.0, depth=2.0, rho=3.0, rock=rock,
                              table_cos=[0.5, 1.0], table_X=[7.0, 8.0])
    P = propagation
    assert (p[P.SITE_R_EARTH], p[P.SITE_DEPTH], p[P.SITE_RHO]) == (1.0, 2.0, 3.0)
    mat = p[P.SITE_ROCK:P.SITE_ROCK + ROCK_SIZE]
    names = [ROCK_Z_OVER_A, ROCK_I, ROCK_RHO, ROCK_A, ROCK_K, ROCK_X0, ROCK_X1, ROCK_CBAR,
             ROCK_DELTA0]
    assert sorted(names) == list(range(ROCK_SIZE)) and [mat[k] for k in names] == rock
    assert p[P.SITE_N] == 2 and p[P.SITE_TABLE:P.SITE_TABLE + 2].tolist() == [0.5, 1.0]
    assert p[P.SITE_TABLE + 2:P.SITE_TABLE + 4].tolist() == [7.0, 8.0]
    site = Site("s", depth_m=1400.0)
    q = site.params()
    assert q[P.SITE_DEPTH] == site.depth and q[P.SITE_RHO] == STANDARD_ROCK[ROCK_RHO]
    assert q[P.SITE_N] == 0 and q.size == P.SITE_TABLE
    assert tuple(q[P.SITE_ROCK:P.SITE_ROCK + ROCK_SIZE]) == STANDARD_ROCK


def test_transport_reads_the_site_layout():
    site = Site("s", depth_m=1000.0)
    p = site.params()
    E, path, surv = propagation.transport(1e5, 0.5, 10.0, 1e-9, p, math.inf)
    assert 0.99e5 < E < 1e5 and surv == 1.0  # a tiny moment: a tiny loss
    assert path == propagation.rock_path(0.5, p[propagation.SITE_R_EARTH],
                                         p[propagation.SITE_DEPTH])
    assert path == pytest.approx(2.0 * site.depth, rel=1e-3)  # ~ depth / cos
    table = Site("t", slant_table=([0.0, 1.0], [4000.0, 2000.0]))
    _, path_t, _ = propagation.transport(1e5, 0.5, 10.0, 1e-9, table.params(), math.inf)
    X = 3000.0 * 100.0  # m.w.e. -> g/cm^2, interpolated at cos = 0.5
    assert path_t == pytest.approx(X / STANDARD_ROCK[ROCK_RHO] * 10.0, rel=1e-12)


def test_direction_layouts():
    p = gdir.pack_fixed_direction((0.6, 0.0, -0.8))
    assert (p[gdir.DIR_UX], p[gdir.DIR_UY], p[gdir.DIR_UZ]) == (0.6, 0.0, -0.8)
    d = Direction.fixed([3.0, 0.0, -4.0])
    assert np.allclose(d.params()[[gdir.DIR_UX, gdir.DIR_UY, gdir.DIR_UZ]], [0.6, 0.0, -0.8])
    z = Direction.zenith_table([-1.0, 0.0, 1.0], [1.0, 2.0, 1.0])
    q = z.params()
    assert q[spectra.TAB_N] == 3
    for c in (-0.5, 0.2, 0.9):
        assert spectra.table_linear(c, q) == pytest.approx(float(z.pdf(c)), rel=1e-15)
