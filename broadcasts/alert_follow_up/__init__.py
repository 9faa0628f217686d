"""Honest replies: a villager whose alert did not reach its cadre in time (or never will) hears whom to phone.

Once per alert row (one origin message and one recipient), keyed `heard:<the alert's key>`: run every minute,
twice or late, it tells nobody twice. The alert's origin is the villager whose message caused it (town.alerts).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlmodel import Session

from broadcasts.alert_follow_up.texts import TEXT
from models.alerts import Unheard, unheard_alerts
from models.calls import call_for_message
from models.outbox import enqueue, queued_keys
from models.sql import Sql
from town.alerts import who_is
from town.command import next_up
from town.settings import Settings

LOOK_BACK = dt.timedelta(days=1)  # older alerts are past telling the sender anything useful
KEY_LIMIT = 200


def job(session: Session, now: dt.datetime, settings: Settings) -> int:
    """Tell each sender whose alert is late or undelivered whom to phone; how many were told."""
    sql = Sql(session.connection())
    now = now.astimezone(dt.UTC)
    late = now - dt.timedelta(minutes=settings.alert_follow_up_min)
    rows = unheard_alerts(sql, since=now - LOOK_BACK, late=late)
    keys = {row.id: _key(row) for row in rows}
    told = queued_keys(sql, keys=list(keys.values()))
    sent = 0
    for row in rows:
        if keys[row.id] in told:
            continue
        told.add(keys[row.id])
        sent += enqueue(
            sql, key=keys[row.id], recipient_openid=row.origin_openid, kind="notice", text=_words(sql, row), now=now
        )
    return sent


def _key(row: Unheard) -> str:
    key = f"heard:{row.key}"
    return key if len(key) <= KEY_LIMIT else "heard:" + hashlib.sha1(row.key.encode()).hexdigest()


def _words(sql: Sql, row: Unheard) -> str:
    """The recipient's name and phone; with no phone, who will call them instead."""
    who, phone = who_is(sql, row.recipient_openid)
    if phone:
        return TEXT.call_them.format(who=who, phone=phone)
    task = call_for_message(sql, outbox_id=row.id)
    caller = task.caller_openid if task is not None else next_up(sql, row.recipient_openid)
    if caller is None:
        return TEXT.town_will.format(who=who)
    name, caller_phone = who_is(sql, caller)
    if caller_phone:
        return TEXT.caller_will.format(who=who, caller=name, phone=caller_phone)
    return TEXT.caller_will_no_phone.format(who=who, caller=name)
