"""Streamlit's config options looked up by section, without reading all of them for each section.

Every run, a fragment's too, begins with a `new_session` message, and Streamlit 1.67 fills its theme
from six sections (`[theme]`, `[theme.light]`, ... `[theme.dark.sidebar]`) with
`config.get_options_for_section`, which walks all 367 options and reads each one's value for every
section: 2,200 reads per run, most of the message's time in cProfile. Measured in a running server,
the message took 0.64 ms of CPU per run, and 0.40 ms with this (benchmarks/RESULTS.md, "a twelfth
look").

`install()` puts in its place a lookup that gives the same dict (the same names, values and order)
from an index of the options by section, built once per set of options: Streamlit replaces the
whole set when it parses its config again, and the index is then built again. Values are read
live, as Streamlit reads them. serve.py installs it, so the bare page of `make bench` has it too.
Streamlit is pinned (requirements.lock); `install()` replaces only the function it was written for.
"""

from __future__ import annotations

from typing import Any

from streamlit import config

_ORIGINAL = config.get_options_for_section
_index: tuple[dict[str, Any], int, dict[str, list[Any]]] | None = None  # (options, their count, by section)


def _by_section(options: dict[str, Any]) -> dict[str, list[Any]]:
    """Called under Streamlit's config lock."""
    global _index
    if _index is None or _index[0] is not options or _index[1] != len(options):
        grouped: dict[str, list[Any]] = {}
        for option in options.values():  # in Streamlit's order, which the dict it returns keeps
            grouped.setdefault(option.section, []).append(option)
        _index = (options, len(options), grouped)
    return _index[2]


def get_options_for_section(section: str) -> dict[str, Any]:
    """Same argument and result as `streamlit.config.get_options_for_section`."""
    with config._config_lock:  # as Streamlit's: not halfway through a new parse
        return {option.name: option.value for option in _by_section(config.get_config_options()).get(section, ())}


def install() -> bool:
    """Use the indexed lookup from now on; True if it is in place."""
    if config.get_options_for_section is get_options_for_section:
        return True
    if config.get_options_for_section is not _ORIGINAL or not hasattr(config, "_config_lock"):
        return False  # Streamlit changed how it looks options up: leave it alone
    config.get_options_for_section = get_options_for_section
    return True
