"""Atomic ionisation by a neutrino magnetic moment in the equivalent-photon approximation
([Wong2010, Eq. 10]) - DISPUTED, never a default.

M. B. Voloshin, PRL 105 (2010) 201801 (comment on [Wong2010]) and K. A. Kouzakov,
A. I. Studenikin, M. B. Voloshin, PRD 83 (2011) 113001 showed that the equivalent-photon
enhancement of [Wong2010] does not occur for a neutrino magnetic moment. The accepted
treatment is the free-electron magnetic-moment cross section ([Wong2010, Eq. 2]) with the
stepping approximation: process ``nu_electron_elastic`` with ``electrons="stepping"``
(mcgen.interactions.electron). This process exists only so that [Wong2010] can be reproduced and
compared with it; it must be asked for explicitly (``process = "ionization_epa"`` with its
``mu_muB``).

Photoabsorption cross sections: xraydb's Elam tables (W. T. Elam, B. D. Ravel, J. R. Sieber,
Radiat. Phys. Chem. 63 (2002) 121), ``xraydb.mu_elam(element, E_eV, kind="photo")`` [cm^2/g]
times the atomic mass xraydb uses (``xraydb.atomic_mass``) over N_A: the cross section per atom.
[Wong2010] itself took Henke et al. (At. Data Nucl. Data Tables 54 (1993) 181); the two agree to
~1-3 % for Ge away from the edges (tests/test_ionization.py).
"""

from __future__ import annotations

import json
import math
import warnings
from functools import cache

import numpy as np

from ..constants import ALPHA, HBARC2, M_ELECTRON, N_AVOGADRO, cm2, eV, g
from ..detectors import Detector, Target
from ..errors import ConfigError
from ..physics.dispatch import CrossSection
from ..physics.ionization import pack_epa, sigma_gamma_array, table
from ..sources import Component
from ..tolerances import BOUND_ROUNDING, ENVELOPE_SLACK, KINK_SIDE
from ..validation import MOMENT_MUB, in_range
from .base import Channel, Interaction

#: Neutrino species the formula applies to (massless neutrinos and antineutrinos).
NEUTRINOS = (12, 14, 16)
#: Photon-energy range of the Elam tables [eV] (xraydb warns outside; below: no EPA events).
TABLE_LO_EV, TABLE_HI_EV = 100.0, 800.0e3
#: Table nodes per decade of photon energy between absorption edges.
NODES_PER_DECADE = 50
#: Relative offset at which the values just below / above an edge are taken (xraydb's edge
#: energies and the Elam tables' own edge nodes differ by < 3e-5 relative).
EDGE_NUDGE = 1e-4

DISPUTED = ("DISPUTED: the equivalent-photon enhancement of [Wong2010] is not physical for a "
            "magnetic moment (M. B. Voloshin, PRL 105 (2010) 201801; K. A. Kouzakov, "
            "A. I. Studenikin, M. B. Voloshin, PRD 83 (2011) 113001); the accepted treatment is "
            "nu_electron_elastic with electrons=\"stepping\"")


def _elam_nodes(symbol: str) -> np.ndarray:
    """Photon energies [eV] of the Elam photoabsorption table's own nodes, where xraydb's
    log-log spline may have kinks; empty if this xraydb does not expose them (its internal
    table ``photoabsorption``, column ``log_energy``)."""
    import xraydb  # here, not at the top: its import costs ~0.35 s (sqlalchemy)

    try:
        row = xraydb.get_xraydb().get_cache("photoabsorption", column="element",
                                            value=symbol)[0]
        return np.unique(np.exp(np.asarray(json.loads(row.log_energy), float)))
    except Exception:  # pragma: no cover - other xraydb versions: the dense grid suffices
        return np.zeros(0)


@cache
def photoabsorption_table(symbol: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ln(E_gamma/MeV) nodes, ln(sigma_gammaA/MeV^-2) at the nodes, edge energies [MeV]) for
    an element, from xraydb.mu_elam (photoabsorption, Elam et al. 2002) between 100 eV and
    800 keV: between consecutive absorption edges (xraydb.xray_edges) NODES_PER_DECADE
    log-spaced nodes plus the Elam table's own nodes (kinks of xraydb's interpolation); each
    edge is a node given twice (value just below, then just above). The log-log interpolant
    reproduces mu_elam to < 0.3 % (Ge: < 0.06 %)."""
    import xraydb  # here: its import (sqlalchemy) costs ~0.35 s that other cards need not pay

    edges = sorted({e.energy for e in xraydb.xray_edges(symbol).values()
                    if TABLE_LO_EV < e.energy < TABLE_HI_EV})
    bounds = [TABLE_LO_EV, *edges, TABLE_HI_EV]
    raw = _elam_nodes(symbol)
    E_nodes, E_eval = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        k = max(2, int(math.ceil(math.log10(hi / lo) * NODES_PER_DECADE)) + 1)
        inner = raw[(raw > lo * (1 + 2 * EDGE_NUDGE)) & (raw < hi * (1 - 2 * EDGE_NUDGE))]
        seg = np.unique(np.concatenate([np.geomspace(lo, hi, k), inner]))
        seg = seg[np.concatenate([[True], np.diff(np.log(seg)) > 1e-6])]
        seg[-1] = hi
        # xraydb's elam_spline is wrong exactly at its own nodes (it interpolates across
        # them): evaluate 1e-7 below every node (a 1e-7 relative shift)
        ev = seg * (1 - 1e-7)
        ev[0] = lo
        ev[-1] = hi
        if lo > TABLE_LO_EV:
            ev[0] = lo * (1 + EDGE_NUDGE)
        if hi < TABLE_HI_EV:
            ev[-1] = hi * (1 - EDGE_NUDGE)
        E_nodes.append(seg)
        E_eval.append(ev)
    E_nodes = np.concatenate(E_nodes)
    E_eval = np.concatenate(E_eval)
    mu = np.asarray(xraydb.mu_elam(symbol, E_eval, kind="photo"), float)  # cm^2/g
    sigma = mu * (cm2 / g) * xraydb.atomic_mass(symbol) * g / N_AVOGADRO  # mm^2 per atom
    if not np.all(sigma > 0):
        raise ConfigError(f"ionization_epa: no photoabsorption data for {symbol!r} (xraydb)")
    return (np.log(E_nodes * eV), np.log(sigma / HBARC2), np.array(edges) * eV)


class AtomicIonizationEPA(Interaction):
    """nu (A, Z) -> nu (A, Z)+ e- by a neutrino magnetic moment in the equivalent-photon
    approximation, [Wong2010, Eq. (10)]:

        dsigma/dT = kappa^2 (alpha/pi) (E_nu/m_e)^2 sigma_gammaA(E_gamma = T) / T,

    kappa = mu_muB the magnetic moment [mu_B], T the energy given to the atom, sigma_gammaA the
    atom's photoabsorption cross section (xraydb, Elam et al. 2002; log-log interpolation, zero
    below 100 eV, the tables' lower end). Applies to neutrinos and antineutrinos (PDG +-12,
    +-14, +-16, massless components only).

    DISPUTED (M. B. Voloshin, PRL 105 (2010) 201801; K. A. Kouzakov, A. I. Studenikin,
    M. B. Voloshin, PRD 83 (2011) 113001): the accepted treatment of a magnetic moment on
    atomic electrons is ``NuElectronElastic(mu, electrons="stepping")``. Never a default.

    Targets: the atoms of each selected element of the detector (or only ``material_element``),
    one channel per element, with atoms per kg = electrons per kg / Z. Output: the recoil is
    the ejected electron (target PDG 11) with kinetic energy T, i.e. the whole energy transfer
    (the binding energy, released as x rays / Auger electrons, is counted in T as a detector
    sees it) and free-electron two-body kinematics (electron mass as the target mass, so the
    four-momenta balance; allowed range 0 < T <= 2E^2/(m_e + 2E)); the ion's recoil is not
    modelled.
    """

    name = "ionization_epa"
    kernel = CrossSection.IONIZATION_EPA

    def __init__(self, mu_muB: float, *, material_element: str | None = None):
        in_range("interaction.mu_muB", mu_muB, MOMENT_MUB, "mu_B", what="a moment")
        if material_element is not None and not isinstance(material_element, str):
            raise ConfigError(f"interaction.material_element = {material_element!r}: must be "
                              "an element symbol, e.g. \"Ge\"")
        self.mu_muB = float(mu_muB)
        self.material_element = material_element

    def __repr__(self) -> str:
        extra = "" if self.material_element is None else \
            f", material_element={self.material_element!r}"
        return f"AtomicIonizationEPA(mu_muB={self.mu_muB:g}{extra})  # disputed"

    def atom_targets(self, detector: Detector) -> list[Target]:
        """One Target per selected element: Z, A = 0 and the electron mass (the recoil is the
        ejected electron), atoms per kg."""
        elements = detector.elements
        if self.material_element is not None:
            if self.material_element not in elements:
                raise ConfigError(
                    f"interaction.material_element = {self.material_element!r}: not an element "
                    f"of detector {detector.name}; allowed are {elements}")
            elements = [self.material_element]
        out = []
        for t in detector.electron_targets():
            symbol = t.name[2:-1]
            if symbol in elements:
                out.append(Target(f"atom({symbol})", t.Z, 0, M_ELECTRON, t.per_kg / t.Z))
        return out

    def component_channels(self, component: Component, detector: Detector) -> list[Channel]:
        if abs(component.pdg) not in NEUTRINOS or component.mass != 0.0:
            return []
        out = []
        for t in self.atom_targets(detector):
            symbol = t.name[5:-1]
            lnE, lnS, edges = photoabsorption_table(symbol)
            params = pack_epa(m_e=M_ELECTRON, hbarc2=HBARC2, kappa=self.mu_muB, alpha=ALPHA,
                              ln_E=lnE, ln_sigma=lnS)
            T_lo = max(detector.T_min, float(np.exp(lnE[0])))
            if not T_lo < detector.T_max:
                warnings.warn(f"ionization_epa: detector {detector.name}'s window ends below "
                              f"{TABLE_LO_EV:g} eV, where the photoabsorption tables start: "
                              f"no channel for {symbol}", stacklevel=2)
                continue
            out.append(Channel(self, component, t, params, component.pdg, T_lo,
                               detector.T_max, edges))
        return out

    def t_dsigma_bound(self, channel: Channel, T_edges: np.ndarray) -> np.ndarray:
        # T dsigma/dT = kappa^2 (alpha/pi) (E/m_e)^2 sigma_gammaA(T) grows as E^2 without
        # bound, so the bound holds for every energy the component has: E <= E_max (a
        # component never proposes more). sigma_gammaA is the log-log interpolant, monotone
        # between consecutive nodes (and beyond the last one): its sup over a closed bin is the
        # largest of its values at the bin ends (and just outside them, for rounding) and at
        # every node inside, both values of an edge node included.
        p = channel.params
        lnx, lny = table(p)
        a = np.asarray(T_edges[:-1], float)
        b = np.asarray(T_edges[1:], float)
        ends = [sigma_gamma_array(np.ascontiguousarray(x), p)
                for x in (a, b, a * (1 - KINK_SIDE), b * (1 + KINK_SIDE))]
        sup = np.max(ends, axis=0)
        x = np.exp(lnx)
        y = np.exp(lny)
        lo = np.searchsorted(x, a * (1 - KINK_SIDE), side="left")
        hi = np.searchsorted(x, b * (1 + KINK_SIDE), side="right")
        for k in range(a.size):
            if hi[k] > lo[k]:
                sup[k] = max(sup[k], float(y[lo[k]:hi[k]].max()) * (1 + BOUND_ROUNDING))
        E_max = channel.component.E_max
        scale = self.mu_muB**2 * ALPHA / math.pi * (E_max / M_ELECTRON) ** 2
        return HBARC2 * scale * sup

    def t_dsigma_bound_below(self, channel: Channel, T_edges: np.ndarray, E_max
                             ) -> np.ndarray:
        # E^2 / E_max(component)^2 of the bound for every energy, at most 1
        E = np.asarray(E_max, float)[..., None] * (1.0 + ENVELOPE_SLACK)
        ratio = E / channel.component.E_max
        return self.t_dsigma_bound(channel, T_edges) * np.minimum(1.0, ratio * ratio)

    def describe(self) -> dict:
        return {"process": self.name, "code": self.code, "mu_muB": self.mu_muB,
                "material_element": self.material_element,
                "formula": "[Wong2010, Eq. (10)]: kappa^2 (alpha/pi) (E/m_e)^2 sigma_gammaA(T)/T, "
                           "equivalent-photon approximation",
                "photoabsorption": "xraydb mu_elam (Elam, Ravel, Sieber 2002), 100 eV-800 keV",
                "recoil": "ejected electron, T = energy transfer, free two-body kinematics",
                "status": DISPUTED,
                "accepted_alternative": "nu_electron_elastic, electrons=\"stepping\""}
