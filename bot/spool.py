"""A local append-only file for messages that arrived while the database was unreachable.

Such a message is acknowledged (the villager is told it was received), so it must not be lost: it is written here
first (fsync) and replayed through the handler once the database answers (bot/replay.py).

Files, all mode 0600 in the spool directory:
- `inbound.jsonl`: where messages are appended;
- `inbound.replaying-<pid>-<n>.jsonl`: a batch claimed for replay (the rename is the claim); one a crash left
  behind is replayed again, deduped by the database;
- `replay.lock`: held (flock) by the one process replaying, so two never replay at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)
SPOOL = "inbound.jsonl"
CLAIMED = "inbound.replaying-*"
LOCK = "replay.lock"
PRIVATE = 0o600
_claims = itertools.count()


def append(directory: Path, row: dict) -> None:
    """Write one inbound row durably (fsync) before the villager is answered."""
    append_many(directory, [row])


def append_many(directory: Path, rows: list[dict]) -> None:
    """Write inbound rows durably with one fsync for all (a batch spooled at once) before they are answered."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = "".join(_line(row) + "\n" for row in rows).encode("utf-8")
    path = directory / SPOOL
    while True:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            # A replay renamed the file between our open and our lock: write to the new one instead.
            if _same_file(fd, path):
                os.write(fd, data)
                os.fsync(fd)
                return
        finally:
            os.close(fd)  # releases the lock


def _line(row: dict) -> str:
    return json.dumps(
        {
            **row,
            "received_at": row["received_at"].isoformat(),
            "wechat_time": row["wechat_time"].isoformat() if row["wechat_time"] else None,
        },
        ensure_ascii=False,
    )


def pending(directory: Path) -> bool:
    """Whether anything waits to be replayed (cheap: a stat or two)."""
    return (directory / SPOOL).exists() or any(directory.glob(CLAIMED))


@contextlib.contextmanager
def replay_lock(directory: Path) -> Iterator[bool]:
    """Hold the spool's replay lock if no other process does; yields whether it is ours."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, PRIVATE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def claim(directory: Path) -> list[Path]:
    """Under the replay lock: every batch to replay, the new one (renamed now) and any a crash left, oldest first."""
    fresh = directory / SPOOL
    if fresh.exists():
        claimed = directory / f"inbound.replaying-{os.getpid()}-{next(_claims)}.jsonl"
        with contextlib.suppress(FileNotFoundError):
            fresh.rename(claimed)
            sync_directory(directory)
            _wait_for_writers(claimed)
    return sorted(directory.glob(CLAIMED), key=lambda path: path.stat().st_mtime_ns)


def read(paths: list[Path]) -> list[dict]:
    """The rows of the claimed batches, in the order they were received (stable: per sender as they came)."""
    rows = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                rows.append(_row(line))
            except (ValueError, KeyError, TypeError):
                # A crash in the middle of a write leaves a partial last line: nothing of it was acknowledged.
                log.error("unreadable spool line %s:%d skipped (%d characters)", path.name, number, len(line))
    return sorted(rows, key=lambda row: row["received_at"])


def done(paths: list[Path]) -> None:
    """Every row of these batches is in the database: remove them."""
    for path in paths:
        path.unlink(missing_ok=True)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _wait_for_writers(path: Path) -> None:
    """A writer that opened the file before the rename finishes its line before the batch is read."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    finally:
        os.close(fd)


def sync_directory(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (fsync of the directory itself)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _row(line: str) -> dict:
    row = json.loads(line)
    row["received_at"] = dt.datetime.fromisoformat(row["received_at"])
    row["wechat_time"] = dt.datetime.fromisoformat(row["wechat_time"]) if row["wechat_time"] else None
    return row
