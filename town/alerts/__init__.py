"""One place that sends an alert: a message a cadre must act on (kind "alert"), with a per-person limit.

Every alert-class message goes through `send_alert`. When a villager's message caused it (`origin_openid`),
the origin is stored, so the sender hears again if it does not reach anyone (broadcasts/alert_follow_up), and
one sender cannot bury a cadre: past ALERTS_PER_HOUR alerts from one origin to one cadre within an hour, further
alerts fold into a digest per cadre, reworded while still queued (a later one, a quarter of an hour on, once it
has left; at most DIGESTS_PER_HOUR). The router learns of folds through
`noting_folds`, so the sender gets a kind reply, whatever handler sent the alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from models.alerts import alerts_from, reword_queued
from models.cadre import positions_of
from models.outbox import enqueue, message_by_key
from models.person import contact_of
from models.sql import Sql
from town.alerts.texts import TEXT
from town.clock import local
from town.texts import ROLE_NAMES

ALERT = "alert"
NOTICE = "notice"  # news that needs no action: never folded, never a phone call
ALERTS_PER_HOUR = 10
HOUR = dt.timedelta(hours=1)
DIGESTS_PER_HOUR = 4
DIGEST_GAP = dt.timedelta(minutes=15)  # a later digest gathers for a while: one per message would bury the cadre
_folds: ContextVar[list[str] | None] = ContextVar("alert_folds", default=None)

__all__ = ["ALERT", "ALERTS_PER_HOUR", "NOTICE", "TEXT", "noting_folds", "send_alert", "who_is"]


def send_alert(
    sql: Sql,
    *,
    key: str,
    recipient_openid: str,
    text: str,
    now: dt.datetime,
    origin_openid: str | None = None,
    payload: dict | None = None,
) -> bool:
    """Queue an alert once per key (folded into the hour's digest past the limit); False when nothing new."""
    if origin_openid and origin_openid != recipient_openid:
        sent = alerts_from(sql, origin_openid=origin_openid, recipient_openid=recipient_openid, since=now - HOUR)
        # Cadres reporting from the road are never folded: a busy checkpoint's every sighting must arrive.
        if (
            sent >= ALERTS_PER_HOUR
            and message_by_key(sql, key=key) is None
            and not positions_of(sql, openid=origin_openid)
        ):
            return _fold(sql, recipient_openid, origin_openid, text, now)
    return enqueue(
        sql,
        key=key,
        recipient_openid=recipient_openid,
        kind=ALERT,
        text=text,
        now=now,
        payload=payload,
        origin_openid=origin_openid,
    )


def _fold(sql: Sql, recipient: str, origin: str, text: str, now: dt.datetime) -> bool:
    """Count the alert into this hour's digest for this sender and cadre (one message, reworded while queued).

    Once a digest has left, the next folds gather in a new one due DIGEST_GAP later, at most DIGESTS_PER_HOUR.
    """
    hour = f"digest:{origin}:{recipient}:{local(now):%Y%m%d%H}"
    for part in range(1, DIGESTS_PER_HOUR + 1):
        key = hour if part == 1 else f"{hour}:{part}"
        found = message_by_key(sql, key=key)
        folded = (found[2].get("folded", 0) if found else 0) + 1
        words = _digest(sql, origin, folded, text)
        if found is None:
            enqueue(
                sql, key=key, recipient_openid=recipient, kind=ALERT, text=words, now=now,
                payload={"folded": folded}, origin_openid=origin, due_at=now + DIGEST_GAP if part > 1 else now,
            )  # fmt: skip
            break
        if reword_queued(sql, key=key, text=words, payload={"folded": folded}):
            break
    else:
        return False  # the hour's digests have all left: the cadre was told to look at 待办
    noted = _folds.get()
    if noted is not None:
        noted.append(recipient)
    return True


def _digest(sql: Sql, origin: str, folded: int, latest: str) -> str:
    name, phone = contact_of(sql, openid=origin)
    flat = " ".join(latest.split())
    if len(flat) > TEXT.latest_limit:
        flat = flat[: TEXT.latest_limit - 1] + TEXT.ellipsis
    return TEXT.digest.format(who=name or TEXT.someone, n=folded, phone=phone or TEXT.no_phone, latest=flat)


@contextmanager
def noting_folds() -> Iterator[list[str]]:
    """Within the block, the openids of cadres whose alerts from this message were folded into a digest."""
    noted: list[str] = []
    token = _folds.set(noted)
    try:
        yield noted
    finally:
        _folds.reset(token)


def who_is(sql: Sql, openid: str | None) -> tuple[str, str | None]:
    """How a person is named to others, role first (「村医王大夫」), and their phone if they gave one."""
    if openid is None:
        return ROLE_NAMES["town_command"], None
    name, phone = contact_of(sql, openid=openid)
    positions = positions_of(sql, openid=openid)
    role = ROLE_NAMES.get(positions[0][0], "") if positions else ""
    return f"{role}{name or ''}" or TEXT.someone, phone
