"""No alert ends without a person: an alert or call message that cannot be delivered becomes a phone call.

An alert (kind "alert") that ends undeliverable or failed: a call task for the next cadre up, and a 「请电话联系」
message to them. A call message (kind "call") that cannot be delivered either climbs: its task moves to the next
one up, quoting the original alert once. At the top (nobody above) the task stays open for the town command.
FYI messages (notice, broadcast, late_reply) never become call tasks.
"""

from __future__ import annotations

import datetime as dt

from bot.delivery.texts import CALL
from models.calls import Call, add_call_task, call_task, leave_for_the_top, move_call_up
from models.delivery import Recipient
from models.outbox import Claimed, enqueue
from models.sql import Sql
from town.command import next_up

ALERT, CALL_KIND = "alert", "call"
ALERT_KINDS = (ALERT, CALL_KIND)


def escalate_undelivered(sql: Sql, row: Claimed, person: Recipient, *, now: dt.datetime) -> None:
    """For an alert-class message that ended undeliverable or failed: the phone call that replaces it."""
    if row.kind == ALERT:
        _call_for_alert(sql, row, person, now)
    elif row.kind == CALL_KIND:
        _climb(sql, row, now)


def _call_for_alert(sql: Sql, row: Claimed, person: Recipient, now: dt.datetime) -> None:
    caller = next_up(sql, row.recipient_openid)
    _hand_to(sql, row.id, caller, (row.recipient_openid, person.name, person.phone), row.text, now)


def _climb(sql: Sql, row: Claimed, now: dt.datetime) -> None:
    """The caller did not get the call message: the next one up gets the same call, or the town command keeps it."""
    task = call_task(sql, task_id=int(row.payload.get("task") or 0))
    if task is None or task.done_at is not None or task.moved_at is not None:
        return  # done meanwhile, or an old call message from before tasks were numbered
    caller = next_up(sql, row.recipient_openid)
    if caller is None or caller == task.callee_openid:
        leave_for_the_top(sql, task_id=task.id)
        return
    callee = (task.callee_openid, task.callee_name, task.callee_phone)
    if _hand_to(sql, row.id, caller, callee, task.text, now) is not None:
        move_call_up(sql, task_id=task.id, now=now)


def _hand_to(sql: Sql, outbox_id: int, caller: str | None, callee: tuple, text: str, now: dt.datetime) -> int | None:
    """A call task for `caller` (None: the town command's) about `callee` (openid, name, phone), and its message."""
    openid, name, phone = callee
    task_id = add_call_task(
        sql, outbox_id=outbox_id, caller_openid=caller, callee_openid=openid, callee_name=name,
        callee_phone=phone, text=text, now=now,
    )  # fmt: skip
    if task_id is not None and caller is not None:
        _ask(sql, outbox_id, caller, call_task(sql, task_id=task_id), now)
    return task_id


def _ask(sql: Sql, outbox_id: int, caller: str, task: Call, now: dt.datetime) -> None:
    """The 「请电话联系」 message for one task (the original alert quoted once, never a call inside a call)."""
    who = CALL.who.format(name=task.callee_name or task.callee_openid, phone=task.callee_phone or CALL.no_phone)
    enqueue(
        sql,
        key=f"call:{outbox_id}",
        recipient_openid=caller,
        kind=CALL_KIND,
        now=now,
        text=CALL.call.format(who=who, text=task.text, number=task.id),
        payload={"task": task.id},
    )
