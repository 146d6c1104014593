"""Active-to-sterile upscattering through a transition magnetic moment (the sterile-neutrino
dipole portal of [Mustamin2024]), nu_l A -> N A on nuclei and nu_l e -> N e on atomic electrons,
with exact two-body kinematics for the massive outgoing N.

Physics, parameter layouts and the bound used by the sampler: mcgen.physics.upscattering.

Conventions:
- Incoming: massless active neutrinos and antineutrinos (PDG +-12, +-14, +-16) of the flavours
  selected by ``flavours``; other source components get no channel. The same transition moment
  mu_muB is used for every selected flavour, and antineutrinos have the same cross section.
- Outgoing: the sterile state, PDG_STERILE (9900014) for a neutrino and -9900014 for an
  antineutrino (Dirac N, lepton number carried over; for a Majorana N the sign only records
  the parent). Its mass m_N is the channel's outgoing mass (P_M_OUT, mcgen.physics.layout),
  so that the event kernel produces exact four-momenta (E_out^2 - p_out^2 = m_N^2). m_N = 0
  is allowed: the ordinary magnetic-moment scattering, still labelled 9900014.
- Decay (``decay``, default on whenever m_N > 0): N -> nu_l gamma through the same moment for
  each coupled flavour l, and optionally N -> N' gamma to a lighter sterile state
  (``partner_mass_MeV``, ``partner_moment_muB``; [Bueno2013, Eqs. 17-18]), with the widths,
  polarisation and photon distributions of mcgen.physics.decay for ``nature`` "dirac"
  (default) or "majorana". The upscattering rate is the same for both; the lifetime halves
  for a Majorana N and its photon is isotropic in its rest frame. The events keep the
  production weight (the narrow-width approximation: every N decays somewhere); the decay
  branches say where, and whether inside the fiducial volume.
- Accepted recoils: the detector window, raised to the smallest recoil Tmin(E_max) reachable at
  the component's largest energy (for m_N > 0 every recoil exceeds it; Tmin(E) decreases with E).
  A channel that cannot reach the window (E_max below threshold, m_N too large, window above
  Tmax or below Tmin) is then reported by the planner as closed: zero events and a
  ClosedChannelWarning.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..constants import (
    ALPHA,
    C_LIGHT,
    HBARC,
    HBARC2,
    M_ELECTRON,
    MU_BOHR,
    PDG_STERILE,
    PDG_STERILE_PARTNER,
    keV,
    s,
)
from ..detectors import Detector
from ..detectors.shells import binding_steps
from ..errors import ClosedChannelWarning, ConfigError
from ..physics.decay import decay_params, radiative_width
from ..physics.dispatch import CrossSection
from ..physics.electron import stepping_fraction, stepping_table
from ..physics.kinematics import recoil_range
from ..physics.layout import P_M_TARGET
from ..physics.nuclear_form_factors import FORM_FACTORS, ff2_sup, form_factor_lengths
from ..physics.upscattering import (
    SPIN_HALF,
    SPIN_ZERO,
    UPE_N,
    UPE_SHELLS,
    UPE_Z,
    UPN_FF,
    UPN_LENGTH2,
    UPN_RADIUS,
    UPN_SPIN,
    UPN_Z,
    emin_upscatter,
    pack_upscatter_electron,
    pack_upscatter_nucleus,
    t_bracket_sup,
    threshold_energy,
)
from ..sources import Component
from ..tolerances import BOUND_ROUNDING, ENVELOPE_SLACK, KINK_SIDE
from ..validation import MOMENT_MUB, STERILE_MASS_MEV, in_range, one_of, zero_or_in_range
from .base import Channel, Interaction

SPINS = ("auto", "1/2", "0")
ELECTRON_MODELS = ("stepping", "free")
NATURES = ("dirac", "majorana")
#: flavour name -> |PDG id| of the active neutrino
FLAVOURS = {"e": 12, "mu": 14, "tau": 16}


class UpscatterChannel(Channel):
    """A Channel whose recoil range has a lower end Tmin(E) > 0 (massive outgoing N): the
    visible cross section also has kinks where Tmin(E) crosses T_hi or a T_break, at
    E = E_min(T) (closed form, physics.upscattering.emin_upscatter)."""

    def energy_breaks(self, E_lo: float, E_hi: float) -> list[float]:
        out = super().energy_breaks(E_lo, E_hi)
        _, m, M = self.masses
        if m > 0.0:
            recoils = [T for T in [self.T_lo, self.T_hi, *self.T_breaks]
                       if math.isfinite(T) and T > 0]
            for e in [threshold_energy(m, M), *(emin_upscatter(T, m, M) for T in recoils)]:
                if E_lo < e < E_hi and all(abs(e - o) > KINK_SIDE * e for o in out):
                    out.append(e)
        return sorted(out)


def _sterile_mass(field: str, value) -> float:
    """0 (massless) or a mass in mcgen.validation.STERILE_MASS_MEV [MeV]."""
    return zero_or_in_range(field, value, STERILE_MASS_MEV, "MeV",
                            what="a sterile-neutrino mass")


def _check_flavours(flavours) -> tuple[str, ...]:
    if isinstance(flavours, str):
        flavours = [flavours]
    try:
        fl = tuple(flavours)
    except TypeError:
        fl = ()
    if not fl or any(not isinstance(f, str) or f not in FLAVOURS for f in fl):
        raise ConfigError(f"interaction.flavours = {flavours!r}: must be a non-empty list of "
                          f"{list(FLAVOURS)}")
    return tuple(dict.fromkeys(fl))


class _Upscatter(Interaction):
    """Common part: moment, mass, flavours, which source components couple."""

    def _init_common(self, mu_muB, m_N_MeV, flavours, decay, nature, partner_mass_MeV,
                     partner_moment_muB) -> None:
        self.mu_muB = in_range("interaction.mu_muB", mu_muB, MOMENT_MUB, "mu_B",
                               what="a moment")
        self.m_N_MeV = _sterile_mass("interaction.m_N_MeV", m_N_MeV)
        self.flavours = _check_flavours(flavours)
        one_of("interaction.decay", decay, ("auto", True, False),
               shown="true, false, \"auto\" (on when m_N_MeV > 0)")
        if decay is True and self.m_N_MeV == 0.0:
            raise ConfigError("interaction.decay = true: a massless N (m_N_MeV = 0) cannot "
                              "decay; give m_N_MeV > 0")
        self.decay = self.m_N_MeV > 0.0 if decay == "auto" else bool(decay)
        self.nature = one_of("interaction.nature", nature, NATURES)
        self.partner_mass_MeV = None
        self.partner_moment_muB = 0.0
        if partner_mass_MeV is not None or partner_moment_muB is not None:
            if partner_mass_MeV is None or partner_moment_muB is None:
                raise ConfigError("interaction: N -> N' gamma needs both partner_mass_MeV and "
                                  "partner_moment_muB")
            m_p = _sterile_mass("interaction.partner_mass_MeV", partner_mass_MeV)
            if not m_p < self.m_N_MeV:
                raise ConfigError(f"interaction.partner_mass_MeV = {partner_mass_MeV!r}: must "
                                  f"be below m_N_MeV = {self.m_N_MeV:g} (N -> N' gamma)")
            self.partner_moment_muB = in_range("interaction.partner_moment_muB",
                                               partner_moment_muB, MOMENT_MUB, "mu_B",
                                               what="a moment")
            self.partner_mass_MeV = m_p
        if self.decay:
            self._check_width()

    def _check_width(self) -> None:
        """The width of N and its c tau must be finite and > 0 (always, inside the ranges of
        the moments and masses: mcgen.validation.MOMENT_MUB, STERILE_MASS_MEV)."""
        width = self.width_MeV
        if not (0.0 < width < math.inf and math.isfinite(HBARC / width)):
            raise ConfigError(
                f"interaction.mu_muB = {self.mu_muB:g}: with m_N_MeV = {self.m_N_MeV:g} (and "
                f"partner_moment_muB = {self.partner_moment_muB:g}) the width of N is "
                f"{width:.3g} MeV; it must be finite and > 0")

    @property
    def decay_modes(self) -> list[tuple[float, float, int]]:
        """(daughter mass [MeV], partial width [MeV], |PDG| of the daughter) of each decay mode
        of N: nu_l gamma for each coupled flavour (the production moment), N' gamma if given
        (mcgen.physics.decay.radiative_width)."""
        maj = self.nature == "majorana"
        modes = [(0.0, radiative_width(self.mu, self.m_N_MeV, 0.0, maj), FLAVOURS[f])
                 for f in self.flavours]
        if self.partner_mass_MeV is not None:
            modes.append((self.partner_mass_MeV,
                          radiative_width(self.partner_moment_muB * MU_BOHR, self.m_N_MeV,
                                          self.partner_mass_MeV, maj), PDG_STERILE_PARTNER))
        return modes

    @property
    def width_MeV(self) -> float:
        """Total width of N [MeV] (0 for m_N = 0)."""
        return sum(w for _, w, _ in self.decay_modes)

    @property
    def lifetime_s(self) -> float:
        """Mean life of N at rest [s] (inf for m_N = 0)."""
        w = self.width_MeV
        return HBARC / (w * C_LIGHT) / s if w > 0 else math.inf

    def _decay_row(self, component: Component, spin_half: bool) -> np.ndarray | None:
        if not self.decay:
            return None
        ctau = HBARC / self.width_MeV  # [mm]
        return decay_params(self.m_N_MeV, ctau, self.nature == "majorana", spin_half,
                            1 if component.pdg > 0 else -1, self.decay_modes)

    def _repr_decay(self) -> str:
        if not self.decay:
            return ", decay=False"
        partner = (f", partner_mass_MeV={self.partner_mass_MeV:g}, partner_moment_muB="
                   f"{self.partner_moment_muB:g}" if self.partner_mass_MeV is not None else "")
        return f", nature={self.nature!r}{partner}"

    def _describe_decay(self) -> dict:
        out = {"decay": self.decay, "nature": self.nature}
        if self.decay:
            out.update({"lifetime_s": self.lifetime_s, "width_MeV": self.width_MeV,
                        "decay_modes": [{"daughter_pdg": pdg, "daughter_mass_MeV": m_f,
                                         "branching": w / self.width_MeV}
                                        for m_f, w, pdg in self.decay_modes],
                        "decay_formula": "mcgen.physics.decay: Gamma = mu^2 (m^2 - m_f^2)^3 / "
                                         "(16 pi m^3), x2 Majorana (Magill et al. PRD 98 "
                                         "(2018) 115015)"})
            if self.partner_mass_MeV is not None:
                out.update({"partner_mass_MeV": self.partner_mass_MeV,
                            "partner_moment_muB": self.partner_moment_muB})
        return out

    @property
    def mu(self) -> float:
        """Transition moment in natural units [MeV^-1]."""
        return self.mu_muB * MU_BOHR

    def couples(self, component: Component) -> bool:
        return (component.mass == 0.0
                and abs(component.pdg) in {FLAVOURS[f] for f in self.flavours})

    @staticmethod
    def pdg_out(component: Component) -> int:
        return PDG_STERILE if component.pdg > 0 else -PDG_STERILE

    def _T_lo(self, component: Component, detector: Detector, target) -> float:
        """Detector threshold, raised to Tmin(E_max) (no smaller recoil is reachable). When
        that is above the window's upper edge the planner reports the channel as closed; this
        says why (the planner's message is about the largest recoil)."""
        tmin, tmax = recoil_range(component.E_max, 0.0, self.m_N_MeV, target.mass)
        T_min, T_max = detector.recoil_window(target)
        if not tmax > 0:
            return T_min
        if tmin >= T_max:
            warnings.warn(
                f"channel {self.name}:{component.label}:{target.name}: the smallest recoil "
                f"reachable at E_max = {component.E_max:.4g} MeV with m_N = {self.m_N_MeV:g} MeV "
                f"is {tmin / keV:.4g} keV, above the window's upper edge "
                f"{T_max / keV:.4g} keV", ClosedChannelWarning, stacklevel=4)
        return max(T_min, tmin)

    def _bracket_sup(self, channel: Channel, T_edges, spin: int, E_max) -> np.ndarray:
        _, m, M = channel.masses
        # the kernel only ever evaluates energies up to E_max (at most the component's largest)
        return t_bracket_sup(T_edges, m, M, spin, E_max) + BOUND_ROUNDING

    def t_dsigma_bound(self, channel: Channel, T_edges: np.ndarray) -> np.ndarray:
        return self.t_dsigma_bound_below(channel, T_edges, channel.component.E_max)


class DipolePortalNucleus(_Upscatter):
    """nu_l A -> N A on every nuclear isotope of the detector through a transition magnetic
    moment ``mu_muB`` [Bohr magnetons] to a sterile neutrino of mass ``m_N_MeV``: [Mustamin2024,
    Eq. (4)] (spin-1/2 nuclei) or Eq. (6) (spin-0), with exact kinematics.

    ``form_factor``: "klein_nystrand" ([Mustamin2024, Eq. 10], default), "helm" or "none".
    ``spin``: "auto" (default): Eq. (6) for even-even nuclei (even Z and even N: their ground
    state is 0+, exactly), Eq. (4) for all others (odd-A nuclei, J >= 1/2, are treated with the
    spin-1/2 formula, as [Mustamin2024] does for all nuclei; the difference, Eq. 7, is tiny);
    "1/2" or "0": that formula for every isotope. ``flavours``: active flavours that couple
    (default all three). Decay of N (module docstring): ``decay`` ("auto": on when
    m_N > 0), ``nature`` ("dirac" or "majorana"), ``partner_mass_MeV`` and
    ``partner_moment_muB`` [Bohr magnetons] for N -> N' gamma."""

    name = "dipole_portal_nucleus"
    kernel = CrossSection.UPSCATTER_NUCLEUS

    def __init__(self, mu_muB: float, m_N_MeV: float, *, form_factor: str = "klein_nystrand",
                 spin: str = "auto", flavours=("e", "mu", "tau"), decay="auto",
                 nature: str = "dirac", partner_mass_MeV: float | None = None,
                 partner_moment_muB: float | None = None):
        self._init_common(mu_muB, m_N_MeV, flavours, decay, nature, partner_mass_MeV,
                          partner_moment_muB)
        one_of("interaction.form_factor", form_factor, FORM_FACTORS, shown=sorted(FORM_FACTORS))
        if isinstance(spin, (int, float)) and not isinstance(spin, bool):
            spin = {0: "0", 0.5: "1/2"}.get(spin, spin)
        self.form_factor = form_factor
        self.spin = one_of("interaction.spin", spin, SPINS)

    def __repr__(self) -> str:
        return (f"DipolePortalNucleus(mu_muB={self.mu_muB:g}, m_N_MeV={self.m_N_MeV:g}, "
                f"form_factor={self.form_factor!r}, spin={self.spin!r}{self._repr_decay()})")

    def spin_code(self, Z: int, A: int) -> int:
        """SPIN_ZERO (Eq. 6) or SPIN_HALF (Eq. 4) for a nucleus."""
        if self.spin == "auto":
            return SPIN_ZERO if Z % 2 == 0 and (A - Z) % 2 == 0 else SPIN_HALF
        return SPIN_ZERO if self.spin == "0" else SPIN_HALF

    def component_channels(self, component: Component, detector: Detector) -> list[Channel]:
        if not self.couples(component):
            return []
        out = []
        for t in detector.nuclei():
            r, a = form_factor_lengths(FORM_FACTORS[self.form_factor], t.A)
            params = pack_upscatter_nucleus(
                m_N=self.m_N_MeV, M=t.mass, hbarc2=HBARC2, Z=t.Z, A=t.A, mu=self.mu, alpha=ALPHA,
                spin=self.spin_code(t.Z, t.A), ff=FORM_FACTORS[self.form_factor], radius=r,
                length2=a)
            spin_half = self.spin_code(t.Z, t.A) == SPIN_HALF
            out.append(UpscatterChannel(self, component, t, params, self.pdg_out(component),
                                        self._T_lo(component, detector, t),
                                        detector.recoil_window(t)[1], np.zeros(0),
                                        self._decay_row(component, spin_half)))
        return out

    def t_dsigma_bound_below(self, channel: Channel, T_edges: np.ndarray, E_max
                             ) -> np.ndarray:
        # T dsigma/dT = alpha Z^2 mu^2 F^2(2 M T) x T B(E, T): F^2 by its rigorous sup over the
        # bin, T B by its sup over the bin and every E <= E_max (physics.upscattering).
        p = channel.params
        M, Z, spin, ff = p[P_M_TARGET], p[UPN_Z], int(p[UPN_SPIN]), int(p[UPN_FF])
        r, a = p[UPN_RADIUS], p[UPN_LENGTH2]
        T_edges = np.asarray(T_edges, float)
        scale = HBARC2 * ALPHA * Z * Z * self.mu**2
        f2 = ff2_sup(ff, 2 * M * T_edges[:-1], 2 * M * T_edges[1:], r, a)
        return scale * f2 * self._bracket_sup(channel, T_edges, spin, E_max)

    def describe(self) -> dict:
        return {"process": self.name, "code": self.code, "mu_muB": self.mu_muB,
                "m_N_MeV": self.m_N_MeV, "form_factor": self.form_factor, "spin": self.spin,
                "flavours": list(self.flavours), "pdg_out": PDG_STERILE,
                "formula": "[Mustamin2024, Eq. (4)] (spin 1/2) / Eq. (6) (spin 0), exact "
                           "kinematics; form factor Klein-Nystrand ([Mustamin2024, Eq. 10]) or "
                           "Helm",
                **self._describe_decay()}


class DipolePortalElectron(_Upscatter):
    """nu_l e -> N e on the atomic electrons through a transition magnetic moment ``mu_muB``
    [Bohr magnetons] to a sterile neutrino of mass ``m_N_MeV``: [Mustamin2024, Eq. (4)] for a
    point-like spin-1/2 target (Z = 1, F = 1, M = m_e), exact kinematics; for m_N -> 0
    [Coloma2014, Eq. (2.1)]. ``electrons="stepping"`` (default): an atomic electron counts only
    for recoils above its shell's binding energy (xraydb edges); ``"free"``: all Z electrons as
    free.
    ``flavours``: active flavours that couple (default all three). Decay options as for
    DipolePortalNucleus (the electron is a Dirac target for the N polarisation)."""

    name = "dipole_portal_electron"
    kernel = CrossSection.UPSCATTER_ELECTRON

    def __init__(self, mu_muB: float, m_N_MeV: float, *, electrons: str = "stepping",
                 flavours=("e", "mu", "tau"), decay="auto", nature: str = "dirac",
                 partner_mass_MeV: float | None = None,
                 partner_moment_muB: float | None = None):
        self._init_common(mu_muB, m_N_MeV, flavours, decay, nature, partner_mass_MeV,
                          partner_moment_muB)
        self.electrons = one_of("interaction.electrons", electrons, ELECTRON_MODELS)

    def __repr__(self) -> str:
        return (f"DipolePortalElectron(mu_muB={self.mu_muB:g}, m_N_MeV={self.m_N_MeV:g}, "
                f"electrons={self.electrons!r}{self._repr_decay()})")

    def component_channels(self, component: Component, detector: Detector) -> list[Channel]:
        if not self.couples(component):
            return []
        out = []
        for t in detector.electron_targets():
            if self.electrons == "stepping":
                binding, cumulative = binding_steps(t.name[2:-1], t.Z)
            else:
                binding, cumulative = np.zeros(0), np.zeros(0)
            params = pack_upscatter_electron(m_N=self.m_N_MeV, m_e=M_ELECTRON, hbarc2=HBARC2,
                                             mu=self.mu, alpha=ALPHA, Z=t.Z, binding=binding,
                                             cumulative=cumulative)
            out.append(UpscatterChannel(self, component, t, params, self.pdg_out(component),
                                        self._T_lo(component, detector, t),
                                        detector.T_max, binding[binding > 0],
                                        self._decay_row(component, True)))
        return out

    def t_dsigma_bound_below(self, channel: Channel, T_edges: np.ndarray, E_max
                             ) -> np.ndarray:
        # T dsigma/dT = alpha mu^2 x T B(E, T) x stepping fraction: T B by its sup over the bin
        # and every E <= E_max; the stepping fraction grows with T
        # (binding energies are bin edges): its value at the bin's right edge.
        p = channel.params
        Z = p[UPE_Z]
        binding, cumulative = stepping_table(p, UPE_N, UPE_SHELLS)
        T_edges = np.asarray(T_edges, float)
        # (just above the edge: a sampled T may round past a binding energy)
        frac = np.array([stepping_fraction(t * (1 + ENVELOPE_SLACK), binding, cumulative, Z)
                         if binding.size else 1.0 for t in T_edges[1:]])
        return HBARC2 * ALPHA * self.mu**2 * frac * self._bracket_sup(channel, T_edges,
                                                                        SPIN_HALF, E_max)

    def describe(self) -> dict:
        return {"process": self.name, "code": self.code, "mu_muB": self.mu_muB,
                "m_N_MeV": self.m_N_MeV, "electrons": self.electrons,
                "flavours": list(self.flavours), "pdg_out": PDG_STERILE,
                "formula": "[Mustamin2024, Eq. (4)] on a point-like electron (Z = 1, F = 1, "
                           "M = m_e), exact kinematics; m_N -> 0: [Coloma2014, Eq. (2.1)]",
                **self._describe_decay()}
