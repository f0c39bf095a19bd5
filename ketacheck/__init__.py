"""KetaCheck engine: content model, loader, scoring, referral and command line.

Plain Python with no Streamlit import (the UI lives in `ketacheck/ui/`), so everything here is
testable, reusable from the command line, and fast.
"""

from .loader import Content, ContentError, load
from .scoring import Result, score
from .submission import InputError, Submission

__all__ = ["Content", "ContentError", "InputError", "Result", "Submission", "load", "score"]
