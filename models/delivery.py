"""Delivery accounting: every attempt, channels a person refused, paused APIs, and phone-call tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.sql import Sql


class DeliveryAttempt(SQLModel, table=True):
    """One try to deliver an outbox row on one channel, with WeChat's answer."""

    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox_message.id", index=True)
    channel: str = Field(max_length=20)
    errcode: int | None = None
    errmsg: str | None = Field(default=None, max_length=500)
    at: dt.datetime


class ChannelBlock(SQLModel, table=True):
    """A person cannot be reached on a channel (43004 unfollowed, 43101 refused), until they write again."""

    __tablename__ = "channel_block"
    __table_args__ = (UniqueConstraint("openid", "channel", name="uq_channel_block"),)

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(max_length=64)
    channel: str = Field(max_length=20)
    errcode: int
    at: dt.datetime


class ApiPause(SQLModel, table=True):
    """An API whose daily quota is used up (45009): not called again until `until`."""

    __tablename__ = "api_pause"

    api: str = Field(primary_key=True, max_length=40)
    until: dt.datetime
    errcode: int


class CallTask(SQLModel, table=True):
    """An alert no channel could deliver: a cadre is asked to phone the person instead."""

    __tablename__ = "call_task"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox_message.id", unique=True)
    caller_openid: str | None = Field(default=None, max_length=64)
    callee_openid: str = Field(max_length=64)
    callee_name: str | None = Field(default=None, max_length=50)
    callee_phone: str | None = Field(default=None, max_length=20)
    text: str  # the original alert, quoted once however far the task climbs
    created_at: dt.datetime
    done_at: dt.datetime | None = None
    # The call message to the caller could not be delivered either: the task moved to the next one up.
    moved_at: dt.datetime | None = None


WINDOW = dt.timedelta(hours=48)
WINDOW_QUOTA = 5
SHORT_WINDOW = dt.timedelta(minutes=1)  # after a menu click, follow or scan
SHORT_WINDOW_QUOTA = 3
MASS = "mass"
MASS_MONTHLY_QUOTA = 4  # a service account's follower receives at most 4 mass messages a month


@dataclass
class Recipient:
    """What the worker knows of a person while delivering a batch (updated as it sends)."""

    openid: str
    name: str | None = None
    phone: str | None = None
    subscribed: bool = True
    last_inbound_at: dt.datetime | None = None
    cs_used: int = 0
    short_window_at: dt.datetime | None = None
    blocked: set[str] = field(default_factory=set)
    mass_this_month: int = 0
    cadre: bool = False  # holds a role: reached by channels that do not depend on the 48-hour window
    wecom_userid: str | None = None
    new_blocks: list[tuple[str, int]] = field(default_factory=list)

    def mass_allowed(self) -> bool:
        """Mass sends left for this person this month (counted from what was sent, not a counter)."""
        return self.subscribed and MASS not in self.blocked and self.mass_this_month < MASS_MONTHLY_QUOTA

    def block(self, channel: str, errcode: int) -> None:
        """The person refused this channel (43004/43101): never try it again."""
        self.blocked.add(channel)
        self.new_blocks.append((channel, errcode))

    def window_open(self, now: dt.datetime) -> bool:
        """Customer-service messages allowed: 5 within 48 h of a message, or 3 within a minute of a click."""
        if self.last_inbound_at is not None and now - self.last_inbound_at < WINDOW:
            return self.cs_used < WINDOW_QUOTA
        if self.short_window_at is not None and now - self.short_window_at < SHORT_WINDOW:
            return self.cs_used < SHORT_WINDOW_QUOTA
        return False


PEOPLE = (
    "SELECT p.openid, p.name, p.phone, p.subscribed, p.last_inbound_at, p.cs_used, p.short_window_at,"
    " p.wecom_userid, EXISTS (SELECT 1 FROM cadre_assignment a WHERE a.person_id = p.id) FROM person p"
    " WHERE p.openid IN {ids}"
)
BLOCKS = "SELECT openid, channel FROM channel_block WHERE openid IN {ids}"
MASS_COUNTS = (
    "SELECT recipient_openid, COUNT(*) FROM outbox_message WHERE channel = 'mass' AND status IN ('sent', 'delivered')"
    " AND sent_at >= :month_start AND recipient_openid IN {ids} GROUP BY recipient_openid"
)
PAUSED = "SELECT api FROM api_pause WHERE until > :now"
SET_CS_USED = "UPDATE person SET cs_used = :cs_used WHERE openid = :openid"
BLOCK = (
    "INSERT INTO channel_block (openid, channel, errcode, at) VALUES (:openid, :channel, :errcode, :at)"
    " ON CONFLICT (openid, channel) DO NOTHING"
)
PAUSE = (
    "INSERT INTO api_pause (api, until, errcode) VALUES (:api, :until, :errcode)"
    " ON CONFLICT (api) DO UPDATE SET until = excluded.until, errcode = excluded.errcode"
)


def load_recipients(sql: Sql, openids: list[str], *, month_start: dt.datetime) -> dict[str, Recipient]:
    """Delivery state of the people a batch is for (unknown openids get a bare state)."""
    ids, params = sql.in_list("ids", sorted(set(openids)))
    found = {openid: Recipient(openid) for openid in openids}
    for row in sql.all(PEOPLE.format(ids=ids), **params):
        openid, name, phone, subscribed, last_at, cs_used, short_at, wecom_userid, cadre = row
        found[openid] = Recipient(
            openid,
            name,
            phone,
            bool(subscribed),
            sql.read_time(last_at),
            cs_used,
            short_window_at=sql.read_time(short_at),
            cadre=bool(cadre),
            wecom_userid=wecom_userid,
        )
    for openid, channel in sql.all(BLOCKS.format(ids=ids), **params):
        found[openid].blocked.add(channel)
    for openid, count in sql.all(MASS_COUNTS.format(ids=ids), month_start=sql.time(month_start), **params):
        found[openid].mass_this_month = count
    return found


def paused_apis(sql: Sql, *, now: dt.datetime) -> set[str]:
    """APIs whose daily quota is used up until some later time."""
    return {api for (api,) in sql.all(PAUSED, now=sql.time(now))}


def save_recipients(sql: Sql, recipients: list[Recipient], *, now: dt.datetime) -> None:
    """Write back what sending learned: window quota used, channels refused."""
    sql.many(SET_CS_USED, [{"openid": r.openid, "cs_used": r.cs_used} for r in recipients])
    sql.many(
        BLOCK,
        [
            {"openid": r.openid, "channel": channel, "errcode": errcode, "at": sql.time(now)}
            for r in recipients
            for channel, errcode in r.new_blocks
        ],
    )


def pause_api(sql: Sql, *, api: str, until: dt.datetime, errcode: int) -> None:
    """Stop calling an API until its quota resets."""
    sql.run(PAUSE, api=api, until=sql.time(until), errcode=errcode)


def block_channel(sql: Sql, *, openids: list[str], channel: str, errcode: int, now: dt.datetime) -> None:
    """Stop using a channel for these people (they refused it), once per person and channel."""
    at = sql.time(now)
    sql.many(BLOCK, [{"openid": openid, "channel": channel, "errcode": errcode, "at": at} for openid in openids])
