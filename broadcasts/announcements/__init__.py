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

from sqlmodel import Session

from broadcasts.announcements.audience import LOUDSPEAKER, Audience, AudienceError, resolve
from broadcasts.announcements.plan import Occurrence, Plan, Planner, settle_covered
from broadcasts.announcements.texts import TEXT
from models.announcement import (
    Announcement,
    active_announcements,
    add_announcement,
    finish_run,
    mark_announcement_done,
    run_finished,
    run_plan,
    start_run,
)
from models.audience import enqueue_scripts
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
    stored = add_announcement(
        session,
        announcement=Announcement(
            text=text.strip(),
            audience=_canonical(audience),
            send_at=at,
            daily_times=parse_daily(daily),
            until=until,
            created_by=created_by,
            created_at=now,
        ),
    )
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
    for stored in active_announcements(session):
        for occurrence in _due(stored, now, tz):
            if not run_finished(sql, announcement_id=stored.id, occurrence=occurrence):
                done += run_occurrence(session, settings, stored, occurrence, now).enqueued
        if _over(stored, now, tz):
            mark_announcement_done(session, announcement=stored)
    return done


def run_occurrence(
    session: Session, settings: Settings, stored: Announcement, occurrence: str, now: dt.datetime
) -> Plan:
    """Plan and enqueue one occurrence, its loudspeaker script to the village cadres, and record the run."""
    sql = Sql(session.connection())
    first = start_run(sql, announcement_id=stored.id, occurrence=occurrence, now=now)
    audience = resolve(session, stored.audience)
    occ = _occurrence(stored, audience, occurrence, first=first)
    plan = Planner(sql, settings, now).plan(occ, enqueue=True)
    plan.scripts = _scripts(sql, stored, audience, occ, now)
    finish_run(sql, announcement_id=stored.id, occurrence=occurrence, plan=plan.to_json(), now=now)
    if occurrence == URGENT or stored.daily_times is None:
        mark_announcement_done(session, announcement=stored)
    return plan


def _scripts(sql: Sql, stored: Announcement, audience: Audience, occ: Occurrence, now: dt.datetime) -> int:
    """The text as a loudspeaker script for the village cadres of the villages it is for."""
    if audience.kind not in LOUDSPEAKER:
        return 0
    when = ""
    if stored.daily_times:
        when = TEXT.when_daily.format(times=TEXT.separator.join(stored.daily_times.split(",")))
    text = TEXT.script.format(when=when, text=stored.text)
    return enqueue_scripts(sql, village_ids=audience.village_ids, prefix=occ.prefix, text=text, now=now)


def _occurrence(stored: Announcement, audience: Audience, occurrence: str, *, first: bool = False) -> Occurrence:
    return Occurrence(stored.id, occurrence, stored.text, audience, first)


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


def _aware(value: dt.datetime) -> dt.datetime:
    """Times come back naive from SQLite (UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def plan_of(sql: Sql, announcement_id: int, occurrence: str) -> dict:
    """The stored plan of one occurrence (for the dashboard and tests)."""
    plan = run_plan(sql, announcement_id=announcement_id, occurrence=occurrence)
    return json.loads(plan) if plan else {}


def announce_text(stored: Announcement, plan: Plan, tz: ZoneInfo) -> str:
    """What the operator reads after `announce`: when it goes, and the plan."""
    if stored.daily_times:
        until = TEXT.until.format(day=stored.until.isoformat()) if stored.until else ""
        head = TEXT.scheduled_daily.format(
            times=TEXT.separator.join(stored.daily_times.split(",")), until=until, id=stored.id
        )
        return head + "\n" + TEXT.preview.format(plan=plan.describe())
    if stored.send_at:
        at = _aware(stored.send_at).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return TEXT.scheduled_at.format(at=at, id=stored.id) + "\n" + TEXT.preview.format(plan=plan.describe())
    return TEXT.sent_now.format(id=stored.id) + "\n" + plan.describe()
