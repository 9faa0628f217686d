"""Lunar dates as villagers say them (初八, 腊月二十, 正月十五, 阴历六月二十, 下个月初八) resolved to solar dates.

A date is read as lunar only when it says so: 阴历/农历/旧历/老历, a lunar month name (正月, 冬月, 腊月), or a
lunar day (初X, 廿X). 「8月15号」 stays solar. The table covers the years the town's service runs in.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

from bot.nlu.numbers import to_number

_TABLE = Path(__file__).resolve().parent / "lexicon" / "lunar.txt"
_MONTHS = {"正": 1, "冬": 11, "腊": 12}
LUNAR = re.compile(
    r"(阴历|农历|旧历|老历)?\s*(?:(上|这|本|下)个?月|(正|冬|腊|十一|十二|[一二三四五六七八九十]|1[0-2]|[1-9])月)?\s*"
    r"(初[一二三四五六七八九十]|廿[一二三四五六七八九]?|三十|二十[一二三四五六七八九]?|十[一二三四五六七八九]?"
    r"|[一二三四五六七八九])(?![号日\d一二三四五六七八九十]|年级|中|的学生)"
)


@functools.cache
def _months() -> list[tuple[int, int, dt.date]]:
    """(lunar year, month, first day) in order; leap months are kept apart with month 0 (never named)."""
    out = []
    for line in _TABLE.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            year, month, start = line.split()
            out.append((int(year), 0 if month.startswith("闰") else int(month), dt.date.fromisoformat(start)))
    return out


def _day(said: str) -> int | None:
    if said.startswith("初"):
        return int(to_number(said[1:]) or 0) or None
    if said.startswith("廿"):
        return 20 + int(to_number(said[1:]) or 0) if len(said) > 1 else 20
    number = to_number(said)
    return int(number) if number else None


def _on(index: int, day: int) -> dt.date | None:
    """The day-th day of the month at index (None past its end or the table's)."""
    months = _months()
    if not 0 <= index < len(months) - 1:
        return None
    start, end = months[index][2], months[index + 1][2]
    date = start + dt.timedelta(days=day - 1)
    return date if date < end else None


def _month_of(today: dt.date) -> int | None:
    months = _months()
    for index in range(len(months) - 1):
        if months[index][2] <= today < months[index + 1][2]:
            return index
    return None


def _nearest(candidates: list[dt.date], today: dt.date, future: bool) -> dt.date | None:
    side = [d for d in candidates if (d >= today if future else d <= today)]
    return (min(side) if future else max(side)) if side else None


def resolve(m: re.Match, today: dt.date, future: bool) -> dt.date | None:
    """The solar date a lunar match names, or None when it is not a lunar date."""
    marker, relative, month, said = m.groups()
    lunar = marker or month in _MONTHS or said[0] in "初廿"
    day = _day(said)
    here = _month_of(today)
    if not lunar or not day or day > 30 or here is None:
        return None
    if relative:
        step = {"上": -1, "下": 1}.get(relative, 0)
        index = here + step
        if _months()[index][1] == 0 and step:  # a leap month counts as the month it repeats
            index += step
        return _on(index, day)
    if month:
        number = _MONTHS.get(month) or int(to_number(month) or 0)
        found = [_on(i, day) for i, (_, n, _) in enumerate(_months()) if n == number]
        return _nearest([d for d in found if d], today, future)
    found = [_on(i, day) for i in range(max(0, here - 2), here + 3)]
    return _nearest([d for d in found if d], today, future)


def find(text: str, today: dt.date, future: bool) -> tuple[int, int, dt.date] | None:
    """The first lunar date in the text: its start, end and solar date."""
    for m in LUNAR.finditer(text):
        if not any(m.groups()[:3]) and text[max(0, m.start() - 1) : m.start()] in ("上", "读", "念"):
            continue  # 「孩子上初一」 is a school year
        date = resolve(m, today, future)
        if date:
            return m.start(), m.end(), date
    return None
