"""Random-generator states as plain integer arrays, so a checkpoint can hold them without pickle.

glassnet draws its random numbers from ``numpy.random.Generator`` objects: the one
``glassnet.backend.rng()`` returns (shuffling, dropout, augmentation) and those a layer owns
when it is given ``seed=`` (``Dropout``, the preprocessing layers, recurrent dropout). Both
are PCG64 generators (what ``numpy.random.default_rng`` makes), whose whole state is four
integers: the 128-bit ``state``, the 128-bit odd increment ``inc``, and a buffered 32-bit half
draw (``has_uint32``, ``uinteger``). One generator is stored as six uint64 words::

    [state >> 64, state & (2**64 - 1), inc >> 64, inc & (2**64 - 1), has_uint32, uinteger]

Reading checks every word (flag 0 or 1, a 32-bit ``uinteger``, an odd ``inc``) and the bit
generator's name against a closed list before anything is set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import backend
from glassnet.errors import ConfigError, ModelFileError

__all__ = [
    "BIT_GENERATORS",
    "GLOBAL",
    "bit_generator_name",
    "model_generators",
    "pack",
    "restore",
    "unpack",
]

#: The bit generators whose state ``pack`` can store (the same four integers each).
BIT_GENERATORS = ("PCG64", "PCG64DXSM")
#: The owner name of glassnet's own generator (``glassnet.backend.rng()``).
GLOBAL = "glassnet.backend"
_MASK = 2**64 - 1


def model_generators(model: Any) -> list[tuple[str, np.random.Generator]]:
    """glassnet's generator, then every generator a layer of ``model`` owns, in layer order.

    Owners are named by layer path and attribute (``"dropout_1/_rng"``); layers are visited
    through ``model.layers``, layer attributes and lists of layers (an RNN's cell, a wrapper's
    layer), each once.
    """
    found = [(GLOBAL, backend.rng())]
    seen: set[int] = set()

    def walk(layer: Any, path: str) -> None:
        if id(layer) in seen:
            return
        seen.add(id(layer))
        for attr, value in vars(layer).items():
            if isinstance(value, np.random.Generator):
                found.append((f"{path}{attr}", value))
        for child in _children(layer):
            walk(child, f"{path}{child.name}/")

    walk(model, "")
    return found


def _children(layer: Any) -> list[Any]:
    from glassnet.layers.base import Layer

    children = list(getattr(layer, "layers", None) or [])
    for value in vars(layer).values():
        if isinstance(value, Layer):
            children.append(value)
        elif isinstance(value, (list, tuple)):
            children.extend(item for item in value if isinstance(item, Layer))
    return children


def pack(owner: str, generator: np.random.Generator) -> tuple[str, np.ndarray]:
    """``(bit generator name, six uint64 words)`` for one generator.

    Raises:
        ConfigError: for a generator backed by another bit generator (MT19937, Philox...).
    """
    name = bit_generator_name(generator)
    if name not in BIT_GENERATORS:
        raise ConfigError(
            f"save_checkpoint: the generator of {owner!r} is a {name}, expected one of "
            f"{', '.join(BIT_GENERATORS)}. Create it with numpy.random.default_rng(seed)."
        )
    state = generator.bit_generator.state
    s, inc = int(state["state"]["state"]), int(state["state"]["inc"])
    words = [s >> 64, s & _MASK, inc >> 64, inc & _MASK, state["has_uint32"], state["uinteger"]]
    return name, np.array(words, dtype=np.uint64)


def unpack(name: Any, words: np.ndarray, source: str) -> dict[str, Any]:
    """The ``bit_generator.state`` dict stored as ``words``, every field checked.

    Raises:
        ModelFileError: for an unknown bit generator or words that are no such state.
    """
    if name not in BIT_GENERATORS:
        raise ModelFileError(
            f"{source}: bit generator {str(name)[:80]!r} is not one glassnet restores; "
            f"expected one of {', '.join(BIT_GENERATORS)}."
        )
    if words.dtype != np.uint64 or words.shape != (6,):
        raise ModelFileError(
            f"{source}: expected 6 uint64 words, got shape {words.shape} of {words.dtype}."
        )
    hi, lo, inc_hi, inc_lo, has_uint32, uinteger = (int(w) for w in words)
    if has_uint32 not in (0, 1) or uinteger > 0xFFFFFFFF or not inc_lo & 1:
        raise ModelFileError(
            f"{source}: expected has_uint32 0 or 1, a 32-bit uinteger and an odd increment, "
            f"got {has_uint32}, {uinteger} and an {'odd' if inc_lo & 1 else 'even'} increment."
        )
    return {
        "bit_generator": name,
        "state": {"state": hi << 64 | lo, "inc": inc_hi << 64 | inc_lo},
        "has_uint32": has_uint32,
        "uinteger": uinteger,
    }


def bit_generator_name(generator: np.random.Generator) -> str:
    return type(generator.bit_generator).__name__


def restore(generator: np.random.Generator, state: dict[str, Any]) -> None:
    """Set a generator, in place, to a state ``unpack`` returned (holders keep their object).

    The caller has checked that ``generator`` has the bit generator ``state`` names.
    """
    generator.bit_generator.state = state
