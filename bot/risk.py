"""The policy table and the latest risk-list version, as handlers classify against them.

Loaded once at start-up; the latest list version is checked again at most every `check_every` seconds
(one small query), and its entries are reloaded only when a newer version was imported.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import select
from sqlmodel import Session

from broadcasts.policy import ListInfo, Policy
from broadcasts.riskareas import RiskIndex
from broadcasts.riskareas.store import read_entries
from models.riskarea import RiskList
from models.sql import Sql


class RiskContext:
    """The policy, and the index of the newest list version (None before any list was imported)."""

    def __init__(self, policy: Policy, *, check_every: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self.check_every = check_every
        self.clock = clock
        self.index: RiskIndex | None = None
        self.list_info: ListInfo | None = None
        self._version: tuple | None = None
        self._checked: float | None = None
        self._lock = threading.Lock()

    def current(self, session: Session) -> tuple[RiskIndex | None, ListInfo | None]:
        """The index and its version, refreshed first when the last check is older than `check_every`."""
        if self._checked is None or self.clock() - self._checked >= self.check_every:
            self.refresh(session)
        return self.index, self.list_info

    def expire(self) -> None:
        """Check the latest version on the next use (after an import in this process, or in tests)."""
        self._checked = None

    def refresh(self, session: Session) -> None:
        """Load the newest version's entries when it differs from the one held."""
        with self._lock:
            latest = session.execute(select(RiskList).order_by(RiskList.id.desc()).limit(1)).scalars().first()
            version = (latest.id, latest.checksum) if latest else None
            if version != self._version:
                self.index, self.list_info = _load(session, latest)
                self._version = version
            self._checked = self.clock()


def _load(session: Session, latest: RiskList | None) -> tuple[RiskIndex | None, ListInfo | None]:
    if latest is None:
        return None, None
    # In the message's own transaction: a second connection would wait on SQLite's lock this one holds.
    entries = read_entries(Sql(session.connection()), latest.id)
    return RiskIndex(entries, latest.id), ListInfo(latest.id, latest.published_at)
