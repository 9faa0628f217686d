"""The scheduler lease: one row that says which process runs the scheduled jobs, and until when."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class SchedulerLease(SQLModel, table=True):
    """Who runs the scheduler: one holder at a time; another waits until the lease runs out."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=200)
    expires_at: dt.datetime
