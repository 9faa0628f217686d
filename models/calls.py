"""Phone-call tasks (the `call_task` table, models.delivery.CallTask): an alert no channel delivered, to phone.

A task is open until its caller marks it done, or until it moves up (the call message itself went undelivered:
a new task for the next one up replaces it). A task with no caller belongs to the town command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from models.person import openid_in_villages
from models.sql import Sql


@dataclass(frozen=True)
class Call:
    """One phone call to make: who calls (None: the town command), whom, and the alert to pass on."""

    id: int
    outbox_id: int
    caller_openid: str | None
    callee_openid: str
    callee_name: str | None
    callee_phone: str | None
    text: str
    created_at: dt.datetime
    done_at: dt.datetime | None = None
    moved_at: dt.datetime | None = None


_COLUMNS = "id, outbox_id, caller_openid, callee_openid, callee_name, callee_phone, text, created_at, done_at, moved_at"
_OPEN = "done_at IS NULL AND moved_at IS NULL"
ADD = (
    "INSERT INTO call_task (outbox_id, caller_openid, callee_openid, callee_name, callee_phone, text, created_at)"
    " VALUES (:outbox_id, :caller, :callee, :name, :phone, :text, :now) ON CONFLICT (outbox_id) DO NOTHING"
    " RETURNING id"
)
BY_ID = f"SELECT {_COLUMNS} FROM call_task WHERE id = :id"
BY_OUTBOX = f"SELECT {_COLUMNS} FROM call_task WHERE outbox_id = :outbox_id"
OPEN_FOR = f"SELECT {_COLUMNS} FROM call_task WHERE {_OPEN} AND (caller_openid = :caller OR {{top}}) ORDER BY id"
ALL_OPEN = f"SELECT {_COLUMNS} FROM call_task WHERE {_OPEN} ORDER BY id"
DONE = f"UPDATE call_task SET done_at = :now WHERE id = :id AND {_OPEN}"
MOVED = f"UPDATE call_task SET moved_at = :now WHERE id = :id AND {_OPEN}"
TO_TOP = f"UPDATE call_task SET caller_openid = NULL WHERE id = :id AND {_OPEN}"


def _call(sql: Sql, row: tuple) -> Call:
    return Call(*row[:7], *(sql.read_time(value) for value in row[7:]))


def add_call_task(
    sql: Sql,
    *,
    outbox_id: int,
    caller_openid: str | None,
    callee_openid: str,
    callee_name: str | None,
    callee_phone: str | None,
    text: str,
    now: dt.datetime,
) -> int | None:
    """A phone call someone must make for an undelivered message (once per message); its id, None if known."""
    row = sql.one(
        ADD,
        outbox_id=outbox_id,
        caller=caller_openid,
        callee=callee_openid,
        name=callee_name,
        phone=callee_phone,
        text=text,
        now=sql.time(now),
    )
    return row[0] if row else None


def call_task(sql: Sql, *, task_id: int) -> Call | None:
    """One task by its number, open or not."""
    row = sql.one(BY_ID, id=task_id)
    return _call(sql, row) if row else None


def call_for_message(sql: Sql, *, outbox_id: int) -> Call | None:
    """The task an undelivered message became, if any."""
    row = sql.one(BY_OUTBOX, outbox_id=outbox_id)
    return _call(sql, row) if row else None


def open_calls_for(sql: Sql, *, caller_openid: str, top: bool = False) -> list[Call]:
    """The open tasks this person should make; with `top` (the town command) also those nobody else holds."""
    query = OPEN_FOR.format(top="caller_openid IS NULL" if top else "1 = 0")
    return [_call(sql, row) for row in sql.all(query, caller=caller_openid)]


def open_calls(sql: Sql) -> list[Call]:
    """Every open task, oldest first."""
    return [_call(sql, row) for row in sql.all(ALL_OPEN)]


def open_calls_in(sql: Sql, *, villages: Collection[int] | None) -> list[Call]:
    """Every open task whose caller or callee belongs to these villages (None: the whole town), oldest first."""
    if villages is None:
        return open_calls(sql)
    callee, params = openid_in_villages(sql, column="callee_openid", villages=villages)
    caller, _ = openid_in_villages(sql, column="caller_openid", villages=villages)
    query = f"SELECT {_COLUMNS} FROM call_task WHERE {_OPEN} AND ({callee} OR {caller}) ORDER BY id"
    return [_call(sql, row) for row in sql.all(query, **params)]


def call_in_villages(sql: Sql, *, task_id: int, villages: Collection[int] | None) -> Call | None:
    """One task, open or not, when its caller or callee belongs to these villages (None: the whole town)."""
    if villages is None:
        return call_task(sql, task_id=task_id)
    callee, params = openid_in_villages(sql, column="callee_openid", villages=villages)
    caller, _ = openid_in_villages(sql, column="caller_openid", villages=villages)
    row = sql.one(f"{BY_ID} AND ({callee} OR {caller})", id=task_id, **params)
    return _call(sql, row) if row else None


def mark_call_done(sql: Sql, *, task_id: int, now: dt.datetime) -> bool:
    """The call was made; False when it was not open."""
    return sql.run(DONE, id=task_id, now=sql.time(now)) == 1


def move_call_up(sql: Sql, *, task_id: int, now: dt.datetime) -> bool:
    """The caller could not be told: the task is replaced by one for the next one up."""
    return sql.run(MOVED, id=task_id, now=sql.time(now)) == 1


def leave_for_the_top(sql: Sql, *, task_id: int) -> bool:
    """Nobody above the caller can be told: the task waits for the town command."""
    return sql.run(TO_TOP, id=task_id) == 1


CALL_MESSAGE = "SELECT id FROM outbox_message WHERE idempotency_key = :key"


def open_task_for(sql: Sql, *, outbox_id: int) -> Call | None:
    """The open task an undelivered message ended as, followed up the chain of calls that climbed."""
    for _ in range(20):  # a chain is as long as the chain of command
        task = call_for_message(sql, outbox_id=outbox_id)
        if task is None or task.done_at is not None:
            return None
        if task.moved_at is None:
            return task
        row = sql.one(CALL_MESSAGE, key=f"call:{outbox_id}")
        if row is None:
            return None
        outbox_id = row[0]
    return None
