"""Mass sends in the outbox: whether one went out today, and the village-tag carriers and the rows they cover."""

from __future__ import annotations

import datetime as dt

from models.sql import Sql

MASS_TODAY = (
    "SELECT 1 FROM outbox_message WHERE (channel = 'mass' AND sent_at >= :midnight) OR (kind = 'broadcast'"
    " AND status IN ('queued', 'sending') AND created_at >= :midnight) LIMIT 1"
)
TAG_CARRIERS = (
    "SELECT c.payload, c.status, c.channel, c.sent_at, c.wechat_msgid FROM outbox_message c"
    " WHERE c.kind = 'broadcast' AND c.status NOT IN ('queued', 'sending', 'covered') AND c.created_at >= :since"
    " AND EXISTS (SELECT 1 FROM outbox_message o WHERE o.status = 'covered' AND o.payload ="
    " REPLACE(c.payload, '}', ', \"covered\": true}'))"
)
SENT_WITH_CARRIER = (
    "UPDATE outbox_message SET status = :status, channel = 'mass', sent_at = :sent_at,"
    " wechat_msgid = :msgid WHERE status = 'covered' AND payload = :covered"
)
REQUEUE_COVERED = (
    "UPDATE outbox_message SET status = 'queued', kind = 'notice', payload = :payload, due_at = :now"
    " WHERE status = 'covered' AND payload = :covered"
)


def mass_send_since(sql: Sql, *, since: dt.datetime) -> bool:
    """A mass send went out, or a broadcast was queued and not yet sent, since that moment."""
    return sql.one(MASS_TODAY, midnight=sql.time(since)) is not None


def finished_tag_carriers(sql: Sql, *, since: dt.datetime) -> list[tuple]:
    """Village-tag carrier rows past sending that still cover others: (payload, status, channel, sent_at, msgid)."""
    return sql.all(TAG_CARRIERS, since=sql.time(since))


def send_covered_with_carrier(sql: Sql, *, covered: str, status: str, sent_at, msgid: str | None) -> int:
    """Rows a tag carrier covered take its outcome (sent with it); rows settled."""
    return sql.run(SENT_WITH_CARRIER, status=status, sent_at=sent_at, msgid=msgid, covered=covered)


def requeue_covered(sql: Sql, *, covered: str, payload: str, now: dt.datetime) -> int:
    """Rows a failed tag carrier covered go out person by person; rows settled."""
    return sql.run(REQUEUE_COVERED, payload=payload, now=sql.time(now), covered=covered)
