"""A broadcast's text stored once: its outbox rows (one per recipient) point to it instead of each holding a copy.

A row with a `body_id` has an empty `text`; every reader takes the body's text instead (`TEXT_OF` in SQL, or
`with_bodies` after a read). Bodies are never deleted: a push or an announcement a day is a few hundred rows a year,
and a row archived by retention carries its text (models.retention).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Field, Session, SQLModel

from models.sql import Sql


class OutboxBody(SQLModel, table=True):
    """The text of one broadcast (a risk-list push, an announcement's occurrence)."""

    __tablename__ = "outbox_body"

    id: int | None = Field(default=None, primary_key=True)
    text: str
    created_at: dt.datetime


STORE = "INSERT INTO outbox_body (text, created_at) VALUES (:text, :now) RETURNING id"
BODIES = "SELECT id, text FROM outbox_body WHERE id IN {ids}"
# An outbox row's text as readers see it (the row aliased `o`, joined to `b` by BODY_JOIN).
TEXT_OF = "COALESCE(b.text, o.text)"
BODY_JOIN = "LEFT JOIN outbox_body b ON b.id = o.body_id"


def store_body(sql: Sql, *, text: str, now: dt.datetime) -> int:
    """Keep a broadcast's text once; its id for the rows that carry it."""
    return sql.one(STORE, text=text, now=sql.time(now))[0]


def bodies_of(sql: Sql, *, ids: set[int]) -> dict[int, str]:
    """The texts of these bodies by id (one read for a whole batch)."""
    if not ids:
        return {}
    placeholders, params = sql.in_list("body", sorted(ids))
    return dict(sql.all(BODIES.format(ids=placeholders), **params))


def with_bodies(session: Session, rows: list) -> list:
    """Outbox rows read by the ORM, each stored body's text in place of the row's empty one (not written back)."""
    ids = {row.body_id for row in rows if row.body_id is not None}
    if ids:
        bodies = bodies_of(Sql(session.connection()), ids=ids)
        for row in rows:
            if row.body_id in bodies:
                set_committed_value(row, "text", bodies[row.body_id])
    return rows
