"""The public API is small and deliberate: changing it should be a conscious act."""

import mcgen


def test_public_api():
    assert sorted(mcgen.__all__) == sorted([
        "AtmosphericDipoleSource", "AtmosphericNeutrinoSource", "AtomicIonizationEPA", "Box",
    "CEvNS", "ConfigError", "Cylinder", "DipolePortalElectron", "DipolePortalNucleus",
        "Detector", "DipoleNucleusElastic", "Direction", "ElectronCaptureSource", "Generator",
        "Interaction", "Material", "MomentumPowerLawSource", "MonoenergeticSource",
        "NuElectronElastic", "Oscillation", "Point", "ReactorSource", "RunSummary", "Site",
        "SolarSource", "Source", "Sphere", "StoppedPionSource", "TabulatedSource", "Target",
        "__version__",
    ])
    for name in mcgen.__all__:
        assert getattr(mcgen, name) is not None
