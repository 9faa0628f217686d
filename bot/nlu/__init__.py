"""Natural-language understanding: `understand(text, today)` -> intent and slots (shared/nlu/README.md).

This is the minimal keyword version the service started with; the jieba-based NLU replaces it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

INTENTS = (
    "declare_return",
    "request_supplies",
    "report_fever",
    "health_checkin",
    "report_event",
    "report_vaccination",
    "query_risk",
    "ask_policy",
    "report_checkpoint",
    "help",
    "cancel",
    "unknown",
)
_KEYWORDS = {
    "help": ("帮助", "菜单", "怎么用", "能做什么"),
    "cancel": ("取消", "退出", "不填了"),
}


@dataclass
class Understanding:
    """What a message means: one intent, the slots found, and secondary findings."""

    intent: str
    slots: dict = field(default_factory=dict)
    secondary: dict = field(default_factory=dict)


def understand(text: str, today: dt.date | None = None) -> Understanding:
    """Read one message."""
    for intent, keywords in _KEYWORDS.items():
        if any(word in text for word in keywords):
            return Understanding(intent)
    return Understanding("unknown")


def warm_up() -> None:
    """Load what the NLU needs before the first message (nothing for the keyword version)."""
