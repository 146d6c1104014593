"""Interaction base class and Channel: one process acting on one kind of target."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import optimize

from ..detectors import Detector, Target
from ..physics import dispatch, quadrature
from ..physics.kinematics import recoil_range
from ..physics.layout import P_M_IN, P_M_OUT, P_M_TARGET
from ..registry import DeprecatedAlias, Registry
from ..sources import Component, Source
from ..tolerances import KINK_SIDE, OPENING_STEP, ROOT_RTOL, ROOT_XTOL

#: Every process, keyed by the name run cards use (``[[interaction]] process = ...``).
PROCESSES: Registry[type[Interaction]] = Registry("interaction.process")


@dataclass(frozen=True, eq=False)
class Channel:
    """One process on one target species for one source component, with everything the
    kernels need.

    params: kernel parameters (common part in mcgen.physics.layout, the rest next to each
    kernel, built by its ``pack_...`` function); T_lo, T_hi: accepted
    recoil kinetic energies [MeV]; T_breaks: recoil energies where dsigma/dT is not smooth;
    decay: the decay row of the outgoing particle (mcgen.physics.decay), None if it is stable.
    """

    interaction: Interaction
    component: Component
    target: Target
    params: np.ndarray
    pdg_out: int
    T_lo: float
    T_hi: float
    T_breaks: np.ndarray
    decay: np.ndarray | None = None

    @property
    def pdg_in(self) -> int:
        return self.component.pdg

    @property
    def process(self) -> int:
        """Process code written to the output (branch `process`)."""
        return self.interaction.code

    @property
    def kernel(self) -> int:
        """Cross-section kernel code (mcgen.physics.dispatch.CrossSection)."""
        return self.interaction.kernel

    @property
    def label(self) -> str:
        return f"{self.interaction.name}:{self.component.label}:{self.target.name}"

    @property
    def masses(self) -> tuple[float, float, float]:
        """(incoming, outgoing, target) masses [MeV]."""
        p = self.params
        return float(p[P_M_IN]), float(p[P_M_OUT]), float(p[P_M_TARGET])

    def dsigma_dT(self, E, T) -> np.ndarray:
        """Exact dsigma/dT [mm^2/MeV] at energies E [MeV] and recoils T [MeV] (broadcast)."""
        E, T = np.broadcast_arrays(np.asarray(E, float), np.asarray(T, float))
        out = dispatch.dsigma_dT_array(int(self.kernel), self.params, E.ravel().copy(),
                                       T.ravel().copy())
        return out.reshape(E.shape)

    def recoil_range(self, E: float) -> tuple[float, float]:
        """Kinematically allowed (Tmin, Tmax) [MeV] at projectile energy E [MeV]."""
        m1, m3, M = self.masses
        return recoil_range(float(E), m1, m3, M)

    def sigma_visible(self, E) -> np.ndarray:
        """Cross section [mm^2] for recoils inside [T_lo, T_hi], at energies E [MeV]
        (mcgen.physics.quadrature: the rule of the expected counts)."""
        return quadrature.sigma_visible_array(self.kernel, self.params, E, self.T_lo, self.T_hi,
                                              self.T_breaks)

    def energy_for_recoil(self, T: float, E_hi: float) -> float | None:
        """Smallest projectile energy [MeV] with Tmax(E) >= T, or None if above E_hi."""
        m1, m3, M = self.masses
        if recoil_range(E_hi, m1, m3, M)[1] < T:
            return None
        # the channel opens where sqrt(s) = m3 + M, s = M^2 + m1^2 + 2 M E
        e_open = max(m1, ((m3 + M) ** 2 - M * M - m1 * m1) / (2.0 * M))
        e_lo = e_open * (1.0 + OPENING_STEP) + 1e-300
        f = lambda e: recoil_range(e, m1, m3, M)[1] - T  # noqa: E731
        if f(e_lo) >= 0:
            return e_lo
        return optimize.brentq(f, e_lo, E_hi, xtol=ROOT_XTOL * E_hi, rtol=ROOT_RTOL)

    def energy_breaks(self, E_lo: float, E_hi: float) -> list[float]:
        """Energies in (E_lo, E_hi) where sigma_visible(E) is not smooth: where Tmax(E)
        crosses T_lo, T_hi or a T_break."""
        out = []
        for T in [self.T_lo, self.T_hi, *self.T_breaks]:
            if np.isfinite(T) and T >= self.T_lo:
                e = self.energy_for_recoil(T, E_hi)
                if e is not None and E_lo < e < E_hi:
                    out.append(e)
        return out

    def t_dsigma_bound(self, T_edges: np.ndarray) -> np.ndarray:
        """Upper bound of T dsigma/dT [mm^2] over each T bin, for every projectile energy."""
        return self.interaction.t_dsigma_bound(self, T_edges)

    def t_dsigma_bound_below(self, T_edges: np.ndarray, E_max) -> np.ndarray:
        """Upper bound of T dsigma/dT [mm^2] over each T bin, for projectile energies up to
        E_max [MeV]: one row per value of E_max (an array of k), shape (k, bins)."""
        E_max = np.atleast_1d(np.asarray(E_max, float))
        bound = self.interaction.t_dsigma_bound_below(self, T_edges, E_max)
        return np.broadcast_to(bound, (E_max.size, len(T_edges) - 1))


class Interaction(ABC):
    """One physical process. Subclasses give the name run cards use, the cross-section kernel
    (and, if it differs, the process code written to the output), the channels it opens in a
    detector for a source, and an energy-independent bound of T dsigma/dT used to build the
    sampler's proposal (acceptance always uses the exact dsigma/dT).

    A subclass that defines ``name`` registers itself in `PROCESSES` under that name: defining
    the class is all it takes for run cards, ``mcgen list`` and the metadata to know it.
    """

    name: ClassVar[str]
    kernel: ClassVar[int]  # mcgen.physics.dispatch.CrossSection
    code: ClassVar[int]  # output process code; default: the kernel code
    process = DeprecatedAlias("code")  # the old name of `code`

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            return  # an abstract intermediate class
        if "code" not in cls.__dict__:
            cls.code = int(cls.kernel)
        taken = {c.code: n for n, c in PROCESSES.items() if n != cls.name}
        if cls.code in taken:
            raise ValueError(f"interaction {cls.name!r}: process code {cls.code} is taken by "
                             f"{taken[cls.code]!r}")
        PROCESSES.add(cls.name, cls)

    def channels(self, source: Source, detector: Detector) -> list[Channel]:
        """The (component, target) channels of this process for a source in a detector."""
        return [ch for comp in source.components for ch in self.component_channels(comp, detector)]

    @abstractmethod
    def component_channels(self, component: Component, detector: Detector) -> list[Channel]:
        """The channels (one per target species) for one source component; [] if the process
        does not apply to that particle."""

    @abstractmethod
    def t_dsigma_bound(self, channel: Channel, T_edges: np.ndarray) -> np.ndarray:
        """sup over T in each bin [T_edges[k], T_edges[k+1]] and all E up to the channel's
        component E_max of T dsigma/dT [mm^2]."""

    def t_dsigma_bound_below(self, channel: Channel, T_edges: np.ndarray, E_max
                             ) -> np.ndarray:
        """sup over T in each bin and all E up to E_max [MeV] of T dsigma/dT [mm^2]: the
        sampler proposes the cells of low energy with it (fewer rejections where the cross
        section grows with E). E_max: a number, or an array of k energies (then one row per
        E_max, shape (k, bins), or anything that broadcasts to it). Default: t_dsigma_bound,
        a bound for every energy."""
        return self.t_dsigma_bound(channel, T_edges)

    @abstractmethod
    def describe(self) -> dict:
        """Parameters for the run metadata."""

    def particle_moment_muB(self, component: Component) -> float | None:
        """The magnetic moment [mu_B] this interaction gives the particle of `component`
        (used by the propagation through rock), or None if it says nothing about it."""
        return None


def sup_piecewise_monotone(f, edges: np.ndarray, breaks) -> np.ndarray:
    """Per-bin supremum of a function that is monotone between its `breaks`: the largest of
    its values at the bin edges and at both sides of each break inside the bin."""
    edges = np.asarray(edges, float)
    vals = np.maximum(f(edges[:-1]), f(edges[1:]))
    for b in breaks:
        inside = (edges[:-1] <= b) & (b <= edges[1:])
        if np.any(inside):
            side = max(f(np.array([b * (1 - KINK_SIDE)]))[0], f(np.array([b]))[0],
                       f(np.array([b * (1 + KINK_SIDE)]))[0])
            vals = np.where(inside, np.maximum(vals, side), vals)
    return vals
