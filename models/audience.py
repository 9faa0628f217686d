"""An announcement's audience as SQL over `person`: who it is, which channel reaches each, their rows enqueued.

Everything is INSERT ... SELECT over one classifying query (`Reach`): no Python object per recipient. Opted-out
and unfollowed people are never part of an audience.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from models.delivery import MASS_MONTHLY_QUOTA, SHORT_WINDOW, SHORT_WINDOW_QUOTA, WINDOW, WINDOW_QUOTA
from models.sql import Sql

UNLIMITED = 1_000_000

# The audience with what decides its channel: WeChat's window, mass sends this month, refused channels, the tag.
# Mass sends and refused channels are counted once per person by grouped joins (a correlated subquery per person
# cost a county 85 s), and `cls` is computed once into a temporary table that every later statement reads.
CLASSIFIED = """
WITH used AS (
  SELECT o.recipient_openid AS openid, COUNT(*) AS n FROM outbox_message o
  WHERE o.channel = 'mass' AND o.sent_at >= :month_start AND o.status IN ('sent', 'delivered')
  GROUP BY o.recipient_openid
), blocked AS (
  SELECT b.openid, SUM(CASE WHEN b.channel = 'custom' THEN 1 ELSE 0 END) AS cs,
    SUM(CASE WHEN b.channel = 'mass' THEN 1 ELSE 0 END) AS mass
  FROM channel_block b GROUP BY b.openid
), aud AS (
  SELECT p.id, p.openid, p.name, p.village_id, p.tagged_village_id,
    CASE WHEN p.last_inbound_at > :long_since THEN (CASE WHEN p.cs_used < {window_quota} THEN 1 ELSE 0 END)
         WHEN p.short_window_at > :short_since AND p.cs_used < {short_quota} THEN 1 ELSE 0 END AS win,
    COALESCE(u.n, 0) AS used, COALESCE(k.cs, 0) AS cs_blocked, COALESCE(k.mass, 0) AS mass_blocked
  FROM person p LEFT JOIN used u ON u.openid = p.openid LEFT JOIN blocked k ON k.openid = p.openid
  WHERE {where}
), cls AS (
  SELECT id, openid, name, village_id, tagged_village_id, CASE
    WHEN tagged_village_id IN {tags} AND used < :tag_quota AND mass_blocked = 0 THEN 'tag'
    WHEN win = 1 AND cs_blocked = 0 THEN 'custom'
    WHEN :service = 1 AND used < {mass_quota} AND mass_blocked = 0 THEN 'mass'
    ELSE 'none' END AS how
  FROM aud
)
"""
KEEP = (
    "CREATE TEMPORARY TABLE {table} (id INTEGER, openid VARCHAR(64), name VARCHAR(50), village_id INTEGER,"
    " tagged_village_id INTEGER, how VARCHAR(8))"
)
# PostgreSQL takes no parameters in CREATE TABLE ... AS: the rows go in by INSERT ... SELECT, which does.
FILL = "INSERT INTO {table} {classified} SELECT id, openid, name, village_id, tagged_village_id, how FROM cls"
KEEP_INDEX = "CREATE INDEX {table}_how ON {table} (how, tagged_village_id, id)"
KEPT = "WITH cls AS (SELECT id, openid, name, village_id, tagged_village_id, how FROM {table}) "
DROP = "DROP TABLE IF EXISTS {table}"
INSERT = (
    "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, body_id, payload, status, attempts,"
    " created_at, due_at) {select}{conflict}"
)
# An occurrence's first run (its run row new in this transaction) has no rows yet: plain inserts, the unique key
# still the guard. A run again (cut short, or by a second process) adds only the rows that are missing.
AGAIN = " ON CONFLICT (idempotency_key) DO NOTHING"
BY_CHANNEL = "SELECT how, village_id, COUNT(*) FROM cls GROUP BY how, village_id"
UNREACHABLE = "SELECT name, openid FROM cls WHERE how = 'none' ORDER BY id LIMIT {limit}"
DIRECT = (
    "SELECT (:prefix || c.openid), c.openid, CASE WHEN c.how = 'custom' THEN 'notice' ELSE"
    " 'broadcast' END, :text, :body, CASE WHEN c.how = 'custom' THEN :custom ELSE :mass END, 'queued', 0,"
    " :now, :now FROM cls c WHERE c.how IN ('custom', 'mass') ORDER BY c.id"
)
BY_TAG = (
    "SELECT (:prefix || c.openid), c.openid, 'broadcast', :text, :body, CASE WHEN c.id = (SELECT"
    " MIN(id) FROM cls WHERE how = 'tag' AND tagged_village_id = :village) THEN :payload ELSE :covered END,"
    " CASE WHEN c.id = (SELECT MIN(id) FROM cls WHERE how = 'tag' AND tagged_village_id = :village) THEN"
    " 'queued' ELSE 'covered' END, 0, :now, :now FROM cls c WHERE c.how = 'tag' AND c.tagged_village_id ="
    " :village ORDER BY c.id"
)
# A tag is usable when nobody carrying it would hear what is not for them (opted out, moved away).
CLEAN_TAGS = (
    "SELECT v.id, v.name, (SELECT COUNT(*) FROM person p WHERE p.tagged_village_id = v.id AND p.subscribed ="
    " :yes AND p.announcements_opted_out = :no) AS n FROM village v WHERE v.wechat_tag_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM person p WHERE p.tagged_village_id = v.id AND p.subscribed = :yes"
    " AND (p.announcements_opted_out = :yes OR p.village_id IS NULL OR p.village_id <> v.id))"
)
SCRIPTS = (
    "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, payload, status, attempts,"
    " created_at, due_at) SELECT DISTINCT :prefix || 'script:' || p.openid, p.openid, 'notice', :text, '{{}}',"
    " 'queued', 0, :now, :now FROM cadre_assignment a JOIN person p ON p.id = a.person_id"
    " WHERE a.role = 'village_cadre'{where} ON CONFLICT (idempotency_key) DO NOTHING"
)


def audience_condition(sql: Sql, *, kind: str, village_ids: tuple[int, ...] | None) -> tuple[str, dict]:
    """The condition on `p` (person) selecting the audience, and its parameters."""
    params = {"yes": sql.flag(True), "no": sql.flag(False)}
    base = "p.subscribed = :yes AND p.announcements_opted_out = :no"
    if kind == "isolated":
        return base + " AND p.id IN (SELECT q.person_id FROM quarantine q WHERE q.status = 'active')", params
    if kind == "cadres":
        return base + " AND p.id IN (SELECT a.person_id FROM cadre_assignment a)", params
    if village_ids is None:
        return base, params
    ids, more = sql.in_list("aud_v", list(village_ids))
    return base + f" AND p.village_id IN {ids}", {**params, **more}


@dataclass(frozen=True)
class Reach:
    """The audience classified by channel (the `cls` table of a WITH clause), with its parameters."""

    query: str
    params: dict
    table: str


def classify(
    sql: Sql,
    *,
    kind: str,
    village_ids: tuple[int, ...] | None,
    tag_village_ids: list[int],
    now: dt.datetime,
    month_start: dt.datetime,
    service: bool,
) -> Reach:
    """Which channel reaches each person of the audience: a village tag, the 48-hour window, a mass send, none.

    The answer is kept in a temporary table for the rest of the transaction; `forget` drops it.
    """
    where, params = audience_condition(sql, kind=kind, village_ids=village_ids)
    tag_ids, tag_params = sql.in_list("tags", sorted(tag_village_ids))
    classified = CLASSIFIED.format(
        where=where,
        tags=tag_ids,
        window_quota=WINDOW_QUOTA,
        short_quota=SHORT_WINDOW_QUOTA,
        mass_quota=MASS_MONTHLY_QUOTA,
    )
    table = f"audience_{uuid.uuid4().hex[:12]}"
    sql.run(KEEP.format(table=table))
    sql.run(
        FILL.format(table=table, classified=classified),
        **params,
        **tag_params,
        long_since=sql.time(now - WINDOW),
        short_since=sql.time(now - SHORT_WINDOW),
        month_start=sql.time(month_start),
        tag_quota=MASS_MONTHLY_QUOTA if service else UNLIMITED,
        service=1 if service else 0,
    )
    sql.run(KEEP_INDEX.format(table=table))
    return Reach(KEPT.format(table=table), {}, table)


def forget(sql: Sql, *, reach: Reach) -> None:
    """Drop the audience's temporary table (the transaction may go on with other work)."""
    sql.run(DROP.format(table=reach.table))


def count_by_channel(sql: Sql, *, reach: Reach) -> list[tuple[str, int | None, int]]:
    """How many each channel reaches, per village: (how, village id, count)."""
    return sql.all(reach.query + BY_CHANNEL, **reach.params)


def unreachable_people(sql: Sql, *, reach: Reach, limit: int) -> list[tuple[str | None, str]]:
    """The first few (name, openid) no channel reaches."""
    return sql.all(reach.query + UNREACHABLE.format(limit=limit), **reach.params)


def enqueue_direct(
    sql: Sql, *, reach: Reach, prefix: str, body: int, custom: str, mass: str, now: dt.datetime, first: bool = False
) -> int:
    """One row per person reached by a customer-service message or a mass send, each pointing to the stored text
    `body` (`first`: the occurrence's first run, nothing queued yet); rows added."""
    return sql.run(
        INSERT.format(select=f"{reach.query} {DIRECT}", conflict="" if first else AGAIN),
        **reach.params,
        text="",
        body=body,
        now=sql.time(now),
        prefix=prefix,
        custom=custom,
        mass=mass,
    )


def enqueue_tag(
    sql: Sql,
    *,
    reach: Reach,
    prefix: str,
    body: int,
    village_id: int,
    payload: str,
    covered: str,
    now: dt.datetime,
    first: bool = False,
) -> int:
    """One carrier row queued for the village's tag; everyone else it covers waits as `covered` (all pointing to
    the stored text `body`; `first` as for enqueue_direct); rows added."""
    return sql.run(
        INSERT.format(select=f"{reach.query} {BY_TAG}", conflict="" if first else AGAIN),
        **reach.params,
        text="",
        body=body,
        now=sql.time(now),
        prefix=prefix,
        village=village_id,
        payload=payload,
        covered=covered,
    )


def clean_village_tags(sql: Sql, *, village_ids: tuple[int, ...] | None) -> list[tuple[int, str, int]]:
    """Villages whose WeChat tag reaches only their own listening villagers: (id, name, people tagged)."""
    ids, params = sql.in_list("tv", list(village_ids or []))
    where = f" AND v.id IN {ids}" if village_ids is not None else ""
    return sql.all(CLEAN_TAGS + where, yes=sql.flag(True), no=sql.flag(False), **params)


def enqueue_scripts(sql: Sql, *, village_ids: tuple[int, ...] | None, prefix: str, text: str, now: dt.datetime) -> int:
    """The loudspeaker script to every village cadre of these villages (None: all), once each; rows added."""
    ids, params = sql.in_list("sv", list(village_ids or []))
    where = f" AND a.village_id IN {ids}" if village_ids is not None else ""
    return sql.run(SCRIPTS.format(where=where), prefix=prefix, text=text, now=sql.time(now), **params)
