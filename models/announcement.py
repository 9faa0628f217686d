"""Loudspeaker announcements: what to say, to whom, when; each occurrence planned and sent once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


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
