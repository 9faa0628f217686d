"""The declarations a conversation is made of: flows, their steps, and what a parser returns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.villages import VillageIndex
from models.cadre import forget_roles
from models.person import Caller
from models.sql import Sql
from town import clock
from town.settings import Settings

if TYPE_CHECKING:
    from bot.risk import RiskContext


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
    limited: bool = False  # past the per-minute limit: stored, no handler ran
    # The policy table and the latest risk list (set by the inbox; None where no flow needs them).
    risk: RiskContext | None = None
    # The flow this person was in when the message arrived (set by the engine; None when in none).
    flow: str | None = None
    # What the person also asked for and is still to be done, one after another (kept in the stored state).
    pending: list = field(default_factory=list)
    _session: Session | None = None
    _reader: Callable[[str, dt.date], Any] | None = None
    _understood: dict[str, Any] = field(default_factory=dict)
    _today: tuple[dt.datetime, dt.date] | None = None

    def hear(self, reader: Callable[[str, dt.date], Any] | None) -> None:
        """Set the NLU this message is read with (by the engine)."""
        self._reader = reader

    def understand(self, text: str) -> Any:
        """What the NLU makes of the text (an Understanding, or None without an NLU): each text read once."""
        if self._reader is None:
            return None
        if text not in self._understood:
            self._understood[text] = self._reader(text, self.today)
        return self._understood[text]

    @property
    def today(self) -> dt.date:
        """The town's date for this message (worked out once: parsers ask for it often)."""
        if self._today is None or self._today[0] is not self.now:
            self._today = (self.now, clock.today(self.now))
        return self._today[1]

    @property
    def session(self) -> Session:
        """An ORM session in this message's transaction, opened on first use (most messages never need one)."""
        if self._session is None:
            self.sql.send_queued()  # the ORM's statements do not go through `sql`: what it queued goes first
            forget_roles(self.sql)  # it may grant one
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
    # An optional item takes 「不知道」「没有」「跳过」 as none; a required one offers a person to phone instead.
    # Or a function of the context, where the policy decides (an ID number the town may not require).
    optional: bool | Callable[[Context], bool] = False
    # Runs once the answer is stored (a fever's village: its doctor hears now); its text comes before the next question.
    answered: Callable[[Context], str | None] | None = None

    def question(self, ctx: Context) -> str:
        return self.ask(ctx) if callable(self.ask) else self.ask

    def may_be_empty(self, ctx: Context) -> bool:
        """Whether the item may be left empty here (then 「不知道」 or two misses leave it so)."""
        return self.optional(ctx) if callable(self.optional) else self.optional


@dataclass(frozen=True)
class Flow:
    """A conversation: how it starts, what it asks in order, how it confirms and finishes."""

    name: str
    title: str
    steps: tuple[Step, ...]
    finish: Callable[[Context], Outcome]
    entry_words: tuple[str, ...] = ()
    entry_keys: tuple[str, ...] = ()
    entry_intents: tuple[str, ...] = ()
    summary: Callable[[Context], str] | None = None
    prefill: Callable[[Context, str | None, bool], dict] | None = None
    # Only people holding one of these cadre roles may start it (empty: anyone).
    roles: tuple[str, ...] = ()
    # Whether a message about something else asks for this too (「发烧了 家里也没药了」): (ctx, text, understanding).
    also: Callable[[Context, str, Any], bool] | None = None
    # Questions its finish answers: 「刚从广州回来 用不用隔离啊」 is answered when the declaration is done.
    settles: tuple[str, ...] = ()
    # The next message, when nothing else places it, as the answer to the open question its finish asked (发烧报告's
    # 「是谁、多少度」 answered 「我自己」): (ctx, text, understanding), None when it is no answer either.
    hears: Callable[[Context, str, Any], Outcome | None] | None = None
    # What a message tells that answers later questions, read when it answers not the one asked (「从郑州回来的，昨天
    # 坐大巴」 when the ID is asked): (ctx, text) -> slots to keep.
    reads: Callable[[Context, str], dict] | None = None

    @property
    def word(self) -> str:
        """What a person sends to start this flow (its first entry word)."""
        return self.entry_words[0] if self.entry_words else self.title

    def step(self, slot: str) -> Step | None:
        return next((s for s in self.steps if s.slot == slot), None)


@dataclass(frozen=True)
class Then:
    """A reply, then a flow to carry on with: 绑定 then 我的信息, or a fever's follow-up questions with what is known.

    Without slots the flow starts as if its entry word were sent; with slots it goes on from the first step they
    do not fill. Handlers hand over this way and never write the engine's state themselves.
    """

    reply: str
    flow: str
    slots: dict | None = None
    sep: str = "\n\n"  # between the reply and the flow's first question


@dataclass(frozen=True)
class End:
    """A reply that also ends the conversation in progress (「取消申请」 while the form is being filled in)."""

    reply: str


@dataclass(frozen=True)
class Offer:
    """A reply that ends in a yes/no question whose yes starts a flow: 「您是从那边回来的吗？」.

    The next message answers it: a bare yes (是, 是的, 对, 嗯, 是哩…) starts the flow, a bare no is answered
    kindly, anything else is read as a new message.
    """

    reply: str
    flow: str


Outcome = str | Then | End | Offer


def prepend(text: str, outcome: Outcome, sep: str = "\n") -> Outcome:
    """The same outcome with `text` said before its reply."""
    if isinstance(outcome, str):
        return f"{text}{sep}{outcome}"
    return replace(outcome, reply=f"{text}{sep}{outcome.reply}")


@dataclass(frozen=True)
class Command:
    """A one-message command (「绑定 CODE」, later 「接单 3」): a pattern and what it does."""

    name: str
    pattern: re.Pattern
    run: Callable[[Context, re.Match], Outcome]
    # A line for 帮助, shown to people holding a cadre role (empty: not listed) or one of `help_roles`.
    help: str = ""
    help_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A one-message answer to an intent (「郑州二七区现在是高风险吗」): no questions, no state."""

    name: str
    intents: tuple[str, ...]
    run: Callable[[Context, str, Any], Outcome]  # (ctx, text, the NLU's Understanding)
    # Answered in the middle of a flow too, when the message is no answer to its question (「全家正常」 while
    # asking what to buy): the question is asked again after it.
    aside: bool = False
    # Whether a message about something else says this too (「刚从郑州回来 有点发烧」): answered first.
    also: Callable[[Context, str, Any], bool] | None = None


@dataclass(frozen=True)
class AccountEvent:
    """What a person did to the account itself: follow, unfollow, a QR scan, a location report."""

    name: str  # subscribe, unsubscribe, scan, location
    key: str | None = None  # the QR scene of a follow or scan
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Registry:
    """Everything the handlers declare for the engine: filled by the app factory, so `bot/` imports no handler."""

    flows: tuple[Flow, ...] = ()
    commands: tuple[Command, ...] = ()
    answers: tuple[Answer, ...] = ()
    # Account events by name (subscribe, unsubscribe, scan, location): what a person did, and the reply if any.
    events: dict[str, Callable[[Context, AccountEvent], str | None]] = field(default_factory=dict)
    # Menu keys that show 帮助 instead of starting a flow.
    help_keys: tuple[str, ...] = ()
