"""Where each person is in a conversation: one row per openid, with an expiry."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlmodel import Field, Session, SQLModel

from models.db import upsert_insert


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


def load_state(session: Session, *, openid: str) -> State | None:
    """The person's conversation state, if any (expiry is the engine's decision)."""
    row = session.execute(select(ConversationState).where(ConversationState.openid == openid)).scalar_one_or_none()
    if row is None:
        return None
    return State(row.flow, row.step, json.loads(row.slots), row.started_at, row.updated_at)


def save_state(session: Session, *, openid: str, state: State, now: dt.datetime) -> None:
    """Insert or replace the person's conversation state."""
    insert = upsert_insert(session)
    values = {
        "flow": state.flow,
        "step": state.step,
        "slots": json.dumps(state.slots, ensure_ascii=False),
        "updated_at": now,
    }
    session.execute(
        insert(ConversationState)
        .values(openid=openid, started_at=state.started_at or now, **values)
        .on_conflict_do_update(index_elements=["openid"], set_=values)
    )


def clear_state(session: Session, *, openid: str) -> None:
    """Forget the person's conversation (finished, cancelled or expired)."""
    session.execute(delete(ConversationState).where(ConversationState.openid == openid))
