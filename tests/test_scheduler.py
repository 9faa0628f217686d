"""The scheduler: jobs registered once, one active process behind the lease, misfires coalesced, daily times."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from broadcasts.jobs import jobs, schedule
from broadcasts.scheduler import LONG, SHORT, Scheduler, daily, every
from broadcasts.scheduler.lease import lease_holder, take_lease
from models.db import make_engine, utcnow
from models.migrate import upgrade_database
from tests.support.barriers import until
from tests.support.live import PROJECT

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def db(database_url):
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield engine
    with engine.begin() as conn:  # the job store is the scheduler's own table, not in the cleaned list
        conn.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
    engine.dispose()


@pytest.fixture
def settings(make_settings):
    return make_settings(scheduler_lease_s=3)


def stored_jobs(db) -> list[str]:
    with db.connect() as conn:
        return sorted(row[0] for row in conn.execute(text("SELECT id FROM apscheduler_jobs")))


def test_jobs_are_registered_once_under_stable_ids(db, settings):
    ran = []
    entries = (("tick", every(3600), lambda s, n, st: ran.append(n) or 1), ("brief", daily("18:00"), lambda *_: 0))
    for _ in range(2):  # a restart registers the same jobs again
        scheduler = Scheduler(settings, db, registry=lambda _s: entries)
        assert scheduler.tick()
        assert stored_jobs(db) == ["brief", "tick"]
        scheduler.close()
    # A job whose timing changed is replaced, one no longer registered is removed.
    scheduler = Scheduler(settings, db, registry=lambda _s: (("tick", every(60), entries[0][2]),))
    assert scheduler.tick()
    assert stored_jobs(db) == ["tick"]
    assert scheduler.aps.get_job("tick").name == "tick every 60s Asia/Shanghai"
    scheduler.close()
    assert ran == []  # nothing was due


def test_the_care_jobs_are_scheduled_every_jobs_every_s(db, make_settings):
    scheduler = Scheduler(make_settings(jobs_every_s=60), db, registry=schedule)
    assert scheduler.tick()
    care = sorted(name for name, _ in jobs())
    assert {"care_supplies", "checkin_remind", "sampling_eve", "care_close"} <= set(care)
    assert set(care) <= set(stored_jobs(db))
    scheduler.close()
    off = Scheduler(make_settings(jobs_every_s=0), db, registry=schedule)
    assert off.tick()
    assert not set(care) & set(stored_jobs(db))
    off.close()


def test_a_long_job_does_not_hold_back_a_short_one(db, settings):
    long_started, release, long_done, short_ran = (threading.Event() for _ in range(4))

    def push(session, now, settings):
        long_started.set()
        release.wait(60)  # a 270 s push, held until the test lets it go
        long_done.set()
        return 1

    def remind(session, now, settings):
        session.execute(text("SELECT 1"))
        short_ran.set()
        return 1

    entries = (("push", every(3600), push, LONG), ("remind", every(3600), remind))  # no class: SHORT
    scheduler = Scheduler(settings, db, registry=lambda _s: entries)
    try:
        assert scheduler.tick()
        assert scheduler.aps.get_job("push").executor == LONG and scheduler.aps.get_job("remind").executor == SHORT
        scheduler.aps.modify_job("push", next_run_time=utcnow())
        until(long_started.is_set)
        scheduler.aps.modify_job("remind", next_run_time=utcnow())
        until(short_ran.is_set)
        assert not long_done.is_set()  # the reminder ran while the push was still running
    finally:
        release.set()
        scheduler.close()
    assert long_done.is_set()


def test_every_registered_job_has_a_class_and_the_county_sized_ones_are_long(db, make_settings):
    scheduler = Scheduler(make_settings(jobs_every_s=60), db, registry=schedule)
    assert scheduler.tick()
    executors = {job.id: job.executor for job in scheduler.aps.get_jobs()}
    scheduler.close()
    long = ("risk_push", "brief", "announcements", "checkpoint_lists", "retention")
    assert {executors[name] for name in long} == {LONG}
    short = {"care_supplies", "checkin_remind", "sampling_missed", "alert_follow_up", "risk_stale"}
    assert {executors[name] for name in short} == {SHORT}


def test_an_unknown_job_class_is_refused(db, settings):
    scheduler = Scheduler(settings, db, registry=lambda _s: (("tick", every(60), lambda *_: 0, "medium"),))
    with pytest.raises(ValueError, match="medium"):
        scheduler._activate()
    scheduler.close()


def test_a_second_scheduler_waits_for_the_lease(db, settings):
    first, second = (Scheduler(settings, db, registry=lambda _s: ()) for _ in range(2))
    now = utcnow()
    assert first.tick(now)
    assert not second.tick(now + dt.timedelta(seconds=1))
    assert first.tick(now + dt.timedelta(seconds=2))  # renewed until now + 5 s
    assert not second.tick(now + dt.timedelta(seconds=4))
    assert second.tick(now + dt.timedelta(seconds=6))  # the first stopped renewing: its lease ran out
    assert not first.tick(now + dt.timedelta(seconds=6))  # and it pauses
    assert first.aps.state == 2  # STATE_PAUSED
    second.close()
    assert lease_holder(db) is None  # a clean stop gives the lease back
    first.close()


def test_a_misfire_after_downtime_runs_once_within_the_grace_time(db, settings):
    ran = []
    entries = (("tick", every(600), lambda s, now, st: ran.append(now) or 1),)
    scheduler = Scheduler(settings, db, registry=lambda _s: entries)
    assert scheduler.tick()
    scheduler.aps.pause()  # the process goes down with its next run 35 minutes in the past: three runs missed
    scheduler.aps.modify_job("tick", next_run_time=utcnow() - dt.timedelta(minutes=35))
    scheduler.close()

    restarted = Scheduler(settings, db, registry=lambda _s: entries)
    finished = []  # the executor reports once every run time it was handed has run
    restarted.aps.add_listener(finished.append, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    assert restarted.tick()
    until(lambda: finished)
    assert len(ran) == 1  # coalesced: once, not three or four times
    next_run = restarted.aps.get_job("tick").next_run_time
    assert utcnow() < next_run <= utcnow() + dt.timedelta(minutes=10)
    restarted.close()


def test_a_run_missed_beyond_the_grace_time_is_skipped(db, settings):
    ran = []
    # Half a day from now in the town's time: the real due time never falls inside the test (it did at 18:00).
    later = (dt.datetime.now(ZoneInfo(settings.timezone)) + dt.timedelta(hours=12)).strftime("%H:%M")
    entries = (("brief", daily(later), lambda *_: ran.append(1) or 1),)
    scheduler = Scheduler(settings, db, registry=lambda _s: entries, misfire_grace_s=60)
    assert scheduler.tick()
    scheduler.aps.pause()
    scheduler.aps.modify_job("brief", next_run_time=utcnow() - dt.timedelta(minutes=5))
    scheduler.close()

    restarted = Scheduler(settings, db, registry=lambda _s: entries, misfire_grace_s=60)
    decided = []  # the executor reports the missed run (or a run) once it has dealt with it
    restarted.aps.add_listener(decided.append, EVENT_JOB_MISSED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    assert restarted.tick()
    until(lambda: restarted.aps.get_job("brief").next_run_time > utcnow())
    until(lambda: decided)
    assert ran == []
    restarted.close()


@pytest.mark.parametrize(
    ("times", "after", "expected"),
    [
        ("18:00", "2021-08-06 17:59", "2021-08-06 18:00"),
        ("18:00", "2021-08-06 18:00", "2021-08-07 18:00"),  # just fired (a second ago): tomorrow
        ("00:30", "2021-08-06 23:59", "2021-08-07 00:30"),  # across midnight
        ("18:00", "2021-08-31 18:01", "2021-09-01 18:00"),  # across a month end
        ("18:00", "2021-02-28 19:00", "2021-03-01 18:00"),  # February
        ("00:05", "2021-12-31 23:50", "2022-01-01 00:05"),  # the year
        ("08:00,18:00", "2021-08-31 12:00", "2021-08-31 18:00"),
        ("18:00, 08:00", "2021-08-31 20:00", "2021-09-01 08:00"),
    ],
)
def test_daily_times_are_counted_in_asia_shanghai(times, after, expected):
    trigger = daily(times).trigger(SHANGHAI)
    start = dt.datetime.fromisoformat(after).replace(tzinfo=SHANGHAI) + dt.timedelta(seconds=1)
    fire = trigger.get_next_fire_time(None, start)
    assert fire == dt.datetime.fromisoformat(expected).replace(tzinfo=SHANGHAI)
    assert fire.utcoffset() == dt.timedelta(hours=8)


def test_daily_from_utc_now_is_the_town_day():
    trigger = daily("07:00").trigger(SHANGHAI)
    now = dt.datetime(2021, 8, 31, 22, 30, tzinfo=dt.UTC)  # already 06:30 on 1 September in the town
    assert trigger.get_next_fire_time(None, now) == dt.datetime(2021, 9, 1, 7, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("bad", ["", "18", "25:00", "8点", "18:00:30"])
def test_bad_daily_times_are_refused(bad):
    with pytest.raises(ValueError, match="HH:MM"):
        daily(bad)


def start_scheduler_process(database_url: str, log) -> subprocess.Popen:
    """`python main.py scheduler` as an operator runs it, with a short lease and the care jobs every second."""
    env = {**os.environ, "DATABASE_URL": database_url, "SCHEDULER_LEASE_S": "2", "JOBS_EVERY_S": "1"}
    env.update(LOG_LEVEL="debug", WECHAT_APP_ID="", WECHAT_TOKEN="test-token")
    return subprocess.Popen(
        [sys.executable, "main.py", "scheduler"], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def job_runs(path) -> int:
    return len(re.findall(r"scheduled job \S+ ran", path.read_text(errors="replace")))


def test_two_scheduler_processes_only_one_runs_and_the_other_takes_over(db, database_url, tmp_path):
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    first = start_scheduler_process(database_url, logs[0].open("w"))
    try:
        until(lambda: (lease_holder(db) or ("",))[0].split(":")[1:2] == [str(first.pid)], timeout=30)
        second = start_scheduler_process(database_url, logs[1].open("w"))
        try:
            until(lambda: "scheduler idle" in logs[1].read_text(), timeout=30)
            until(lambda: job_runs(logs[0]) >= 2 * len(jobs()), timeout=10)  # each care job twice
            assert job_runs(logs[1]) == 0
            first.send_signal(signal.SIGKILL)  # dies without giving the lease back
            first.wait(timeout=10)
            killed_at = time.monotonic()
            until(lambda: (lease_holder(db) or ("",))[0].split(":")[1:2] == [str(second.pid)], timeout=10)
            assert time.monotonic() - killed_at < 5  # the 2 s lease ran out, then the next renewal took it
            until(lambda: job_runs(logs[1]) >= len(jobs()), timeout=10)
            second.send_signal(signal.SIGTERM)  # a clean stop releases the lease
            assert second.wait(timeout=20) == 0
            assert lease_holder(db) is None
        finally:
            second.kill()
    finally:
        first.kill()
        first.wait()
    stored = stored_jobs(db)
    assert {name for name, _ in jobs()} <= set(stored)
    assert len(stored) == len(set(stored))  # each holder registered the same ids: one row per job


def test_the_lease_is_atomic_for_two_holders(db):
    now = utcnow()
    assert take_lease(db, "a", now, 30)
    assert not take_lease(db, "b", now, 30)
    assert take_lease(db, "a", now + dt.timedelta(seconds=10), 30)
    assert not take_lease(db, "b", now + dt.timedelta(seconds=31), 30)  # renewed until now + 40 s
    assert take_lease(db, "b", now + dt.timedelta(seconds=41), 30)
    assert lease_holder(db)[0] == "b"


def jobs_once_stored(db) -> list[str]:
    """The stored job ids, or none while the scheduler has not yet created its table."""
    try:
        return stored_jobs(db)
    except DBAPIError:
        return []


def test_serve_runs_the_scheduler_by_default_and_frees_the_lease_when_it_stops(db, make_settings):
    from tests.support.live import LiveServer

    server = LiveServer(make_settings(scheduler=True, jobs_every_s=60, scheduler_lease_s=3)).start()
    try:
        holder = until(lambda: lease_holder(db))
        assert str(os.getpid()) in holder[0]
        until(lambda: {"care_supplies", "announcements", "brief", "risk_push"} <= set(jobs_once_stored(db)))
    finally:
        server.stop()
    assert lease_holder(db) is None
