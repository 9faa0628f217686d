"""WeChat's delivery reports (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH) update the rows they belong to."""

from __future__ import annotations

import datetime as dt

from bot.delivery.escalation import ALERT_KINDS, escalate_undelivered
from bot.delivery.texts import REFUSED
from models.delivery import block_channel, load_recipients
from models.outbox import DELIVERED, FAILED, UNDELIVERABLE, messages_by_ids, record_report, sent_under_msgid
from models.sql import Sql

TEMPLATE_REFUSED = 43101  # the errcode WeChat gives when a person refuses template messages


def template_finished(sql: Sql, *, msgid: int | None, status: str | None, now: dt.datetime) -> int:
    """A template message's fate: delivered, refused by the person (no more templates), or failed."""
    if not msgid:
        return 0
    status = status or ""
    rows = sent_under_msgid(sql, msgid=str(msgid), channel="template")
    if status == "success":
        outcome, error = DELIVERED, None
    elif "block" in status:
        outcome, error = UNDELIVERABLE, REFUSED
        openids = [openid for _, openid in rows]
        block_channel(sql, openids=openids, channel="template", errcode=TEMPLATE_REFUSED, now=now)
    else:
        outcome, error = FAILED, status
    delivered_at = now if outcome == DELIVERED else None
    record_report(sql, msgid=str(msgid), channel="template", status=outcome, error=error, delivered_at=delivered_at)
    if outcome != DELIVERED and rows:
        _escalate(sql, [row_id for row_id, _ in rows], now)
    return len(rows)


def _escalate(sql: Sql, ids: list[int], now: dt.datetime) -> None:
    """An alert WeChat accepted but could not deliver ends with a person like any other undelivered alert."""
    alerts = [row for row in messages_by_ids(sql, ids=ids) if row.kind in ALERT_KINDS]
    if not alerts:
        return
    people = load_recipients(sql, [row.recipient_openid for row in alerts], month_start=now)
    for row in alerts:
        escalate_undelivered(sql, row, people[row.recipient_openid], now=now)


def mass_finished(sql: Sql, *, msgid: int | None, status: str | None, counts: dict, now: dt.datetime) -> int:
    """A mass send's result: its rows delivered ("send success"), or failed with WeChat's status and counts."""
    if not msgid:
        return 0
    ok = (status or "") == "send success"
    summary = None if ok else f"{status}; " + ", ".join(f"{k}={v}" for k, v in counts.items())
    rows = sent_under_msgid(sql, msgid=str(msgid), channel="mass")
    outcome, delivered_at = (DELIVERED, now) if ok else (FAILED, None)
    record_report(sql, msgid=str(msgid), channel="mass", status=outcome, error=summary, delivered_at=delivered_at)
    return len(rows)
