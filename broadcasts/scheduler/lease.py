"""The scheduler lease: one row that says which process runs the scheduled jobs, and until when."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import Engine

from models.db import transaction
from models.scheduler import delete_lease, hold_lease, lease_row

LEASE_NAME = "scheduler"


def new_holder() -> str:
    """This process's name on the lease: host:pid:uuid (unique even when a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def take_lease(db: Engine, holder: str, now: dt.datetime, seconds: float) -> bool:
    """Take or renew the lease until now + seconds; False when another live holder has it."""
    expires = now + dt.timedelta(seconds=seconds)
    with transaction(db) as session:
        return hold_lease(session, name=LEASE_NAME, holder=holder, now=now, expires=expires)


def release_lease(db: Engine, holder: str) -> None:
    """Give the lease up at once (a clean stop), so another scheduler need not wait for it to run out."""
    with transaction(db) as session:
        delete_lease(session, name=LEASE_NAME, holder=holder)


def lease_holder(db: Engine) -> tuple[str, dt.datetime] | None:
    """Who holds the lease and until when (None: nobody ever took it, or it was released)."""
    with transaction(db) as session:
        return lease_row(session, name=LEASE_NAME)
