"""An alert no channel can deliver is never dropped: the next cadre up is asked to phone the person."""

from __future__ import annotations

import datetime as dt

from bot.delivery.texts import CALL
from models.delivery import Recipient, add_call_task
from models.outbox import Claimed, enqueue
from models.sql import Sql
from town.command import next_up

ALERT_KINDS = ("alert", "call")


def escalate_undeliverable(sql: Sql, row: Claimed, person: Recipient, *, now: dt.datetime) -> None:
    """For an undeliverable alert: a phone-call task, and a message to the cadre who should make the call."""
    if row.kind not in ALERT_KINDS:
        return
    caller = next_up(sql, row.recipient_openid)
    who = CALL.who.format(name=person.name or row.recipient_openid, phone=person.phone or CALL.no_phone)
    add_call_task(
        sql,
        outbox_id=row.id,
        caller_openid=caller,
        callee_openid=row.recipient_openid,
        callee_name=person.name,
        callee_phone=person.phone,
        text=row.text,
        now=now,
    )
    if caller is not None:
        enqueue(
            sql,
            key=f"call:{row.id}",
            recipient_openid=caller,
            kind="call",
            now=now,
            text=CALL.call.format(who=who, text=row.text),
        )
