"""The periodic jobs of household care: plain functions (session, now) that send each occurrence once.

Each job decides from the time of day and the database what is due, and keys every outbox row by occurrence and
recipient, so running it every minute, twice, or late after downtime sends nothing twice. Until the scheduler
(issue 7) takes them over, `serve` runs them all every JOBS_EVERY_S seconds in one background thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from bot.settings import Settings
from models.db import transaction, utcnow

log = logging.getLogger(__name__)

Job = Callable[[Session, dt.datetime, Settings], int]


def jobs() -> tuple[tuple[str, Job], ...]:
    """Every job, by name (imported here so that a job module may import what it needs freely)."""
    from broadcasts import care_checkins, care_supplies
    from broadcasts.announcements import announcements_due
    from broadcasts.care import CARE_JOBS

    return (("care_supplies", care_supplies.job), *care_checkins.JOBS, *CARE_JOBS, ("announcements", announcements_due))


def run_due(db: Engine, settings: Settings, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every job once, each in its own transaction; how many messages or changes each made."""
    now = now or utcnow()
    done: dict[str, int] = {}
    for name, job in jobs():
        try:
            with transaction(db) as session:
                done[name] = job(session, now, settings)
        except Exception:  # one failing job must not stop the others; the next run tries again
            log.exception("job %s failed", name)
    return done


def start_jobs(settings: Settings, db: Engine) -> tuple[threading.Thread, threading.Event]:
    """Run the jobs every JOBS_EVERY_S seconds in a background thread, until the event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(settings.jobs_every_s):
            run_due(db, settings)

    thread = threading.Thread(target=loop, name="care-jobs", daemon=True)
    thread.start()
    return thread, stop
