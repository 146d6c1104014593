"""Source base class: a differential flux in energy, a particle and a direction model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate

from ..constants import MeV, cm2, s
from ..errors import ConfigError
from ..sampling import dispatch

#: Flux unit used in the public API: per cm^2 per s per MeV.
FLUX_UNIT = 1.0 / (cm2 * s * MeV)

DIRECTION_ISOTROPIC = 0
DIRECTION_FIXED = 1


@dataclass(frozen=True)
class Direction:
    """Direction of flight of the incoming particles in the detector frame (z up).

    ``Direction.isotropic()``: uniform over the full sphere (e.g. an atmospheric flux
    integrated over all directions). ``Direction.fixed((0, 0, -1))``: a beam, here downward.
    """

    kind: int
    vector: tuple[float, float, float] = (0.0, 0.0, 1.0)

    @classmethod
    def isotropic(cls) -> Direction:
        return cls(DIRECTION_ISOTROPIC)

    @classmethod
    def fixed(cls, vector) -> Direction:
        v = np.asarray(vector, dtype=float)
        if v.shape != (3,) or not np.all(np.isfinite(v)) or np.linalg.norm(v) == 0:
            raise ConfigError(f"direction = {vector!r}: must be a non-zero 3-vector [x, y, z]")
        v = v / np.linalg.norm(v)
        return cls(DIRECTION_FIXED, (float(v[0]), float(v[1]), float(v[2])))

    def params(self) -> np.ndarray:
        return np.array(self.vector, dtype=np.float64)

    def describe(self) -> str:
        return "isotropic" if self.kind == DIRECTION_ISOTROPIC else f"fixed {list(self.vector)}"


class Source:
    """A flux of one particle species with an energy spectrum.

    Subclasses set: ``pdg`` (PDG id of the particle), ``mass`` [MeV], ``E_min``/``E_max``
    [MeV] (total energy), ``spectrum_kind`` and ``spectrum_params`` (a kernel of
    mcgen.physics.spectra) and ``nodes`` (energies between which the spectrum is monotone,
    including E_min and E_max). ``flux(E)`` is in internal units: multiply by
    ``1 / FLUX_UNIT`` for cm^-2 s^-1 MeV^-1.
    """

    name = "source"
    pdg: int
    mass: float
    E_min: float
    E_max: float
    spectrum_kind: int
    spectrum_params: np.ndarray
    nodes: np.ndarray
    direction: Direction = Direction.isotropic()

    def flux(self, E) -> np.ndarray:
        """Differential flux dPhi/dE at total energy E [MeV], internal units."""
        E = np.asarray(E, dtype=np.float64)
        out = dispatch.flux_array(self.spectrum_kind, self.spectrum_params, E.ravel())
        return out.reshape(E.shape)

    @property
    def total_flux(self) -> float:
        """Integral of the flux over [E_min, E_max], internal units (per area per time)."""
        return float(
            sum(
                integrate.quad(lambda e: float(self.flux(e)), a, b, limit=200)[0]
                for a, b in zip(self.nodes[:-1], self.nodes[1:])
            )
        )

    def sample_energies(self, n: int, seed: int = 0) -> np.ndarray:
        """n energies [MeV] drawn exactly from the spectrum (piecewise-constant envelope on a
        fine grid, rejection against the exact flux)."""
        from ..sampling.spectrum import sample_spectrum

        return sample_spectrum(self, int(n), seed)

    def describe(self) -> dict:
        """Parameters for the run metadata."""
        return {"name": self.name, "pdg": self.pdg, "mass_MeV": self.mass / MeV,
                "E_min_MeV": self.E_min / MeV, "E_max_MeV": self.E_max / MeV,
                "direction": self.direction.describe()}


def require(field: str, value, ok: bool, allowed: str):
    """Raise ConfigError naming the field, the value and what is allowed unless ok."""
    if not ok:
        raise ConfigError(f"{field} = {value!r}: {allowed}")


def finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
