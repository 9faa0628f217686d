"""The periodic jobs (care, announcements, the risk-list push, the brief): plain functions sending each thing once.

Each job decides from the time of day and the database what is due, and keys every outbox row by occurrence and
recipient, so running it every minute, twice, or late after downtime sends nothing twice. The scheduler
(broadcasts/scheduler) runs what `schedule` lists: each care job every JOBS_EVERY_S seconds, and the timed jobs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from broadcasts import alert_follow_up, brief, checkpoint_lists, risk_push, risk_stale
from broadcasts.announcements import announcements_due
from broadcasts.care import CARE_JOBS
from broadcasts.scheduler import daily, every, run_job
from models.db import utcnow
from town.settings import Settings

log = logging.getLogger(__name__)

Job = Callable[[Session, dt.datetime, Settings], int]


def jobs() -> tuple[tuple[str, Job], ...]:
    """Every job that runs every JOBS_EVERY_S, by name."""
    return (*CARE_JOBS, ("announcements", announcements_due))


def schedule(settings: Settings) -> tuple:
    """What the scheduler runs: (stable id, every(seconds) or daily("HH:MM"), job). Add yours here."""
    care = tuple((name, every(settings.jobs_every_s), job) for name, job in jobs()) if settings.jobs_every_s > 0 else ()
    # Each decides from RISK_PUSH_AT / BRIEF_AT and the database: every minute catches a list published after the
    # push time and a brief missed by downtime, and sends nothing twice.
    timed = (
        ("risk_push", every(60), risk_push.job),
        ("risk_stale", every(60), risk_stale.job),  # the town command hears once a day while the list is old
        ("brief", every(60), brief.job),
        ("alert_follow_up", every(60), alert_follow_up.job),  # a sender whose alert is late hears whom to phone
        ("checkpoint_lists", daily(settings.brief_at), checkpoint_lists.job),  # the day's unmatched sightings, by name
    )
    return (*care, *timed)


def run_due(db: Engine, settings: Settings, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every job once, each in its own transaction; how many messages or changes each made."""
    now = now or utcnow()
    done: dict[str, int] = {}
    for name, job in jobs():
        try:
            done[name] = run_job(db, job, now, settings)
        except Exception:  # one failing job must not stop the others; the next run tries again
            log.exception("job %s failed", name)
    return done
