"""Alert-class outbox rows: how many one villager caused, which went unheard, which ended undelivered."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass

from models.person import openid_in_villages
from models.sql import Sql

FROM_ORIGIN = (
    "SELECT COUNT(*) FROM outbox_message WHERE origin_openid = :origin AND created_at >= :since"
    " AND recipient_openid = :openid AND kind = 'alert'"
)
REWORD = "UPDATE outbox_message SET text = :text, payload = :payload WHERE idempotency_key = :key AND status = 'queued'"


def alerts_from(sql: Sql, *, origin_openid: str, recipient_openid: str, since: dt.datetime) -> int:
    """How many alerts one person's messages caused to one recipient since then."""
    return sql.one(FROM_ORIGIN, origin=origin_openid, openid=recipient_openid, since=sql.time(since))[0]


def reword_queued(sql: Sql, *, key: str, text: str, payload: dict) -> bool:
    """New words for a message not yet claimed; False when it already left."""
    return sql.run(REWORD, key=key, text=text, payload=json.dumps(payload, ensure_ascii=False)) == 1


@dataclass(frozen=True)
class Unheard:
    """An alert a villager caused that has not reached its recipient (or never will)."""

    id: int
    key: str
    recipient_openid: str
    origin_openid: str
    status: str


UNHEARD = (
    "SELECT id, idempotency_key, recipient_openid, origin_openid, status FROM outbox_message"
    " WHERE origin_openid IS NOT NULL AND kind = 'alert' AND created_at >= :since AND ("
    " status IN ('failed', 'undeliverable') OR (status IN ('queued', 'sending') AND created_at <= :late))"
    " ORDER BY id"
)


def unheard_alerts(sql: Sql, *, since: dt.datetime, late: dt.datetime) -> list[Unheard]:
    """Alerts with an origin, created since then, that ended undelivered or were still not sent by `late`."""
    return [Unheard(*row) for row in sql.all(UNHEARD, since=sql.time(since), late=sql.time(late))]


UNDELIVERED = (
    "SELECT o.id, o.recipient_openid, o.kind, o.text, o.status, o.last_error, o.created_at,"
    " (SELECT t.id FROM call_task t WHERE t.outbox_id = o.id) FROM outbox_message o"
    " WHERE o.kind IN ('alert', 'call') AND o.status IN ('failed', 'undeliverable') AND o.created_at >= :since"
    " ORDER BY o.id"
)


def undelivered_alerts_in(sql: Sql, *, since: dt.datetime, villages: Collection[int] | None) -> list[tuple]:
    """The same, only for recipients who belong to these villages (None: the whole town)."""
    if villages is None:
        return undelivered_alerts(sql, since=since)
    condition, params = openid_in_villages(sql, column="o.recipient_openid", villages=villages)
    query = UNDELIVERED.replace(" ORDER BY o.id", f" AND {condition} ORDER BY o.id")
    rows = sql.all(query, since=sql.time(since), **params)
    return [(*row[:6], sql.read_time(row[6]), row[7]) for row in rows]


def undelivered_alerts(sql: Sql, *, since: dt.datetime) -> list[tuple]:
    """Alert-class messages that ended failed or undeliverable since then.

    Each as (id, openid, kind, text, status, error, created_at, call task id or None).
    """
    return [(*row[:6], sql.read_time(row[6]), row[7]) for row in sql.all(UNDELIVERED, since=sql.time(since))]
