"""已打电话 N: a cadre closes a phone-call task (an alert nobody could receive, passed on by phone).

Call tasks come from delivery (bot/delivery/escalation): each names who should call (the next one up; none for
the town command) and whom, and quotes the original alert once. `todo_lines` is the 待办 source.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import Command, Context
from bot.dialogue.tasks import NUMBER, Task, task_number
from handlers.calls.texts import TEXT
from models.cadre import held_roles
from models.calls import Call, call_task, mark_call_done, open_calls_for, open_task_for
from models.outbox import enqueue
from models.person import contact_of
from models.sql import Sql
from town import command
from town.alerts import NOTICE

# The number is required: 「已经打电话了」 alone is what a villager says of calling their doctor.
PATTERN = re.compile(rf"^(?:我?已经?)?(?:打过|打完|打了|打)电话了?\s*(?:第|编号)?\s*{NUMBER}\s*号?[\s。.!！~]*$")


def _is_top(ctx: Context) -> bool:
    return any(role == command.TOP for role, _ in held_roles(ctx.sql, person_id=ctx.person.id))


DONE, ALREADY, MOVED, NOT_FOUND, NOT_YOURS = "done", "already", "moved", "not_found", "not_yours"
DONE_ABOVE = "done_above"  # the task had moved up: the higher task it became was closed instead


def close_call(
    sql: Sql, *, number: int, closer_openid: str | None, top: bool, now: dt.datetime
) -> tuple[str, Call | None]:
    """Mark a task done for whoever made the call: its caller, or the town command for any; the outcome and task.

    The chat's 「已打电话 N」 and the dashboard's button both come here.
    """
    task = call_task(sql, task_id=number)
    if task is None:
        return NOT_FOUND, None
    if not top and (closer_openid is None or task.caller_openid != closer_openid):
        return NOT_YOURS, task
    if mark_call_done(sql, task_id=task.id, now=now):
        return DONE, task
    if task.done_at is not None:
        return ALREADY, task
    higher = _close_above(sql, task, closer_openid=closer_openid, now=now)
    return (DONE_ABOVE, higher) if higher is not None else (MOVED, task)


def _close_above(sql: Sql, task: Call, *, closer_openid: str | None, now: dt.datetime) -> Call | None:
    """The caller phoned after all, once the task had moved up: the higher task closes, its holder is told."""
    higher = open_task_for(sql, outbox_id=task.outbox_id)
    if higher is None or not mark_call_done(sql, task_id=higher.id, now=now):
        return None
    if higher.caller_openid and higher.caller_openid != closer_openid:
        name = contact_of(sql, openid=closer_openid)[0] if closer_openid else None
        enqueue(
            sql,
            key=f"call:{higher.id}:done-below",
            recipient_openid=higher.caller_openid,
            kind=NOTICE,
            text=TEXT.done_below.format(number=higher.id, who=name or TEXT.someone),
            now=now,
        )
    return higher


def called(ctx: Context, match: re.Match) -> str:
    """Mark the task done when it is this cadre's (or, for the town command, any open one)."""
    roles = held_roles(ctx.sql, person_id=ctx.person.id)
    if not roles:
        return TEXT.cadres_only
    number = task_number(match.group(1))
    if number is None or number < 1:
        return TEXT.need_number
    top = any(role == command.TOP for role, _ in roles)
    outcome, task = close_call(ctx.sql, number=number, closer_openid=ctx.person.openid, top=top, now=ctx.now)
    if outcome == NOT_FOUND:
        return TEXT.not_found.format(number=number)
    if outcome == NOT_YOURS:
        name = contact_of(ctx.sql, openid=task.caller_openid)[0] if task.caller_openid else TEXT.command
        return TEXT.not_yours.format(number=task.id, who=name or TEXT.someone)
    if outcome == DONE_ABOVE:
        return TEXT.done_moved.format(number=number, higher=task.id)
    return {DONE: TEXT.done, ALREADY: TEXT.already, MOVED: TEXT.moved}[outcome].format(number=task.id)


def todo_lines(ctx: Context) -> list[Task]:
    """This cadre's open phone calls (the town command also sees those nobody else holds), oldest first; urgent."""
    top = _is_top(ctx)
    calls = open_calls_for(ctx.sql, caller_openid=ctx.person.openid, top=top)
    return [Task(_line(task, top), urgent=True) for task in calls]


def _line(task: Call, top: bool) -> str:
    flat = " ".join(task.text.split())
    if len(flat) > TEXT.text_limit:
        flat = flat[: TEXT.text_limit - 1] + TEXT.ellipsis
    return TEXT.todo_line.format(
        number=task.id,
        top=TEXT.todo_top if top and task.caller_openid is None else "",
        name=task.callee_name or TEXT.someone,
        phone=task.callee_phone or TEXT.no_phone,
        text=flat,
    )


COMMAND = Command(name="call_done", pattern=PATTERN, run=called, help=TEXT.help)
