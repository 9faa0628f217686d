"""Counting the statements a job sends to the database: SQLAlchemy's and the hand-written ones of models/sql.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event

from models.sql import Sql

_SQL_METHODS = ("run", "one", "all", "many")


@dataclass
class Statements:
    """What was sent while counting: one entry per statement (an executemany counts once)."""

    sent: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sent)


@contextmanager
def counting(engine: Engine, *, this_thread: bool = False) -> Iterator[Statements]:
    """Within the block, every statement on the engine: SQLAlchemy's cursor events, and Sql's DBAPI calls
    (`this_thread`: only the caller's, not those of a live server sharing the engine)."""
    seen, caller = Statements(), threading.get_ident()

    def on_execute(_conn, _cursor, statement, _params, _context, _executemany):
        if not this_thread or threading.get_ident() == caller:
            seen.sent.append(statement)

    originals = {name: getattr(Sql, name) for name in _SQL_METHODS}
    for name, original in originals.items():

        def wrapped(self, sql, *args, _original=original, **kwargs):
            if not this_thread or threading.get_ident() == caller:
                seen.sent.append(sql)
            return _original(self, sql, *args, **kwargs)

        setattr(Sql, name, wrapped)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        for name, original in originals.items():
            setattr(Sql, name, original)
