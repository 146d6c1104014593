"""Source spectra against cited numbers and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import reference_paper000 as R
from conftest import ROOT
from scipy import integrate

import mcgen
from mcgen.constants import MeV, cm2, s
from mcgen.sources.base import FLUX_UNIT
from mcgen.sources.dipole import fluka_integral, fluka_table


@pytest.mark.parametrize("name,value", [("nue", 1.84), ("nuebar", 1.65), ("numu", 3.52),
                                        ("numubar", 3.53)])
def test_fluka_integrals_match_data_readme(name, value):
    # mcgen/data/README.md ([Battistoni2005] tables): integrals over the tables, cm^-2 s^-1
    assert fluka_integral(name) == pytest.approx(value, abs=0.006)
    E, _ = fluka_table(name)
    assert E[0] == pytest.approx(13.183) and E[-1] == pytest.approx(982, abs=1)


def test_dipole_flux_eq21_shape_and_normalisation(dipole_source):
    f = lambda E: dipole_source.flux(E) / FLUX_UNIT  # noqa: E731  (cm^-2 s^-1 MeV^-1)
    # Eq. (21): proportional to E below 40 MeV, to E^-2.7 above, continuous at 40 MeV
    assert f(30.0) / f(15.0) == pytest.approx(2.0, rel=1e-12)
    assert f(80.0) / f(160.0) == pytest.approx(2**2.7, rel=1e-12)
    assert f(40.0 * (1 - 1e-12)) == pytest.approx(f(40.0), rel=1e-9)
    assert f(9.99) == 0.0 and f(1000.1) == 0.0
    # 0.5 % of the FLUKA nu_mu + nu_mu-bar total (3.52 + 3.53 cm^-2 s^-1, data README)
    total = dipole_source.total_flux * (cm2 * s)
    assert total == pytest.approx(0.005 * (3.52 + 3.53), rel=2e-3)
    assert np.allclose(f(np.geomspace(10, 1000, 50)), R.atmospheric_dipole_flux(
        np.geomspace(10, 1000, 50)), rtol=1e-9)


def test_momentum_power_law_eq11():
    src = mcgen.MomentumPowerLawSource(10.0, 10.0, 13.0, 30.0, 2.5)
    f = lambda E: src.flux(E) / FLUX_UNIT  # noqa: E731
    # Eq. (11): Phi(14.5)/Phi(13.5) = ((14.5^2 - 100) / (13.5^2 - 100))^-10
    assert f(14.5) / f(13.5) == pytest.approx((110.25 / 82.25) ** -10, rel=1e-12)
    assert integrate.quad(f, 13.0, 30.0, epsrel=1e-12)[0] == pytest.approx(2.5, rel=1e-8)


@pytest.mark.parametrize("kw,field", [
    ({"mass_MeV": -1.0}, "source.mass_MeV"),
    ({"fraction": 0.0}, "source.fraction"),
    ({"fraction": 2.0}, "source.fraction"),
    ({"E_max_MeV": 5.0}, "source.E_max_MeV"),
    ({"index": 0.5}, "source.index"),
])
def test_dipole_source_bad_input(kw, field):
    with pytest.raises(mcgen.ConfigError, match=field.replace(".", r"\.")):
        mcgen.AtmosphericDipoleSource(**kw)


def test_power_law_rejects_lower_edge_at_mass():
    with pytest.raises(mcgen.ConfigError, match="E_min_MeV = 10.0: must exceed the mass"):
        mcgen.MomentumPowerLawSource(10.0, 10.0, 10.0, 30.0, 1.0)


def test_direction_validation():
    d = mcgen.Direction.fixed([0, 0, -2])
    assert d.vector == (0.0, 0.0, -1.0)
    with pytest.raises(mcgen.ConfigError, match="direction"):
        mcgen.Direction.fixed([0, 0, 0])
    assert MeV == 1.0


@pytest.mark.parametrize("card", sorted((ROOT / "macros").glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_card_pickles_with_the_standard_pickler(card):
    """Worker processes and dask receive the Generator pickled: no read-only module constant
    (types.MappingProxyType) may end up in a source, detector or interaction."""
    import pickle

    from mcgen.catalog import load_card

    c = load_card(card)
    gen = mcgen.Generator(c.source, c.detector, c.interactions, seed=3, site=c.site)
    back = pickle.loads(pickle.dumps(gen))
    assert repr(back.source.describe()) == repr(gen.source.describe())  # NaN != NaN
