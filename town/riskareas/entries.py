"""What every parser produces: normalised entries, the parsed list, and the error naming every bad line."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from town.clock import official_zone
from town.riskareas.texts import ERROR, PLACE
from town.riskareas.texts import LEVEL_NAMES as LEVEL_NAMES  # the names stay importable from here

LEVELS = ("high", "medium", "low")
RANK = {"low": 1, "medium": 2, "high": 3}

Key = tuple[str, str, str, str | None, str | None]  # province, city, district, township, community


@dataclass(frozen=True)
class Entry:
    """One listed area: level and place, normalised; raw and line as published."""

    level: str
    province: str
    city: str
    district: str
    township: str | None = None
    community: str | None = None
    whole_area: bool = False
    raw: str = ""
    line: int = 0

    @property
    def key(self) -> Key:
        """The place, without the level: what the diff compares."""
        return (self.province, self.city, self.district, self.township, self.community)

    def place(self) -> str:
        """The place as one Chinese string (municipalities say 北京市 once)."""
        city = "" if self.city == self.province else self.city
        parts = [self.province, city, self.district, self.township or "", self.community or ""]
        return "".join(parts) + (PLACE.whole_area if self.whole_area else "")


@dataclass
class ParsedList:
    """A list as read from a file, before it is stored."""

    source: str
    published_at: dt.datetime | None
    entries: list[Entry] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, what the operator should check)

    def counts(self) -> dict[str, int]:
        """Entries per level (every level present, zero when absent)."""
        out = dict.fromkeys(LEVELS, 0)
        for entry in self.entries:
            out[entry.level] += 1
        return out

    def checksum(self) -> str:
        """sha256 of the normalised content: the same list from another file name is still the same list."""
        digest = hashlib.sha256(self.published_at.isoformat().encode() if self.published_at else b"-")
        for key in sorted((e.level, *(part or "" for part in e.key), str(e.whole_area)) for e in self.entries):
            digest.update(("\x1f".join(key) + "\n").encode("utf-8"))
        return digest.hexdigest()


class RiskListError(ValueError):
    """A malformed list: every bad line, with its number."""

    def __init__(self, source: str, errors: list[tuple[int, str]]):
        self.source = source
        self.errors = sorted(errors)
        lines = "\n".join(ERROR.line.format(line=line, message=message) for line, message in self.errors)
        super().__init__(ERROR.list.format(source=source, n=len(self.errors), lines=lines))


def shanghai_time(year: int, month: int, day: int, hour: int) -> dt.datetime | None:
    """A published Beijing time as aware UTC; 24时 is 0时 of the next day; None when no such time exists."""
    try:
        start = dt.datetime(year, month, day, tzinfo=official_zone())
    except (ValueError, OverflowError):
        return None
    if not 0 <= hour <= 24:
        return None
    try:
        return (start + dt.timedelta(hours=hour)).astimezone(dt.UTC)
    except OverflowError:
        return None
