"""The public API is small and deliberate: the core classes below, plus every registered
process and source kind (read from the registries, so that a new one cannot be forgotten)."""

import mcgen
from mcgen.interactions import PROCESSES
from mcgen.sources import SOURCE_KINDS

CORE = ["Box", "ConfigError", "Cylinder", "Detector", "Direction", "Frame", "Generator", "Geometry",
        "Interaction", "Material", "Oscillation", "Particle", "Point", "RunSummary", "Site",
        "Source", "Sphere", "Target", "__version__"]


def test_public_api_is_the_core_plus_the_registries():
    registered = [cls.__name__ for _, cls in PROCESSES.items() if cls.__module__.startswith(
        "mcgen.")] + [cls.__name__ for _, cls in SOURCE_KINDS.items()
                      if cls.__module__.startswith("mcgen.")]
    assert sorted(mcgen.__all__) == sorted(CORE + registered)
    for name in mcgen.__all__:
        assert getattr(mcgen, name) is not None


def test_every_registered_class_is_reachable_under_its_own_name():
    for registry in (PROCESSES, SOURCE_KINDS):
        for name, cls in registry.items():
            if cls.__module__.startswith("mcgen."):
                assert getattr(mcgen, cls.__name__) is cls, name
