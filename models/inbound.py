"""Every inbound message and event, stored before it is handled; the dedupe key lives here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from models.cadre import ROLES_OF_P, keep_roles
from models.conversation import PREFETCH
from models.limits import RECENT_MESSAGES, keep_recent
from models.person import PERSON, TOUCH_IF_CLAIMED
from models.sql import Sql

RECEIVED, HANDLED, FAILED = "received", "handled", "failed"
LIMITED = "limited"  # stored, but past the per-minute limit: no handler ran


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
# PostgreSQL, one round trip: remember the signed query (models/webhook_request.py), store the message only if the
# query is new or came with this same message before, and read a stored copy of it (a retry) in the same go.
_GUARDED_CLAIM_CTES = (
    "guard AS (INSERT INTO webhook_request (signature, body_hash, stamped_at)"
    " VALUES (:signature, :body_hash, :stamped_at) ON CONFLICT (signature) DO NOTHING RETURNING 1),"
    " seen AS (SELECT body_hash FROM webhook_request WHERE signature = :signature),"
    " claim AS (INSERT INTO inbound_message (openid, dedupe_key, msg_type, event, event_key, text, raw, wechat_time,"
    " received_at, status) SELECT :openid, :dedupe_key, :msg_type, :event, :event_key, :text, :raw, :wechat_time,"
    " :received_at, 'received' WHERE EXISTS (SELECT 1 FROM guard) OR EXISTS (SELECT 1 FROM seen"
    " WHERE body_hash = :body_hash) ON CONFLICT (openid, dedupe_key) DO NOTHING RETURNING id)"
)
_GUARDED_CLAIM_SELECT = (
    " SELECT EXISTS (SELECT 1 FROM guard), (SELECT body_hash FROM seen), (SELECT id FROM claim), stored.id,"
    " stored.reply, stored.answered_in_time"
)
_GUARDED_CLAIM_FROM = (
    " FROM (SELECT 1) AS one LEFT JOIN inbound_message AS stored"
    " ON stored.openid = :openid AND stored.dedupe_key = :dedupe_key"
)
GUARDED_CLAIM = f"WITH {_GUARDED_CLAIM_CTES}{_GUARDED_CLAIM_SELECT}{_GUARDED_CLAIM_FROM}"
# The same for a message the person wrote, with their touch (models/person.py), their conversation state, the
# cadre roles they hold (the help text lists a cadre's commands) and their messages of the last minute (the
# per-minute limit, town/limits): what such a message's handler reads first, in the claim's round trip.
GUARDED_CLAIM_AND_TOUCH = (
    f"WITH {_GUARDED_CLAIM_CTES}, p AS ({TOUCH_IF_CLAIMED}){_GUARDED_CLAIM_SELECT},"
    " p.id, p.name, p.phone, p.village_id, p.subscribed, c.flow, c.step, c.slots, c.started_at, c.updated_at,"
    f" ({ROLES_OF_P}), ({RECENT_MESSAGES})"
    f"{_GUARDED_CLAIM_FROM} LEFT JOIN p ON TRUE LEFT JOIN conversation_state AS c ON c.openid = :openid"
)
CLAIM_COLUMNS = ("openid", "dedupe_key", "msg_type", "event", "event_key", "text", "raw", "wechat_time", "received_at")
CLAIM_AHEAD = "claim"  # the key `prefetched` claims sent ahead go under, with the openid and dedupe key
ANSWERED = "UPDATE inbound_message SET answered_in_time = :answered WHERE id = :id"


def claim_inbound(sql: Sql, **values) -> Claim:
    """Store a message unless its dedupe key exists; a retry gets the stored reply if any."""
    times = {key: sql.time(values[key]) for key in ("wechat_time", "received_at")}
    inserted = sql.one(CLAIM, **{**values, **times})
    if inserted is not None:
        return Claim(inbound_id=inserted[0])
    return _stored(sql, openid=values["openid"], dedupe_key=values["dedupe_key"])


def _stored(sql: Sql, *, openid: str, dedupe_key: str) -> Claim:
    """The claim of a retry: the stored copy's reply, if the copy is there."""
    stored = sql.one(STORED_REPLY, openid=openid, dedupe_key=dedupe_key)
    if stored is None:  # stored by a transaction that then rolled back: nothing to repeat
        return Claim(inbound_id=None)
    return Claim(inbound_id=None, stored_reply=stored[1], retry_of=stored[0], answered_in_time=bool(stored[2]))


def guarded_claim(
    sql: Sql, *, signature: str, body_hash: str, stamped_at: int, touch_at: dt.datetime | None = None, **values
) -> Claim | None:
    """PostgreSQL: `remember_request` and `claim_inbound` in one statement; None when the query carried another body.

    With `touch_at`, a message the person wrote: a claimed one also touches the person (`touch_person` then finds
    them read) and reads their conversation state, their roles and, with `recent_since` and `recent_cap`, their
    messages counted for the per-minute limit, in the same statement. A claim sent ahead (`claim_ahead`) is
    not sent again.
    Its snapshot is taken before it waits on a concurrent transaction's row, so what that row holds is read again
    apart, as the two-statement way does (rare: only when two attempts of one query race).
    """
    ahead = (CLAIM_AHEAD, f"{values['openid']}\n{values['dedupe_key']}")
    if ahead in sql.prefetched:
        row = sql.prefetched.pop(ahead)
    else:
        claim = {**values, "signature": signature, "body_hash": body_hash, "stamped_at": stamped_at}
        statement, params = _claim_statement({**claim, "touch_at": touch_at})
        row = sql.one(statement, **params)
    if touch_at is not None:
        _keep_touched(sql, values["openid"], row[6:])
    guarded, seen, inserted, stored_id, stored_reply, answered = row[:6]
    if not guarded and seen != body_hash:
        if seen is not None or not _same_body(sql, signature=signature, body_hash=body_hash):
            return None
        return claim_inbound(sql, **values)
    if inserted is not None:
        return Claim(inbound_id=inserted)
    if stored_id is None:  # a copy committed while this statement waited: read it as claim_inbound does
        return _stored(sql, openid=values["openid"], dedupe_key=values["dedupe_key"])
    return Claim(inbound_id=None, stored_reply=stored_reply, retry_of=stored_id, answered_in_time=bool(answered))


def claim_ahead(sql: Sql, claims: list[dict]) -> None:
    """PostgreSQL: several messages' `guarded_claim` statements in one round trip, for `guarded_claim` to find.

    Only for messages of different people: a claim reads its sender's conversation as it stands.
    """
    statements = [_claim_statement(claim) for claim in claims]
    for claim, row in zip(claims, sql.one_each(statements), strict=True):
        sql.prefetched[(CLAIM_AHEAD, f"{claim['openid']}\n{claim['dedupe_key']}")] = row


def _claim_statement(claim: dict) -> tuple[str, dict]:
    """A claim's statement and parameters: with `touch_at`, the person's touch and reads too."""
    params = {key: claim[key] for key in (*CLAIM_COLUMNS, "signature", "body_hash", "stamped_at")}
    touch_at = claim.get("touch_at")
    if touch_at is None:
        return GUARDED_CLAIM, params
    recent = {"since": claim.get("recent_since", touch_at), "cap": claim.get("recent_cap", 0)}
    return GUARDED_CLAIM_AND_TOUCH, {**params, **recent, "yes": True, "now": touch_at}


def _keep_touched(sql: Sql, openid: str, row: tuple) -> None:
    """The person, conversation state, roles and recent messages read by the claim, for the handler; nothing if the
    person was not touched (not claimed, or older than their last message: `touch_person` then does what it always
    does)."""
    if row[0] is None:
        return
    sql.prefetched[(PERSON, openid)] = row[:5]
    sql.prefetched[(PREFETCH, openid)] = row[5:10] if row[5] is not None else None
    keep_roles(sql, person_id=row[0], roles=row[10])
    keep_recent(sql, openid=openid, before_this=row[11])


def _same_body(sql: Sql, *, signature: str, body_hash: str) -> bool:
    stored = sql.one("SELECT body_hash FROM webhook_request WHERE signature = :signature", signature=signature)
    return stored is None or stored[0] == body_hash


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
    """Record how a stored message was handled, what was answered, and whether that answer is expected in time
    (queued: it goes with the next statement)."""
    sql.queue(
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
