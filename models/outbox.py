"""Messages the system owes to people: written in the same transaction as the change that caused them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import Index, select
from sqlalchemy import text as sql_text
from sqlmodel import Field, Session, SQLModel

from models.outbox_body import BODY_JOIN, TEXT_OF, bodies_of, with_bodies
from models.sql import Sql

QUEUED, SENDING, SENT, DELIVERED = "queued", "sending", "sent", "delivered"
FAILED, UNDELIVERABLE = "failed", "undeliverable"


def _set(column: str) -> dict:
    """A partial index's condition: only rows where the column is set."""
    condition = sql_text(f"{column} IS NOT NULL")
    return {"postgresql_where": condition, "sqlite_where": condition}


class OutboxMessage(SQLModel, table=True):
    """One message for one recipient; the delivery worker moves it to sent/delivered/failed."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "due_at"),
        # Also every look-up by recipient alone (its first column): no index of its own to keep up on each insert.
        Index("ix_outbox_mass", "recipient_openid", "channel", "sent_at"),
        # Columns empty when a row is queued are indexed only once set: a million-row push maintains fewer indexes.
        Index("ix_outbox_origin", "origin_openid", "created_at", **_set("origin_openid")),
        Index("ix_outbox_message_wechat_msgid", "wechat_msgid", **_set("wechat_msgid")),
        # The brief's undelivered-per-day count, and the every-minute look for broadcasts and mass sends today.
        Index("ix_outbox_status_created", "status", "created_at"),
        Index("ix_outbox_kind_created", "kind", "created_at"),
        Index("ix_outbox_channel_sent", "channel", "sent_at", **_set("channel")),
        # Rows a village-tag carrier covers are found by their payload; only those rows are indexed.
        Index(
            "ix_outbox_covered",
            "payload",
            postgresql_where=sql_text("status = 'covered'"),
            sqlite_where=sql_text("status = 'covered'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    recipient_openid: str = Field(max_length=64)
    kind: str = Field(max_length=50)
    text: str  # empty when body_id names the text (models.outbox_body)
    payload: str = "{}"
    status: str = Field(default=QUEUED, max_length=20)
    channel: str | None = Field(default=None, max_length=20)
    attempts: int = 0
    errcode: int | None = None
    last_error: str | None = None
    wechat_msgid: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime
    due_at: dt.datetime
    claimed_until: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    # The villager whose message caused this alert: they hear again when it does not reach anyone.
    origin_openid: str | None = Field(default=None, max_length=64)
    # A broadcast's text kept once in outbox_body (no foreign key: bodies are never deleted, and a million rows
    # would each pay the key's check).
    body_id: int | None = None


ENQUEUE = (
    "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, payload, status, attempts,"
    " created_at, due_at, origin_openid) VALUES (:key, :openid, :kind, :text, :payload, 'queued', 0, :now, :due,"
    " :origin) ON CONFLICT (idempotency_key) DO NOTHING"
)


def enqueue(
    sql: Sql,
    *,
    key: str,
    recipient_openid: str,
    kind: str,
    text: str,
    now: dt.datetime,
    payload: dict | None = None,
    origin_openid: str | None = None,
    due_at: dt.datetime | None = None,
) -> bool:
    """Queue a message once per idempotency key (due now, or at `due_at`); False when that key was queued before."""
    return (
        sql.run(
            ENQUEUE,
            key=key,
            openid=recipient_openid,
            kind=kind,
            text=text,
            now=sql.time(now),
            due=sql.time(due_at or now),
            payload=json.dumps(payload or {}, ensure_ascii=False),
            origin=origin_openid,
        )
        == 1
    )


def enqueue_many(sql: Sql, messages: list[dict], *, now: dt.datetime) -> int:
    """Queue many messages in one executemany, each once per key; how many were new. A message is a dict of
    key, openid, kind and text (payload, origin and due optional)."""
    rows = [
        {
            "payload": json.dumps(m.get("payload") or {}, ensure_ascii=False), "origin": m.get("origin"),
            "key": m["key"], "openid": m["openid"], "kind": m["kind"], "text": m["text"],
            "now": sql.time(now), "due": sql.time(m.get("due") or now),
        }
        for m in messages
    ]  # fmt: skip
    return sql.many(ENQUEUE, rows)


BY_KEY = "SELECT id, status, payload FROM outbox_message WHERE idempotency_key = :key"
WITHDRAW = "DELETE FROM outbox_message WHERE idempotency_key = :key AND status = 'queued'"


def withdraw_queued(sql: Sql, *, key: str) -> bool:
    """Take back a message not yet picked up for sending; False when there was none (or it is on its way)."""
    return sql.run(WITHDRAW, key=key) == 1


def message_by_key(sql: Sql, *, key: str) -> tuple[int, str, dict] | None:
    """(id, status, payload) of the message queued under this key."""
    row = sql.one(BY_KEY, key=key)
    return (row[0], row[1], json.loads(row[2] or "{}")) if row else None


def recent_outbox(session: Session, *, limit: int = 50) -> list[OutboxMessage]:
    """The newest outbox rows first (the simulator's view)."""
    rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)).scalars()
    return with_bodies(session, list(rows))


_DUE = "(status = 'queued' AND due_at <= :now) OR (status = 'sending' AND claimed_until < :now)"
CLAIM_SQLITE = (
    "UPDATE outbox_message SET status = 'sending', claimed_until = :until, attempts = attempts + 1"
    f" WHERE id IN (SELECT id FROM outbox_message WHERE {_DUE} ORDER BY due_at, id LIMIT :limit)"
    " RETURNING id, recipient_openid, kind, text, payload, created_at, attempts, body_id"
)
# Several workers on PostgreSQL: each claims rows the others have not locked.
CLAIM_POSTGRES = CLAIM_SQLITE.replace("LIMIT :limit)", "LIMIT :limit FOR UPDATE SKIP LOCKED)")


@dataclass(frozen=True)
class Claimed:
    """An outbox row the worker now holds until its lease runs out."""

    id: int
    recipient_openid: str
    kind: str
    text: str
    payload: dict
    created_at: dt.datetime
    attempts: int


def claim_due(sql: Sql, *, now: dt.datetime, lease_s: float, limit: int) -> list[Claimed]:
    """Take due rows (and rows whose sender died mid-send) for this worker."""
    rows = sql.all(
        CLAIM_SQLITE if sql.sqlite else CLAIM_POSTGRES,
        now=sql.time(now),
        limit=limit,
        until=sql.time(now + dt.timedelta(seconds=lease_s)),
    )
    return sorted(_claimed(sql, rows), key=lambda c: c.id)


def _claimed(sql: Sql, rows: list[tuple]) -> list[Claimed]:
    """Rows as the worker holds them, a stored body's text in place of the row's empty one."""
    bodies = bodies_of(sql, ids={r[7] for r in rows if r[7] is not None})
    return [
        Claimed(r[0], r[1], r[2], bodies.get(r[7], r[3]), json.loads(r[4] or "{}"), sql.read_time(r[5]), r[6])
        for r in rows
    ]


BY_IDS = (
    "SELECT id, recipient_openid, kind, text, payload, created_at, attempts, body_id FROM outbox_message"
    " WHERE id IN {ids}"
)


def messages_by_ids(sql: Sql, *, ids: list[int]) -> list[Claimed]:
    """These messages as the worker holds them (for what happens after a late delivery report)."""
    placeholders, params = sql.in_list("ids", ids)
    return _claimed(sql, sql.all(BY_IDS.format(ids=placeholders), **params))


@dataclass
class Outcome:
    """What became of one claimed row, and every attempt on the way."""

    id: int
    status: str
    channel: str | None = None
    errcode: int | None = None
    error: str | None = None
    msgid: str | None = None
    retry_at: dt.datetime | None = None
    attempts: list[tuple[str, int | None, str | None]] = field(default_factory=list)


FINISH = (
    "UPDATE outbox_message SET status = :status, channel = :channel, errcode = :errcode, last_error = :error,"
    " wechat_msgid = :msgid, sent_at = :sent_at, due_at = COALESCE(:retry_at, due_at), claimed_until = NULL"
    " WHERE id = :id"
)
ATTEMPT = (
    "INSERT INTO delivery_attempt (outbox_id, channel, errcode, errmsg, at) VALUES (:id, :channel, :errcode, :errmsg,"
    " :at)"
)


def record_outcomes(sql: Sql, outcomes: list[Outcome], *, now: dt.datetime) -> None:
    """Write each row's new state and every attempt made for it."""
    at = sql.time(now)
    sql.many(
        FINISH,
        [
            {
                "id": o.id,
                "status": o.status,
                "channel": o.channel,
                "errcode": o.errcode,
                "error": o.error,
                "msgid": o.msgid,
                "sent_at": at if o.status == SENT else None,
                "retry_at": sql.time(o.retry_at),
            }
            for o in outcomes
        ],
    )
    sql.many(
        ATTEMPT,
        [
            {"id": o.id, "channel": channel, "errcode": errcode, "errmsg": (errmsg or "")[:500], "at": at}
            for o in outcomes
            for channel, errcode, errmsg in o.attempts
        ],
    )


BY_MSGID = "SELECT id, recipient_openid FROM outbox_message WHERE wechat_msgid = :msgid AND channel = :channel"
SET_FATE = (
    "UPDATE outbox_message SET status = :status, last_error = :error, delivered_at = :delivered_at"
    " WHERE wechat_msgid = :msgid AND channel = :channel"
)


def sent_under_msgid(sql: Sql, *, msgid: str, channel: str) -> list[tuple[int, str]]:
    """The (id, recipient openid) of the messages WeChat accepted under one msgid on one channel."""
    return sql.all(BY_MSGID, msgid=msgid, channel=channel)


def record_report(
    sql: Sql, *, msgid: str, channel: str, status: str, error: str | None, delivered_at: dt.datetime | None
) -> None:
    """What WeChat's delivery report says of every message sent under one msgid."""
    sql.run(SET_FATE, status=status, error=error, msgid=msgid, channel=channel, delivered_at=sql.time(delivered_at))


QUEUED_KEYS = "SELECT idempotency_key FROM outbox_message WHERE idempotency_key IN {keys}"


def queued_keys(sql: Sql, *, keys: list[str]) -> set[str]:
    """Which of these keys were queued before (a job run every minute builds only what is new)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        placeholders, params = sql.in_list("key", keys[start : start + 500])
        found.update(row[0] for row in sql.all(QUEUED_KEYS.format(keys=placeholders), **params))
    return found


def queued_at(session: Session, *, key: str) -> dt.datetime | None:
    """When the message with this key was queued, if it was."""
    return session.execute(
        select(OutboxMessage.created_at).where(OutboxMessage.idempotency_key == key)
    ).scalar_one_or_none()


QUEUED_AMONG = "SELECT idempotency_key, kind, created_at FROM outbox_message WHERE idempotency_key {keys}"
KEYS_AT_ONCE = 1000  # SQLite's IN list, a thousand keys a statement


def queued_among(sql: Sql, *, kind: str, since: dt.datetime, keys) -> dict[str, dt.datetime]:
    """Which of these keys were queued as messages of this kind since a moment, with when: by the unique key's
    index alone (one read on PostgreSQL), so a job's read grows with its own candidates, not with the day's outbox
    (a push or an announcement queues hundreds of thousands of notices, which the planner may not know of yet)."""
    wanted = sorted(set(keys))
    rows: list[tuple] = []
    if wanted and not sql.sqlite:
        rows = sql.all(QUEUED_AMONG.format(keys="= ANY(:keys)"), keys=wanted)
    for start in range(0, len(wanted) if sql.sqlite else 0, KEYS_AT_ONCE):
        placeholders, params = sql.in_list("keys", wanted[start : start + KEYS_AT_ONCE])
        rows += sql.all(QUEUED_AMONG.format(keys=f"IN {placeholders}"), **params)
    found = {key: sql.read_time(at) for key, of_kind, at in rows if of_kind == kind}
    return {key: at for key, at in found.items() if at >= since}


RECENT_TEMPLATES = (
    f"SELECT {TEXT_OF}, o.created_at FROM outbox_message o {BODY_JOIN} WHERE o.recipient_openid = :openid"
    " AND o.channel = 'template' AND o.status IN ('sent', 'delivered') AND o.created_at >= :since"
    " ORDER BY o.id DESC LIMIT :limit"
)


def recent_templates(sql: Sql, *, openid: str, since: dt.datetime, limit: int) -> list[tuple[str, dt.datetime]]:
    """The newest messages a person received as templates since a moment: (text, queued at), newest first."""
    rows = sql.all(RECENT_TEMPLATES, openid=openid, since=sql.time(since), limit=limit)
    return [(text, sql.read_time(at)) for text, at in rows]


DUE_COUNT = f"SELECT COUNT(*) FROM outbox_message WHERE {_DUE}"
LIKE_KEY = "SELECT id, recipient_openid, status, kind FROM outbox_message WHERE idempotency_key LIKE :key ORDER BY id"


def due_count(sql: Sql, *, now: dt.datetime) -> int:
    """How many messages the worker would claim now."""
    return sql.one(DUE_COUNT, now=sql.time(now))[0]


def messages_like(sql: Sql, *, key: str) -> list[tuple[int, str, str, str]]:
    """(id, recipient openid, status, kind) of the messages whose key matches a LIKE pattern."""
    return sql.all(LIKE_KEY, key=key)
