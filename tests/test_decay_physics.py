"""Radiative decay N -> f gamma and the N polarisation from nu T -> N T (mcgen.physics.decay)
against independent numbers: explicit Dirac-matrix traces and explicit spinors (Dirac
representation, built here), [Bueno2013]'s lifetime, exact CDFs of the linear angular and
energy distributions (KS and chi-square tests)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import linalg, stats

from mcgen.constants import HBARC, M_ELECTRON, MU_BOHR, s
from mcgen.physics.decay import (
    decay_photon,
    production_polarization,
    radiative_width,
    sample_cos_linear,
)
from mcgen.physics.kinematics import recoil_cos_theta, recoil_range

HBAR_MEV_S = 6.582119569e-22  # MeV s, CODATA 2018 (exact in the 2019 SI)
C_MM_PER_NS = 299.792458  # speed of light [mm/ns], exact

# -- Dirac matrices, Dirac representation ------------------------------------------------------
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
PAULI = [np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]),
         np.array([[1, 0], [0, -1]], complex)]
GAM = [np.block([[_I2, _Z2], [_Z2, -_I2]]).astype(complex)] + [
    np.block([[_Z2, p], [-p, _Z2]]) for p in PAULI]
G5 = 1j * GAM[0] @ GAM[1] @ GAM[2] @ GAM[3]
ETA = np.diag([1.0, -1.0, -1.0, -1.0])
ONE = np.eye(4, dtype=complex)
PL, PR = (ONE - G5) / 2, (ONE + G5) / 2
SIG = [[0.5j * (GAM[a] @ GAM[b] - GAM[b] @ GAM[a]) for b in range(4)] for a in range(4)]
ALPHA_M = [GAM[0] @ GAM[i] for i in (1, 2, 3)]  # alpha^i = gamma^0 gamma^i (boost generators)
SPIN = [SIG[2][3], SIG[3][1], SIG[1][2]]  # Sigma^k = (1/2) eps^{kij} sigma^{ij}


def slash(p):
    return sum(ETA[a, a] * p[a] * GAM[a] for a in range(4))


def bar(u):
    """Dirac adjoint of a spinor: u^dagger gamma^0."""
    return u.conj() @ GAM[0]


def dbar(X):
    """Dirac adjoint of a matrix: gamma^0 X^dagger gamma^0."""
    return GAM[0] @ X.conj().T @ GAM[0]


def mdot(a, b):
    return a @ ETA @ b


def sigma_dot(k):
    """sigma^{a nu} k_nu for a = 0..3 (upper a)."""
    kl = ETA @ np.asarray(k, float)
    return [sum(SIG[a][b] * kl[b] for b in range(4)) for a in range(4)]


def chi(axis, sign):
    """Two-spinor with sigma.axis chi = sign chi."""
    w, v = np.linalg.eigh(sum(a * p for a, p in zip(axis, PAULI)))
    return v[:, 1] if sign > 0 else v[:, 0]


def boost_spinor_matrix(p, m):
    """S(Lambda) for the pure boost taking (m, 0) to p: exp((eta/2) alpha.n)."""
    pv = np.asarray(p[1:], float)
    pn = np.linalg.norm(pv)
    if pn == 0.0:
        return ONE.copy()
    eta = math.asinh(pn / m)
    return linalg.expm(0.5 * eta * sum(n * a for n, a in zip(pv / pn, ALPHA_M)))


def boost_vector_matrix(p, m):
    """Lorentz matrix of the same pure boost, acting on contravariant 4-vectors."""
    p = np.asarray(p, float)
    g, bv = p[0] / m, p[1:] / p[0]
    b2 = bv @ bv
    L = np.eye(4)
    L[0, 0] = g
    L[0, 1:] = L[1:, 0] = g * bv
    if b2 > 0:
        L[1:, 1:] += (g - 1) * np.outer(bv, bv) / b2
    return L


def spinor(p, m, axis, sign):
    """u(p) of mass m with spin sign * 1/2 along axis in the rest frame reached from the lab by
    a pure boost along p (rest spinor sqrt(2m) (chi, 0), boosted by S(Lambda))."""
    rest = math.sqrt(2 * m) * np.concatenate([chi(axis, sign), np.zeros(2)])
    return boost_spinor_matrix(p, m) @ rest


def massless_spinor(k, c2):
    """u(k) of a massless fermion: sqrt(E) (chi, sigma.k_hat chi)."""
    E = k[0]
    kh = np.asarray(k[1:], float) / E
    return math.sqrt(E) * np.concatenate([c2, sum(n * p for n, p in zip(kh, PAULI)) @ c2])


def unit(v):
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def perp_basis(u):
    a = unit(np.cross(u, [1.0, 0.0, 0.0] if abs(u[0]) < 0.9 else [0.0, 1.0, 0.0]))
    return a, np.cross(u, a)


# -- checks of the spinor machinery itself ---------------------------------------------------
def test_spinor_conventions():
    """Explicit rest spinors are Sigma/2 eigenstates; the boost obeys S^-1 g S = Lambda g and
    gives Dirac spinors of momentum p (independent: Dirac algebra)."""
    for a in range(4):
        for b in range(4):
            assert np.allclose(GAM[a] @ GAM[b] + GAM[b] @ GAM[a], 2 * ETA[a, b] * ONE)
    assert np.allclose(G5, np.block([[_Z2, _I2], [_I2, _Z2]]))
    m = 3.0
    up_z = math.sqrt(2 * m) * np.array([1, 0, 0, 0], complex)
    # the rest spinor called "up along z" is (1, 0, 0, 0) up to a phase
    assert abs(np.vdot(up_z, spinor([m, 0, 0, 0], m, [0, 0, 1], +1))) == pytest.approx(2 * m)
    assert np.allclose(SPIN[2] @ up_z / 2, 0.5 * up_z)
    for axis in (unit([0.3, -0.7, 0.2]), np.array([1.0, 0, 0])):
        for sgn in (+1, -1):
            u0 = spinor([m, 0, 0, 0], m, axis, sgn)
            assert np.allclose(sum(n * S for n, S in zip(axis, SPIN)) @ u0 / 2, 0.5 * sgn * u0)
    p = np.array([0.0, 2.0, -1.0, 4.0])
    p[0] = math.sqrt(m * m + p[1:] @ p[1:])
    S, L = boost_spinor_matrix(p, m), boost_vector_matrix(p, m)
    assert np.allclose(L @ np.array([m, 0, 0, 0]), p)
    Si = np.linalg.inv(S)
    for mu in range(4):
        assert np.allclose(Si @ GAM[mu] @ S, sum(L[mu, nu] * GAM[nu] for nu in range(4)))
    for sgn in (+1, -1):
        u = spinor(p, m, unit([1, 1, 0]), sgn)
        assert np.allclose(slash(p) @ u, m * u)
        assert bar(u) @ u == pytest.approx(2 * m)
    # covariant form: u ubar = (pslash + m)(1 + g5 sslash)/2, s = boosted rest spin vector
    axis = unit([0.2, 0.9, -0.4])
    u = spinor(p, m, axis, +1)
    s4 = L @ np.concatenate([[0.0], axis])
    assert np.allclose(np.outer(u, bar(u)), (slash(p) + m * ONE) @ (ONE + G5 @ slash(s4)) / 2)


# -- 1. width from an explicit trace ---------------------------------------------------------
def trace_width(mu, m, m_f, chir=PR):
    """Gamma of N -> f gamma from mu ubar_f sigma^{ab} k_b eps*_a chir u_N: traces for the spin
    sums, sum eps eps* -> -g, 1/2 for the N spin, two-body phase space."""
    Es = (m * m - m_f * m_f) / (2 * m)
    n = unit([0.4, -0.2, 0.7])
    p = np.array([m, 0, 0, 0.0])
    k = Es * np.concatenate([[1.0], n])
    kp = p - k
    assert mdot(kp, kp) == pytest.approx(m_f**2, abs=1e-12 * m * m)
    G = [g @ chir for g in sigma_dot(k)]
    tot = sum(-ETA[a, c] * np.trace((slash(kp) + m_f * ONE) @ G[a] @ (slash(p) + m * ONE)
                                    @ dbar(G[c])) for a in range(4) for c in range(4))
    assert abs(tot.imag) < 1e-12 * abs(tot.real)
    amp2 = mu * mu * tot.real / 2
    # the docstring's spin sum, 2 mu^2 (m^2 - m_f^2)^2
    assert 2 * amp2 == pytest.approx(2 * mu * mu * (m * m - m_f * m_f) ** 2, rel=1e-12)
    return Es * amp2 / (8 * math.pi * m * m)


@pytest.mark.parametrize("m,m_f", [(50.0, 0.0), (50.0, 10.0), (0.3, 0.0), (7.0, 6.5),
                                   (1000.0, 1.0), (20.0, 19.999)])
def test_width_matches_explicit_trace(m, m_f):
    """radiative_width vs Gamma from an explicit Dirac trace (and Majorana = nu gamma +
    nubar gamma, the second with the conjugate chirality)."""
    mu = 3e-9 * MU_BOHR
    ref = trace_width(mu, m, m_f)
    assert ref > 0
    assert radiative_width(mu, m, m_f) == pytest.approx(ref, rel=1e-10)
    ref_maj = ref + trace_width(mu, m, m_f, chir=PL)
    assert radiative_width(mu, m, m_f, majorana=True) == pytest.approx(ref_maj, rel=1e-10)
    assert radiative_width(mu, m, m) == 0.0  # closed at m = m_f


# -- 2. [Bueno2013] lifetime -------------------------------------------------------------------
def test_paper000_lifetime():
    """[Bueno2013, below Eq. (18)]: tau_h ~ 5e-9 s for mu = 2.4e-8 mu_B, m_h = 50 MeV."""
    mu = 2.4e-8 * MU_BOHR
    g0 = radiative_width(mu, 50.0, 0.0)
    tau = HBAR_MEV_S / g0
    assert tau == pytest.approx(5e-9, rel=0.2)
    # same with the package's units: hbar = HBARC / c, in ns, / s
    assert HBARC / C_MM_PER_NS / g0 / s == pytest.approx(tau, rel=1e-8)
    g10 = radiative_width(mu, 50.0, 10.0)  # m_h' = 10 MeV
    assert (HBAR_MEV_S / g10) / tau == pytest.approx((1 - 0.04) ** -3, rel=1e-12)


# -- 3. production polarisation vs explicit spinors ------------------------------------------
BEAM = unit([0.3, -0.5, 0.81])


def scatter_kinematics(E, M, T, m, u=BEAM, phi=1.1):
    """Four-momenta (k, P, P', p) of nu(k) T(P) -> N(p) T(P'), beam along u, recoil at the
    exact angle recoil_cos_theta, azimuth phi about the beam."""
    c = recoil_cos_theta(E, 0.0, m, M, T)
    assert -1.0 < c < 1.0
    Pr = math.sqrt(T * T + 2 * M * T)
    e1, e2 = perp_basis(u)
    r = Pr * (c * u + math.sqrt(1 - c * c) * (math.cos(phi) * e1 + math.sin(phi) * e2))
    k = np.concatenate([[E], E * u])
    P = np.array([M, 0, 0, 0.0])
    Pp = np.concatenate([[M + T], r])
    p = k + P - Pp
    assert mdot(p, p) == pytest.approx(m * m, rel=1e-7, abs=1e-9 * E * E)
    return k, P, Pp, p


def explicit_polarization(k, P, Pp, p, m, M, spin_half):
    """Rest-frame polarisation of N from |M(s)|^2 with explicit spinors for each N spin state
    along the three axes; amplitude ubar_N sigma^{mu nu} q_nu P_L u_nu x target current."""
    q = k - p
    Gq = sigma_dot(q)
    # left-handed massless neutrino: helicity -1 two-spinor
    u_nu = massless_spinor(k, chi(k[1:] / k[0], -1))
    assert np.allclose(PL @ u_nu, u_nu)
    if spin_half:
        currents = [np.array([bar(spinor(Pp, M, [0, 0, 1], r2)) @ GAM[a]
                              @ spinor(P, M, [0, 0, 1], r1) for a in range(4)])
                    for r1 in (1, -1) for r2 in (1, -1)]
    else:
        currents = [(P + Pp).astype(complex)]
    S = np.zeros(3)
    for i, axis in enumerate(np.eye(3)):
        w = []
        for sgn in (+1, -1):
            uN = spinor(p, m, axis, sgn)
            L = np.array([bar(uN) @ Gq[a] @ PL @ u_nu for a in range(4)])
            w.append(sum(abs(L @ ETA @ J) ** 2 for J in currents))
        S[i] = (w[0] - w[1]) / (w[0] + w[1])
    return S


def _t_points(E, m, M, fracs):
    lo, hi = recoil_range(E, 0.0, m, M)
    assert hi > lo
    return [lo + f * (hi - lo) for f in fracs]


POL_CASES = [
    (30.0, 122_000.0, 5.0, False),  # spin-0 nucleus (Xe-like)
    (50.0, 938.0, 10.0, True),  # spin-1/2 nucleus (proton-like)
    (50.0, 938.0, 10.0, False),
    (3.0, M_ELECTRON, 0.5, True),  # electron target
    (10.0, M_ELECTRON, 0.01, True),  # light N on an electron
    (10.0, M_ELECTRON, 0.01, False),
]


@pytest.mark.parametrize("E,M,m,spin_half", POL_CASES)
def test_production_polarization_matches_explicit_spinors(E, M, m, spin_half):
    """production_polarization vs (|M_up|^2 - |M_down|^2)/(sum) from explicit Dirac spinors."""
    for T in _t_points(E, m, M, [0.003, 0.2, 0.5, 0.8, 0.997]):
        k, P, Pp, p = scatter_kinematics(E, M, T, m)
        ref = explicit_polarization(k, P, Pp, p, m, M, spin_half)
        got = np.array(production_polarization(E, *BEAM, M, T, *Pp[1:], m, spin_half))
        assert np.allclose(got, ref, rtol=0, atol=1e-7), (T, got, ref)
        # general properties (of the package's output)
        assert np.linalg.norm(got) <= 1 + 1e-12
        if not spin_half:
            assert np.linalg.norm(got) == pytest.approx(1.0, abs=1e-9)
        normal = unit(np.cross(BEAM, Pp[1:]))
        assert abs(got @ normal) < 1e-9
        assert abs(ref @ normal) < 1e-9


@pytest.mark.parametrize("spin_half", [False, True])
def test_light_n_is_right_handed(spin_half):
    """m -> 0: S.p_hat -> +1 (explicit spinors: the wrong-helicity rate is O((m/E_N)^2))."""
    E, M, m = 10.0, M_ELECTRON, 1e-3
    for T in _t_points(E, m, M, [0.05, 0.5, 0.9]):
        k, P, Pp, p = scatter_kinematics(E, M, T, m)
        got = np.array(production_polarization(E, *BEAM, M, T, *Pp[1:], m, spin_half))
        ph = unit(p[1:])
        eps = (m / p[0]) ** 2
        assert 1 - got @ ph < 10 * eps, (T, 1 - got @ ph, eps)
        ref = explicit_polarization(k, P, Pp, p, m, M, spin_half)
        assert 1 - ref @ ph < 10 * eps


# -- 4. decay angular distribution from explicit spinors -------------------------------------
def decay_amp2(m, m_f, theta, phi=0.7):
    """sum over photon polarisations (explicit transverse) and daughter spins (explicit) of
    |ubar_f sigma^{ab} k_b eps*_a P_R u_N|^2 for N at rest with spin +1/2 along z, photon
    along n(theta, phi), daughter along -n."""
    Es = (m * m - m_f * m_f) / (2 * m)
    n = np.array([math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi),
                  math.cos(theta)])
    k = Es * np.concatenate([[1.0], n])
    kp = np.array([m, 0, 0, 0.0]) - k
    uN = math.sqrt(2 * m) * np.array([1, 0, 0, 0], complex)
    assert np.allclose(SPIN[2] @ uN / 2, 0.5 * uN)
    if m_f > 0:
        daughters = [spinor(kp, m_f, [0, 0, 1], sg) for sg in (1, -1)]
    else:
        daughters = [massless_spinor(kp, c2) for c2 in np.eye(2, dtype=complex)]
    e1, e2 = perp_basis(n)
    G = sigma_dot(k)
    tot = 0.0
    for ev in (e1, e2):
        eps_low = ETA @ np.concatenate([[0.0], ev])  # real linear polarisation
        O = sum(eps_low[a] * G[a] for a in range(4)) @ PR
        for uf in daughters:
            tot += abs(bar(uf) @ O @ uN) ** 2
    return tot


@pytest.mark.parametrize("m,m_f", [(50.0, 0.0), (50.0, 10.0), (1.0, 0.6)])
def test_decay_angular_distribution_sign(m, m_f):
    """Explicit spinors: |M|^2 = (m^2 - m_f^2)^2 (1 - cos theta) (photon opposite to the spin),
    and decay_photon with A = -1 (the kernel's A for N -> nu gamma) reproduces <cos> = -1/3."""
    thetas = [0.3, 0.9, 1.5, 2.2, 2.9, math.pi]
    ratios = [decay_amp2(m, m_f, th) / (1 - math.cos(th)) for th in thetas]
    assert np.allclose(ratios, ratios[0], rtol=1e-10, atol=0)
    assert ratios[0] == pytest.approx((m * m - m_f * m_f) ** 2, rel=1e-10)
    assert decay_amp2(m, m_f, 0.0) < 1e-12 * (m * m - m_f * m_f) ** 2
    # slope b of |M|^2 ~ 1 + b cos theta: the explicit number, then the sampler at rest
    b = (decay_amp2(m, m_f, 0.0) - decay_amp2(m, m_f, math.pi)) / (
        decay_amp2(m, m_f, 0.0) + decay_amp2(m, m_f, math.pi))
    assert b == pytest.approx(-1.0, abs=1e-12)
    rng = np.random.default_rng(11)
    c = np.array([decay_photon(rng, m, m_f, m, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, -1.0)[3]
                  for _ in range(20000)]) / ((m * m - m_f * m_f) / (2 * m))
    assert c.mean() == pytest.approx(b / 3, abs=5 * math.sqrt(2 / 9 / c.size))


# -- 5. sample_cos_linear ---------------------------------------------------------------------
def cdf_linear(c, b):
    return (c + 1) / 2 + b * (c * c - 1) / 4


@pytest.mark.parametrize("b", [-1.0, -0.4, 0.0, 0.7, 1.0])
def test_sample_cos_linear(b):
    """KS test against the exact CDF (c+1)/2 + b(c^2-1)/4; exact endpoints; F(c(u)) = u."""
    rng = np.random.default_rng(1234 + int(10 * b))
    u = rng.random(20000)
    c = np.array([sample_cos_linear(b, x) for x in u])
    assert np.all((c >= -1) & (c <= 1))
    assert stats.kstest(c, lambda x: cdf_linear(x, b)).pvalue > 1e-3
    assert sample_cos_linear(b, 0.0) == pytest.approx(-1.0, abs=1e-15)
    u1 = np.nextafter(1.0, 0.0)
    c1 = sample_cos_linear(b, u1)
    assert c1 <= 1.0
    assert c1 == pytest.approx(1.0, abs=1e-7)
    assert sample_cos_linear(b, 1.0) == pytest.approx(1.0, abs=1e-15)
    grid = np.linspace(0.0, 1.0, 101)
    cg = np.array([sample_cos_linear(b, x) for x in grid])
    assert np.allclose(cdf_linear(cg, b), grid, atol=1e-13)
    assert np.all(np.diff(cg) > 0)


# -- 6. decay_photon --------------------------------------------------------------------------
def _photons(seed, n, m, m_f, pN, S, A):
    rng = np.random.default_rng(seed)
    EN = math.sqrt(m * m + pN @ pN)
    out = np.array([decay_photon(rng, m, m_f, EN, *pN, *S, A) for _ in range(n)])
    return EN, out


@pytest.mark.parametrize("m,m_f,pN,S,A", [
    (20.0, 0.0, np.array([30.0, -10.0, 45.0]), np.array([0.3, 0.5, -0.4]), -1.0),
    (20.0, 5.0, np.array([30.0, -10.0, 45.0]), np.array([0.3, 0.5, -0.4]), 1.0),
    (50.0, 10.0, np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]), -1.0),
    (0.5, 0.0, np.array([0.0, 4.0, 0.0]), np.array([0.0, 0.0, 0.0]), -1.0),
])
def test_decay_photon_four_momenta(m, m_f, pN, S, A):
    """Photon massless, p_N - p_gamma has mass m_f, rest-frame photon energy E* (exact)."""
    EN, out = _photons(5, 2000, m, m_f, pN, S, A)
    Eg, pg = out[:, 0], out[:, 1:4]
    p2 = np.sum(pg * pg, axis=1)
    assert np.allclose(Eg * Eg, p2, rtol=1e-9, atol=0)
    Ed, pd = EN - Eg, pN[None, :] - pg
    md2 = Ed * Ed - np.sum(pd * pd, axis=1)
    assert np.allclose(md2, m_f * m_f, rtol=0, atol=1e-9 * EN * EN)
    Es = (m * m - m_f * m_f) / (2 * m)
    rest = (EN * Eg - pg @ pN) / m  # photon energy in the N rest frame
    assert np.allclose(rest, Es, rtol=1e-10)
    # returned cosine: rest-frame angle to the flight direction, E = gamma E* (1 + beta c*)
    pn = np.linalg.norm(pN)
    if pn > 0:
        assert np.allclose(Eg, Es * (EN + pn * out[:, 4]) / m, rtol=1e-10)


def _chi2_p(obs, prob):
    exp = prob * obs.sum()
    assert np.isclose(prob.sum(), 1.0)
    return stats.chisquare(obs, exp).pvalue


@pytest.mark.parametrize("S,A,b", [((0.0, 0.0, 1.0), -1.0, -1.0), ((0.0, 0.0, 1.0), 1.0, 1.0),
                                   ((0.0, 0.0, 0.0), -1.0, 0.0), ((0.0, 0.0, 0.0), 1.0, 0.0),
                                   ((0.0, 0.0, 0.5), -1.0, -0.5)])
def test_decay_photon_at_rest_angular(S, A, b):
    """Chi-square of the rest-frame cos(theta_z) against (1 + b c)/2 integrated per bin; the
    azimuth is uniform."""
    m = 30.0
    _, out = _photons(21, 20000, m, 0.0, np.zeros(3), np.array(S), A)
    c = out[:, 3] / out[:, 0]
    edges = np.linspace(-1, 1, 21)
    obs = np.histogram(c, edges)[0]
    assert _chi2_p(obs, np.diff(cdf_linear(edges, b))) > 1e-4
    if b != 0:  # and it is not the opposite sign
        assert _chi2_p(obs, np.diff(cdf_linear(edges, -b))) < 1e-6
    phi = np.arctan2(out[:, 2], out[:, 1])
    obs_phi = np.histogram(phi, np.linspace(-math.pi, math.pi, 13))[0]
    assert _chi2_p(obs_phi, np.full(12, 1 / 12)) > 1e-4


def energy_bin_probs(edges, lo, hi, k):
    """Integral over bins of the density ~ 1 + k x, x = 2 (E - lo)/(hi - lo) - 1 on [lo, hi]."""
    x = np.clip(2 * (edges - lo) / (hi - lo) - 1, -1, 1)
    F = (x + 1) / 2 + k * (x * x - 1) / 4
    return np.diff(F)


@pytest.mark.parametrize("A,S_par", [(-1.0, 1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, -1.0),
                                     (-1.0, 0.0), (1.0, 0.4)])
def test_decay_photon_lab_energy_spectrum(A, S_par):
    """Lab photon energy: density ~ 1 + A S_par (E/(gamma E*) - 1)/beta on
    [gamma E*(1-beta), gamma E*(1+beta)] (chi-square, bins integrated exactly); for
    |A S_par| = 1 the opposite-sign shape is rejected."""
    m, m_f = 20.0, 4.0
    pN = np.array([12.0, -30.0, 25.0])
    e = pN / np.linalg.norm(pN)
    EN, out = _photons(33, 20000, m, m_f, pN, S_par * e, A)
    Es = (m * m - m_f * m_f) / (2 * m)
    gamma, beta = EN / m, np.linalg.norm(pN) / EN
    lo, hi = gamma * Es * (1 - beta), gamma * Es * (1 + beta)
    Eg = out[:, 0]
    assert Eg.min() >= lo * (1 - 1e-12)
    assert Eg.max() <= hi * (1 + 1e-12)
    edges = np.linspace(lo, hi, 26)
    obs = np.histogram(Eg, edges)[0]
    kk = A * S_par
    assert _chi2_p(obs, energy_bin_probs(edges, lo, hi, kk)) > 1e-4
    if abs(kk) == 1.0:
        assert _chi2_p(obs, energy_bin_probs(edges, lo, hi, -kk)) < 1e-6
