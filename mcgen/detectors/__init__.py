"""Materials, targets and detectors."""

from .detector import Detector
from .material import Material, Target

__all__ = ["Detector", "Material", "Target"]
