"""Every inbound message and event, stored before it is handled; the dedupe key lives here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import UniqueConstraint, select, update
from sqlmodel import Field, Session, SQLModel

from models.db import upsert_insert

RECEIVED, HANDLED, FAILED = "received", "handled", "failed"


class InboundMessage(SQLModel, table=True):
    """One message or event as WeChat delivered it."""

    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("openid", "dedupe_key", name="uq_inbound_openid_dedupe"),)

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(max_length=64)
    dedupe_key: str = Field(max_length=200)
    msg_type: str = Field(max_length=32)
    event: str | None = Field(default=None, max_length=64)
    event_key: str | None = Field(default=None, max_length=200)
    text: str | None = None
    raw: str
    wechat_time: dt.datetime | None = None
    received_at: dt.datetime = Field(index=True)
    status: str = Field(default=RECEIVED, max_length=16)
    reply: str | None = None
    error: str | None = None
    handled_at: dt.datetime | None = None


@dataclass(frozen=True)
class Claim:
    """The outcome of storing a message: ours to handle, or a retry of one already stored."""

    inbound_id: int | None
    stored_reply: str | None = None

    @property
    def is_retry(self) -> bool:
        return self.inbound_id is None


def claim_inbound(session: Session, **values: object) -> Claim:
    """Store a message unless its dedupe key exists; a retry gets the stored reply if any."""
    insert = upsert_insert(session)
    inserted = session.execute(
        insert(InboundMessage)
        .values(status=RECEIVED, **values)
        .on_conflict_do_nothing(index_elements=["openid", "dedupe_key"])
        .returning(InboundMessage.id)
    ).scalar_one_or_none()
    if inserted is not None:
        return Claim(inbound_id=inserted)
    reply = session.execute(
        select(InboundMessage.reply).where(
            InboundMessage.openid == values["openid"], InboundMessage.dedupe_key == values["dedupe_key"]
        )
    ).scalar_one_or_none()
    return Claim(inbound_id=None, stored_reply=reply)


def finish_inbound(
    session: Session, *, inbound_id: int, status: str, reply: str | None, now: dt.datetime, error: str | None = None
) -> None:
    """Record how a stored message was handled and what was answered."""
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id)
        .values(status=status, reply=reply, error=error, handled_at=now)
    )
