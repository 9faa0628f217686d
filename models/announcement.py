"""Loudspeaker announcements: what to say, to whom, when; each occurrence planned and sent once."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

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


def claim_run(sql: Sql, *, announcement_id: int, occurrence: str, now: dt.datetime) -> bool:
    """Record an occurrence's run; False when one exists (the unique key decides between processes)."""
    return (
        sql.run(
            "INSERT INTO announcement_run (announcement_id, occurrence, plan, started_at)"
            " VALUES (:a, :o, '{}', :now) ON CONFLICT (announcement_id, occurrence) DO NOTHING",
            a=announcement_id,
            o=occurrence,
            now=sql.time(now),
        )  # fmt: skip
        == 1
    )


def finish_run(sql: Sql, *, announcement_id: int, occurrence: str, plan: dict, now: dt.datetime) -> None:
    """Store what a run sent (JSON plan) and when it finished."""
    sql.run(
        "UPDATE announcement_run SET plan = :plan, finished_at = :now WHERE announcement_id = :a AND occurrence = :o",
        plan=json.dumps(plan), now=sql.time(now), a=announcement_id, o=occurrence,
    )  # fmt: skip
