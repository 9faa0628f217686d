"""PostgreSQL statements sent on the connection's libpq handle, pipelined: one write and one read per round trip.

A psycopg cursor costs ~45 us of CPU a statement in a pipeline (a cursor each, the query converted, the pipeline's
machinery), ~10 us here: the webhook sends a few statements a message, so that was a fifth of its CPU
(bench/README.md, issue 17). Parameters are adapted and rows loaded by psycopg's own Transformer, errors are
psycopg's own, and the connection's wait (models/cooperative.py) is used, so the caller sees what a cursor gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import psycopg
from psycopg import errors, pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.waiting import Ready, Wait

_NAMED = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")
# Statements prepared on a connection at most (each the second time it is sent); past that they are sent unnamed.
MAX_PREPARED = 200
MAX_SEEN = 1000  # statements sent once remembered, to prepare them if they come again
_PREPARED_PREFIX = "xa_"


class Bound(NamedTuple):
    """What libpq is sent for one statement: the query, its values with their types and formats, the name it is
    prepared under, and the name to prepare it under first (the second time it is sent on this connection)."""

    query: bytes
    values: list
    types: tuple
    formats: list
    name: bytes | None
    prepare: bytes | None


class Result:
    """One statement's outcome, as a cursor gives it: its rows and the number of rows it returned or affected."""

    def __init__(self, rows: list[tuple], rowcount: int):
        self.rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> tuple | None:
        """The first row, if any."""
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple]:
        """Every row."""
        return self.rows


@lru_cache(maxsize=512)
def numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """`:name` placeholders as `$1`, `$2` ...; the query and the names in order (a repeated name, one number)."""
    numbers: dict[str, int] = {}

    def number(match: re.Match) -> str:
        return f"${numbers.setdefault(match.group(1), len(numbers) + 1)}"

    return _NAMED.sub(number, sql).encode(), tuple(numbers)


class Wire:
    """A psycopg connection's statements, sent together in one pipeline; the statements it prepared."""

    def __init__(self, connection: psycopg.Connection, *, max_prepared: int = MAX_PREPARED):
        self.connection = connection
        self.max_prepared = max_prepared
        self._transformer = Transformer(connection)
        self._prepared: dict[tuple[bytes, tuple], bytes] = {}
        self._seen: set[tuple[bytes, tuple]] = set()
        self._names = 0

    def send(self, statements: list[tuple[str, dict]]) -> list[Result]:
        """The statements in one round trip (BEGIN first, when a transaction is due); the first error raised."""
        if self.connection.closed:
            raise psycopg.OperationalError("the connection is closed")
        preparing: dict[tuple[bytes, tuple], bytes] = {}
        bound = [self._bind(sql, params, preparing) for sql, params in statements]  # all bound before any is sent
        with self.connection.lock:
            results = self._round_trip(self._begin(), bound)
        return self._outcomes(results, bound)

    def _bind(self, sql: str, params: dict, preparing: dict[tuple[bytes, tuple], bytes]) -> Bound:
        query, names = numbered(sql)
        try:
            values = [params[name] for name in names]
        except KeyError as missing:
            raise psycopg.ProgrammingError(f"query parameter missing: {missing.args[0]}") from None
        transformer = self._transformer
        dumped = transformer.dump_sequence(values, [PyFormat.AUTO] * len(values))
        types, formats = tuple(transformer.types), list(transformer.formats)
        key = (query, types)
        name, prepare = self._prepared.get(key) or preparing.get(key), None
        if name is None and self._worth_preparing(key, len(preparing)):
            self._names += 1
            prepare = preparing[key] = f"{_PREPARED_PREFIX}{self._names}".encode()
        return Bound(query, dumped, types, formats, name, prepare)

    def _worth_preparing(self, key: tuple[bytes, tuple], preparing: int) -> bool:
        """Sent before, and there is room: a statement sent once (an IN list of a length not seen before) is not
        kept on the server."""
        if len(self._prepared) + preparing >= self.max_prepared:
            return False
        if key in self._seen:
            return True
        if len(self._seen) >= MAX_SEEN:
            self._seen.clear()
        self._seen.add(key)
        return False

    def _begin(self) -> bytes | None:
        """The command that starts a transaction, when one is due (psycopg's own, so its settings hold)."""
        connection = self.connection
        if connection.autocommit or connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return None
        return connection._get_tx_start_command()  # noqa: SLF001 (the BEGIN psycopg itself would send)

    def _round_trip(self, begin: bytes | None, bound: list[Bound]) -> list[pq.abc.PGresult]:
        pgconn = self.connection.pgconn
        pgconn.enter_pipeline_mode()
        try:
            if begin:
                pgconn.send_query_params(begin, None)
            for b in bound:
                if b.prepare:
                    pgconn.send_prepare(b.prepare, b.query, param_types=b.types)
                if name := b.prepare or b.name:
                    pgconn.send_query_prepared(name, b.values, param_formats=b.formats)
                else:
                    pgconn.send_query_params(b.query, b.values, param_types=b.types, param_formats=b.formats)
            pgconn.pipeline_sync()
            results = self.connection.wait(_until_sync(pgconn))
        finally:
            if pgconn.status == pq.ConnStatus.OK:
                try:
                    pgconn.exit_pipeline_mode()
                except psycopg.OperationalError:
                    self.connection.close()  # results left unread: the pool must not hand this one out again
        return results

    def _outcomes(self, results: list[pq.abc.PGresult], bound: list[Bound]) -> list[Result]:
        """Each statement's result (the BEGIN's and the prepares' checked and left out)."""
        failed = next((result for result in results if result.status == pq.ExecStatus.FATAL_ERROR), None)
        ours = iter(results[len(results) - len(bound) - sum(1 for b in bound if b.prepare) :])
        outcomes = []
        for b in bound:
            if b.prepare and next(ours).status == pq.ExecStatus.COMMAND_OK:
                self._prepared[(b.query, b.types)] = b.prepare
            outcomes.append(self._result(next(ours)))
        if failed is not None:
            error = errors.error_from_result(failed, encoding=self.connection.info.encoding)
            if isinstance(error, errors.InvalidSqlStatementName):
                self._prepared.clear()  # someone sent DEALLOCATE ALL: prepared again from the next transaction
            raise error
        return outcomes

    def _result(self, result: pq.abc.PGresult) -> Result:
        if result.status != pq.ExecStatus.TUPLES_OK:
            rowcount = result.command_tuples
            return Result([], rowcount if rowcount is not None else -1)
        transformer = self._transformer
        transformer.set_pgresult(result)
        return Result(transformer.load_rows(0, result.ntuples, tuple), result.ntuples)


def wire_of(connection: psycopg.Connection) -> Wire:
    """The connection's Wire, kept with it so its prepared statements are used again; for another connection, a
    Wire that prepares nothing (another one on it would not know what this one prepared)."""
    wire = getattr(connection, "wire", None)
    return wire if wire is not None else Wire(connection, max_prepared=0)


def _until_sync(pgconn: pq.abc.PGconn) -> Iterator:
    """psycopg wait generator: flush what was sent, then read every result up to the pipeline's sync."""
    while pgconn.flush():  # a long pipeline: the server may answer before it has read it all
        if (yield Wait.RW) & Ready.R:
            pgconn.consume_input()
    results = []
    while True:
        ended = False  # get_result gives None once at the end of each statement's results, twice: wait for more
        while not pgconn.is_busy():
            result = pgconn.get_result()
            if result is None:
                if ended:
                    break
                ended = True
                continue
            ended = False
            if result.status == pq.ExecStatus.PIPELINE_SYNC:
                return results
            results.append(result)
        yield Wait.R
        pgconn.consume_input()
