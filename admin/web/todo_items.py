"""The 待办 board's items: the chat's 待办 tasks (handlers/todo), each with the chat commands it offers as buttons.

Every task line ends with the commands that close it, as the cadre would type them (「接单 12」, 「无法办理 12 原因」).
The board reads its buttons from those very commands, and runs the chosen one through the dialogue engine as if the
cadre had sent it: what the board can do and what it does can never drift from the chat.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from bot.dialogue import Context, Engine
from handlers.todo import gather_sourced
from models.person import caller_by_id
from models.sql import Sql, release_savepoint, rollback_to_savepoint, savepoint
from town import clock
from town.policy import DISPOSITIONS

log = logging.getLogger(__name__)
SAVEPOINT = "board"
ARROW = "→"
QUOTED = re.compile(r"「([^」]+)」")
NUMBER = re.compile(r"\d+")
# Words in a task's command that stand for what the cadre writes (「无法办理 12 原因」): a text field on the board.
PLACEHOLDERS = ("原因", "您的答复", "情况", "绑定码")
KEEP = "维持"  # a pending easing: the board also offers 改为 (a measure of the cadre's choosing, with the reason)
OVERRIDE = "改为"
MAX_TEXT = 500


@dataclass(frozen=True)
class Action:
    """One command a task offers: run as it is, or with the cadre's words (and a measure) added."""

    label: str
    command: str  # the text sent, or its start when `ask` is set
    ask: str | None = None  # what the cadre writes (原因, 您的答复, 情况)
    choices: tuple[str, ...] = ()  # 改为: the measures to choose from

    def text(self, written: str = "", choice: str = "") -> str | None:
        """The message this action sends; None when a required choice is missing or not one offered."""
        parts = [self.command]
        if self.choices:
            if choice not in self.choices:
                return None
            parts.append(choice)
        words = " ".join(written.split())[:MAX_TEXT] if self.ask else ""
        return " ".join(part for part in (*parts, words) if part)


@dataclass(frozen=True)
class Item:
    """One task of the cadre's 待办, as the board shows it."""

    key: str  # the source and the task's number: stable while the task is open
    text: str  # what the task is (the chat line before its →)
    hint: str  # the chat's own hint (after the →), shown small
    urgent: bool
    actions: tuple[Action, ...] = field(default_factory=tuple)

    @property
    def line(self) -> str:
        """The task as the chat's 待办 says it (what the audit log keeps)."""
        return f"{self.text}\n{ARROW} {self.hint}" if self.hint else self.text


def actions_of(hint: str) -> tuple[Action, ...]:
    """The commands a task's hint names; only those naming the task's number (「绑定 绑定码」 is someone else's)."""
    found: list[Action] = []
    for quoted in QUOTED.findall(hint):
        words = quoted.split()
        if not any(NUMBER.fullmatch(word) for word in words):
            continue
        ask = words.pop() if words[-1] in PLACEHOLDERS else None
        label = "".join(word for word in words if not NUMBER.fullmatch(word))
        found.append(Action(label=label, command=" ".join(words), ask=ask))
        if words[0] == KEEP:
            found.append(Action(OVERRIDE, f"{OVERRIDE} {words[1]}", ask=PLACEHOLDERS[0], choices=DISPOSITIONS))
    return tuple(found)


def item_of(source: int, text: str, urgent: bool) -> Item:
    """A task line as a board item."""
    what, _, hint = text.partition(ARROW)
    actions = actions_of(hint)
    number = next((NUMBER.search(a.command).group() for a in actions), None) or _first_number(what)
    return Item(key=f"{source}-{number}", text=what.strip(), hint=hint.strip(), urgent=urgent, actions=actions)


def _first_number(text: str) -> str:
    found = NUMBER.search(text)
    return found.group() if found else "0"


def items(ctx: Context) -> list[Item]:
    """The cadre's 待办, urgent first, exactly as the chat gathers it."""
    return [item_of(source, task.text, task.urgent) for source, task in gather_sourced(ctx)]


def context(sql: Sql, *, person_id: int, now: dt.datetime, state) -> Context | None:
    """The cadre's dialogue context, as a message of theirs would have it (None: no such person)."""
    caller = caller_by_id(sql, person_id=person_id)
    if caller is None:
        return None
    return Context(sql=sql, person=caller, now=now, settings=state.settings, villages=state.villages, risk=state.risk)


def run(engine: Engine, ctx: Context, text: str) -> str | None:
    """Run the command text through the dialogue engine, as the chat would: the reply the cadre would get.

    Inside a savepoint, as the inbox runs a handler: if it fails, its writes go and None is returned."""
    savepoint(ctx.sql, name=SAVEPOINT)
    try:
        with clock.handling(ctx.now):
            reply = engine.converse(ctx, text)
        ctx.flush()
    except Exception:
        log.exception("a 待办 command from the dashboard failed")
        rollback_to_savepoint(ctx.sql, name=SAVEPOINT)
        return None
    release_savepoint(ctx.sql, name=SAVEPOINT)
    return reply
