"""Hand-written SQL for the per-message path, inside a SQLAlchemy transaction: on SQLite the DBAPI cursor's, on
PostgreSQL sent on libpq in pipelines (models/wire.py).

An ORM round trip costs several times the whole WeChat protocol work (PERF.md, bench/webhook.py), so the
few statements every message needs are written once here, in `:name` style, for SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from models.wire import Result, wire_of


class Sql:
    """One transaction's statements: on SQLite the DBAPI cursor's, on PostgreSQL sent on libpq (models/wire.py)."""

    def __init__(self, connection: Connection, *, queue_writes: bool = False):
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        self._cursor = driver.cursor() if self.sqlite else None
        self._wire = None if self.sqlite else wire_of(driver)
        self._last_time: tuple[dt.datetime, str] | None = None
        # What is known without a statement of its own (read with another one, or just written), by (kind, key):
        # rows, a person's roles, a count.
        self.prefetched: dict[tuple[str, object], object] = {}
        # PostgreSQL, with queue_writes: `queue`d writes, sent in one round trip with the next statement.
        self._queues = queue_writes and not self.sqlite
        self._queued: list[tuple[str, dict]] = []

    def run(self, sql: str, **params) -> int:
        """Execute; the number of rows affected."""
        return self._execute(sql, params).rowcount

    def one(self, sql: str, **params) -> tuple | None:
        """Execute and fetch one row."""
        return self._execute(sql, params).fetchone()

    def all(self, sql: str, **params) -> list[tuple]:
        """Execute and fetch every row."""
        return self._execute(sql, params).fetchall()

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
            self._send([])

    def commit_with_queued(self) -> None:
        """PostgreSQL with queued writes: them and COMMIT in one round trip (the transaction's own commit then finds
        nothing left to do); elsewhere the transaction commits as usual."""
        if self._queues:
            self._queued.append(("COMMIT", {}))
            self.send_queued()

    def one_each(self, statements: list[tuple[str, dict]]) -> list[tuple | None]:
        """PostgreSQL: several statements sent together, one round trip in all; the first row of each."""
        return [result.fetchone() for result in self._send(statements)] if statements else []

    def many(self, sql: str, rows: list[dict]) -> int:
        """Execute once per row (on PostgreSQL in one round trip); the number of rows affected in all."""
        if not rows:
            return 0
        if self.sqlite:
            self._cursor.executemany(sql, rows)
            return self._cursor.rowcount
        return sum(result.rowcount for result in self._send([(sql, row) for row in rows]))

    def _execute(self, sql: str, params: dict):
        """The statement run; its outcome (SQLite's cursor, or PostgreSQL's Result), ready to fetch from."""
        if self.sqlite:
            self._cursor.execute(sql, params)
            return self._cursor
        return self._send([(sql, params)])[-1]

    def _send(self, statements: list[tuple[str, dict]]) -> list[Result]:
        """PostgreSQL: the queued writes, then these, in one round trip; these' outcomes."""
        queued, self._queued = self._queued, []
        return self._wire.send([*queued, *statements])[len(queued) :]

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
