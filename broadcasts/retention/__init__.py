"""Retention (issue 17): sent messages and handled inbound ones older than the policy's `retention_days`, archived
then deleted.

A daily job in the LONG class. Each chunk of CHUNK rows is read, written to
ARCHIVE_DIR/<table>/<table>-<first id>-<last id>.jsonl.gz (gzip JSON lines, mode 0600, fsynced, renamed into
place) and deleted in the transaction that read it: a run cut short (its time budget, a crash, a restart) loses
nothing, and the next run goes on from the oldest row left. A crash between the file and the commit can leave a
row in two files; a reader keeps one line per id. Queued, failed, undeliverable and covered rows, and the rows
phone-call tasks point to, are never deleted (models/retention.py).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import os
import time
import tomllib
from pathlib import Path

from sqlalchemy import Engine

from bot.spool import sync_directory
from broadcasts.retention.texts import TEXT
from broadcasts.scheduler import own_transactions
from models.admin_session import forget_expired
from models.db import transaction
from models.retention import Chunk, delete_chunk, old_inbound, old_outbox
from town.policy import PolicyError
from town.settings import Settings

log = logging.getLogger(__name__)
# Town time, the quietest hours: every 10 minutes from 02:00 to 04:50, each run at most BUDGET_S, so the long jobs'
# executor is never held for more than a minute and a night still clears ~15 minutes of rows (~19M at a county's
# 21,000 rows a second).
RUN_AT = ",".join(f"{hour:02d}:{minute:02d}" for hour in (2, 3, 4) for minute in range(0, 60, 10))
CHUNK = 2000  # rows per transaction
BUDGET_S = 50.0  # a run stops after the chunk that passes this; the next run goes on
DEFAULT_DAYS = 180
# The monthly mass-message quota counts a month of sent rows (models/delivery.MASS_MONTHLY_QUOTA).
MIN_DAYS = 31
PRIVATE = 0o600
COMPRESSION = 6  # gzip's default 9 took a fifth of the job's time for a few per cent smaller files


def retention_days(policy_file: Path | str) -> int:
    """`retention_days` from the policy file (DEFAULT_DAYS when absent); PolicyError when it is not a whole number."""
    with Path(policy_file).open("rb") as file:
        days = tomllib.load(file).get("retention_days", DEFAULT_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < MIN_DAYS:
        raise PolicyError(TEXT.bad_days.format(min=MIN_DAYS, value=days))
    return days


@own_transactions
def job(db: Engine, now: dt.datetime, settings: Settings) -> int:
    """The daily job: archive and delete what is older than retention_days; how many rows went."""
    days = retention_days(settings.policy_file)
    with transaction(db) as session:  # the dashboard's expired sessions and tokens, and old failed sign-ins
        forget_expired(session, now=now)
    return archive_old(db, now=now, days=days, archive_dir=settings.archive_dir)


def archive_old(
    db: Engine, *, now: dt.datetime, days: int, archive_dir: Path, chunk: int = CHUNK, budget_s: float = BUDGET_S
) -> int:
    """Archive then delete finished rows older than `days`, a chunk at a time, until none is left or time is up."""
    cutoff, started, done = now - dt.timedelta(days=days), time.monotonic(), 0
    for read in (old_outbox, old_inbound):
        after = 0
        while True:
            with transaction(db) as session:
                rows = read(session, cutoff=cutoff, limit=chunk, after=after)
                if rows.rows:
                    write_archive(Path(archive_dir), rows)
                    done += delete_chunk(session, rows)
            if not rows.rows:
                break
            after = rows.ids[-1]
            log.info("retention: %d %s rows up to id %d archived and deleted", len(rows.rows), rows.table, rows.ids[-1])
            if time.monotonic() - started > budget_s:
                log.info("retention: time budget spent after %d rows; the next run goes on", done)
                return done
    return done


def write_archive(archive_dir: Path, chunk: Chunk) -> Path:
    """One chunk as a gzip JSON-lines file, durable (fsync) and complete (renamed into place) before it returns."""
    folder = archive_dir / chunk.table
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{chunk.table}-{chunk.ids[0]:012d}-{chunk.ids[-1]:012d}.jsonl.gz"
    partial = path.with_name(path.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in chunk.rows).encode("utf-8")
    with os.fdopen(fd, "wb") as raw:
        raw.write(gzip.compress(lines, compresslevel=COMPRESSION, mtime=0))  # one write per chunk, not per row
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, path)
    sync_directory(folder)
    return path
