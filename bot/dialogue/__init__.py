"""The dialogue engine: flows declared as state tables, state kept per openid in the database."""

from bot.dialogue.engine import Engine
from bot.dialogue.flow import (
    AccountEvent,
    Answer,
    Command,
    Context,
    End,
    Flow,
    Outcome,
    Parsed,
    Registry,
    Step,
    Then,
    accept,
    prepend,
    reask,
)

__all__ = [
    "AccountEvent",
    "Answer",
    "Command",
    "Context",
    "End",
    "Engine",
    "Flow",
    "Outcome",
    "Parsed",
    "Registry",
    "Step",
    "Then",
    "accept",
    "prepend",
    "reask",
]
