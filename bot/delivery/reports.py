"""WeChat's delivery reports (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH) update the rows they belong to."""

from __future__ import annotations

import datetime as dt

from models.outbox import DELIVERED, FAILED, UNDELIVERABLE
from models.sql import Sql

REFUSED = "用户拒收"
ROWS_FOR = "SELECT id, recipient_openid FROM outbox_message WHERE wechat_msgid = :msgid AND channel = :channel"
UPDATE = (
    "UPDATE outbox_message SET status = :status, last_error = :error, delivered_at = :delivered_at"
    " WHERE wechat_msgid = :msgid AND channel = :channel"
)
BLOCK = (
    "INSERT INTO channel_block (openid, channel, errcode, at) VALUES (:openid, 'template', 43101, :at)"
    " ON CONFLICT (openid, channel) DO NOTHING"
)


def template_finished(sql: Sql, *, msgid: int | None, status: str | None, now: dt.datetime) -> int:
    """A template message's fate: delivered, refused by the person (no more templates), or failed."""
    if not msgid:
        return 0
    status = status or ""
    rows = sql.all(ROWS_FOR, msgid=str(msgid), channel="template")
    if status == "success":
        outcome, error = DELIVERED, None
    elif "block" in status:
        outcome, error = UNDELIVERABLE, REFUSED
        sql.many(BLOCK, [{"openid": openid, "at": sql.time(now)} for _, openid in rows])
    else:
        outcome, error = FAILED, status
    sql.run(
        UPDATE,
        status=outcome,
        error=error,
        msgid=str(msgid),
        channel="template",
        delivered_at=sql.time(now) if outcome == DELIVERED else None,
    )
    return len(rows)


def mass_finished(sql: Sql, *, msgid: int | None, status: str | None, counts: dict, now: dt.datetime) -> int:
    """A mass send's result: its rows delivered ("send success"), or failed with WeChat's status and counts."""
    if not msgid:
        return 0
    ok = (status or "") == "send success"
    summary = None if ok else f"{status}; " + ", ".join(f"{k}={v}" for k, v in counts.items())
    rows = sql.all(ROWS_FOR, msgid=str(msgid), channel="mass")
    sql.run(
        UPDATE,
        status=DELIVERED if ok else FAILED,
        error=summary,
        msgid=str(msgid),
        channel="mass",
        delivered_at=sql.time(now) if ok else None,
    )
    return len(rows)
