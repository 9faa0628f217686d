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
from models.cadre import held_roles

SHOWN = 20


class TEXT:
    header = "您的待办（{count}件）：\n{lines}"
    more = "\n……还有{n}件没列出，先办上面的。"
    nothing = "您现在没有待办的事。有新的会马上告诉您。"
    cadres_only = "抱歉，「待办」是给负责的干部用的。您要是干部，请先找镇里要绑定码，发「绑定 绑定码」。"
    help = "发「待办」：看交给您的物资申请等待办事项，每件都写着怎么回"


Source = Callable[[Context], list[str]]
SOURCES: tuple[Source, ...] = (supplies.todo_lines, sampling.todo_lines, faq.todo_lines)
PATTERN = re.compile(r"^(?:我的)?(?:待办|代办)(?:事项|的事)?[\s。.!！?？]*$")
CARE_PERSON = "SELECT 1 FROM care_assignment WHERE person_id = :person AND released_at IS NULL LIMIT 1"


def todo(ctx: Context, _match: re.Match | None = None) -> str:
    """The cadre's tasks from every source, in order; a polite refusal for someone with no role."""
    if not held_roles(ctx.sql, person_id=ctx.person.id) and ctx.sql.one(CARE_PERSON, person=ctx.person.id) is None:
        return TEXT.cadres_only
    lines = [line for source in SOURCES for line in source(ctx)]
    if not lines:
        return TEXT.nothing
    shown = "\n".join(lines[:SHOWN]) + (TEXT.more.format(n=len(lines) - SHOWN) if len(lines) > SHOWN else "")
    return TEXT.header.format(count=len(lines), lines=shown)


COMMAND = Command(name="todo", pattern=PATTERN, run=todo, help=TEXT.help)
