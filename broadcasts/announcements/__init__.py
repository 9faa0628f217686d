"""Loudspeaker announcements: stored once, each occurrence planned and enqueued once, by the CLI or the job.

An urgent announcement (no time) is planned and enqueued by `announce` itself, so the delivery worker sends it
within seconds. Scheduled ones (`--at`, `--daily`) are found by `announcements_due`, which the scheduler runs every
minute: an occurrence is due once its moment has come (within MISFIRE_GRACE of it, so a day of downtime does not
fire yesterday's morning notice in the evening) and has no finished `AnnouncementRun`.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from broadcasts.announcements.audience import LOUDSPEAKER, Audience, AudienceError, resolve
from broadcasts.announcements.plan import Occurrence, Plan, Planner, settle_covered
from broadcasts.announcements.texts import TEXT
from models.announcement import Announcement
from models.sql import Sql
from town import clock
from town.settings import Settings

__all__ = ["AudienceError", "Plan", "announce", "announce_text", "announcements_due", "parse_daily", "run_occurrence"]
URGENT = "now"
MISFIRE_GRACE = dt.timedelta(hours=3)


def parse_daily(text: str | None) -> str | None:
    """「08:00,18:00」 as sorted, zero-padded HH:MM; ValueError on anything else."""
    if not text:
        return None
    times = sorted({dt.datetime.strptime(part.strip(), "%H:%M").strftime("%H:%M") for part in text.split(",")})
    return ",".join(times)


def announce(
    session: Session,
    settings: Settings,
    *,
    text: str,
    to: str,
    now: dt.datetime,
    at: dt.datetime | None = None,
    daily: str | None = None,
    until: dt.date | None = None,
    created_by: str = "cli",
) -> tuple[Announcement, Plan]:
    """Store an announcement; an urgent one is planned and enqueued now, a scheduled one only previewed."""
    audience = resolve(session, to)
    stored = Announcement(
        text=text.strip(),
        audience=_canonical(audience),
        send_at=at,
        daily_times=parse_daily(daily),
        until=until,
        created_by=created_by,
        created_at=now,
    )
    session.add(stored)
    session.flush()
    if at is None and stored.daily_times is None:
        return stored, run_occurrence(session, settings, stored, URGENT, now)
    return stored, Planner(Sql(session.connection()), settings, now).plan(
        _occurrence(stored, audience, ""), enqueue=False
    )


def announcements_due(session: Session, now: dt.datetime, settings: Settings) -> int:
    """The job: settle tag sends, then plan and enqueue every occurrence due and not yet run; rows queued."""
    sql = Sql(session.connection())
    done = settle_covered(sql, now=now)
    tz = clock.zone()
    active = select(Announcement).where(Announcement.status == "active").order_by(Announcement.id)
    for stored in session.exec(active).all():
        for occurrence in _due(stored, now, tz):
            if not _finished(sql, stored.id, occurrence):
                done += run_occurrence(session, settings, stored, occurrence, now).enqueued
        if _over(stored, now, tz):
            stored.status = "done"
    return done


def run_occurrence(
    session: Session, settings: Settings, stored: Announcement, occurrence: str, now: dt.datetime
) -> Plan:
    """Plan and enqueue one occurrence, its loudspeaker script to the village cadres, and record the run."""
    sql = Sql(session.connection())
    sql.run(
        "INSERT INTO announcement_run (announcement_id, occurrence, plan, started_at) VALUES (:a, :o, '{}', :now)"
        " ON CONFLICT (announcement_id, occurrence) DO NOTHING",
        a=stored.id,
        o=occurrence,
        now=sql.time(now),
    )
    audience = resolve(session, stored.audience)
    occ = _occurrence(stored, audience, occurrence)
    plan = Planner(sql, settings, now).plan(occ, enqueue=True)
    plan.scripts = _scripts(sql, stored, audience, occ, now)
    sql.run(
        "UPDATE announcement_run SET plan = :plan, finished_at = :now WHERE announcement_id = :a AND occurrence = :o",
        plan=plan.to_json(),
        now=sql.time(now),
        a=stored.id,
        o=occurrence,
    )
    if occurrence == URGENT or stored.daily_times is None:
        stored.status = "done"
        session.add(stored)
    return plan


def _scripts(sql: Sql, stored: Announcement, audience: Audience, occ: Occurrence, now: dt.datetime) -> int:
    """The text as a loudspeaker script for the village cadres of the villages it is for."""
    if audience.kind not in LOUDSPEAKER:
        return 0
    when = TEXT.when_daily.format(times="、".join(stored.daily_times.split(","))) if stored.daily_times else ""
    ids, params = sql.in_list("sv", list(audience.village_ids or []))
    where = f" AND a.village_id IN {ids}" if audience.village_ids is not None else ""
    return sql.run(
        "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, payload, status, attempts,"
        " created_at, due_at) SELECT DISTINCT :prefix || 'script:' || p.openid, p.openid, 'notice', :text, '{}',"
        " 'queued', 0, :now, :now FROM cadre_assignment a JOIN person p ON p.id = a.person_id"
        f" WHERE a.role = 'village_cadre'{where} ON CONFLICT (idempotency_key) DO NOTHING",
        prefix=occ.prefix,
        text=TEXT.script.format(when=when, text=stored.text),
        now=sql.time(now),
        **params,
    )


def _occurrence(stored: Announcement, audience: Audience, occurrence: str) -> Occurrence:
    return Occurrence(stored.id, occurrence, stored.text, audience)


def _canonical(audience: Audience) -> str:
    return f"{audience.kind}:{audience.label}" if audience.kind in ("village", "workarea") else audience.kind


def _due(stored: Announcement, now: dt.datetime, tz: ZoneInfo) -> list[str]:
    """Occurrences whose moment has come, not older than MISFIRE_GRACE (nor before the announcement existed)."""
    created = _aware(stored.created_at)
    if stored.daily_times is None:
        at = _aware(stored.send_at) if stored.send_at else created
        key = URGENT if stored.send_at is None else at.astimezone(tz).strftime("%Y-%m-%dT%H:%M")
        return [key] if at <= now and now - at <= MISFIRE_GRACE else []
    today = now.astimezone(tz).date()
    due = []
    for day in (today - dt.timedelta(days=1), today):  # yesterday's 23:50 is still due at 00:10
        if stored.until is not None and day > stored.until:
            continue
        for hm in stored.daily_times.split(","):
            moment = dt.datetime.combine(day, dt.time.fromisoformat(hm), tz).astimezone(dt.UTC)
            if created <= moment <= now and now - moment <= MISFIRE_GRACE:
                due.append(f"{day.isoformat()}T{hm}")
    return due


def _over(stored: Announcement, now: dt.datetime, tz: ZoneInfo) -> bool:
    """Nothing more will ever be due (a one-time announcement past its grace, a daily one past --until)."""
    if stored.daily_times is None:
        at = _aware(stored.send_at) if stored.send_at else _aware(stored.created_at)
        return now - at > MISFIRE_GRACE
    if stored.until is None:
        return False
    last = dt.datetime.combine(stored.until, dt.time.fromisoformat(stored.daily_times.split(",")[-1]), tz)
    return now - last.astimezone(dt.UTC) > MISFIRE_GRACE


def _finished(sql: Sql, announcement_id: int, occurrence: str) -> bool:
    row = sql.one(
        "SELECT finished_at FROM announcement_run WHERE announcement_id = :a AND occurrence = :o",
        a=announcement_id,
        o=occurrence,
    )
    return row is not None and row[0] is not None


def _aware(value: dt.datetime) -> dt.datetime:
    """Times come back naive from SQLite (UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def plan_of(sql: Sql, announcement_id: int, occurrence: str) -> dict:
    """The stored plan of one occurrence (for the dashboard and tests)."""
    row = sql.one(
        "SELECT plan FROM announcement_run WHERE announcement_id = :a AND occurrence = :o",
        a=announcement_id,
        o=occurrence,
    )
    return json.loads(row[0]) if row else {}


def announce_text(stored: Announcement, plan: Plan, tz: ZoneInfo) -> str:
    """What the operator reads after `announce`: when it goes, and the plan."""
    if stored.daily_times:
        until = TEXT.until.format(day=stored.until.isoformat()) if stored.until else ""
        head = TEXT.scheduled_daily.format(times="、".join(stored.daily_times.split(",")), until=until, id=stored.id)
        return head + "\n" + TEXT.preview.format(plan=plan.describe())
    if stored.send_at:
        at = _aware(stored.send_at).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return TEXT.scheduled_at.format(at=at, id=stored.id) + "\n" + TEXT.preview.format(plan=plan.describe())
    return TEXT.sent_now.format(id=stored.id) + "\n" + plan.describe()
