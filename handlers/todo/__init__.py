"""待办: everything waiting for one cadre, gathered from every kind of task, urgent first.

Extension point: SOURCES holds functions `(ctx) -> list[Task]` (bot.dialogue.tasks). Each returns this cadre's open
tasks of one kind, one Task per task: its `text` is ready to show, names the task by its own number (the N the
commands take, as digits or a Chinese numeral; never a list position) and ends with the command that closes it,
e.g. 「第12号物资：张桂兰…\n  → 回「接单 12」」 (a task may span two lines); `urgent` marks what cannot wait (an
urgent supply request, a fever, an overdue sampling round). Return [] when the cadre has nothing of that kind (or
holds no role for it). 待办 shows the urgent tasks first, then the rest; within each, the order of SOURCES and then
each source's own order. A new kind of task is a one-line edit of SOURCES.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.dialogue import Command, Context
from bot.dialogue.tasks import Task
from handlers import cadre_review, calls, faq, fever, sampling, supplies
from handlers.todo import orphans
from handlers.todo.texts import TEXT
from models.cadre import held_roles
from models.care import cares_now

SHOWN = 20


Source = Callable[[Context], list[Task]]
SOURCES: tuple[Source, ...] = (
    fever.todo_lines,
    supplies.todo_lines,
    sampling.todo_lines,
    calls.todo_lines,
    cadre_review.todo_lines,
    faq.todo_lines,
    orphans.todo_lines,
)
PATTERN = re.compile(r"^(?:我的)?(?:待办|代办)(?:事项|的事)?[\s。.!！?？]*$")


def gather(ctx: Context) -> list[Task]:
    """Every source's tasks, urgent first; otherwise in the order of SOURCES (a stable sort)."""
    return [task for _, task in gather_sourced(ctx)]


def gather_sourced(ctx: Context) -> list[tuple[int, Task]]:
    """gather()'s tasks, each with the index in SOURCES of the source that listed it (the dashboard's 待办 board)."""
    tasks = [(index, task) for index, source in enumerate(SOURCES) for task in source(ctx)]
    return sorted(tasks, key=lambda pair: not pair[1].urgent)


def todo(ctx: Context, _match: re.Match | None = None) -> str:
    """The cadre's tasks from every source; a polite refusal for someone with no role."""
    if not held_roles(ctx.sql, person_id=ctx.person.id) and not cares_now(ctx.sql, person_id=ctx.person.id):
        return TEXT.cadres_only
    tasks = gather(ctx)
    if not tasks:
        return TEXT.nothing
    shown = "\n".join(task.text for task in tasks[:SHOWN])
    more = TEXT.more.format(n=len(tasks) - SHOWN) if len(tasks) > SHOWN else ""
    return TEXT.header.format(count=len(tasks), lines=shown + more)


COMMAND = Command(name="todo", pattern=PATTERN, run=todo, help=TEXT.help)
