"""What the limits count: one person's recent messages (over inbound_message), wrong invite codes, who was told."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.sql import Sql

WRONG, REFUSED = "wrong", "refused"


class InviteAttempt(SQLModel, table=True):
    """A 绑定 that did not bind: a wrong code, or one refused because too many were wrong."""

    __tablename__ = "invite_attempt"
    __table_args__ = (
        Index("ix_invite_attempt_openid", "openid", "attempted_at"),
        Index("ix_invite_attempt_outcome", "outcome", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(max_length=64)
    outcome: str = Field(max_length=16)
    attempted_at: dt.datetime


class LimitNotice(SQLModel, table=True):
    """When a person was last told they hit a limit (so a flood hears it once a minute, not per message)."""

    __tablename__ = "limit_notice"

    openid: str = Field(primary_key=True, max_length=64)
    kind: str = Field(primary_key=True, max_length=32)
    told_at: dt.datetime


# Only what a person does on purpose counts: WeChat's own reports and location events do not.
# The inner LIMIT keeps the count at most `cap` index entries, however long the flood.
RECENT_MESSAGES = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM inbound_message WHERE openid = :openid AND received_at >= :since"
    " AND (msg_type <> 'event' OR event = 'click') LIMIT :cap) AS recent"
)
# One statement decides and records, so two messages of one flood cannot both be the one that tells.
TELL = (
    "INSERT INTO limit_notice (openid, kind, told_at) VALUES (:openid, :kind, :now)"
    " ON CONFLICT (openid, kind) DO UPDATE SET told_at = excluded.told_at WHERE limit_notice.told_at < :since"
)
RECORD_ATTEMPT = "INSERT INTO invite_attempt (openid, outcome, attempted_at) VALUES (:openid, :outcome, :now)"
WRONG_BY = (
    "SELECT COUNT(*), MIN(attempted_at) FROM invite_attempt"
    " WHERE openid = :openid AND outcome = 'wrong' AND attempted_at >= :since"
)
WRONG_IN_TOWN = (
    "SELECT COUNT(*), COUNT(DISTINCT openid) FROM invite_attempt WHERE outcome = 'wrong' AND attempted_at >= :since"
)


RECENT_KEY = "recent_messages"  # the key `prefetched` counts go under, with the openid


def recent_messages(sql: Sql, *, openid: str, since: dt.datetime, cap: int) -> int:
    """How many messages this person sent since then, this one included, counted up to `cap`."""
    if (RECENT_KEY, openid) in sql.prefetched:  # counted by this message's claim, with the same since and cap
        return min(sql.prefetched.pop((RECENT_KEY, openid)) + 1, cap)
    return sql.one(RECENT_MESSAGES, openid=openid, since=sql.time(since), cap=cap)[0]


def keep_recent(sql: Sql, *, openid: str, before_this: int) -> None:
    """PostgreSQL: RECENT_MESSAGES counted inside a message's claim, which does not see its own row yet."""
    sql.prefetched[(RECENT_KEY, openid)] = before_this


def tell_once(sql: Sql, *, openid: str, kind: str, now: dt.datetime, since: dt.datetime) -> bool:
    """True, and noted, unless this person was told of this limit since then."""
    return sql.run(TELL, openid=openid, kind=kind, now=sql.time(now), since=sql.time(since)) == 1


def record_invite_attempt(sql: Sql, *, openid: str, outcome: str, now: dt.datetime) -> None:
    """Note a 绑定 that did not bind."""
    sql.run(RECORD_ATTEMPT, openid=openid, outcome=outcome, now=sql.time(now))


def wrong_invites_by(sql: Sql, *, openid: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    """This person's wrong codes since then, and when the first of them was."""
    count, first = sql.one(WRONG_BY, openid=openid, since=sql.time(since))
    return count, sql.read_time(first)


def wrong_invites_in_town(sql: Sql, *, since: dt.datetime) -> tuple[int, int]:
    """Wrong codes town-wide since then, and from how many people."""
    count, people = sql.one(WRONG_IN_TOWN, since=sql.time(since))
    return count, people
