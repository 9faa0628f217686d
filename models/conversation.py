"""Where each person is in a conversation: one row per openid, with an expiry."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlmodel import Field, SQLModel

from models.sql import Sql


class ConversationState(SQLModel, table=True):
    """A flow in progress: which flow, which step, what has been collected so far."""

    __tablename__ = "conversation_state"

    openid: str = Field(primary_key=True, max_length=64)
    flow: str = Field(max_length=64)
    step: str = Field(max_length=64)
    slots: str = "{}"
    started_at: dt.datetime
    updated_at: dt.datetime


@dataclass
class State:
    """The in-memory form of a conversation state."""

    flow: str
    step: str
    slots: dict = field(default_factory=dict)
    started_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


LOAD = "SELECT flow, step, slots, started_at, updated_at FROM conversation_state WHERE openid = :openid"
SAVE = (
    "INSERT INTO conversation_state (openid, flow, step, slots, started_at, updated_at)"
    " VALUES (:openid, :flow, :step, :slots, :started_at, :now)"
    " ON CONFLICT (openid) DO UPDATE SET flow = excluded.flow, step = excluded.step, slots = excluded.slots,"
    " started_at = excluded.started_at, updated_at = excluded.updated_at"
)
CLEAR = "DELETE FROM conversation_state WHERE openid = :openid"


PREFETCH = "conversation_state"  # the key `prefetched` rows of this table go under, with the openid


def load_state(sql: Sql, *, openid: str) -> State | None:
    """The person's conversation state, if any (expiry is the engine's decision); known already when the message's
    first statement brought it (models/person.touch_person) or this message wrote it."""
    key = (PREFETCH, openid)
    row = sql.prefetched[key] if key in sql.prefetched else sql.one(LOAD, openid=openid)
    if row is None:
        return None
    flow, step, slots, started_at, updated_at = row
    return State(flow, step, json.loads(slots), sql.read_time(started_at), sql.read_time(updated_at))


def save_state(sql: Sql, *, openid: str, state: State, now: dt.datetime) -> None:
    """Insert or replace the person's conversation state (queued: it goes with the next statement)."""
    row = (state.flow, state.step, json.dumps(state.slots, ensure_ascii=False), state.started_at or now, now)
    sql.prefetched[(PREFETCH, openid)] = row
    flow, step, slots, started_at, _ = row
    sql.queue(
        SAVE,
        openid=openid,
        flow=flow,
        step=step,
        slots=slots,
        started_at=sql.time(started_at),
        now=sql.time(now),
    )


def clear_state(sql: Sql, *, openid: str) -> None:
    """Forget the person's conversation (finished, cancelled or expired)."""
    sql.prefetched[(PREFETCH, openid)] = None
    sql.queue(CLEAR, openid=openid)
