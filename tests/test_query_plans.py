"""The every-minute and daily queries that grow with the county find their rows by an index, not a table scan."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from models.figures import MESSAGES_BY_VILLAGE
from models.mass import MASS_TODAY, REQUEUE_COVERED, SENT_WITH_CARRIER, TAG_CARRIERS

SINCE = dt.datetime(2021, 8, 6, 16, 0)
PARAMS = {
    "since": SINCE,
    "midnight": SINCE,
    "start": SINCE,
    "end": SINCE + dt.timedelta(days=1),
    "status": "undeliverable",
    "covered": '{"x": 1, "covered": true}',
    "payload": "{}",
    "now": SINCE,
    "sent_at": SINCE,
    "msgid": None,
}
DECLARED_TODAY = "SELECT COUNT(*) FROM declaration WHERE created_at >= :start AND created_at < :end"
QUERIES = {
    "tag carriers": TAG_CARRIERS,
    "mass sent today": MASS_TODAY,
    "covered rows sent with their carrier": SENT_WITH_CARRIER,
    "covered rows requeued": REQUEUE_COVERED,
    "undelivered per village": MESSAGES_BY_VILLAGE,
    "declared today": DECLARED_TODAY,
}


def plan(connection, sql: str) -> list[str]:
    """The planner's lines for a query: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN with scans made dear."""
    names = {k: v for k, v in PARAMS.items() if f":{k}" in sql}
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"), names).all()
        return [row[-1] for row in rows]
    connection.execute(text("SET LOCAL enable_seqscan = off"))  # the test tables are tiny: say what an index allows
    return [row[0] for row in connection.execute(text(f"EXPLAIN {sql}"), names).all()]


def full_scans(lines: list[str]) -> list[str]:
    """Lines that read a table from end to end."""
    return [line for line in lines if (line.startswith("SCAN") and "INDEX" not in line) or "Seq Scan on" in line]


@pytest.mark.parametrize("name", list(QUERIES))
def test_the_query_reads_an_index_not_the_whole_table(server, name):
    with server.state.db.connect() as connection, connection.begin():
        lines = plan(connection, QUERIES[name])
        assert lines and not full_scans(lines), "\n".join(lines)
