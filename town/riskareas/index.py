"""Matching a declared origin against one list version, in memory: dict lookups only."""

from __future__ import annotations

from dataclasses import dataclass

from town.riskareas.entries import RANK, Entry


@dataclass(frozen=True)
class Match:
    """The most specific listed entry covering the origin, and its level."""

    entry: Entry
    level: str
    specificity: str  # "township" or "district"


class RiskIndex:
    """Entries keyed by (province, city, district) and by township within it."""

    def __init__(self, entries: list[Entry], list_id: int | None = None):
        self.list_id = list_id
        self.size = len(entries)
        self._district: dict[tuple[str, str, str], Entry] = {}
        self._township: dict[tuple[str, str, str, str], Entry] = {}
        self._by_district: dict[tuple[str, str, str], list[Entry]] = {}
        for entry in entries:
            chain = (entry.province, entry.city, entry.district)
            self._by_district.setdefault(chain, []).append(entry)
            if entry.township:
                _keep(self._township, (*chain, entry.township), entry)
            else:
                _keep(self._district, chain, entry)

    def match(self, province: str, city: str, district: str, township: str | None = None) -> Match | None:
        """The township's entry when the township is listed, else the district-wide entry, else None."""
        if township:
            entry = self._township.get((province, city, district, township))
            if entry is not None:
                return Match(entry, entry.level, "township")
        entry = self._district.get((province, city, district))
        return Match(entry, entry.level, "district") if entry is not None else None

    def district_has_entries(self, province: str, city: str, district: str) -> bool:
        """Any entry at all in this district (the 关联区域 rule, and whether to ask for the street)."""
        return (province, city, district) in self._by_district

    def entries_in_district(self, province: str, city: str, district: str) -> list[Entry]:
        """Every entry of this district, as listed (for the 关联区域 rule and its reason)."""
        return list(self._by_district.get((province, city, district), ()))


def _keep(table: dict, key: tuple, entry: Entry) -> None:
    """The stronger entry; at the same level, the one covering the whole area (no community) wins."""
    current = table.get(key)
    if current is None or _strength(entry) > _strength(current):
        table[key] = entry


def _strength(entry: Entry) -> tuple[int, bool]:
    return RANK[entry.level], entry.community is None


def load_index(db, list_id: int | None = None) -> RiskIndex | None:
    """The index of a version (default: the latest), or None when no list was imported."""
    from town.riskareas.store import entries, latest_id

    list_id = list_id or latest_id(db)
    return RiskIndex(entries(db, list_id), list_id) if list_id else None
