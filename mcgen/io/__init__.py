"""Output formats (each registers itself in mcgen.output.WRITERS when imported)."""

from .root import RootWriter  # noqa: I001 (first: its extension leads the error message)
from .hepmc import HepMC3Writer

__all__ = ["HepMC3Writer", "RootWriter"]
