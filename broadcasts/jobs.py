"""The periodic jobs (care, announcements, the risk-list push, the brief): plain functions sending each thing once.

Each job decides from the time of day and the database what is due, and keys every outbox row by occurrence and
recipient, so running it every minute, twice, or late after downtime sends nothing twice. The scheduler
(broadcasts/scheduler) runs what `schedule` lists: each care job every JOBS_EVERY_S seconds, and the timed jobs,
each in its job class (SHORT ones never wait behind LONG ones).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from broadcasts import alert_follow_up, brief, checkpoint_lists, retention, risk_fetch, risk_push, risk_stale
from broadcasts.announcements import announcements_due
from broadcasts.care import CARE_JOBS
from broadcasts.scheduler import LONG, SHORT, daily, every, run_job
from models.db import utcnow
from town.settings import Settings

log = logging.getLogger(__name__)

Job = Callable[[Session, dt.datetime, Settings], int]


# The announcements' audience grows with the county (a county-wide one is a minute's work): never beside reminders.
JOB_CLASS = {"announcements": LONG}


def jobs() -> tuple[tuple[str, Job], ...]:
    """Every job that runs every JOBS_EVERY_S, by name."""
    return (*CARE_JOBS, ("announcements", announcements_due))


def schedule(settings: Settings) -> tuple:
    """What the scheduler runs: (stable id, every(seconds) or daily("HH:MM"), job, job class). Add yours here."""
    every_s = every(settings.jobs_every_s) if settings.jobs_every_s > 0 else None
    care = tuple((name, every_s, job, JOB_CLASS.get(name, SHORT)) for name, job in jobs()) if every_s else ()
    # Each decides from RISK_PUSH_AT / BRIEF_AT and the database: every minute catches a list published after the
    # push time and a brief missed by downtime, and sends nothing twice.
    timed = (
        ("risk_push", every(60), risk_push.job, LONG),
        ("risk_stale", every(60), risk_stale.job, SHORT),  # the town command hears once a day while the list is old
        ("brief", every(60), brief.job, LONG),
        ("alert_follow_up", every(60), alert_follow_up.job, SHORT),  # a sender whose alert is late hears whom to phone
        ("checkpoint_lists", daily(settings.brief_at), checkpoint_lists.job, LONG),  # the day's unmatched sightings
        ("retention", daily(retention.RUN_AT), retention.job, LONG),  # old sent and handled messages, archived
    )
    return (*care, *timed, *_fetch(settings))


def _fetch(settings: Settings) -> tuple:
    """RISK_LIST_URL's fetch, the first at once when newly registered (the lease holder's scheduler only)."""
    if not settings.risk_list_url:
        return ()
    minutes = max(settings.risk_list_fetch_min, 1.0)
    return (("risk_fetch", every(minutes * 60, at_start=True), risk_fetch.job, LONG),)


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
