"""The one active scheduler: APScheduler with its job store in the service's database, behind the lease."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy import Engine

from broadcasts.scheduler.lease import lease_holder, new_holder, release_lease, take_lease
from broadcasts.scheduler.triggers import Daily, Every
from models.db import transaction, utcnow
from town import clock
from town.settings import Settings

log = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
MISFIRE_GRACE_S = 15 * 60  # a run missed by less than this (downtime, a restart) still runs, once
RUN_REF = f"{__name__}:run_registered"

Job = Callable[..., int]  # job(session, now, settings) -> how many things it did
Spec = Every | Daily
Entry = tuple[str, Spec, Job] | tuple[str, Spec, Job, str]  # (id, when, job[, job class]); the class: SHORT
Registry = Callable[[Settings], tuple[Entry, ...]]

SHORT, LONG = "short", "long"
# Each class has its own executor running its jobs one at a time: a 270 s push (long) never holds back a
# check-in reminder (short). On SQLite the two may wait on each other's write lock, for one transaction at most.
JOB_CLASSES = {SHORT: 1, LONG: 1}


def own_transactions(job: Job) -> Job:
    """Mark a job that takes the engine and commits its own chunks: job(db, now, settings), not job(session, ...)."""
    job.own_transactions = True
    return job


def entry_parts(entry: Entry) -> tuple[str, Spec, Job, str]:
    """(id, when, job, class) of a registered entry, the class SHORT when not given."""
    job_id, spec, job, *rest = entry
    job_class = rest[0] if rest else SHORT
    if job_class not in JOB_CLASSES:
        raise ValueError(f"job {job_id}: unknown job class {job_class!r} (known: {', '.join(JOB_CLASSES)})")
    return job_id, spec, job, job_class


class _Background(BackgroundScheduler):
    def _process_jobs(self):
        # APScheduler 3 makes one more pass after shutdown, with its executors gone: a job due then would fail to
        # start yet have its run marked done in the store, so a restart would not catch it up.
        return None if self.state == STATE_STOPPED else super()._process_jobs()


@dataclass
class _Runtime:
    settings: Settings
    db: Engine
    jobs: dict[str, Job]


_runtime: _Runtime | None = None  # set by the active scheduler of this process


def run_registered(job_id: str) -> int:
    """What the job store stores for every job: run the registered job of that id in one transaction."""
    runtime = _runtime
    job = runtime.jobs.get(job_id) if runtime is not None else None
    if job is None:
        log.warning("scheduled job %s is no longer registered; skipped", job_id)
        return 0
    done = run_job(runtime.db, job, utcnow(), runtime.settings)
    log.log(logging.INFO if done else logging.DEBUG, "scheduled job %s ran: %d done", job_id, done or 0)
    return done


def run_job(db: Engine, job: Job, now: dt.datetime, settings: Settings) -> int:
    """One job in its own transaction (or its own chunks), the dates it says worded against its `now`, not the clock."""
    with clock.handling(now):
        if getattr(job, "own_transactions", False):
            return job(db, now, settings)
        with transaction(db) as session:
            return job(session, now, settings)


class Scheduler:
    """APScheduler started only while this process holds the lease; paused when it loses it."""

    def __init__(
        self,
        settings: Settings,
        db: Engine,
        *,
        registry: Registry,
        misfire_grace_s: float = MISFIRE_GRACE_S,
    ):
        self.settings, self.db, self.registry = settings, db, registry
        self.holder = new_holder()
        self.tz = clock.zone()
        self.active = False
        self.said_idle = False
        self.aps = _Background(
            jobstores={"default": SQLAlchemyJobStore(engine=db, tablename=JOB_TABLE)},
            executors={name: ThreadPoolExecutor(max_workers=n) for name, n in JOB_CLASSES.items()},
            job_defaults={"coalesce": True, "misfire_grace_time": int(misfire_grace_s), "max_instances": 1},
            timezone=self.tz,
        )

    @property
    def renew_every_s(self) -> float:
        return self.settings.scheduler_lease_s / 3

    def tick(self, now: dt.datetime | None = None) -> bool:
        """Take or renew the lease, and start, resume or pause the scheduler to match; True when active."""
        try:
            held = take_lease(self.db, self.holder, now or utcnow(), self.settings.scheduler_lease_s)
        except Exception:  # the database is away: stop running jobs, another process may take over
            log.exception("scheduler lease not renewed")
            held = False
        if held and not self.active:
            self._activate()
        elif not held and self.active:
            self.aps.pause()
            self.active = False
            log.warning("scheduler paused: it lost the lease (to %s)", self._other())
        elif not held and not self.said_idle:
            self.said_idle = True
            log.info("scheduler idle: %s holds the lease", self._other())
        return self.active

    def _other(self) -> str:
        try:
            return (lease_holder(self.db) or ("nobody",))[0]
        except Exception:
            return "unknown (the database is away)"

    def _activate(self) -> None:
        global _runtime
        entries = tuple(entry_parts(entry) for entry in self.registry(self.settings))
        _runtime = _Runtime(self.settings, self.db, {job_id: job for job_id, _, job, _ in entries})
        if self.aps.state == STATE_STOPPED:  # the first time (creates the job table)
            self.aps.start(paused=True)
        self.sync(entries)
        self.aps.resume()
        self.active = True
        log.info(
            "scheduler active as %s: %s",
            self.holder,
            ", ".join(f"{i} ({s}, {c})" for i, s, _, c in entries) or "no jobs",
        )

    def sync(self, entries: tuple[tuple[str, Spec, Job, str], ...]) -> None:
        """Register each job once under its id; an unchanged one keeps its next run time (so a missed run is caught)."""
        wanted = {job_id: f"{job_id} {spec} {self.settings.timezone}" for job_id, spec, _, _ in entries}
        stored_as = {job.id: (job.name, job.func_ref, job.executor) for job in self.aps.get_jobs()}
        for stored in self.aps.get_jobs():
            if stored.func_ref == RUN_REF and stored.id not in wanted:
                self.aps.remove_job(stored.id)
                log.info("scheduled job %s removed (no longer registered)", stored.id)
        for job_id, spec, _, job_class in entries:
            if stored_as.get(job_id) == (wanted[job_id], RUN_REF, job_class):
                continue
            first = {"next_run_time": dt.datetime.now(self.tz)} if spec.at_start else {}
            self.aps.add_job(
                RUN_REF,
                spec.trigger(self.tz),
                args=[job_id],
                id=job_id,
                name=wanted[job_id],
                executor=job_class,
                replace_existing=True,
                **first,
            )

    def run_forever(self, stop: threading.Event) -> None:
        """Hold (or wait for) the lease until stop is set; then stop the jobs and give the lease back."""
        try:
            while True:
                self.tick()
                if stop.wait(self.renew_every_s):
                    break
        finally:
            self.close()

    def close(self) -> None:
        """Stop running jobs (waiting for one in progress) and release the lease if held."""
        global _runtime
        if self.aps.state != STATE_STOPPED:
            self.aps.shutdown(wait=True)
        if self.active:
            self.active = False
            _runtime = None
            try:
                release_lease(self.db, self.holder)
            except Exception:
                log.exception("scheduler lease not released (it runs out by itself)")


def start_scheduler(settings: Settings, db: Engine, registry: Registry) -> tuple[threading.Thread, threading.Event]:
    """Run the scheduler (or wait for the lease) in a background thread, until the event is set."""
    stop = threading.Event()
    scheduler = Scheduler(settings, db, registry=registry)
    thread = threading.Thread(target=scheduler.run_forever, args=(stop,), name="scheduler", daemon=True)
    thread.start()
    return thread, stop
