"""The declarations a conversation is made of: flows, their steps, and what a parser returns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.settings import Settings
from models.person import Caller
from models.sql import Sql

if TYPE_CHECKING:
    from bot.risk import RiskContext
    from bot.villages import VillageIndex


@dataclass(frozen=True)
class VillageRef:
    """A village as the dialogue knows it (loaded once at start-up)."""

    id: int
    name: str


@dataclass
class Context:
    """What a step, parser or finisher may look at while handling one message."""

    sql: Sql
    person: Caller
    now: dt.datetime
    settings: Settings
    villages: VillageIndex
    slots: dict = field(default_factory=dict)
    # Reading a correction at the confirmation: parsers accept only values they are certain of.
    correcting: bool = False
    # The policy table and the latest risk list (set by the inbox; None where no flow needs them).
    risk: RiskContext | None = None
    _session: Session | None = None

    @property
    def session(self) -> Session:
        """An ORM session in this message's transaction, opened on first use (most messages never need one)."""
        if self._session is None:
            self._session = Session(bind=self.sql.connection, expire_on_commit=False)
        return self._session

    def flush(self) -> None:
        """Write what the handler added to the ORM session (before its savepoint is released)."""
        if self._session is not None:
            self._session.flush()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


@dataclass(frozen=True)
class Parsed:
    """A parser's answer: a clean value, or a re-ask (with optional memo kept in the state)."""

    value: Any = None
    reask: str | None = None
    memo: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.reask is None


def accept(value: Any) -> Parsed:
    """The reply gave a usable value."""
    return Parsed(value=value)


def reask(text: str, **memo: Any) -> Parsed:
    """The reply was not usable: ask again with this text."""
    return Parsed(reask=text, memo=memo)


Question = str | Callable[[Context], str]


@dataclass(frozen=True)
class Step:
    """One question: the slot it fills, how to ask, how to read the answer, when to skip it."""

    slot: str
    label: str
    ask: Question
    parse: Callable[[str, Context], Parsed]
    skip: Callable[[Context], bool] | None = None
    # Free-text answers (a name) cannot be recognised inside a correction like 「不对，是金水区」.
    recognisable: bool = True

    def question(self, ctx: Context) -> str:
        return self.ask(ctx) if callable(self.ask) else self.ask


@dataclass(frozen=True)
class Flow:
    """A conversation: how it starts, what it asks in order, how it confirms and finishes."""

    name: str
    title: str
    steps: tuple[Step, ...]
    finish: Callable[[Context], str]
    entry_words: tuple[str, ...] = ()
    entry_keys: tuple[str, ...] = ()
    entry_intents: tuple[str, ...] = ()
    summary: Callable[[Context], str] | None = None
    prefill: Callable[[Context, str | None, bool], dict] | None = None
    # Only people holding one of these cadre roles may start it (empty: anyone).
    roles: tuple[str, ...] = ()

    @property
    def word(self) -> str:
        """What a person sends to start this flow (its first entry word)."""
        return self.entry_words[0] if self.entry_words else self.title

    def step(self, slot: str) -> Step | None:
        return next((s for s in self.steps if s.slot == slot), None)


@dataclass(frozen=True)
class Then:
    """A command's reply followed by a flow to carry on with (绑定, then 我的信息 for a cadre without a name)."""

    reply: str
    flow: str


@dataclass(frozen=True)
class Command:
    """A one-message command (「绑定 CODE」, later 「接单 3」): a pattern and what it does."""

    name: str
    pattern: re.Pattern
    run: Callable[[Context, re.Match], str | Then]
    # A line for 帮助, shown to people holding a cadre role (empty: not listed) or one of `help_roles`.
    help: str = ""
    help_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A one-message answer to an intent (「郑州二七区现在是高风险吗」): no questions, no state."""

    name: str
    intents: tuple[str, ...]
    run: Callable[[Context, str, Any], str]  # (ctx, text, the NLU's Understanding)
    # Answered in the middle of a flow too, when the message is no answer to its question (「全家正常」 while
    # asking what to buy): the question is asked again after it.
    aside: bool = False
