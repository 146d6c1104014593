"""Materials made of elements in their natural isotopic composition, and the targets in them.

Isotope masses and abundances come from `periodictable` (IUPAC/NIST atomic weights and
isotopic compositions). A nuclear mass is the atomic mass minus Z electron masses (the total
electron binding energy, ~0.2 MeV for Xe, is neglected: a 2e-6 relative effect).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import periodictable

from ..constants import AMU, M_ELECTRON, N_AVOGADRO, g
from ..errors import ConfigError
from ..validation import DENSITY_G_CM3, in_range


@dataclass(frozen=True)
class Target:
    """One kind of scattering centre in a material.

    name: "Xe131" or "e-"; Z, A (A = 0 for the electron); mass [MeV];
    per_kg: number of such centres per unit mass of material, in internal units (so that
    ``per_kg * 1 * kg`` is the number in one kilogram).
    """

    name: str
    Z: int
    A: int
    mass: float
    per_kg: float

    @property
    def pdg(self) -> int:
        """PDG id: 11 for the electron, 100ZZZAAA0 for a nucleus."""
        return 11 if self.A == 0 else 1000000000 + 10000 * self.Z + 10 * self.A

    @property
    def is_nucleus(self) -> bool:
        return self.A > 0


def _parse_formula(formula: str):
    if not isinstance(formula, str) or not formula.strip():
        raise ConfigError(f"material.formula = {formula!r}: must be a chemical formula (e.g. "
                          "'Xe', 'NaI', 'Ge')")
    try:
        f = periodictable.formula(formula)
    except Exception as exc:  # periodictable raises several types on bad input
        raise ConfigError(
            f"material.formula = {formula!r}: not a chemical formula (e.g. 'Xe', 'NaI', 'Ge')"
        ) from exc
    if not f.atoms:
        raise ConfigError(f"material.formula = {formula!r}: contains no element")
    for el, count in f.atoms.items():
        if getattr(el, "isotope", None) is not None:
            raise ConfigError(
                f"material.formula = {formula!r}: give elements, not isotopes; natural "
                "isotopic composition is used"
            )
        if not (count > 0 and math.isfinite(count)):
            raise ConfigError(f"material.formula = {formula!r}: {el.symbol} appears "
                              f"{count:g} times; counts must be > 0")
        if not sum(iso.abundance for iso in el if iso.abundance > 0) > 0:
            raise ConfigError(f"material.formula = {formula!r}: {el.symbol} has no natural "
                              "isotopic composition (periodictable); use stable elements")
    return f


class Material:
    """A compound or element in natural isotopic composition, e.g. Material("NaI", 3.67).

    formula: chemical formula; density_g_cm3: density [g/cm^3] (used to turn a fiducial
    volume into a mass).
    """

    def __init__(self, formula: str, density_g_cm3: float | None = None):
        self._f = _parse_formula(formula)
        self.formula = formula
        if density_g_cm3 is not None:
            density_g_cm3 = in_range("material.density_g_cm3", density_g_cm3, DENSITY_G_CM3,
                                     "g/cm^3", what="a density")
        self.density_g_cm3 = density_g_cm3

    def __repr__(self) -> str:
        return f"Material({self.formula!r}, density_g_cm3={self.density_g_cm3})"

    @property
    def molar_mass(self) -> float:
        """Molar mass of one formula unit [g/mol] (standard atomic weights)."""
        return float(sum(n * el.mass for el, n in self._f.atoms.items()))

    @property
    def elements(self) -> list[str]:
        return [el.symbol for el in self._f.atoms]

    @cached_property
    def nuclei(self) -> list[Target]:
        """Every naturally occurring isotope as a Target, with number per kg of material."""
        units_per_kg = N_AVOGADRO / (self.molar_mass * g)
        out = []
        for el, count in self._f.atoms.items():
            isotopes = [iso for iso in el if iso.abundance > 0]
            total = sum(iso.abundance for iso in isotopes)
            for iso in isotopes:
                mass = iso.mass * AMU - el.number * M_ELECTRON
                per_kg = units_per_kg * count * iso.abundance / total
                name = f"{el.symbol}{iso.isotope}"
                out.append(Target(name, el.number, iso.isotope, mass, per_kg))
        return out

    @cached_property
    def electron_targets(self) -> list[Target]:
        """The atomic electrons of each element as a Target ("e(Xe)"; Z of its atom), with
        their number per unit mass of material."""
        units_per_kg = N_AVOGADRO / (self.molar_mass * g)
        return [Target(f"e({el.symbol})", el.number, 0, M_ELECTRON,
                       units_per_kg * count * el.number) for el, count in self._f.atoms.items()]

    @property
    def electrons_per_kg(self) -> float:
        """Electrons per unit mass (internal units)."""
        return N_AVOGADRO / (self.molar_mass * g) * sum(
            n * el.number for el, n in self._f.atoms.items()
        )
