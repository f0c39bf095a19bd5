"""`Problem`: one thing wrong with the content, by file, path inside it and what is wrong.

On its own so that the translator (which the cached content carries) can name problems without
importing the content checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Text for a terminal: control characters shown as \\x.. escapes, never obeyed (an answer
    file's keys, or a content file's values quoted in a problem, could hold sequences that clear the
    screen or retitle the terminal)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"
