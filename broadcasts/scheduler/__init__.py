"""The scheduler: APScheduler 3 with its job store in the service's database, one active process at a time.

Exactly one scheduler runs the jobs: inside `serve` (SCHEDULER=true, the default) or `python main.py scheduler`
beside web workers started with SCHEDULER=false. Each candidate holds or waits for the `scheduler_lease` row
(renewed every SCHEDULER_LEASE_S / 3 seconds); a second one stays idle until the first dies and its lease runs
out (a clean stop releases it at once). Runs are coalesced, and a run missed by less than MISFIRE_GRACE_S
(downtime, a restart) still happens once; the jobs themselves key every outbox row per occurrence and recipient,
so a run twice (retry, two processes in the lease's last seconds) sends nothing twice.

Registering a job: add one entry to the tuple returned by `schedule(settings)` in broadcasts/jobs.py (main.py hands
that function to the scheduler, which imports no job):

    ("brief", daily(settings.brief_at), brief.job, LONG),         # cron: daily at "HH:MM" (or "HH:MM,HH:MM")
    ("risk_list_push", daily(settings.risk_push_at), push.job, LONG),  # times in TIMEZONE (the town's clock)
    ("checkin_remind", every(30), checkins.remind),              # interval in seconds; SHORT when no class

The job class says which executor runs it: SHORT (reminders, escalations, follow-ups: seconds at most) or LONG
(work that grows with the county: the list fetch, the push, the brief, retention). Each class runs its jobs one
at a time on a thread of its own, so a long job never delays a short one.

The id is stable (the job store's primary key); the job is `job(session, now, settings) -> int` (how many things
it did), run by `run_job` in one transaction with `now` the aware UTC time of the run (dates it words carry the
year when it is not that run's year); a job marked `@own_transactions` gets the engine instead and commits its
own chunks. The store keeps only a reference to
`run_registered(id)`, so a job may be any callable. Changing an entry's timing replaces the stored job at the next
start; an entry removed from the tuple is removed from the store.
"""

from broadcasts.scheduler.runner import (
    JOB_CLASSES,
    LONG,
    MISFIRE_GRACE_S,
    SHORT,
    Scheduler,
    own_transactions,
    run_job,
    run_registered,
    start_scheduler,
)
from broadcasts.scheduler.triggers import Daily, Every, daily, every

__all__ = [
    "JOB_CLASSES",
    "LONG",
    "MISFIRE_GRACE_S",
    "SHORT",
    "own_transactions",
    "Daily",
    "Every",
    "Scheduler",
    "daily",
    "every",
    "run_job",
    "run_registered",
    "start_scheduler",
]
