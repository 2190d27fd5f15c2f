"""One registry type for every named catalogue (activations, losses, optimizers, ...).

A ``Registry`` maps string names to classes or functions. ``get`` accepts a name, an
instance or a callable, and for an unknown name lists the known ones plus the closest match.
Registries are closed: loading a model resolves names here and nowhere else, so a file can
never name arbitrary code. User objects are added only by the user's own code (``register``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from glassnet.errors import ConfigError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry:
    """A closed, named catalogue.

    Args:
        kind: what the entries are, used in error messages ("activation", "loss", ...).
        module: the public module that holds the registry, for messages (default kind + "s").

    Example:
        >>> shapes = Registry("shape")
        >>> @shapes.register("circle")
        ... def circle(): return "o"
        >>> shapes.get("circle")()
        'o'
    """

    def __init__(self, kind: str, module: str | None = None) -> None:
        self.kind = kind
        self.module = module or f"{kind}s"
        self._entries: dict[str, Any] = {}

    def register(self, name: str | None = None, *aliases: str) -> Callable[[T], T]:
        """Decorator adding a class or function under ``name`` (default: its ``__name__``)."""

        def decorate(obj: T) -> T:
            for key in (name or obj.__name__, *aliases):
                if key in self._entries and self._entries[key] is not obj:
                    raise ConfigError(
                        f"Registry '{self.kind}': the name {key!r} is already taken by "
                        f"{self._entries[key]!r}. Choose another name."
                    )
                self._entries[key] = obj
            return obj

        return decorate

    def get(self, identifier: Any) -> Any:
        """Return the entry named ``identifier``; pass non-strings (objects, callables) through.

        Raises:
            ConfigError: for an unknown name, listing the known names and the closest one.
        """
        if not isinstance(identifier, str):
            return identifier
        key = identifier.lower() if identifier.lower() in self._entries else identifier
        try:
            return self._entries[key]
        except KeyError:
            raise ConfigError(self._unknown_message(identifier)) from None

    def name_of(self, obj: Any) -> str | None:
        """The registered name of ``obj`` (its class for instances), or None."""
        for key, value in self._entries.items():
            if value is obj or (isinstance(value, type) and type(obj) is value):
                return key
        return None

    def serialize(self, obj: Any) -> dict[str, Any]:
        """``{"class_name": <registered name of obj's class>, "config": obj.get_config()}``.

        Raises:
            ConfigError: if the object's class is not registered.
        """
        cls = type(obj)
        by_class_name = self._entries.get(cls.__name__, self._entries.get(cls.__name__.lower()))
        name = cls.__name__ if by_class_name is cls else self.name_of(obj)
        if name is None:
            raise ConfigError(
                f"{self.module}.serialize: expected a registered {self.kind}, got "
                f"{cls.__name__}. Register its class with "
                f"@glassnet.{self.module}.{self.module.upper()}.register('{cls.__name__}')."
            )
        return {"class_name": name, "config": obj.get_config()}

    def check_config(self, config: Any) -> None:
        """Raise unless ``config`` has the ``{"class_name": ..., "config": ...}`` form."""
        if not isinstance(config, Mapping) or "class_name" not in config:
            raise ConfigError(
                f"{self.module}.deserialize: expected a dict with 'class_name' and 'config', got "
                f"{config!r}. Pass the output of {self.module}.serialize()."
            )

    def deserialize(self, config: Any, base: type | None = None) -> Any:
        """Rebuild an object from ``serialize``'s output, by registered class name only.

        Raises:
            ConfigError: for a malformed config, an unknown name, or a name that is not a
                subclass of ``base``.
        """
        self.check_config(config)
        cls = self.get(config["class_name"])
        if base is not None and not (isinstance(cls, type) and issubclass(cls, base)):
            raise ConfigError(
                f"{self.module}.deserialize: expected 'class_name' to name a {base.__name__} "
                f"class, got {config['class_name']!r}."
            )
        return cls.from_config(dict(config.get("config") or {}))

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def _unknown_message(self, name: str) -> str:
        known = self.names()
        close = difflib.get_close_matches(name.lower(), known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return f"Unknown {self.kind} {name!r}. Known: {', '.join(known)}.{hint}"
