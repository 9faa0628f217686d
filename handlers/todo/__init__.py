"""待办: everything waiting for one cadre, gathered from every kind of task.

Extension point: SOURCES holds functions `(ctx) -> list[str]`. Each returns this cadre's open tasks of one kind,
one string per task, ready to show: it names the task by its own number (the N the commands take, never a list
position) and ends with the command that closes it, e.g. 「第12号物资：张桂兰…\n  → 回「接单 12」」. A task may span
two lines. Return [] when the cadre has nothing of that kind (or holds no role for it). Sampling rounds and policy
questions add their source with a one-line edit of SOURCES; the order of SOURCES is the order shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.dialogue import Command, Context
from handlers import faq, sampling, supplies
from handlers.todo.texts import TEXT
from models.cadre import held_roles
from models.care import cares_now

SHOWN = 20


Source = Callable[[Context], list[str]]
SOURCES: tuple[Source, ...] = (supplies.todo_lines, sampling.todo_lines, faq.todo_lines)
PATTERN = re.compile(r"^(?:我的)?(?:待办|代办)(?:事项|的事)?[\s。.!！?？]*$")


def todo(ctx: Context, _match: re.Match | None = None) -> str:
    """The cadre's tasks from every source, in order; a polite refusal for someone with no role."""
    if not held_roles(ctx.sql, person_id=ctx.person.id) and not cares_now(ctx.sql, person_id=ctx.person.id):
        return TEXT.cadres_only
    lines = [line for source in SOURCES for line in source(ctx)]
    if not lines:
        return TEXT.nothing
    shown = "\n".join(lines[:SHOWN]) + (TEXT.more.format(n=len(lines) - SHOWN) if len(lines) > SHOWN else "")
    return TEXT.header.format(count=len(lines), lines=shown)


COMMAND = Command(name="todo", pattern=PATTERN, run=todo, help=TEXT.help)
