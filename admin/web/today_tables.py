"""The Today page's figures as plain tables: what a phone without JavaScript reads, beside each chart."""

from __future__ import annotations

from dataclasses import dataclass

from admin.web.today_figures import OPEN_FEVER, Today
from admin.web.today_texts import TEXT
from town.vaccination import Coverage
from town.vaccination.texts import TEXT as VACCINE_TEXT


@dataclass(frozen=True)
class Table:
    """A figure as a plain table: what a phone without JavaScript reads, and the chart's numbers."""

    headers: tuple[str, ...]
    rows: list[tuple]
    total: tuple | None = None


def tables(today: Today) -> dict[str, Table]:
    """Every figure as a table, in the order the page shows them."""
    charts = today.chart_data()
    return {
        "villages": _village_table(today),
        "declarations": _chart_table(charts["declarations"], TEXT.day, newest_first=True, skip_empty=True),
        "quarantines": _chart_table(charts["quarantines"], TEXT.village),
        "supplies": _chart_table(charts["supplies"], ""),
        "fevers": _chart_table(charts["fevers"], TEXT.village),
        "vaccines": _vaccine_table(today),
    }


def _village_table(today: Today) -> Table:
    """A row per village with anything counted, the quiet ones in one row, and the total."""
    rows = [
        (r.name, sum(r.quarantines.values()), r.waiting, r.late, r.missing, r.fevers[OPEN_FEVER])
        for r in today.villages
        if r.busy
    ]
    total = (TEXT.total, *(sum(row[i] for row in rows) for i in range(1, 6)))
    quiet = len(today.villages) - len(rows)
    if quiet:
        rows.append((TEXT.quiet.format(n=quiet), 0, 0, 0, 0, 0))
    return Table(TEXT.village_columns, rows, total)


def _chart_table(chart: dict, first: str, *, newest_first: bool = False, skip_empty: bool = False) -> Table:
    """A chart's data turned round: a row per label, a column per series, and the row's sum (`skip_empty`: only the
    rows that count something)."""
    names = [series["name"] for series in chart["series"]]
    rows = [
        (label, *(series["data"][i] for series in chart["series"]), sum(s["data"][i] or 0 for s in chart["series"]))
        for i, label in enumerate(chart["labels"])
    ]
    rows = [row for row in rows if row[-1]] if skip_empty else rows
    total = (TEXT.total, *(sum(row[i] or 0 for row in rows) for i in range(1, len(names) + 2))) if rows else None
    return Table((first, *names, TEXT.total), rows[::-1] if newest_first else rows, total)


def _vaccine_table(today: Today) -> Table:
    def line(c: Coverage, village: str) -> tuple:
        group = VACCINE_TEXT.all_groups if c.group == "all" else c.group_name
        return (village, group, c.registered, c.first_dose, c.two_doses, f"{c.rate}%")

    rows = [line(c, c.village) for c in today.vaccines]
    rows += [line(c, TEXT.whole) for c in today.vaccine_totals]
    return Table(TEXT.vaccine_columns, rows)
