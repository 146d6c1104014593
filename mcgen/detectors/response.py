"""Detector response models, registered by the name detector files use (``quenching = ...``).

A response model turns a recoil's kinetic energy into what the detector sees and back (to map
a visible-energy window onto each target's recoil window). Issue-level extensions (resolution,
efficiency) register here the same way.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..physics.quenching import electron_equivalent, nuclear_recoil_energy
from ..registry import Registry

#: Every response model, keyed by the name detector files use (``quenching = "lindhard"``).
RESPONSES: Registry[type[Response]] = Registry("detector.quenching")


class Response:
    """Base class: ``visible_keV(T_keV, target)`` and its inverse ``recoil_keV(E_keV,
    target)`` (keV in, keV out). A subclass that defines ``name`` registers itself."""

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            RESPONSES.add(cls.name, cls)

    def visible_keV(self, T_keV: np.ndarray, target) -> np.ndarray:
        raise NotImplementedError

    def recoil_keV(self, E_keV: float, target) -> float:
        raise NotImplementedError


class LindhardQuenching(Response):
    """Nuclear recoils are seen as Y(T) T of electron-equivalent energy ([Mustamin2024, Eqs. 16-19],
    mcgen.physics.quenching; ``k`` a fitted Lindhard k, default 0.133 Z^(2/3) A^(-1/2));
    electron recoils at their full energy."""

    name = "lindhard"

    def __init__(self, k: float | None = None):
        self.k = k

    def visible_keV(self, T_keV: np.ndarray, target) -> np.ndarray:
        if not target.is_nucleus:
            return T_keV
        return electron_equivalent(T_keV, target.Z, target.A, self.k)

    def recoil_keV(self, E_keV: float, target) -> float:
        if not target.is_nucleus:
            return E_keV
        return nuclear_recoil_energy(E_keV, target.Z, target.A, self.k)
