"""People who write to the account: villagers and cadres, keyed by their openid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Field, Session, SQLModel

from models.conversation import PREFETCH
from models.db import utcnow
from models.sql import Sql


class Person(SQLModel, table=True):
    """A WeChat user of the account; profile facts come from the chat, never from WeChat."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(unique=True, max_length=64)
    name: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    # The village whose WeChat tag the person carries now; differs from village_id until tags are synced.
    tagged_village_id: int | None = Field(default=None, foreign_key="village.id")
    subscribed: bool = True
    # 退订 / 订阅: announcements and the daily risk list only (care messages to an isolated household keep going).
    announcements_opted_out: bool = False
    risk_list_opted_out: bool = False
    subscribed_at: dt.datetime | None = None
    unsubscribed_at: dt.datetime | None = None
    last_inbound_at: dt.datetime | None = None
    # When they last clicked the menu, followed or scanned: WeChat then allows 3 messages within a minute.
    short_window_at: dt.datetime | None = None
    # Customer-service messages sent in the current window (5 in the 48 hours after a message, 3 after a click).
    cs_used: int = 0
    # A cadre's WeCom (企业微信) userid, given in the chat: alerts reach them there, outside WeChat's window.
    wecom_userid: str | None = Field(default=None, max_length=64)
    latitude: float | None = None
    longitude: float | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)


_TOUCH_INTO = "INSERT INTO person (openid, subscribed, last_inbound_at, cs_used, created_at)"
_TOUCH_CONFLICT = (
    " ON CONFLICT (openid) DO UPDATE SET last_inbound_at = excluded.last_inbound_at, cs_used = 0"
    " WHERE person.last_inbound_at IS NULL OR person.last_inbound_at <= excluded.last_inbound_at"
    " RETURNING id, name, phone, village_id, subscribed"
)
TOUCH = f"{_TOUCH_INTO} VALUES (:openid, :yes, :now, 0, :now){_TOUCH_CONFLICT}"
# PostgreSQL: the touch as a CTE of the message's claim (models/inbound.py), done only if the `claim` CTE stored it.
TOUCH_IF_CLAIMED = (
    f"{_TOUCH_INTO} SELECT :openid, :yes, :now, 0, :now WHERE EXISTS (SELECT 1 FROM claim){_TOUCH_CONFLICT}"
)
PERSON = "person"  # the key `prefetched` rows of this table go under, with the openid
# PostgreSQL: the same, with the person's conversation state read in the same round trip (SQLite has no DML in CTEs).
TOUCH_AND_STATE = (
    f"WITH p AS ({TOUCH}) SELECT p.id, p.name, p.phone, p.village_id, p.subscribed,"
    " c.flow, c.step, c.slots, c.started_at, c.updated_at FROM p LEFT JOIN conversation_state c ON c.openid = :openid"
)
# A click, follow or scan opens WeChat's short window; the count restarts unless a 48-hour window is open.
TOUCH_SHORT = (
    "INSERT INTO person (openid, subscribed, short_window_at, cs_used, created_at)"
    " VALUES (:openid, :yes, :now, 0, :now)"
    " ON CONFLICT (openid) DO UPDATE SET short_window_at = excluded.short_window_at, cs_used = CASE"
    " WHEN person.last_inbound_at IS NULL OR person.last_inbound_at < :long_since THEN 0 ELSE person.cs_used END"
    " RETURNING id, name, phone, village_id, subscribed"
)
# Events the person did not do (delivery reports, location auto-reports) leave the windows alone.
TOUCH_QUIETLY = (
    "INSERT INTO person (openid, subscribed, cs_used, created_at) VALUES (:openid, :yes, 0, :now)"
    " ON CONFLICT (openid) DO UPDATE SET openid = excluded.openid"
    " RETURNING id, name, phone, village_id, subscribed"
)


@dataclass
class Caller:
    """The person behind the message being handled: the profile the dialogue reads (no ORM instance)."""

    id: int
    openid: str
    name: str | None
    phone: str | None
    village_id: int | None
    subscribed: bool


LONG_WINDOW = dt.timedelta(hours=48)


def touch_person(sql: Sql, *, openid: str, now: dt.datetime, window: str | None = "long") -> Caller:
    """Get or create the person behind an inbound message; what they did opens WeChat's long or short window."""
    params = {"openid": openid, "yes": sql.flag(True), "now": sql.time(now)}
    touched = sql.prefetched.pop((PERSON, openid), None)  # by the message's claim (models/inbound.py)
    if touched is not None and window == "long":
        return Caller(touched[0], openid, touched[1], touched[2], touched[3], bool(touched[4]))
    if window == "short":
        row = sql.one(TOUCH_SHORT, long_since=sql.time(now - LONG_WINDOW), **params)
    elif window == "long" and not sql.sqlite:
        row = sql.one(TOUCH_AND_STATE, **params)
        if row is not None:
            sql.prefetched[(PREFETCH, openid)] = row[5:] if row[5] is not None else None  # for load_state
            row = row[:5]
        else:  # replayed from the spool, older than the last message: it leaves the window where it is
            row = sql.one(TOUCH_QUIETLY, **params)
    else:
        # A message replayed from the spool may be older than the last one: it leaves the window where it is.
        row = sql.one(TOUCH if window == "long" else TOUCH_QUIETLY, **params) or sql.one(TOUCH_QUIETLY, **params)
    person_id, name, phone, village_id, subscribed = row
    return Caller(person_id, openid, name, phone, village_id, bool(subscribed))


PROFILE_COLUMNS = frozenset(
    {"name", "phone", "village_id", "subscribed", "subscribed_at", "unsubscribed_at", "latitude", "longitude"}
)


def mark_subscribed(sql: Sql, *, person: Caller, now: dt.datetime) -> None:
    """The person followed the account (again)."""
    update_profile(sql, person=person, subscribed=True, subscribed_at=now, unsubscribed_at=None)


def mark_unsubscribed(sql: Sql, *, person: Caller, now: dt.datetime) -> None:
    """The person unfollowed: unreachable from now on, nothing deleted."""
    update_profile(sql, person=person, subscribed=False, unsubscribed_at=now)


def openid_of(sql: Sql, *, person_id: int | None) -> str | None:
    """The person's openid (None for no such person)."""
    row = sql.one("SELECT openid FROM person WHERE id = :id", id=person_id) if person_id else None
    return row[0] if row else None


def caller_by_id(sql: Sql, *, person_id: int) -> Caller | None:
    """The person as the dialogue reads them, without touching their windows (a cadre acting on the dashboard)."""
    row = sql.one("SELECT id, openid, name, phone, village_id, subscribed FROM person WHERE id = :id", id=person_id)
    return Caller(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None


def name_of(sql: Sql, *, person_id: int | None) -> str | None:
    """The name the person gave, if any."""
    row = sql.one("SELECT name FROM person WHERE id = :id", id=person_id) if person_id else None
    return row[0] if row else None


def names_of(sql: Sql, *, person_ids: list[int]) -> dict[int, str | None]:
    """The names these people gave, by id (one read)."""
    if not person_ids:
        return {}
    placeholders, params = sql.in_list("ids", person_ids)
    return dict(sql.all(f"SELECT id, name FROM person WHERE id IN {placeholders}", **params))


def openids_of(sql: Sql, *, person_ids: list[int]) -> list[tuple[int, str]]:
    """(id, openid) of these people, by id."""
    placeholders, params = sql.in_list("ids", person_ids)
    return [
        (pid, openid)
        for pid, openid in sql.all(f"SELECT id, openid FROM person WHERE id IN {placeholders} ORDER BY id", **params)
    ]


def contact_of(sql: Sql, *, openid: str) -> tuple[str | None, str | None]:
    """The name and phone the person with this openid gave ((None, None) when unknown)."""
    row = sql.one("SELECT name, phone FROM person WHERE openid = :openid", openid=openid)
    return (row[0], row[1]) if row else (None, None)


def village_of(sql: Sql, *, openid: str) -> int | None:
    """The village a person said they live in, if any."""
    row = sql.one("SELECT village_id FROM person WHERE openid = :openid", openid=openid)
    return row[0] if row else None


def update_profile(sql: Sql, *, person: Caller, **fields: object) -> None:
    """Write profile fields the person told us (name, phone, village_id, ...)."""
    unknown = set(fields) - PROFILE_COLUMNS
    if unknown:
        raise ValueError(f"not profile columns: {sorted(unknown)}")
    assignments = ", ".join(f"{column} = :{column}" for column in fields)
    values = {key: _bindable(sql, value) for key, value in fields.items()}
    sql.run(f"UPDATE person SET {assignments} WHERE id = :person_id", person_id=person.id, **values)
    for key, value in fields.items():
        if hasattr(person, key):
            setattr(person, key, value)


def _bindable(sql: Sql, value: object) -> object:
    if isinstance(value, bool):
        return sql.flag(value)
    if isinstance(value, dt.datetime):
        return sql.time(value)
    return value


def village_tag_moves(sql: Sql) -> list[tuple[int, str, int | None, int | None]]:
    """(id, openid, village tag carried, village) of subscribed people whose village differs from that tag."""
    differs = "IS NOT" if sql.sqlite else "IS DISTINCT FROM"
    return sql.all(
        "SELECT id, openid, tagged_village_id, village_id FROM person"
        f" WHERE subscribed = :yes AND village_id {differs} tagged_village_id ORDER BY id",
        yes=sql.flag(True),
    )


def record_village_tag(sql: Sql, *, person_ids: list[int], village_id: int | None) -> None:
    """Write down the village tag these people now carry on WeChat (None: no village tag)."""
    placeholders, params = sql.in_list("ids", person_ids)
    sql.run(
        f"UPDATE person SET tagged_village_id = :village_id WHERE id IN {placeholders}", village_id=village_id, **params
    )


def forget_village_tag_carriers(sql: Sql, *, village_id: int) -> None:
    """Nobody carries this village's tag any more (it was deleted on WeChat)."""
    sql.run("UPDATE person SET tagged_village_id = NULL WHERE tagged_village_id = :village_id", village_id=village_id)


def recent_people(session: Session, *, limit: int = 200) -> list[Person]:
    """The people who wrote most recently first (the simulator's openid picker)."""
    return list(session.execute(select(Person).order_by(Person.last_inbound_at.desc()).limit(limit)).scalars())


def name_and_phone_of(sql: Sql, *, person_id: int | None) -> tuple[str | None, str | None] | None:
    """The name and phone the person gave (None for no such person)."""
    return sql.one("SELECT name, phone FROM person WHERE id = :id", id=person_id) if person_id else None


def set_opt_outs(sql: Sql, *, person_id: int, columns: tuple[str, ...], opted_out: bool) -> None:
    """Opt the person out of (or back into) announcements and/or the risk list."""
    unknown = set(columns) - {"announcements_opted_out", "risk_list_opted_out"}
    if unknown:
        raise ValueError(f"not opt-out columns: {sorted(unknown)}")
    assignments = ", ".join(f"{column} = :flag" for column in columns)
    sql.run(f"UPDATE person SET {assignments} WHERE id = :id", flag=sql.flag(opted_out), id=person_id)


LIST_FOLLOWERS = (
    "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, body_id, payload, status, attempts,"
    " created_at, due_at) SELECT :prefix || CAST(p.id AS VARCHAR(20)), p.openid, :kind, :text, :body, :payload,"
    " 'queued', 0, :now, :now FROM person p WHERE p.subscribed = :yes AND p.risk_list_opted_out = :no"
    " AND {window}{skip}{ids} ORDER BY p.id ON CONFLICT (idempotency_key) DO NOTHING"
)
ID_RANGE = " AND p.id > :after AND p.id <= :upto"
IN_WINDOW = "(p.last_inbound_at > :since AND COALESCE(p.cs_used, 0) < :quota)"


def enqueue_to_list_followers(
    sql: Sql,
    *,
    prefix: str,
    text: str,
    kinds: tuple[tuple[str, str], tuple[str, str]],
    skip_ids: list[int],
    window_since: dt.datetime,
    quota: int,
    now: dt.datetime,
    id_range: tuple[int, int] | None = None,
    body_id: int | None = None,
) -> tuple[int, int]:
    """Every follower who wants the risk list gets a row keyed prefix+id: inside WeChat's window the first
    (kind, payload) of `kinds`, outside it the second; `skip_ids` get none; with `id_range` (after, up to) only the
    people whose id is in that range; with `body_id` the rows point to that stored text instead of copying `text`.
    Rows added for each."""
    placeholders, params = sql.in_list("skip", skip_ids)
    skip = f" AND p.id NOT IN {placeholders}" if skip_ids else ""
    common = {
        "prefix": prefix, "text": "" if body_id is not None else text, "body": body_id, "now": sql.time(now),
        "yes": sql.flag(True), "no": sql.flag(False),
        "since": sql.time(window_since), "quota": quota, **params,
    }  # fmt: skip
    if id_range is not None:
        common.update(after=id_range[0], upto=id_range[1])
    added = []
    for window, (kind, payload) in zip((IN_WINDOW, f"NOT COALESCE({IN_WINDOW}, FALSE)"), kinds, strict=True):
        statement = LIST_FOLLOWERS.format(window=window, skip=skip, ids=ID_RANGE if id_range is not None else "")
        added.append(sql.run(statement, kind=kind, payload=payload, **common))
    return added[0], added[1]


def person_id_span(sql: Sql) -> tuple[int, int]:
    """(the lowest person id - 1, the highest): every person's id is above the first and up to the second."""
    low, high = sql.one("SELECT COALESCE(MIN(id), 1) - 1, COALESCE(MAX(id), 0) FROM person")
    return low, high


def link_wecom(sql: Sql, *, person_id: int, userid: str) -> None:
    """Remember the person's WeCom userid; a new userid is tried again even if the old one could not be reached."""
    sql.run("UPDATE person SET wecom_userid = :userid WHERE id = :id", userid=userid, id=person_id)
    sql.run(
        "DELETE FROM channel_block WHERE channel = 'wecom' AND openid = (SELECT openid FROM person WHERE id = :id)",
        id=person_id,
    )


def person_id_of(sql: Sql, *, openid: str) -> int | None:
    """The id of the person with this openid (None: they never wrote)."""
    row = sql.one("SELECT id FROM person WHERE openid = :openid", openid=openid)
    return row[0] if row else None


def name_and_village_of(sql: Sql, *, person_id: int) -> tuple[str | None, int | None] | None:
    """A person's name and village id (None: no such person)."""
    return sql.one("SELECT name, village_id FROM person WHERE id = :id", id=person_id)


# A person belongs to a village where they live or where they hold a role (a cadre may never have said where they live).
_IN_VILLAGES = (
    "EXISTS (SELECT 1 FROM person jp WHERE jp.openid = {column} AND (jp.village_id IN {ids}"
    " OR EXISTS (SELECT 1 FROM cadre_assignment ja WHERE ja.person_id = jp.id AND ja.village_id IN {ids})))"
)


def openid_in_villages(sql: Sql, *, column: str, villages, name: str = "jv") -> tuple[str, dict]:
    """A WHERE condition on an openid column: the person lives in, or holds a role for, one of these villages."""
    ids, params = sql.in_list(name, sorted(villages))
    return _IN_VILLAGES.format(column=column, ids=ids), params
