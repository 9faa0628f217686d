"""Retention: old finished messages read a chunk at a time (for the archive), then deleted in the same transaction.

Only finished rows go: outbox rows sent or delivered (never queued, sending, covered, failed or undeliverable, and
never one a phone-call task points to), with their delivery attempts; inbound rows handled. Rows come oldest id
first, each chunk after the last one's ids (the rows kept, and those too young, are never read twice in a run: a
scan from the first id each time made the run quadratic), so a run cut short resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from models.outbox_body import BODY_JOIN
from models.sql import Sql

OUTBOX_DONE = "status IN ('sent', 'delivered')"
_OLD_OUTBOX = text(
    f"SELECT o.*, b.text AS body_text FROM outbox_message o {BODY_JOIN} WHERE o.{OUTBOX_DONE}"
    " AND o.created_at < :cutoff AND o.id > :after"
    " AND NOT EXISTS (SELECT 1 FROM call_task t WHERE t.outbox_id = o.id) ORDER BY o.id LIMIT :limit"
)
_ATTEMPTS = text("SELECT * FROM delivery_attempt WHERE outbox_id IN :ids ORDER BY id").bindparams(
    bindparam("ids", expanding=True)
)
_DELETE_ATTEMPTS = text(
    "DELETE FROM delivery_attempt WHERE outbox_id IN"
    f" (SELECT id FROM outbox_message WHERE id IN :ids AND {OUTBOX_DONE})"
).bindparams(bindparam("ids", expanding=True))
_DELETE_OUTBOX = text(f"DELETE FROM outbox_message WHERE id IN :ids AND {OUTBOX_DONE}").bindparams(
    bindparam("ids", expanding=True)
)
_OLD_INBOUND = text(
    "SELECT * FROM inbound_message WHERE status = 'handled' AND received_at < :cutoff AND id > :after"
    " ORDER BY id LIMIT :limit"
)
_DELETE_INBOUND = text("DELETE FROM inbound_message WHERE id IN :ids AND status = 'handled'").bindparams(
    bindparam("ids", expanding=True)
)
TIME_COLUMNS = frozenset(
    (
        "created_at",
        "due_at",
        "claimed_until",
        "sent_at",
        "delivered_at",
        "received_at",
        "wechat_time",
        "handled_at",
        "at",
    )
)


@dataclass(frozen=True)
class Chunk:
    """Rows of one table as plain values (times as ISO text), and their ids."""

    table: str
    rows: list[dict]

    @property
    def ids(self) -> list[int]:
        return [row["id"] for row in self.rows]


def _plain(sql: Sql, row) -> dict:
    """A row as JSON-ready values: times the same ISO text on SQLite and PostgreSQL."""
    values = dict(row._mapping)
    for key in TIME_COLUMNS & values.keys():
        when = sql.read_time(values[key])
        values[key] = when.isoformat() if when else None
    return values


def old_outbox(session: Session, *, cutoff: dt.datetime, limit: int, after: int = 0) -> Chunk:
    """The first finished outbox rows after that id created before cutoff, each with its delivery attempts under
    "attempts_log"."""
    sql = Sql(session.connection())
    found = session.execute(_OLD_OUTBOX, {"cutoff": sql.time(cutoff), "limit": limit, "after": after})
    rows = [_with_text(_plain(sql, row)) for row in found]
    if rows:
        attempts: dict[int, list[dict]] = {}
        for row in session.execute(_ATTEMPTS, {"ids": [r["id"] for r in rows]}):
            attempt = _plain(sql, row)
            attempts.setdefault(attempt["outbox_id"], []).append(attempt)
        for row in rows:
            row["attempts_log"] = attempts.get(row["id"], [])
    return Chunk("outbox_message", rows)


def _with_text(row: dict) -> dict:
    """An archived row carries its text, also when the row pointed to a stored body (bodies are kept)."""
    body = row.pop("body_text", None)
    if body is not None:
        row["text"] = body
    return row


def old_inbound(session: Session, *, cutoff: dt.datetime, limit: int, after: int = 0) -> Chunk:
    """The first handled inbound rows after that id received before cutoff."""
    sql = Sql(session.connection())
    rows = session.execute(_OLD_INBOUND, {"cutoff": sql.time(cutoff), "limit": limit, "after": after})
    return Chunk("inbound_message", [_plain(sql, row) for row in rows])


def delete_chunk(session: Session, chunk: Chunk) -> int:
    """Delete the chunk's rows (still finished: a row changed since it was read stays); how many went."""
    if not chunk.rows:
        return 0
    if chunk.table == "outbox_message":
        session.execute(_DELETE_ATTEMPTS, {"ids": chunk.ids})
        return session.execute(_DELETE_OUTBOX, {"ids": chunk.ids}).rowcount
    return session.execute(_DELETE_INBOUND, {"ids": chunk.ids}).rowcount
