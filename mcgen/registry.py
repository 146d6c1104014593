"""Registries: the one place where each kind of extension (process, source kind, detector
response model, output writer) is looked up by the name a run card uses.

A class registers itself when it is defined (its family's base class derives from
`Registered`; processes also check their output codes, `mcgen.interactions.base`), so a new
process or source kind is its own module and nothing else: ``mcgen list``, the run-card
parser, the README tables and the public-API test read the registries instead of hand-kept
lists.
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings
from collections.abc import Iterator
from typing import ClassVar, Generic, TypeVar

from .errors import ConfigError

T = TypeVar("T")


class Registry(Generic[T]):
    """Name -> entry, in registration order. `what` names the card field it serves, for the
    error message of an unknown name (e.g. "interaction.process")."""

    def __init__(self, what: str):
        self.what = what
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T) -> T:
        """Register `entry` under `name`; a name taken by another entry raises."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"{self.what}: a registered name must be a non-empty string")
        old = self._entries.get(name)
        if old is not None and old is not entry and _qualname(old) != _qualname(entry):
            raise ValueError(f"{self.what} = {name!r} is registered twice: {_qualname(old)} "
                             f"and {_qualname(entry)}")
        self._entries[name] = entry
        return entry

    def __getitem__(self, name) -> T:
        if not isinstance(name, str) or name not in self._entries:
            raise ConfigError(f"{self.what} = {name!r}: allowed are {self.names()}")
        return self._entries[name]

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def items(self):
        return self._entries.items()

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._entries)


class Registered:
    """Base of a family of registered classes: ``class Writer(Registered, registry=WRITERS)``.
    A subclass that defines ``name`` (the name a run card uses) registers itself in the
    family's registry when it is defined; one without (an abstract intermediate) does not."""

    _registry: ClassVar[Registry]

    def __init_subclass__(cls, registry: Registry | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if registry is not None:  # the family's base class
            cls._registry = registry
        elif "name" in cls.__dict__:
            cls._registry.add(cls.name, cls)


def _qualname(entry) -> str:
    return f"{getattr(entry, '__module__', '?')}.{getattr(entry, '__qualname__', entry)!s}"


def import_all(package: str, path) -> None:
    """Import every module of a package (its classes register themselves on import), so that
    a new module is found without being listed anywhere."""
    for info in pkgutil.iter_modules(path):
        importlib.import_module(f"{package}.{info.name}")


def exported(registry: Registry) -> dict[str, type]:
    """Class name -> class of mcgen's own registered classes (the public names)."""
    return {c.__name__: c for c in registry._entries.values() if c.__module__.startswith("mcgen.")}


class DeprecatedAlias:
    """A class attribute kept under an old name: reading it warns and gives the new one."""

    def __init__(self, new: str):
        self.new = new

    def __set_name__(self, owner, name):
        self.old = name

    def __get__(self, obj, owner):
        warnings.warn(f"{owner.__name__}.{self.old} is deprecated: use .{self.new}",
                      DeprecationWarning, stacklevel=2)
        return getattr(owner if obj is None else obj, self.new)
