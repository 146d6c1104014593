"""Source base class: components (particle x spectrum x time structure), where the source sits
(far: a flux arriving with a direction model; near: a volume emitting isotropically at a given
place in the detector frame) and an optional short-baseline oscillation.

Normalisation of a component's spectrum:
- far source: differential flux at the detector, per area per time per MeV (a line: per area
  per time); the detector's exposure (mass x live time) turns it into events.
- near source: particles emitted per MeV over the whole run (a line: emitted over the run);
  the fiducial volume, the target density and 1/(4 pi L^2) turn it into events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from scipy import integrate

from ..constants import MeV, cm2, s
from ..errors import ConfigError
from ..geometry import Direction, Shape
from ..particle import Particle
from ..physics import dispatch
from ..physics.layout import at_offsets
from ..physics.spectra import LINE_INTENSITY, Spectrum
from ..registry import Registered, Registry
from ..validation import in_interval, placed_volume, probability, require
from .spectrum_sampling import sample_spectrum

#: Flux unit used in the public API: per cm^2 per s per MeV.
FLUX_UNIT = 1.0 / (cm2 * s * MeV)
#: Largest mass splitting of an Oscillation [eV^2] (Oscillation.__post_init__).
DM2_MAX_EV2 = 1e6


def check_direction(value, default: Direction | None = None) -> Direction:
    """A far source's direction model: a Direction, or the default (isotropic) for None."""
    if value is None:
        return default if default is not None else Direction.isotropic()
    require("source.direction", value, isinstance(value, Direction),
            "must be Direction.isotropic(), Direction.fixed([x, y, z]) or "
            "Direction.zenith_table(cos_zenith, weights)")
    return value


def check_shape(field: str, shape) -> Shape:
    """A near source's volume: a Shape of sizes and position within mcgen.validation.LENGTH_MM
    (detector frame, mm)."""
    require(field, shape, isinstance(shape, Shape),
            "must be a shape placed in the detector frame, e.g. Point(center=(0, 0, -1690)) "
            "or Cylinder(70, 140, center=...) (mm)")
    placed_volume(field, shape)
    return shape


class TimeKind(IntEnum):
    """Emission-time models (codes of mcgen.sampling.kernels.sample_time; times in ns). Their
    parameter layouts: the TIME_* offsets below, built by the pack_* functions."""

    NONE = 0  # no time structure known: t = NaN
    UNIFORM = 1  # p = (t0, t1): uniform in [t0, t1]
    DECAY_WINDOWS = 2  # p = (tau, n, t_start..., t_stop..., cumulative fraction...)
    PION_PROMPT = 3  # p = (tau_pi,): t = exponential(tau_pi)
    PION_DELAYED = 4  # p = (tau_pi, tau_mu): t = exponential(tau_pi) + exponential(tau_mu)


#: UNIFORM: start and end of the interval [ns].
TIME_T0, TIME_T1 = 0, 1
#: DECAY_WINDOWS: mean life tau [ns], number n of windows, then from TIME_WINDOWS the n window
#: starts [ns], the n window stops [ns] and the n cumulative fractions of decays (the last 1).
TIME_TAU, TIME_N, TIME_WINDOWS = 0, 1, 2
#: PION_PROMPT: the pion mean life [ns]; PION_DELAYED: the pion's, then the muon's [ns].
TIME_TAU_PI, TIME_TAU_MU = 0, 1


def pack_uniform_time(*, t0: float, t1: float) -> np.ndarray:
    """Parameters of TimeKind.UNIFORM: uniform in [t0, t1] [ns]."""
    return at_offsets({TIME_T0: t0, TIME_T1: t1})


def pack_decay_windows(*, tau: float, starts, stops, cumulative) -> np.ndarray:
    """Parameters of TimeKind.DECAY_WINDOWS: exponential decay of mean life tau [ns] truncated
    to one of n windows [starts[k], stops[k]] [ns], chosen by the cumulative fractions."""
    head = at_offsets({TIME_TAU: tau, TIME_N: len(starts)})
    return np.concatenate([head, np.asarray(starts, dtype=np.float64),
                           np.asarray(stops, dtype=np.float64),
                           np.asarray(cumulative, dtype=np.float64)])


def pack_pion_prompt(*, tau_pi: float) -> np.ndarray:
    """Parameters of TimeKind.PION_PROMPT: exponential(tau_pi) [ns]."""
    return at_offsets({TIME_TAU_PI: tau_pi})


def pack_pion_delayed(*, tau_pi: float, tau_mu: float) -> np.ndarray:
    """Parameters of TimeKind.PION_DELAYED: exponential(tau_pi) + exponential(tau_mu) [ns]."""
    return at_offsets({TIME_TAU_PI: tau_pi, TIME_TAU_MU: tau_mu})


#: Every source kind, keyed by the name run cards use (``[source] kind = ...``).
SOURCE_KINDS: Registry[type[Source]] = Registry("source.kind")


@dataclass(frozen=True)
class TimeModel:
    """How emission times are distributed (kernel code + parameters, times in ns)."""

    kind: int = TimeKind.NONE
    params: tuple[float, ...] = ()

    def __post_init__(self):
        if self.kind not in set(TimeKind):
            raise ConfigError(f"time model kind = {self.kind!r}: allowed are "
                              f"{[f'{k.name} ({int(k)})' for k in TimeKind]}")

    @classmethod
    def uniform(cls, t0: float, t1: float) -> TimeModel:
        return cls(TimeKind.UNIFORM, tuple(pack_uniform_time(t0=t0, t1=t1).tolist()))

    @classmethod
    def decay_windows(cls, tau: float, starts, stops, cumulative) -> TimeModel:
        return cls(TimeKind.DECAY_WINDOWS, tuple(pack_decay_windows(
            tau=tau, starts=starts, stops=stops, cumulative=cumulative).tolist()))

    @classmethod
    def pion_prompt(cls, tau_pi: float) -> TimeModel:
        return cls(TimeKind.PION_PROMPT, tuple(pack_pion_prompt(tau_pi=tau_pi).tolist()))

    @classmethod
    def pion_delayed(cls, tau_pi: float, tau_mu: float) -> TimeModel:
        return cls(TimeKind.PION_DELAYED,
                   tuple(pack_pion_delayed(tau_pi=tau_pi, tau_mu=tau_mu).tolist()))

    def array(self) -> np.ndarray:
        """The kernel's parameter array (layouts of TimeKind; NONE: a placeholder (0.0,))."""
        return np.array(self.params if self.params else (0.0,), dtype=np.float64)


@dataclass(frozen=True)
class Component:
    """One particle species with one spectrum (see the module docstring for normalisation).

    label: e.g. "8B nu_e"; pdg: PDG id; mass [MeV]; spectrum_kind/params: a kernel of
    mcgen.physics (dispatched by mcgen.physics.dispatch); nodes: energies [MeV] between which
    the spectrum is monotone, first and last being its range (a line: its single energy).
    """

    label: str
    pdg: int
    mass: float
    spectrum_kind: int
    spectrum_params: np.ndarray
    nodes: np.ndarray
    time: TimeModel = field(default_factory=TimeModel)
    oscillates: bool = False
    lifetime: float = math.inf  # c x proper mean life [mm] (inf: stable)

    def __post_init__(self):
        if self.spectrum_kind not in set(Spectrum):
            raise ConfigError(f"component {self.label}: spectrum_kind = {self.spectrum_kind!r}: "
                              f"allowed are {[f'{k.name} ({int(k)})' for k in Spectrum]}")

    @property
    def is_line(self) -> bool:
        return self.spectrum_kind == Spectrum.LINE

    @property
    def particle(self) -> Particle:
        """The particle this component emits (no moment: interactions give it one)."""
        return Particle(self.pdg, self.mass, lifetime=self.lifetime)

    @property
    def E_min(self) -> float:
        return float(self.nodes[0])

    @property
    def E_max(self) -> float:
        return float(self.nodes[-1])

    def flux(self, E) -> np.ndarray:
        """Spectrum value at total energy E [MeV] (internal units; a line: its intensity at
        its energy, 0 elsewhere)."""
        E = np.asarray(E, dtype=np.float64)
        out = dispatch.flux_array(int(self.spectrum_kind), self.spectrum_params, E.ravel())
        return out.reshape(E.shape)

    def total(self) -> float:
        """Integral of the spectrum (a line: its intensity), internal units."""
        if self.is_line:
            return float(self.spectrum_params[LINE_INTENSITY])
        return float(sum(integrate.quad(lambda e: float(self.flux(e)), a, b, limit=200)[0]
                         for a, b in zip(self.nodes[:-1], self.nodes[1:])))


@dataclass(frozen=True)
class Oscillation:
    """3+1 short-baseline disappearance of the oscillating components, [Coloma2014, Eq. (3.1)]."""

    sin2_2theta: float
    dm2_eV2: float

    def __post_init__(self):
        # dm2 <= 1e6 eV^2 (short-baseline anomalies sit at 0.1-100 eV^2) keeps the phase
        # 1.27 dm2 L / E finite for every baseline and energy mcgen allows
        object.__setattr__(self, "sin2_2theta", probability("oscillation.sin2_2theta",
                                                            self.sin2_2theta))
        object.__setattr__(self, "dm2_eV2", in_interval("oscillation.dm2_eV2", self.dm2_eV2,
                                                        0.0, DM2_MAX_EV2, "eV^2"))


class Source(Registered, registry=SOURCE_KINDS):
    """What flies into the detector: a list of components, plus where it comes from.

    Far sources set ``direction`` (and may set ``distance`` [mm], written as the baseline);
    near sources set ``shape`` (a Shape placed in the detector frame: where the particles are
    emitted, isotropically). ``oscillation`` applies to components with ``oscillates=True``.

    A subclass that defines ``name`` (its kind) registers itself in `SOURCE_KINDS`.
    """

    name = "source"
    components: list[Component]
    direction: Direction = Direction.isotropic()
    shape: Shape | None = None
    distance: float = math.nan
    oscillation: Oscillation | None = None

    @property
    def is_near(self) -> bool:
        return self.shape is not None

    # Single-component conveniences (the common case).
    @property
    def pdg(self) -> int:
        return self.components[0].pdg

    @property
    def mass(self) -> float:
        return self.components[0].mass

    @property
    def E_min(self) -> float:
        return min(c.E_min for c in self.components)

    @property
    def E_max(self) -> float:
        return max(c.E_max for c in self.components)

    def flux(self, E) -> np.ndarray:
        """Sum of the components' spectra at E [MeV] (continuous components only)."""
        return sum(c.flux(E) for c in self.components if not c.is_line)

    @property
    def total_flux(self) -> float:
        """Sum of the components' integrals (internal units)."""
        return float(sum(c.total() for c in self.components))

    def sample_energies(self, n: int, seed: int = 0, component: int = 0) -> np.ndarray:
        """n energies [MeV] drawn exactly from one component's spectrum (piecewise-constant
        envelope on a fine grid, rejection against the exact spectrum)."""
        return sample_spectrum(self.components[component], int(n), seed)

    def describe(self) -> dict:
        """Parameters for the run metadata."""
        d = {"name": self.name, "components": [
            {"label": c.label, "pdg": c.pdg, "mass_MeV": c.mass / MeV,
             "E_min_MeV": c.E_min / MeV, "E_max_MeV": c.E_max / MeV} for c in self.components]}
        if self.is_near:
            d["shape"] = repr(self.shape)
        else:
            d["direction"] = self.direction.describe()
        if self.oscillation is not None:
            d["oscillation"] = {"sin2_2theta": self.oscillation.sin2_2theta,
                                "dm2_eV2": self.oscillation.dm2_eV2}
        return d
