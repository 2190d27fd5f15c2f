"""The one registry every catalogue uses: lookups, serialization and their errors."""

from __future__ import annotations

import pytest

from glassnet.errors import ConfigError
from glassnet.registry import Registry


class Shape:
    def __init__(self, size: int = 1) -> None:
        self.size = size

    def get_config(self) -> dict:
        return {"size": self.size}

    @classmethod
    def from_config(cls, config: dict) -> Shape:
        return cls(**config)


def _registry() -> Registry:
    shapes = Registry("shape")
    shapes.register("Shape")(Shape)
    shapes.register("square")(lambda: "[]")
    return shapes


def test_unknown_name_lists_known_and_suggests_closest():
    with pytest.raises(
        ConfigError, match=r"Unknown shape 'sqare'. Known: Shape, square. Did you mean 'square'\?"
    ):
        _registry().get("sqare")


def test_a_taken_name_cannot_be_registered_again():
    shapes = _registry()
    with pytest.raises(ConfigError, match="Registry 'shape': the name 'square' is already taken"):
        shapes.register("square")(lambda: "()")


def test_serialize_round_trip_by_class_name():
    shapes = _registry()
    config = shapes.serialize(Shape(3))
    assert config == {"class_name": "Shape", "config": {"size": 3}}
    assert shapes.deserialize(config, base=Shape).size == 3


def test_serialize_rejects_unregistered_class():
    class Circle(Shape):
        pass

    with pytest.raises(
        ConfigError, match=r"shapes.serialize: expected a registered shape, got Circle"
    ):
        _registry().serialize(Circle())


def test_deserialize_rejects_malformed_configs_and_wrong_kinds():
    shapes = _registry()
    with pytest.raises(ConfigError, match="shapes.deserialize: expected a dict with 'class_name'"):
        shapes.deserialize({"config": {}})
    with pytest.raises(ConfigError, match="Unknown shape 'os.system'"):
        shapes.deserialize({"class_name": "os.system", "config": {}})
    with pytest.raises(
        ConfigError, match="expected 'class_name' to name a Shape class, got 'square'"
    ):
        shapes.deserialize({"class_name": "square", "config": {}}, base=Shape)
