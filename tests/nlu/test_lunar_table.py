"""The lunar month table the NLU reads (bot/nlu/lexicon/lunar.txt) agrees with the lunardate package, row by row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lunardate import LunarDate

TABLE = Path(__file__).resolve().parents[2] / "bot" / "nlu" / "lexicon" / "lunar.txt"


def rows() -> list[tuple[int, str, dt.date]]:
    lines = TABLE.read_text("utf-8").splitlines()
    return [
        (int(year), month, dt.date.fromisoformat(start))
        for year, month, start in (line.split() for line in lines if line.strip() and not line.startswith("#"))
    ]


def test_every_month_starts_where_the_lunar_calendar_says():
    wrong = []
    for year, month, start in rows():
        leap = month.startswith("闰")
        expected = LunarDate(year, int(month.removeprefix("闰")), 1, leap).to_solar_date()
        if expected != start:
            wrong.append((year, month, start, expected))
    assert wrong == []


def test_the_table_has_every_month_in_order_through_the_years_the_service_runs():
    found = rows()
    assert [start for *_, start in found] == sorted(start for *_, start in found)
    assert found[0][2] <= dt.date(2020, 1, 25) and found[-1][2] >= dt.date(2030, 12, 31)
    months_per_year = {year: sum(1 for y, *_ in found if y == year) for year in range(2020, 2031)}
    leap_years = {year for year, month, _ in found if month.startswith("闰")}
    assert all(n == (13 if year in leap_years else 12) for year, n in months_per_year.items())
