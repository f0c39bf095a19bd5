"""Plain twins of the content's models, for the command line's cache (`content_cache.py`).

A twin holds a validated model's values, read-only, with the same methods (`methods.py`) and no
pydantic: a `score` command that reads its content from the cache never imports pydantic (60-90 ms
of a 170-200 ms run). Twins are made only from content that passed full validation (`to_plain`),
and are found by name when the cache is read (`__getattr__`, as pickle asks for them).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from . import _WHERE, methods
from .methods import Shape

__all__ = ["Frozen", "to_plain", "twin"]

# Modules of `ketacheck.model` that define no shape.
_NOT_SHAPES = ("vocabulary", "methods")


class Frozen(Shape):
    """A shape's fields as attributes, in the model's order. Equal to its model, or another twin,
    with the same name and values."""

    def field_names(self) -> tuple[str, ...]:
        return tuple(self.__dict__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    __delattr__ = __setattr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Shape) or type(other).__name__ != type(self).__name__:
            return NotImplemented
        names = self.field_names()
        return names == other.field_names() and all(getattr(self, n) == getattr(other, n) for n in names)

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


_twins: dict[str, type[Frozen]] = {}


def _is_shape(name: str) -> bool:
    return _WHERE.get(name, _NOT_SHAPES[0]) not in _NOT_SHAPES


def twin(name: str) -> type[Frozen]:
    """The twin class of the model called `name`: its `<name>Methods` mixin, if any, over `Frozen`."""
    if name not in _twins:
        mixin = getattr(methods, f"{name}Methods", None)
        bases = (mixin, Frozen) if mixin else (Frozen,)
        _twins[name] = type(name, bases, {"__module__": __name__, "__qualname__": name})
    return _twins[name]


def __getattr__(name: str) -> type[Frozen]:
    if _is_shape(name):
        return twin(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _mixins(cls: type) -> list[type]:
    return [b for b in cls.__mro__ if b.__module__ == methods.__name__ and b is not Shape]


def _own_methods(cls: type) -> list[str]:
    """Public methods and properties a model defines itself rather than in `methods.py` (its
    validators are private: `_name`)."""
    return [f"{c.__name__}.{name}" for c in cls.__mro__ if c.__module__.startswith(__package__ + ".")
            and c.__module__ != methods.__name__ for name, v in vars(c).items()
            if not name.startswith("_") and name != "field_names"
            and (callable(v) or isinstance(v, (property, classmethod, staticmethod)))]


@functools.cache
def _twin_of(cls: type) -> type[Frozen]:
    """The twin of a model class, checked once per class (TypeError when it has none)."""
    if (_WHERE.get(cls.__name__) != cls.__module__.rsplit(".", 1)[-1] or _own_methods(cls)
            or _mixins(cls) != _mixins(twin(cls.__name__))):
        raise TypeError(f"{cls.__module__}.{cls.__name__} has no plain twin")
    return twin(cls.__name__)


def to_plain(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """`value` with every model in it replaced by its twin (a model met twice becomes one twin);
    a dataclass (the `Content`) field by field. TypeError for a model this module cannot twin:
    one not listed in `ketacheck.model`, or with a method of its own outside `methods.py`."""
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, Shape):
        out = object.__new__(_twin_of(type(value)))
        out.__dict__.update({name: to_plain(getattr(value, name), memo) for name in value.field_names()})
    elif isinstance(value, list):
        out = [to_plain(v, memo) for v in value]
    elif isinstance(value, tuple):
        out = tuple(to_plain(v, memo) for v in value)
    elif isinstance(value, dict):
        out = {k: to_plain(v, memo) for k, v in value.items()}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = dataclasses.replace(value, **{f.name: to_plain(getattr(value, f.name), memo)
                                            for f in dataclasses.fields(value) if f.init})
    else:
        return value
    memo[id(value)] = out
    return out
