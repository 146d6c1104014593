"""Radiative decay of the sterile state, N -> nu gamma and N -> N' gamma, through a transition
magnetic moment ([Bolton2021]; [Bueno2013, Eqs. 17-18]): width, polarisation of N from the dipole
upscattering, photon direction in the N rest frame, boost to the lab. Natural units (MeV).

Convention for the moment (the one of mcgen.physics.upscattering): the vertex is
mu [u_f sigma^{alpha beta} k_beta P_R u_N] for a photon of momentum k, i.e. the Lagrangian
(mu / 2) nubar_L sigma F N_R + h.c., with mu = |mu / mu_B| e / (2 m_e). With this vertex the
m_N -> 0 upscattering is the ordinary magnetic-moment cross section ([Mustamin2024, Eq. 4]; tested).

Width of a Dirac N (one decay mode, daughter of mass m_f; photon energy in the N rest frame
E* = (m^2 - m_f^2) / (2 m)):

    Gamma_D = mu^2 (m^2 - m_f^2)^3 / (16 pi m^3),     Gamma_M = 2 Gamma_D  (Majorana).

For m_f = 0 this is G. Magill, R. Plestid, M. Pospelov, Y.-D. Tsai, PRD 98 (2018) 115015,
Gamma = |d|^2 m_N^3 / (4 pi) for L = d nubar_L sigma F N_R + h.c. (d = mu / 2 here); the Majorana
N decays to nu gamma and nubar gamma, hence twice the width (also A. B. Balantekin,
A. de Gouvea, B. Kayser, PLB 789 (2019) 488). In mu_B units, Gamma_D = kappa^2 alpha m^3 /
(16 m_e^2): for kappa = 2.4e-8 and m = 50 MeV, tau = 5.2e-9 s, [Bueno2013]'s "tau_h ~ 5e-9 s"
below its Eq. (18). The (m^2 - m_f^2)^3 / m^3 dependence is the two-body phase space times
|M|^2 = 2 mu^2 (m^2 - m_f^2)^2 (spin sum; the tests derive both from explicit Dirac traces).

Photon angular distribution in the N rest frame (same references): the daughter is produced
left-chiral, and |M|^2 for an N polarised along the unit vector s is proportional to
k.(p + m s) = m E* (1 - s.n) (n: photon direction): a Dirac N emits its photon opposite to
its spin, dGamma/dOmega ~ (1 - S.n) for a polarisation vector S; its antiparticle (from an
incoming antineutrino) with the opposite sign. A Majorana N decays half to nu gamma and half
to nubar gamma with opposite signs: isotropic when summed. Both hold for any m_f (the m_f
term drops out of the trace).

Polarisation of N from nu_L T -> N T ([Mustamin2024, Eqs. 2-3] amplitude): with v = p + m s,
|M(s)|^2 ~ v.W, so the rest-frame polarisation is S = -W_vec / W_0 (W boosted to the N rest
frame), where, for a target current J = P + P' (q = k - p, J.q = 0),

    W_spin0   = -[2 (q.k) J^2 q + 2 q^2 (J.k) J - q^2 J^2 k]          (Eq. 6 target)
    W_spin1/2 = W_spin0 - q^2 [4 (q.k) q - q^2 k]                       (Eq. 4 target, electron)

(the hadronic tensor of a Dirac target is J J - q q + q^2 g). For a spin-0 target the N is
fully polarised (|S| = 1); for m -> 0 it is right-handed (S -> +p_hat). The antineutrino
process gives -S (CP). The form factor cancels in S. All of this is checked in the tests
against explicit Dirac spinors.

Decay parameter layout (float64 row per channel, DEC_* indices):
  d[0] = number of modes (0: N does not decay), d[1] = 1 for Majorana, d[2] = c tau [mm] in
  the N rest frame, d[3] = 1 for a spin-1/2 (Dirac) target, 0 for spin 0, d[4] = m_N [MeV],
  d[5] = sign of the parent (+1: N from a neutrino, -1: Nbar from an antineutrino),
  then per mode j: d[6+3j] = daughter mass [MeV], d[7+3j] = cumulative branching fraction,
  d[8+3j] = |PDG id| of the daughter.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

DEC_NMODES, DEC_MAJORANA, DEC_CTAU, DEC_SPIN_HALF, DEC_MASS, DEC_PARENT = 0, 1, 2, 3, 4, 5
DEC_MODES = 6
DEC_PER_MODE = 3


def radiative_width(mu: float, m: float, m_f: float = 0.0, majorana: bool = False) -> float:
    """Width [MeV] of N -> f gamma for a transition moment mu [MeV^-1] (module docstring):
    mu^2 (m^2 - m_f^2)^3 / (16 pi m^3), twice that for a Majorana N; 0 if m <= m_f."""
    if not m > m_f:
        return 0.0
    g = mu * mu * (m * m - m_f * m_f) ** 3 / (16.0 * math.pi * m**3)
    return 2.0 * g if majorana else g


def decay_params(m: float, ctau: float, majorana: bool, spin_half: bool, parent_sign: int,
                 modes: list[tuple[float, float, int]]) -> np.ndarray:
    """The per-channel decay row (layout in the module docstring). modes: (daughter mass [MeV],
    width [MeV], |PDG|) for each open mode."""
    widths = np.array([w for _, w, _ in modes], float)
    cum = np.cumsum(widths) / widths.sum()
    row = [float(len(modes)), float(majorana), ctau, float(spin_half), m, float(parent_sign)]
    for (m_f, _, pdg), c in zip(modes, cum):
        row += [m_f, c, float(pdg)]
    return np.array(row)


# The per-event functions below take and return plain numbers (no arrays, no generator): the
# event kernel (mcgen.sampling.kernels) inlines them and draws their random numbers itself.
INLINE = dict(cache=True, nogil=True, inline="always")


@njit(**INLINE)
def _dot(a0, a1, a2, a3, b0, b1, b2, b3):
    return a0 * b0 - a1 * b1 - a2 * b2 - a3 * b3


@njit(cache=True, nogil=True)
def production_polarization(E, ux, uy, uz, M, T, rx, ry, rz, m, spin_half):
    """Rest-frame polarisation vector (Sx, Sy, Sz) of N from nu T -> N T (module docstring):
    neutrino energy E [MeV] along the unit vector u, target of mass M at rest, recoil of kinetic
    energy T and momentum r [MeV], N mass m > 0. The rest frame is reached from the lab by a
    pure boost along the N momentum; components on the lab axes."""
    p1, p2, p3 = E * ux - rx, E * uy - ry, E * uz - rz
    pn = math.sqrt(p1 * p1 + p2 * p2 + p3 * p3)
    if pn == 0.0:
        return polarization(E, ux, uy, uz, M, T, rx, ry, rz, m, spin_half, 0.0, 0.0, 1.0, 0.0)
    return polarization(E, ux, uy, uz, M, T, rx, ry, rz, m, spin_half, p1 / pn, p2 / pn,
                        p3 / pn, pn)


@njit(**INLINE)
def polarization(E, ux, uy, uz, M, T, rx, ry, rz, m, spin_half, e1, e2, e3, pn):
    """`production_polarization` with the N flight direction e (unit) and momentum pn [MeV]
    given (the kernel has them): S = -W_vec / W_0 in the N rest frame (module docstring)."""
    k0, k1, k2, k3 = E, E * ux, E * uy, E * uz
    q0, q1, q2, q3 = T, rx, ry, rz  # q = k - p = P' - P
    J0, J1, J2, J3 = 2.0 * M + T, rx, ry, rz  # P + P'
    qq = _dot(q0, q1, q2, q3, q0, q1, q2, q3)
    qk = _dot(q0, q1, q2, q3, k0, k1, k2, k3)
    Jk = _dot(J0, J1, J2, J3, k0, k1, k2, k3)
    JJ = _dot(J0, J1, J2, J3, J0, J1, J2, J3)
    a = -2.0 * qk * JJ  # W = a q + b J + c k
    b = -2.0 * qq * Jk
    c = qq * JJ
    if spin_half:
        a -= 4.0 * qq * qk
        c += qq * qq
    W0 = a * q0 + b * J0 + c * k0
    W1 = a * q1 + b * J1 + c * k1
    W2 = a * q2 + b * J2 + c * k2
    W3 = a * q3 + b * J3 + c * k3
    if pn == 0.0:  # N at rest: the lab is its rest frame
        return -W1 / W0, -W2 / W0, -W3 / W0
    # boost along e by (gamma, beta gamma) = (p0, pn) / m, p0 = E - T the N energy: the
    # transverse part of W is unchanged, (W0, W_par) mix
    p0 = E - T
    w_par = W1 * e1 + W2 * e2 + W3 * e3
    inv_w0_rest = m / (p0 * W0 - pn * w_par)
    s_par = -(p0 * w_par - pn * W0) / m * inv_w0_rest
    return (-(W1 - w_par * e1) * inv_w0_rest + s_par * e1,
            -(W2 - w_par * e2) * inv_w0_rest + s_par * e2,
            -(W3 - w_par * e3) * inv_w0_rest + s_par * e3)


@njit(cache=True, nogil=True)
def sample_cos_linear(b, u):
    """c in [-1, 1] with density (1 + b c) / 2 (|b| <= 1) by inverse CDF at u in [0, 1),
    in the cancellation-free form (b - 2 + 4u) / (1 + sqrt((1 - b)^2 + 4 b u))."""
    return (b - 2.0 + 4.0 * u) / (1.0 + math.sqrt(max(0.0, (1.0 - b) ** 2 + 4.0 * b * u)))


@njit(**INLINE)
def photon_direction(Sx, Sy, Sz, A, n1, n2, n3, u_flip):
    """Unit vector with density (1 + A S.n) / (4 pi) (|S| <= 1; A S.n clipped to [-1, 1]) from
    an isotropic unit vector n and a uniform u_flip in [0, 1): n kept with probability
    (1 + A S.n) / 2, else reflected in the plane normal to S (n - 2 (S.n / S.S) S, whose S.n is
    the opposite). Exact: a direction arises drawn and kept, or as the reflection of the drawn
    n' (S.n' = -S.n) not kept: (1 + A S.n) / 2 + (1 - (1 - A S.n) / 2) = 1 + A S.n times the
    isotropic density (the reflection keeps the isotropic density). No basis about S and no
    inverse CDF of the cosine (three square roots and six divisions fewer than building n
    about S)."""
    sn = Sx * n1 + Sy * n2 + Sz * n3
    ss = Sx * Sx + Sy * Sy + Sz * Sz
    if 2.0 * u_flip < 1.0 + A * sn or ss == 0.0:
        return n1, n2, n3
    f = 2.0 * sn / ss
    return n1 - f * Sx, n2 - f * Sy, n3 - f * Sz


@njit(**INLINE)
def boost_photon(E_star, gamma, gb, e1, e2, e3, n1, n2, n3):
    """Lab photon (E_gamma, px, py, pz) [MeV] of rest-frame energy E_star [MeV] and direction n,
    for an N flying along e with Lorentz factors gamma and beta gamma; and cos(n, e)."""
    n_par = n1 * e1 + n2 * e2 + n3 * e3
    f = (gamma - 1.0) * n_par + gb  # lab momentum = E* (n + f e)
    return (E_star * (gamma + gb * n_par), E_star * (n1 + f * e1), E_star * (n2 + f * e2),
            E_star * (n3 + f * e3), n_par)


@njit(cache=True, nogil=True)
def decay_photon(rng, m, m_f, EN, pNx, pNy, pNz, Sx, Sy, Sz, A):
    """Photon of N -> f gamma: the rest-frame direction n has density (1 + A S.n) / (4 pi)
    (S: rest-frame polarisation, A = -1 or +1, module docstring), boosted to the lab.
    Returns (E_gamma, px, py, pz) [MeV] and the cosine of n with the N flight direction."""
    E_star = (m * m - m_f * m_f) / (2.0 * m)
    pn = math.sqrt(pNx * pNx + pNy * pNy + pNz * pNz)
    if pn > 0.0:
        e1, e2, e3 = pNx / pn, pNy / pn, pNz / pn
    else:
        e1, e2, e3 = 0.0, 0.0, 1.0
    c = 2.0 * rng.random() - 1.0  # isotropic n (the event kernel draws it without sin, cos)
    st = math.sqrt(max(0.0, 1.0 - c * c))
    phi = 2.0 * math.pi * rng.random()
    n1, n2, n3 = photon_direction(Sx, Sy, Sz, A, st * math.cos(phi), st * math.sin(phi), c,
                                  rng.random())
    return boost_photon(E_star, EN / m, pn / m, e1, e2, e3, n1, n2, n3)
