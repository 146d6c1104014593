"""Names that moved stay as deprecated aliases that warn; unknown kernel codes raise."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

import mcgen
from mcgen.physics import dispatch


def test_interaction_process_is_a_deprecated_alias_of_code():
    with pytest.warns(DeprecationWarning, match="process is deprecated: use .code"):
        assert mcgen.CEvNS.process == mcgen.CEvNS.code == 3
    with pytest.warns(DeprecationWarning):
        assert mcgen.DipoleNucleusElastic(1e-5).process == 1


def test_mcgen_sites_moved_to_geometry():
    sys.modules.pop("mcgen.sites", None)
    with pytest.warns(DeprecationWarning, match="use mcgen.geometry"):
        sites = importlib.import_module("mcgen.sites")
    assert sites.Site is mcgen.Site


def test_unknown_kernel_codes_raise_instead_of_giving_zero():
    p = np.zeros(12)
    with pytest.raises(ValueError, match="unknown cross-section code"):
        dispatch.dsigma_dT(99, p, 1.0, 1e-3)
    with pytest.raises(ValueError, match="unknown spectrum code"):
        dispatch.flux(99, p, 1.0)
    with pytest.raises(ValueError):
        dispatch.CrossSection(99)


def test_unknown_shape_time_and_spectrum_codes_raise():
    from mcgen.geometry import Layout
    from mcgen.sources import Component, TimeModel

    with pytest.raises(ValueError, match="is not a valid ShapeKind"):
        Layout(False, 9, np.zeros(3), -1, np.zeros(3), 0.0, np.nan, np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="is not a valid ShapeKind"):
        Layout(True, 1, np.zeros(6), 7, np.zeros(3), 1.0, np.nan, np.zeros(0), np.zeros(0))
    with pytest.raises(mcgen.ConfigError, match="time model kind = 9: allowed are"):
        TimeModel(9, (1.0,))
    with pytest.raises(mcgen.ConfigError, match="spectrum_kind = 42: allowed are"):
        Component("x", 12, 0.0, 42, np.zeros(2), np.array([1.0, 2.0]))
