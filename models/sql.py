"""Hand-written SQL for the per-message path, run on the DBAPI cursor inside a SQLAlchemy transaction.

An ORM round trip costs several times the whole WeChat protocol work (PERF.md, bench/webhook.py), so the
few statements every message needs are written once here, in `:name` style, for SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from sqlalchemy import Connection

_NAMED = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """`:name` placeholders as psycopg's `%(name)s`."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


class Sql:
    """One transaction's statements on the connection's DBAPI cursor."""

    def __init__(self, connection: Connection, *, queue_writes: bool = False):
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"
        self._cursor = connection.connection.driver_connection.cursor()
        self._last_time: tuple[dt.datetime, str] | None = None
        # What is known without a statement of its own (read with another one, or just written), by (kind, key):
        # rows, a person's roles, a count.
        self.prefetched: dict[tuple[str, object], object] = {}
        # PostgreSQL, with queue_writes: `queue`d writes, sent in one round trip with the next statement.
        self._queues = queue_writes and not self.sqlite
        self._queued: list[tuple[str, dict]] = []

    def run(self, sql: str, **params) -> int:
        """Execute; the number of rows affected."""
        self._execute(sql, params)
        return self._cursor.rowcount

    def one(self, sql: str, **params) -> tuple | None:
        """Execute and fetch one row."""
        self._execute(sql, params)
        return self._cursor.fetchone()

    def queue(self, sql: str, **params) -> None:
        """A write whose outcome nobody reads: sent with the next statement (or `send_queued`) when writes queue,
        now otherwise. Statements still run in the order they were made."""
        if self._queues:
            self._queued.append((sql, params))
        else:
            self.run(sql, **params)

    def send_queued(self) -> None:
        """Send the queued writes now (before a commit)."""
        if self._queued:
            self._pipeline(self._queued.pop(), [])

    def commit_with_queued(self) -> None:
        """PostgreSQL with queued writes: them and COMMIT in one round trip (the transaction's own commit then finds
        nothing left to do); elsewhere the transaction commits as usual."""
        if self._queues:
            self._queued.append(("COMMIT", {}))
            self.send_queued()

    def one_each(self, statements: list[tuple[str, dict]]) -> list[tuple | None]:
        """PostgreSQL: several statements sent together, one round trip in all; the first row of each."""
        if not statements:
            return []
        cursors = self._pipeline(statements[-1], statements[:-1])
        return [cursor.fetchone() for cursor in cursors] + [self._cursor.fetchone()]

    def _execute(self, sql: str, params: dict) -> None:
        if self._queued:
            self._pipeline((sql, params), [])
        else:
            self._cursor.execute(sql if self.sqlite else _pyformat(sql), params)

    def _pipeline(self, last: tuple[str, dict], others: list[tuple[str, dict]]) -> list:
        """The queued writes, `others`, then `last` on this Sql's own cursor, in one pipeline; the others' cursors."""
        before, self._queued = [*self._queued, *others], []
        connection = self._cursor.connection
        cursors = [connection.cursor() for _ in before]
        with connection.pipeline():
            for cursor, (sql, params) in zip(cursors, before, strict=True):
                cursor.execute(_pyformat(sql), params)
            self._cursor.execute(_pyformat(last[0]), last[1])
        return cursors[len(before) - len(others) :]

    def many(self, sql: str, rows: list[dict]) -> int:
        """Execute once per row (executemany); the number of rows affected in all."""
        if not rows:
            return 0
        self.send_queued()
        self._cursor.executemany(sql if self.sqlite else _pyformat(sql), rows)
        return self._cursor.rowcount

    def all(self, sql: str, **params) -> list[tuple]:
        """Execute and fetch every row."""
        self._execute(sql, params)
        return self._cursor.fetchall()

    @staticmethod
    def in_list(name: str, values: list) -> tuple[str, dict]:
        """Placeholders and parameters for `column IN (...)`: ("(:ids_0, :ids_1)", {...})."""
        params = {f"{name}_{i}": value for i, value in enumerate(values)} or {f"{name}_0": None}
        return "(" + ", ".join(f":{key}" for key in params) + ")", params

    def among(self, name: str, values: list) -> tuple[str, dict]:
        """`IN ...` of these values and its parameters: one array on PostgreSQL (`= ANY(:name)`, parsed once however
        many), `in_list`'s placeholders on SQLite."""
        if self.sqlite:
            placeholders, params = self.in_list(name, values)
            return f"IN {placeholders}", params
        return f"= ANY(:{name})", {name: list(values)}

    def time(self, value: dt.datetime | None):
        """A timezone-aware datetime as the column stores it (SQLite: UTC text, as SQLAlchemy writes it)."""
        if value is None or not self.sqlite:
            return value
        if self._last_time is not None and self._last_time[0] is value:
            return self._last_time[1]  # one message writes the same "now" several times
        text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        self._last_time = (value, text)
        return text

    def read_time(self, value) -> dt.datetime | None:
        """A stored time back as an aware UTC datetime."""
        if value is None or isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC) if value else None
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)

    def flag(self, value: bool):
        """A boolean as the column stores it."""
        return int(value) if self.sqlite else value


def savepoint(sql: Sql, *, name: str) -> None:
    """Mark a point this transaction can roll back to without losing what came before."""
    sql.run(f"SAVEPOINT {name}")


def release_savepoint(sql: Sql, *, name: str) -> None:
    """Keep what was written since the savepoint."""
    sql.run(f"RELEASE SAVEPOINT {name}")


def rollback_to_savepoint(sql: Sql, *, name: str) -> None:
    """Undo what was written since the savepoint (queued writes go first, and are undone with it); the transaction
    goes on."""
    sql.prefetched.clear()  # rows known from what was undone
    sql.run(f"ROLLBACK TO SAVEPOINT {name}")
