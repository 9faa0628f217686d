"""A plain CSV list: header `level,province,city,district,area`; level high/medium/low or 高/中/低."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from town.riskareas import places
from town.riskareas.entries import Entry, ParsedList, RiskListError, shanghai_time
from town.riskareas.normalise import Divisions
from town.riskareas.texts import ERROR

HEADER = ["level", "province", "city", "district", "area"]
LEVELS = {"high": "high", "medium": "medium", "low": "low", "高": "high", "中": "medium", "低": "low"}
_NAME_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(\d{2})")


def parse_csv(text: str, source: str, div: Divisions) -> ParsedList:
    """Every row, or RiskListError naming every bad row by its line number."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or [cell.strip().lower() for cell in rows[0]] != HEADER:
        raise RiskListError(source, [(1, ERROR.csv_header.format(header=",".join(HEADER)))])
    errors: list[tuple[int, str]] = []
    entries: list[Entry] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            entries.append(_row(div, row, number))
        except places.PlaceError as exc:
            errors.append((number, ERROR.at.format(problem=exc, text=",".join(row))))
    if not entries and not errors:
        errors.append((1, ERROR.empty))
    if errors:
        raise RiskListError(source, errors)
    return ParsedList(source, _published(source), entries)


def _row(div: Divisions, row: list[str], number: int) -> Entry:
    """One row as an entry, or PlaceError."""
    if len(row) != len(HEADER):
        raise places.PlaceError(ERROR.csv_columns.format(want=len(HEADER), got=len(row)))
    level_text, prov_text, city_text, dist_text, area = (cell.strip() for cell in row)
    level = LEVELS.get(level_text.lower())
    if level is None:
        raise places.PlaceError(ERROR.csv_level.format(level=level_text))
    prov = places.province(div, prov_text)
    city_name = places.city(div, prov, city_text or prov)
    chain = (prov, city_name, places.district(div, prov, city_name, dist_text))
    place = places.below_district(div, chain, area)
    fields = (place.city, place.district, place.township, place.community, place.whole_area)
    return Entry(level, prov, *fields, raw=",".join(row), line=number)


def _published(source: str):
    """A CSV has no header time; a file named like 2021-08-05-10.csv says it."""
    found = _NAME_TIME.search(Path(source).name)
    return shanghai_time(*(int(part) for part in found.groups())) if found else None
