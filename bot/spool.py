"""A local append-only file for messages that arrived while the database was unreachable.

Such a message is acknowledged (the villager gets an apology, WeChat stops retrying), so it must not be lost:
it is written here first and replayed into the database at the next start.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path

from sqlalchemy import Engine

from models.inbound import FAILED, claim_inbound, finish_inbound
from models.sql import Sql

log = logging.getLogger(__name__)
FAILED_FROM_SPOOL = "stored while the database was unreachable; not handled"


def append(directory: Path, row: dict) -> None:
    """Write one inbound row durably (fsync) before the villager is answered."""
    directory.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            **row,
            "received_at": row["received_at"].isoformat(),
            "wechat_time": row["wechat_time"].isoformat() if row["wechat_time"] else None,
        },
        ensure_ascii=False,
    )
    with open(directory / "inbound.jsonl", "a", encoding="utf-8") as spool:
        spool.write(line + "\n")
        spool.flush()
        os.fsync(spool.fileno())


def replay(directory: Path, db: Engine) -> int:
    """Move spooled messages into the database (deduped as usual); returns how many were new."""
    path = directory / "inbound.jsonl"
    if not path.exists():
        return 0
    replaying = path.with_suffix(f".replaying-{os.getpid()}")
    path.rename(replaying)
    added = 0
    with db.begin() as connection:
        sql = Sql(connection)
        for line in replaying.read_text(encoding="utf-8").splitlines():
            row = _row(line)
            claim = claim_inbound(sql, **row)
            if not claim.is_retry:
                finish_inbound(
                    sql,
                    inbound_id=claim.inbound_id,
                    status=FAILED,
                    reply=None,
                    now=row["received_at"],
                    error=FAILED_FROM_SPOOL,
                )
                added += 1
    replaying.unlink()
    if added:
        log.warning("replayed %d messages spooled while the database was unreachable", added)
    return added


def _row(line: str) -> dict:
    row = json.loads(line)
    row["received_at"] = dt.datetime.fromisoformat(row["received_at"])
    row["wechat_time"] = dt.datetime.fromisoformat(row["wechat_time"]) if row["wechat_time"] else None
    return row
