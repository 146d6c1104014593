"""Argument types and helpers shared by the commands (standard library only)."""

from __future__ import annotations

import argparse
import re
from decimal import Decimal

#: An event count as typed: ASCII digits, underscores only between digits (as in Python
#: literals), an optional fraction and a short exponent (5e7, 1.5e6); a sign only to be refused
#: later with the allowed range.
_COUNT = re.compile(r"-?[0-9]+(?:_[0-9]+)*(?:\.[0-9]*)?(?:[eE]\+?[0-9]{1,2})?")


def count(text: str) -> int:
    """An event count from the command line: 1000000, 1_000_000 or 5e7 (a whole number)."""
    if not _COUNT.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of events (write e.g. 1000000, 1_000_000 or 5e7)")
    value = Decimal(text.replace("_", ""))
    if value != value.to_integral_value():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of events")
    return int(value)
