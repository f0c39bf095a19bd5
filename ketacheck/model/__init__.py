"""The content model: typed, validated shapes for everything in `assessments/`, one module per
file or concept. Pydantic models check each file's shape; cross-file rules (ids that must exist,
thresholds in order, every region reachable in an emergency) live in `loader.py`, which sees all files
at once. Everything is importable from here (`from ketacheck.model import Item`)."""

from __future__ import annotations

from .base import (  # noqa: F401
    SIGN_IDS,
    AUDIENCES,
    TIERS,
    ALL_TIERS,
    INSTRUMENT_IDS,
    SEXES,
    SEX_LABELS,
    Audience,
    Domain,
    ResourceType,
    SCORED_DOMAINS,
    CRISIS_TYPES,
    REFERRAL_TYPES,
    Strict,
    dump,
)
from .signs import (  # noqa: F401
    Source,
    Sign,
    Urgency,
    When,
    ForAudience,
    StepsForAudience,
    FlagAdvice,
    RedFlag,
)
from .questions import (  # noqa: F401
    DONT_KNOW,
    Answer,
    AudienceText,
    Coding,
    Option,
    ShowIf,
    RegionVariant,
    AnswerAt,
    AnsweredBy,
    Item,
    DontKnow,
    Module,
    Questionnaire,
)
from .instruments import (  # noqa: F401
    Validation,
    ReferenceCutoff,
    Band,
    SharedAnswer,
    RiskBand,
    WithdrawalAdvice,
    Instrument,
    Instruments,
)
from .tiers import (  # noqa: F401
    TierWords,
    TierText,
    DomainInfo,
    ManyRule,
    SomeRule,
    TierRule,
    Coverage,
    DomainBands,
    HelpWords,
    HelpPlan,
    Tiers,
    Section,
    Education,
    Sources,
    Signs,
    ReachWords,
    RedFlags,
)
from .regions import (  # noqa: F401
    PhoneNumber,
    Sms,
    Resource,
    Region,
    Resources,
)
from .feedback import (  # noqa: F401
    Feedback,
    FeedbackLine,
    Frames,
    Menu,
    MenuOption,
    SelfEfficacy,
)
