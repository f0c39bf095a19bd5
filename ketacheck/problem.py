"""`Problem`: one thing wrong with the content, by file, path inside it and what is wrong.

On its own so that the translator (which the cached content carries) can name problems without
importing the content checks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"
