"""The content model: typed, validated shapes for everything in `assessments/`, one module per
file or concept. Pydantic models check each file's shape; cross-file rules (ids that must exist,
thresholds in order, every region reachable in an emergency) live in `loader.py`, which sees all files
at once. Everything is importable from here (`from ketacheck.model import Item`).

Each name is imported from its module on first use (PEP 562): the fixed ids (`vocabulary.py`) and the
shapes' methods (`methods.py`) need no pydantic, so a `score` command whose content comes from the
cache, as plain twins of the models (`plain.py`), never imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import lazy

# name -> the module that defines it
_WHERE: dict[str, str] = {}
for _module, _names in (
    ("vocabulary", "SIGN_IDS AUDIENCES TIERS ALL_TIERS INSTRUMENT_IDS SEXES SEX_LABELS SCORED_DOMAINS"
                   " CRISIS_TYPES REFERRAL_TYPES DONT_KNOW Answer Audience Domain ResourceType Urgency When"),
    ("methods", "Shape dump"),
    ("base", "Strict"),
    ("signs", "Source Sign ForAudience StepsForAudience FlagAdvice RedFlag"),
    ("questions", "AudienceText Coding Option ShowIf RegionVariant AnswerAt AnsweredBy Item DontKnow Module"
                  " Questionnaire"),
    ("instruments", "Validation ReferenceCutoff Band SharedAnswer RiskBand WithdrawalAdvice Instrument"
                    " Instruments"),
    ("tiers", "TierWords TierText DomainInfo ManyRule SomeRule TierRule Coverage DomainBands HelpWords"
              " HelpPlan Tiers Section Education Sources Signs ReachWords RedFlags"),
    ("regions", "PhoneNumber Sms Resource Region Resources"),
    ("feedback", "Feedback FeedbackLine Frames Menu MenuOption SelfEfficacy"),
    ("phrases", "Plural Phrases"),
):
    _WHERE.update(dict.fromkeys(_names.split(), _module))
del _module, _names
__all__ = sorted(_WHERE)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .vocabulary import (  # noqa: F401
        SIGN_IDS, AUDIENCES, TIERS, ALL_TIERS, INSTRUMENT_IDS, SEXES, SEX_LABELS, SCORED_DOMAINS,
        CRISIS_TYPES, REFERRAL_TYPES, DONT_KNOW, Answer, Audience, Domain, ResourceType, Urgency,
        When,
    )
    from .methods import Shape, dump  # noqa: F401
    from .base import Strict  # noqa: F401
    from .signs import Source, Sign, ForAudience, StepsForAudience, FlagAdvice, RedFlag  # noqa: F401
    from .questions import (  # noqa: F401
        AudienceText, Coding, Option, ShowIf, RegionVariant, AnswerAt, AnsweredBy, Item, DontKnow,
        Module, Questionnaire,
    )
    from .instruments import (  # noqa: F401
        Validation, ReferenceCutoff, Band, SharedAnswer, RiskBand, WithdrawalAdvice, Instrument,
        Instruments,
    )
    from .tiers import (  # noqa: F401
        TierWords, TierText, DomainInfo, ManyRule, SomeRule, TierRule, Coverage, DomainBands,
        HelpWords, HelpPlan, Tiers, Section, Education, Sources, Signs, ReachWords, RedFlags,
    )
    from .regions import PhoneNumber, Sms, Resource, Region, Resources  # noqa: F401
    from .feedback import Feedback, FeedbackLine, Frames, Menu, MenuOption, SelfEfficacy  # noqa: F401
    from .phrases import Plural, Phrases  # noqa: F401


__getattr__, __dir__ = lazy.names(__name__, _WHERE, globals())
