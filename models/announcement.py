"""Loudspeaker announcements: what to say, to whom, when; each occurrence planned and sent once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from models.sql import Sql


class Announcement(SQLModel, table=True):
    """An announcement as the town composed it: urgent (now), at a time, or daily until a day."""

    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=2000)
    audience: str = Field(max_length=100)  # all, village:NAME, workarea:NAME, isolated, cadres
    send_at: dt.datetime | None = None  # one time (None with no daily times: urgent, now)
    daily_times: str | None = Field(default=None, max_length=100)  # "08:00,18:00" in the town's time zone
    until: dt.date | None = None  # last day of a daily announcement
    status: str = Field(default="active", max_length=12)  # active, done, cancelled
    created_by: str = Field(default="cli", max_length=100)
    created_at: dt.datetime


class AnnouncementRun(SQLModel, table=True):
    """One occurrence of an announcement: planned once, its recipients enqueued with per-recipient keys."""

    __tablename__ = "announcement_run"
    __table_args__ = (UniqueConstraint("announcement_id", "occurrence", name="uq_announcement_run"),)

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True)
    occurrence: str = Field(max_length=40)  # the scheduled moment it stands for, ISO (town time)
    plan: str = "{}"  # JSON: how many by which channel, and who cannot be reached
    started_at: dt.datetime
    finished_at: dt.datetime | None = None


def add_announcement(session: Session, *, announcement: Announcement) -> Announcement:
    """Store a new announcement; it has its id on return."""
    session.add(announcement)
    session.flush()
    return announcement


def active_announcements(session: Session) -> list[Announcement]:
    """Announcements still to send some time, oldest first."""
    active = select(Announcement).where(Announcement.status == "active").order_by(Announcement.id)
    return list(session.exec(active).all())


def mark_announcement_done(session: Session, *, announcement: Announcement) -> None:
    """Nothing more of this announcement will be sent."""
    announcement.status = "done"
    session.add(announcement)


START_RUN = (
    "INSERT INTO announcement_run (announcement_id, occurrence, plan, started_at) VALUES (:a, :o, '{}', :now)"
    " ON CONFLICT (announcement_id, occurrence) DO NOTHING"
)
FINISH_RUN = (
    "UPDATE announcement_run SET plan = :plan, finished_at = :now WHERE announcement_id = :a AND occurrence = :o"
)
RUN_FINISHED_AT = "SELECT finished_at FROM announcement_run WHERE announcement_id = :a AND occurrence = :o"
RUN_PLAN = "SELECT plan FROM announcement_run WHERE announcement_id = :a AND occurrence = :o"


def start_run(sql: Sql, *, announcement_id: int, occurrence: str, now: dt.datetime) -> bool:
    """Record that an occurrence started; False when it had (the unique key decides between processes)."""
    return sql.run(START_RUN, a=announcement_id, o=occurrence, now=sql.time(now)) == 1


def finish_run(sql: Sql, *, announcement_id: int, occurrence: str, plan: str, now: dt.datetime) -> None:
    """Record an occurrence's plan (JSON) and that it is finished."""
    sql.run(FINISH_RUN, plan=plan, now=sql.time(now), a=announcement_id, o=occurrence)


def locked_run_plan(sql: Sql, *, announcement_id: int, occurrence: str) -> str | None:
    """An occurrence's plan, its row locked until the transaction ends (PostgreSQL; SQLite has one writer)."""
    row = sql.one(RUN_PLAN + ("" if sql.sqlite else " FOR UPDATE"), a=announcement_id, o=occurrence)
    return row[0] if row else None


def save_run_progress(sql: Sql, *, announcement_id: int, occurrence: str, plan: str) -> None:
    """Record how far an occurrence still running came (JSON in its plan)."""
    sql.run(
        "UPDATE announcement_run SET plan = :plan WHERE announcement_id = :a AND occurrence = :o",
        plan=plan, a=announcement_id, o=occurrence,
    )  # fmt: skip


def run_finished(sql: Sql, *, announcement_id: int, occurrence: str) -> bool:
    """True when this occurrence ran to its end."""
    row = sql.one(RUN_FINISHED_AT, a=announcement_id, o=occurrence)
    return row is not None and row[0] is not None


def run_plan(sql: Sql, *, announcement_id: int, occurrence: str) -> str | None:
    """An occurrence's stored plan (JSON), or None when it never ran."""
    row = sql.one(RUN_PLAN, a=announcement_id, o=occurrence)
    return row[0] if row else None


def system_announcement(sql: Sql, *, audience: str, status: str, text: str, created_by: str, now: dt.datetime) -> int:
    """The one announcement row a system job keeps its runs under (created on first use)."""
    query = "SELECT id FROM announcement WHERE audience = :audience AND status = :status ORDER BY id LIMIT 1"
    found = sql.one(query, audience=audience, status=status)
    if found:
        return found[0]
    return sql.one(
        "INSERT INTO announcement (text, audience, status, created_by, created_at)"
        " VALUES (:text, :audience, :status, :created_by, :now) RETURNING id",
        text=text, audience=audience, status=status, created_by=created_by, now=sql.time(now),
    )[0]  # fmt: skip


def run_occurrences(sql: Sql, *, announcement_id: int) -> list[str]:
    """Every occurrence an announcement has a run for."""
    rows = sql.all("SELECT occurrence FROM announcement_run WHERE announcement_id = :a", a=announcement_id)
    return [occurrence for (occurrence,) in rows]


RECENT = (
    "SELECT id, text, audience, send_at, daily_times, status, created_by, created_at FROM announcement"
    " WHERE status <> 'system'{where} ORDER BY id DESC LIMIT :limit"
)
# Its rows were queued at or after it was composed: the time narrows the rows (a LIKE alone would scan the outbox).
RESULTS = (
    "SELECT CASE WHEN idempotency_key LIKE :scripts THEN 1 ELSE 0 END, status, COUNT(*) FROM outbox_message"
    " WHERE created_at >= :since AND idempotency_key LIKE :prefix"
    " GROUP BY CASE WHEN idempotency_key LIKE :scripts THEN 1 ELSE 0 END, status"
)


def recent_announcements(sql: Sql, *, audiences: list[str] | None, limit: int) -> list[tuple]:
    """The newest announcements, only those for these audiences (None: all): id, text, audience, send_at,
    daily_times, status, created_by, created_at."""
    where, params = "", {}
    if audiences is not None:
        ids, params = sql.in_list("aud", audiences)
        where = f" AND audience IN {ids}"
    rows = sql.all(RECENT.format(where=where), limit=limit, **params)
    return [(*row[:3], sql.read_time(row[3]), *row[4:7], sql.read_time(row[7])) for row in rows]


def delivery_results(sql: Sql, *, announcement_id: int, since: dt.datetime) -> list[tuple[bool, str, int]]:
    """Its outbox rows by status (`since`: when it was composed): (is a loudspeaker script, status, how many)."""
    prefix = f"ann:{announcement_id}:"
    params = {"prefix": prefix + "%", "scripts": prefix + "%:script:%", "since": sql.time(since)}
    rows = sql.all(RESULTS, **params)
    return [(bool(script), status, n) for script, status, n in rows]


def run_plans(sql: Sql, *, announcement_id: int) -> list[str]:
    """The stored plan (JSON) of every occurrence that ran, oldest first."""
    rows = sql.all("SELECT plan FROM announcement_run WHERE announcement_id = :a ORDER BY id", a=announcement_id)
    return [plan for (plan,) in rows]
