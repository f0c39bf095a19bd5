"""KetaCheck engine: content model, loader, scoring, referral and command line.

Plain Python with no Streamlit import (the UI lives in `ketacheck/ui/`), so everything here is
testable, reusable from the command line, and fast.
"""

from typing import TYPE_CHECKING

from . import lazy

# Each name is imported from its module on first use (PEP 562): `python -m ketacheck score` with its
# content from the cache never needs the loader, and so never YAML or Babel.
_WHERE = {
    "Content": "content", "ContentError": "content", "load": "loader",
    "Result": "scoring", "score": "scoring",
    "InputError": "submission", "Submission": "submission",
}
__all__ = ["Content", "ContentError", "InputError", "Result", "Submission", "load", "score"]

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .content import Content, ContentError  # noqa: F401
    from .loader import load  # noqa: F401
    from .scoring import Result, score  # noqa: F401
    from .submission import InputError, Submission  # noqa: F401


__getattr__, __dir__ = lazy.names(__name__, _WHERE, globals())
