"""The policy table and the latest risk-list version, as handlers classify against them.

Loaded once at start-up. A background thread checks the latest version every `check_every` seconds (15) (one small
query) and reloads the entries only when a newer version was imported, so no message waits while 40,000 entries
load; `expire()` makes the next message reload at once (after an import in this process).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from models.db import transaction
from models.riskarea import RiskList, newest_risk_list, newest_risk_list_version
from models.sql import Sql
from town.policy import ListInfo, Policy
from town.riskareas import RiskIndex
from town.riskareas.store import read_entries

log = logging.getLogger(__name__)


class RiskContext:
    """The policy, and the index of the newest list version (None before any list was imported)."""

    def __init__(self, policy: Policy, *, check_every: float = 15.0, clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self.check_every = check_every
        self.clock = clock
        self.index: RiskIndex | None = None
        self.list_info: ListInfo | None = None
        self._version: tuple | None = None
        self._checked: float | None = None
        self._watched = False
        self._lock = threading.Lock()

    def current(self, session: Session, *, latest: bool = False) -> tuple[RiskIndex | None, ListInfo | None]:
        """The index and its version; refreshed first when expired, never loaded, or no watcher runs.

        `latest=True` (for a classification that is stored) also checks that no newer version was imported since
        the watcher last looked: the import re-classified what was stored before it, not what is stored after.
        """
        stale = not self._watched and self._checked is not None and self.clock() - self._checked >= self.check_every
        if self._checked is None or stale or (latest and newest_risk_list_version(session) != self._version):
            self.refresh(session)
        return self.index, self.list_info

    def watch(self, db: Engine) -> tuple[threading.Thread, threading.Event]:
        """Refresh in a background thread from now on; stop it by setting the returned event."""
        stop = threading.Event()
        self._watched = True
        thread = threading.Thread(target=self._watch, args=(db, stop), name="risk-list-watch", daemon=True)
        thread.start()
        return thread, stop

    def _watch(self, db: Engine, stop: threading.Event) -> None:
        while not stop.wait(self.check_every):
            try:
                with transaction(db) as session:
                    self.refresh(session)
            except Exception:  # a database hiccup must not end the watch: the next round tries again
                log.exception("could not check for a new risk-list version")

    def expire(self) -> None:
        """Check the latest version on the next use (after an import in this process, or in tests)."""
        self._checked = None

    def refresh(self, session: Session) -> None:
        """Load the newest version's entries when it differs from the one held."""
        with self._lock:
            latest = newest_risk_list(session)
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
