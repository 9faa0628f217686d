"""The scheduler lease: one row that says which process runs the scheduled jobs, and until when."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import Engine, delete, select, update

from models.db import transaction, upsert_insert
from models.scheduler import SchedulerLease

LEASE_NAME = "scheduler"


def new_holder() -> str:
    """This process's name on the lease: host:pid:uuid (unique even when a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def take_lease(db: Engine, holder: str, now: dt.datetime, seconds: float) -> bool:
    """Take or renew the lease until now + seconds; False when another live holder has it."""
    expires = now + dt.timedelta(seconds=seconds)
    with transaction(db) as session:
        taken = session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == LEASE_NAME)
            .where((SchedulerLease.expires_at < now) | (SchedulerLease.holder == holder))
            .values(holder=holder, expires_at=expires)
        ).rowcount
        if taken:
            return True
        insert = upsert_insert(session)(SchedulerLease).values(name=LEASE_NAME, holder=holder, expires_at=expires)
        # RETURNING, not rowcount: psycopg does not report 0 for a conflict that did nothing.
        inserted = insert.on_conflict_do_nothing(index_elements=["name"]).returning(SchedulerLease.name)
        return session.execute(inserted).first() is not None


def release_lease(db: Engine, holder: str) -> None:
    """Give the lease up at once (a clean stop), so another scheduler need not wait for it to run out."""
    with transaction(db) as session:
        session.execute(
            delete(SchedulerLease).where(SchedulerLease.name == LEASE_NAME).where(SchedulerLease.holder == holder)
        )


def lease_holder(db: Engine) -> tuple[str, dt.datetime] | None:
    """Who holds the lease and until when (None: nobody ever took it, or it was released)."""
    with transaction(db) as session:
        row = session.execute(
            select(SchedulerLease.holder, SchedulerLease.expires_at).where(SchedulerLease.name == LEASE_NAME)
        ).first()
    return (row[0], row[1]) if row else None
