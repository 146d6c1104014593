"""Writers: physics never knows about files, writers never know about physics."""

from .branches import BRANCHES
from .root import RootWriter

__all__ = ["BRANCHES", "RootWriter"]
