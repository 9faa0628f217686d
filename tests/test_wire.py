"""PostgreSQL statements sent on libpq (models/wire.py) give what a psycopg cursor gives: values, rows, counts,
psycopg's own errors; each statement is prepared once per connection, and a failure leaves the connection usable."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text

from models.db import make_engine
from models.sql import Sql
from models.wire import numbered, wire_of

TABLE = "CREATE TEMPORARY TABLE wire_probe (id bigint PRIMARY KEY, name text, at timestamptz, flag boolean)"


@pytest.fixture
def connection(database_url):
    """A pooled connection as the service makes them, in a transaction, with a probe table of its own."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's wire only")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        with connection.begin():
            connection.execute(text(TABLE))
        yield connection
    engine.dispose()


def statements_prepared(connection) -> list[str]:
    """The statements the server holds prepared on this connection, by their text."""
    with connection.begin():
        return [row[0] for row in connection.exec_driver_sql("SELECT statement FROM pg_prepared_statements")]


def test_placeholders_are_numbered_once_per_name_and_casts_are_kept():
    assert numbered("SELECT :a::int, :b, :a") == (b"SELECT $1::int, $2, $1", ("a", "b"))


def test_values_of_every_kind_come_back_as_a_cursor_gives_them(connection):
    connection.begin()
    sql = Sql(connection)
    at = dt.datetime(2026, 12, 3, 22, 30, 5, 123456, tzinfo=dt.UTC)
    big = 2**40
    rows = [{"id": 0, "name": None, "at": None, "flag": False}, {"id": big, "name": "王芳", "at": at, "flag": True}]
    assert sql.many("INSERT INTO wire_probe (id, name, at, flag) VALUES (:id, :name, :at, :flag)", rows) == 2
    found = sql.all("SELECT id, name, at, flag FROM wire_probe WHERE id = ANY(:ids) ORDER BY id", ids=[0, big, 7])
    assert found == [(0, None, None, False), (big, "王芳", at, True)]
    assert found[1][2].utcoffset() == dt.timedelta(0)
    assert sql.one("SELECT count(*) FROM wire_probe WHERE name LIKE '%芳'") == (1,)
    assert sql.run("UPDATE wire_probe SET flag = NOT flag") == 2
    assert sql.one("SELECT id FROM wire_probe WHERE id = -1") is None


def test_statements_sent_together_each_give_their_own_first_row(connection):
    connection.begin()
    sql = Sql(connection, queue_writes=True)
    sql.queue("INSERT INTO wire_probe (id, name) VALUES (:id, :name)", id=1, name="张伟")
    first, second = sql.one_each([("SELECT name FROM wire_probe WHERE id = :id", {"id": 1}), ("SELECT 2", {})])
    assert (first, second) == (("张伟",), (2,))


def test_a_failed_statement_raises_psycopgs_own_error_and_what_follows_it_does_not_run(connection):
    with connection.begin():
        Sql(connection).run("INSERT INTO wire_probe (id) VALUES (1)")
    with connection.begin():
        sql = Sql(connection, queue_writes=True)
        sql.queue("INSERT INTO wire_probe (id) VALUES (1)")
        sql.queue("INSERT INTO wire_probe (id) VALUES (2)")
        with pytest.raises(errors.UniqueViolation) as raised:
            sql.one("SELECT count(*) FROM wire_probe")
        assert raised.value.sqlstate == "23505"
        with pytest.raises(errors.InFailedSqlTransaction):
            sql.one("SELECT 1")
        connection.rollback()
    with connection.begin():
        assert Sql(connection).all("SELECT id FROM wire_probe") == [(1,)]


def test_a_value_that_cannot_be_sent_fails_before_anything_is_sent(connection):
    connection.begin()
    sql = Sql(connection)
    with pytest.raises(psycopg.ProgrammingError):
        rows = [{"id": 1, "name": "a"}, {"id": 2, "name": {}}]  # a dict: psycopg cannot adapt it
        sql.many("INSERT INTO wire_probe (id, name) VALUES (:id, :name)", rows)
    with pytest.raises(psycopg.ProgrammingError, match="name"):
        sql.run("INSERT INTO wire_probe (id, name) VALUES (:id, :name)", id=3)
    driver = connection.connection.driver_connection
    assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE  # not even the BEGIN went
    assert sql.one("SELECT count(*) FROM wire_probe") == (0,)


def test_a_statement_sent_again_is_prepared_once_per_connection_and_kept_across_transactions(connection):
    insert = "INSERT INTO wire_probe (id) VALUES (:id)"
    with connection.begin():
        Sql(connection).one("SELECT :n::int", n=1)
    assert statements_prepared(connection) == []  # sent once: an IN list of a new length must not fill the server
    with connection.begin() as rolled_back:
        Sql(connection).many(insert, [{"id": i} for i in range(3)])  # three in one pipeline: prepared once
        rolled_back.rollback()
    with connection.begin():
        Sql(connection).run(insert, id=4)
    assert statements_prepared(connection).count("INSERT INTO wire_probe (id) VALUES ($1)") == 1
    with connection.begin():
        assert Sql(connection).one("SELECT count(*) FROM wire_probe") == (1,)


def test_statements_deallocated_by_another_are_prepared_again_after_one_failure(connection):
    with connection.begin():
        for n in (1, 1):  # prepared the second time
            assert Sql(connection).one("SELECT 1 + :n", n=n) == (2,)
        connection.exec_driver_sql("DEALLOCATE ALL")
    with pytest.raises(errors.InvalidSqlStatementName), connection.begin():
        Sql(connection).one("SELECT 1 + :n", n=1)
    with connection.begin():
        assert Sql(connection).one("SELECT 1 + :n", n=2) == (3,)


def test_a_long_pipeline_is_sent_and_read_whole(connection):
    rows = [{"id": i, "name": "村" * 200} for i in range(3000)]  # more than the socket buffers hold at once
    connection.begin()
    assert Sql(connection).many("INSERT INTO wire_probe (id, name) VALUES (:id, :name)", rows) == 3000
    assert Sql(connection).one("SELECT count(*), sum(length(name)) FROM wire_probe") == (3000, 600000)


def test_a_connection_made_elsewhere_gets_a_wire_that_prepares_nothing(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's wire only")
    with psycopg.connect(database_url.replace("+psycopg", "")) as plain:
        for _ in range(2):
            assert wire_of(plain).send([("SELECT :n::int", {"n": 5})])[0].fetchone() == (5,)
        assert plain.execute("SELECT count(*) FROM pg_prepared_statements").fetchone() == (0,)
