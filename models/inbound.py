"""Every inbound message and event, stored before it is handled; the dedupe key lives here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from models.sql import Sql

RECEIVED, HANDLED, FAILED = "received", "handled", "failed"


class InboundMessage(SQLModel, table=True):
    """One message or event as WeChat delivered it."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        UniqueConstraint("openid", "dedupe_key", name="uq_inbound_openid_dedupe"),
        Index("ix_inbound_openid_received", "openid", "received_at"),  # one person's last minute (models/limits)
    )

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
    # Whether some attempt of this message (WeChat tries three times) got its reply back within WeChat's deadline;
    # while none has, the reply is owed as a customer-service message.
    answered_in_time: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


@dataclass(frozen=True)
class Claim:
    """The outcome of storing a message: ours to handle, or a retry of one already stored."""

    inbound_id: int | None
    stored_reply: str | None = None
    # For a retry: the stored message it repeats, and whether an attempt of it was answered in time.
    retry_of: int | None = None
    answered_in_time: bool = False

    @property
    def is_retry(self) -> bool:
        return self.inbound_id is None


CLAIM = (
    "INSERT INTO inbound_message (openid, dedupe_key, msg_type, event, event_key, text, raw, wechat_time,"
    " received_at, status) VALUES (:openid, :dedupe_key, :msg_type, :event, :event_key, :text, :raw,"
    " :wechat_time, :received_at, 'received') ON CONFLICT (openid, dedupe_key) DO NOTHING RETURNING id"
)
STORED_REPLY = (
    "SELECT id, reply, answered_in_time FROM inbound_message WHERE openid = :openid AND dedupe_key = :dedupe_key"
)
FINISH = (
    "UPDATE inbound_message SET status = :status, reply = :reply, error = :error, handled_at = :now,"
    " answered_in_time = :answered WHERE id = :id"
)
ANSWERED = "UPDATE inbound_message SET answered_in_time = :answered WHERE id = :id"


def claim_inbound(sql: Sql, **values) -> Claim:
    """Store a message unless its dedupe key exists; a retry gets the stored reply if any."""
    times = {key: sql.time(values[key]) for key in ("wechat_time", "received_at")}
    inserted = sql.one(CLAIM, **{**values, **times})
    if inserted is not None:
        return Claim(inbound_id=inserted[0])
    stored = sql.one(STORED_REPLY, openid=values["openid"], dedupe_key=values["dedupe_key"])
    if stored is None:  # stored by a transaction that then rolled back: nothing to repeat
        return Claim(inbound_id=None)
    return Claim(inbound_id=None, stored_reply=stored[1], retry_of=stored[0], answered_in_time=bool(stored[2]))


def finish_inbound(
    sql: Sql,
    *,
    inbound_id: int,
    status: str,
    reply: str | None,
    now: dt.datetime,
    error: str | None = None,
    answered_in_time: bool = False,
) -> None:
    """Record how a stored message was handled, what was answered, and whether that answer is expected in time."""
    sql.run(
        FINISH,
        status=status,
        reply=reply,
        error=error,
        now=sql.time(now),
        answered=sql.flag(answered_in_time),
        id=inbound_id,
    )


def mark_answered(sql: Sql, *, inbound_id: int, in_time: bool) -> None:
    """Record whether an attempt of this message got its reply back within WeChat's deadline."""
    sql.run(ANSWERED, answered=sql.flag(in_time), id=inbound_id)
