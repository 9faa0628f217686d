"""Replies that go back after WeChat's deadline: owed as a customer-service message unless a retry delivers them.

WeChat tries a message three times, 5 s apart, and shows the sender the first reply that comes back in time. A
reply ready too late for its attempt is queued as a customer-service copy, due once WeChat's retries are over;
a retry that gets the stored reply in time marks the message answered and takes that copy back.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from models.inbound import Claim, mark_answered
from models.outbox import enqueue, withdraw_queued
from models.sql import Sql

# WeChat's third and last attempt comes ~10 s after the first and waits 5 s.
WECHAT_RETRIES_END_S = 15.0


class Answer(NamedTuple):
    """What storing and answering one message came to."""

    inbound_id: int | None  # the row stored now; None for a retry of a stored message
    reply: str | None
    claim: Claim | None = None  # a retry's claim: the stored message it repeats


def late_reply_key(inbound_id: int) -> str:
    """The outbox key of a message's late reply: one per message, whichever attempts were late."""
    return f"late-reply:{inbound_id}"


def queue_late_reply(
    sql: Sql, *, inbound_id: int, openid: str, reply: str, now: dt.datetime, due_at: dt.datetime | None = None
) -> None:
    """The reply to a message whose sender no longer waits, as a customer-service message (once per message)."""
    enqueue(
        sql,
        key=late_reply_key(inbound_id),
        recipient_openid=openid,
        kind="late_reply",
        text=reply,
        now=now,
        due_at=due_at,
    )


def account(sql: Sql, *, answer: Answer, openid: str, waited_s: float, deadline_s: float, now: dt.datetime) -> None:
    """Before the commit: a new message answered late is owed its copy; a retry answered in time settles it."""
    if answer.inbound_id is not None and waited_s > deadline_s:
        mark_answered(sql, inbound_id=answer.inbound_id, in_time=False)
        if answer.reply:
            due = now + dt.timedelta(seconds=max(0.0, WECHAT_RETRIES_END_S - waited_s))
            queue_late_reply(sql, inbound_id=answer.inbound_id, openid=openid, reply=answer.reply, now=now, due_at=due)
    elif answer.claim is not None and answer.reply and waited_s <= deadline_s:
        _answered_by_retry(sql, answer.claim)


def _answered_by_retry(sql: Sql, claim: Claim) -> None:
    if claim.retry_of is None or claim.answered_in_time:
        return
    mark_answered(sql, inbound_id=claim.retry_of, in_time=True)
    withdraw_queued(sql, key=late_reply_key(claim.retry_of))
