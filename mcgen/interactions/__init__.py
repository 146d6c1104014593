"""Interactions: one class per process, each handing the sampler channels (process x target).

Every module of this package is imported here, and each process class registers itself in
`PROCESSES` when defined: a new process is a new module, listed nowhere else.
"""

from ..registry import exported, import_all
from .base import PROCESSES, Channel, Interaction

import_all(__name__, __path__)
globals().update(exported(PROCESSES))

__all__ = ["PROCESSES", "Channel", "Interaction", *sorted(exported(PROCESSES))]
