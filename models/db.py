"""Engine and sessions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) by default, PostgreSQL by URL."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    any_,
    bindparam,
    create_engine,
    event,
    exc,
    insert,
    literal,
    text,
)
from sqlmodel import Session

from models.cooperative import CooperativeConnection

SQLITE_BUSY_TIMEOUT_MS = 10_000
# PostgreSQL: a connection back from the pool is checked with a round trip only after this long unused; one in
# steady use is not (pool_pre_ping cost every message a round trip); a broken one still fails over to a new one.
PING_AFTER_IDLE_S = 2.0
RECYCLE_S = 1800


def utcnow() -> dt.datetime:
    """Aware UTC now; SQLModel's datetime columns take aware values and return UTC."""
    return dt.datetime.now(dt.UTC)


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(database_url: str) -> Engine:
    """An engine configured for this service's access pattern."""
    if database_url.startswith("sqlite"):
        return _sqlite_engine(database_url)
    return _postgres_engine(database_url)


def _postgres_engine(database_url: str) -> Engine:
    engine = create_engine(database_url, pool_size=10, max_overflow=10, pool_recycle=RECYCLE_S)

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        # Cooperative: the webhook's batches wait on the event loop. psycopg's own prepared statements off: having
        # any, it sends DEALLOCATE ALL at every rollback, which would drop the Wire's too (models/wire.py).
        return CooperativeConnection.connect(*cargs, **cparams, prepare_threshold=None)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and checks out another (SQLAlchemy's pessimistic-disconnect recipe).
            raise exc.DisconnectionError() from error

    return engine


def _sqlite_engine(database_url: str) -> Engine:
    path = database_url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        database_url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # Kept open: the webhook's threads, the outbox worker, the scheduler and the list watcher together need more
        # than the default five, and a connection past the pool is reopened (four PRAGMAs) for every message.
        pool_size=20,
        max_overflow=10,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's deferred one.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint every ~40 MB of WAL, not every 4 MB: a message rewrites the same few hot pages, which a
        # checkpoint copies once however often they changed, and the loop's commit paid for each one
        # (over a quarter of the webhook's CPU at concurrency 16, bench/README.md).
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A deferred transaction that reads then writes fails at once with SQLITE_BUSY when
        # another process wrote in between; taking the write lock up front waits instead.
        # (Straight to the driver: this runs for every message.)
        conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One session in one transaction: committed on success, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def among(session: Session, column: ColumnElement, ids: list[int]) -> ColumnElement:
    """`column IN ids`: one array parameter on PostgreSQL (a thousand bound values cost more than the query)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(bindparam("ids", list(ids), expanding=True, unique=True))  # no coercion of each value


def upsert_insert(session: Session):
    """The dialect's INSERT construct that supports ON CONFLICT (SQLite and PostgreSQL)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


def never_wait_for_lock(connection: Connection) -> None:
    """SQLite: fail at once with SQLITE_BUSY instead of waiting when another connection holds the write lock."""
    connection.connection.driver_connection.execute("PRAGMA busy_timeout=0")


def wait_for_lock(connection: Connection, seconds: float | None = None) -> None:
    """SQLite: wait at most this long for another connection's write lock (None: the usual busy timeout)."""
    milliseconds = SQLITE_BUSY_TIMEOUT_MS if seconds is None else max(0, int(seconds * 1000))
    connection.connection.driver_connection.execute(f"PRAGMA busy_timeout={milliseconds}")


def answers(engine: Engine) -> bool:
    """Whether the database answers a trivial query now (a refused or dropped connection: False)."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception:  # noqa: BLE001 (any failure to answer is the answer)
        return False
    return True


def insert_returning(session: Session, table, rows: list[dict], *, key: str) -> dict:
    """Insert these rows (every one with the same columns); their new ids by the `key` column's value, unique
    among them. PostgreSQL: one INSERT ... SELECT FROM unnest() of one array a column, a statement of a few
    parameters however many rows (a multi-row VALUES of thousands of placeholders costs psycopg more to parse
    than the server to run); SQLite: SQLAlchemy's executemany with RETURNING."""
    if not rows:
        return {}
    if session.get_bind().dialect.name != "postgresql":
        found = session.execute(insert(table).returning(table.c.id, table.c[key]), rows)
        return _by_key({value: row_id for row_id, value in found}, rows)
    from sqlalchemy.dialects import postgresql

    names = list(rows[0])
    types = [table.c[name].type.compile(dialect=postgresql.dialect()) for name in names]
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in zip(names, types, strict=True))
    statement = text(
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays}) RETURNING id, {key}"
    )
    found = session.execute(statement, {name: [row[name] for row in rows] for name in names})
    return _by_key({value: row_id for row_id, value in found}, rows)


def _by_key(ids: dict, rows: list[dict]) -> dict:
    if len(ids) != len(rows):
        raise ValueError(f"insert_returning: {len(rows)} rows but {len(ids)} distinct keys")
    return ids
