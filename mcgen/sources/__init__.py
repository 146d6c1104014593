"""Sources: what flies into the detector (spectrum, particle, direction).

Every module of this package is imported here, and each source kind registers itself in
`SOURCE_KINDS` when defined: a new kind is a new module (or class), listed nowhere else.
"""

from ..registry import exported, import_all
from .base import SOURCE_KINDS, Component, Direction, Oscillation, Source, TimeKind, TimeModel

import_all(__name__, __path__)
globals().update(exported(SOURCE_KINDS))

__all__ = ["SOURCE_KINDS", "Component", "Direction", "Oscillation", "Source", "TimeKind",
           "TimeModel", *sorted(exported(SOURCE_KINDS))]
