"""Versions: read a list file of any shape, store it (one transaction, no-op when unchanged), diff, report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from models.db import utcnow
from models.riskarea import add_areas, add_list, area_rows, list_before, list_with_checksum, newest_list_id
from models.sql import Sql
from town.clock import local
from town.riskareas.entries import LEVELS, RANK, Entry, ParsedList, RiskListError
from town.riskareas.normalise import load
from town.riskareas.parse_csv import parse_csv
from town.riskareas.parse_json import parse_json
from town.riskareas.parse_text import parse_text
from town.riskareas.texts import ERROR, IMPORT, LEVEL_NAMES

SHOWN = 50  # entries listed per change kind in the report; the rest are counted


@dataclass
class ImportResult:
    """What an import did: the version (new or the existing one) and its counts."""

    list_id: int
    created: bool
    published_at: dt.datetime | None
    counts: dict[str, int]
    previous_id: int | None = None


@dataclass
class Diff:
    """What changed between two versions."""

    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    level_up: list[tuple[Entry, Entry]] = field(default_factory=list)  # (old, new)
    level_down: list[tuple[Entry, Entry]] = field(default_factory=list)


def parse_file(path: Path, source: str | None = None) -> ParsedList:
    """The parsed list; the shape is told by the content (JSON, CSV header) rather than the file name."""
    path = Path(path)
    source = source or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RiskListError(source, [(1, ERROR.unreadable.format(exc=exc))]) from exc
    return parse_content(text, source)


def parse_content(text: str, source: str) -> ParsedList:
    """The parsed list from the text of a file."""
    div = load()
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return parse_json(text, source, div)
    if head.lower().startswith("level,"):
        return parse_csv(text, source, div)
    return parse_text(text, source, div)


def import_list(db: Engine, path: Path | str, source: str | None = None) -> ImportResult:
    """Parse and store the list as a new version; RiskListError (nothing stored) when malformed."""
    parsed = parse_file(Path(path), source)
    return store(db, parsed)


def store(db: Engine, parsed: ParsedList) -> ImportResult:
    """Store a parsed list in one transaction, unless a version with the same checksum exists."""
    with db.begin() as connection:
        return store_in(Sql(connection), parsed)


def store_in(sql: Sql, parsed: ParsedList) -> ImportResult:
    """The same, in a transaction the caller holds (so that what follows from the new version commits with it)."""
    checksum, counts = parsed.checksum(), parsed.counts()
    existing = list_with_checksum(sql, checksum=checksum)
    if existing:
        return ImportResult(existing, False, parsed.published_at, counts, list_before(sql, list_id=existing))
    list_id = add_list(
        sql,
        source=parsed.source[:500],
        published_at=parsed.published_at,
        checksum=checksum,
        imported_at=utcnow(),
        counts=counts,
    )
    add_areas(sql, list_id=list_id, areas=[_row(entry) for entry in parsed.entries])
    return ImportResult(list_id, True, parsed.published_at, counts, list_before(sql, list_id=list_id))


def _row(entry: Entry) -> dict:
    return {
        "level": entry.level,
        "province": entry.province,
        "city": entry.city,
        "district": entry.district,
        "township": entry.township,
        "community": entry.community,
        "whole_area": entry.whole_area,
        "raw": entry.raw[:1000],
        "line": entry.line,
    }


def latest_id(db: Engine) -> int | None:
    """The newest version's id (the last imported), or None."""
    with db.connect() as connection:
        return newest_list_id(Sql(connection))


def entries(db: Engine, list_id: int) -> list[Entry]:
    """Every entry of one version, in published order."""
    with db.connect() as connection:
        return read_entries(Sql(connection), list_id)


def read_entries(sql: Sql, list_id: int) -> list[Entry]:
    """The same, on a connection already open (a handler's own transaction)."""
    return [Entry(*row[:6], bool(row[6]), row[7], row[8]) for row in area_rows(sql, list_id=list_id)]


def diff(db: Engine, old_id: int, new_id: int) -> Diff:
    """Added, removed, up and down between two versions, keyed by the place."""
    return diff_entries(entries(db, old_id), entries(db, new_id))


def diff_entries(old: list[Entry], new: list[Entry]) -> Diff:
    """The diff of two entry lists (the strongest level wins when a place is listed twice)."""
    before, after = _by_key(old), _by_key(new)
    out = Diff()
    out.added = [entry for key, entry in after.items() if key not in before]
    out.removed = [entry for key, entry in before.items() if key not in after]
    for key, entry in after.items():
        if key in before and RANK[entry.level] != RANK[before[key].level]:
            bucket = out.level_up if RANK[entry.level] > RANK[before[key].level] else out.level_down
            bucket.append((before[key], entry))
    return out


def _by_key(items: list[Entry]) -> dict:
    out: dict = {}
    for entry in items:
        if entry.key not in out or RANK[entry.level] > RANK[out[entry.key].level]:
            out[entry.key] = entry
    return out


def format_import(result: ImportResult, changes: Diff | None) -> list[str]:
    """Lines: the version, the counts by level, and what changed since the previous version."""
    when = local(result.published_at).strftime(IMPORT.when) if result.published_at else IMPORT.when_unknown
    head = (IMPORT.created if result.created else IMPORT.unchanged).format(list_id=result.list_id)
    counts = IMPORT.comma.join(
        IMPORT.count.format(level=LEVEL_NAMES[level], n=result.counts[level]) for level in LEVELS
    )
    lines = [head, IMPORT.published.format(when=when), IMPORT.counts.format(counts=counts)]
    if not result.created:
        return lines
    if changes is None:
        return [*lines, IMPORT.first]
    sizes = {"added": len(changes.added), "removed": len(changes.removed)}
    sizes |= {"up": len(changes.level_up), "down": len(changes.level_down)}
    lines.append(IMPORT.compared.format(previous=result.previous_id, **sizes))
    lines += _section(IMPORT.added, [_area(e) for e in changes.added])
    lines += _section(IMPORT.removed, [_area(e) for e in changes.removed])
    for name, pairs in ((IMPORT.up, changes.level_up), (IMPORT.down, changes.level_down)):
        lines += _section(name, [_move(old, new) for old, new in pairs])
    return lines


def _area(entry: Entry) -> str:
    return IMPORT.area.format(level=LEVEL_NAMES[entry.level], place=entry.place())


def _move(old: Entry, new: Entry) -> str:
    return IMPORT.move.format(place=new.place(), old=LEVEL_NAMES[old.level], new=LEVEL_NAMES[new.level])


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    more = [IMPORT.more.format(n=len(items) - SHOWN)] if len(items) > SHOWN else []
    return [
        IMPORT.section.format(title=title, n=len(items)),
        *(IMPORT.item.format(item=item) for item in items[:SHOWN]),
        *more,
    ]
