"""Output formats (each registers itself in mcgen.output.WRITERS when imported)."""

from .root import RootWriter

__all__ = ["RootWriter"]
