"""A sheet of the 台账 and the cell helpers every sheet shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Sheet:
    """One ledger: its title, column headers and rows of cell values (text, numbers, dates), maybe not yet read."""

    title: str
    columns: tuple[str, ...]
    rows: Iterable[tuple]


def numbered(rows: Iterable[tuple]) -> Iterator[tuple]:
    """Rows numbered from 1 (the 序号 column)."""
    return ((number, *row) for number, row in enumerate(rows, 1))


def local_time(moment: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    """A stored time (aware, or naive UTC from SQLite) as the town's wall-clock time, without tzinfo for Excel."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(tz).replace(tzinfo=None)
