"""Argument types and helpers shared by the commands (standard library only)."""

from __future__ import annotations

import argparse
import math


def count(text: str) -> int:
    """An event count from the command line: 1000000, 1_000_000 or 5e7 (a whole number)."""
    try:
        return int(text.replace("_", ""))
    except ValueError:
        pass
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of events") from None
    if not math.isfinite(value) or value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of events")
    return int(value)
