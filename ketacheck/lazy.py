"""A package's names imported from their modules on first use (PEP 562), so a caller pays only for
what it uses: the `score` command never loads the loader's YAML and Babel, nor the summary's plotly."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def names(package: str, where: dict[str, str], namespace: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's `__getattr__` and `__dir__`: `where` maps each name to the module (relative to
    the package) that defines it; a name, once imported, is kept in the package's `namespace`."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{where[name]}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__
