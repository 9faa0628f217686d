"""Messages the system owes to people: written in the same transaction as the change that caused them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel

from models.db import upsert_insert

QUEUED = "queued"


class OutboxMessage(SQLModel, table=True):
    """One message for one recipient; the delivery worker moves it to sent/delivered/failed."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    recipient_openid: str = Field(index=True, max_length=64)
    kind: str = Field(max_length=50)
    text: str
    payload: str = "{}"
    status: str = Field(default=QUEUED, index=True, max_length=20)
    channel: str | None = Field(default=None, max_length=20)
    attempts: int = 0
    last_error: str | None = None
    created_at: dt.datetime
    due_at: dt.datetime
    sent_at: dt.datetime | None = None


def enqueue(session: Session, *, key: str, recipient_openid: str, kind: str, text: str, now: dt.datetime) -> bool:
    """Queue a message once per idempotency key; False when that key was queued before."""
    result = session.execute(
        upsert_insert(session)(OutboxMessage)
        .values(
            idempotency_key=key,
            recipient_openid=recipient_openid,
            kind=kind,
            text=text,
            payload="{}",
            status=QUEUED,
            attempts=0,
            created_at=now,
            due_at=now,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    return bool(result.rowcount)


def recent_outbox(session: Session, *, limit: int = 50) -> list[OutboxMessage]:
    """The newest outbox rows first (the simulator's view)."""
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)).scalars())
