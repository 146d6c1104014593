"""The public API is small and deliberate: changing it should be a conscious act."""

import mcgen


def test_public_api():
    assert sorted(mcgen.__all__) == sorted([
        "AtmosphericDipoleSource", "Box", "ConfigError", "Cylinder", "Detector",
        "DipoleNucleusElastic", "Direction", "Generator", "Interaction", "Material",
        "MomentumPowerLawSource", "NuElectronElastic", "Point", "RunSummary", "Source", "Sphere",
        "Target",
        "__version__",
    ])
    for name in mcgen.__all__:
        assert getattr(mcgen, name) is not None
