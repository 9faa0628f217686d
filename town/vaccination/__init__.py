"""Vaccination coverage per village and age group, from the registered rows (the only denominator there is)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session

from models.vaccination import coverage_counts
from town.vaccination.texts import AGE_GROUPS, HEADER, TEXT, UNKNOWN_GROUP

GROUP_ORDER = (*AGE_GROUPS, None)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Coverage:
    """Registered people in one village and age group: how many had a first dose, how many two or more."""

    village: str
    group: str | None  # under12, 12-17, 18+, or None (unknown)
    registered: int
    first_dose: int  # at least one dose
    two_doses: int  # two or more

    @property
    def group_name(self) -> str:
        return AGE_GROUPS.get(self.group, UNKNOWN_GROUP)

    @property
    def rate(self) -> int:
        """Percent of the registered with at least one dose."""
        return round(100 * self.first_dose / self.registered) if self.registered else 0


def coverage(session: Session, *, village_ids: list[int] | None = None) -> list[Coverage]:
    """Per village (in the town file's order) and age group; `village_ids` limits it to a jurisdiction."""
    counts: dict[tuple[str, str | None], list[int]] = {}
    strange: Counter[str] = Counter()
    for name, group, n, one, two in coverage_counts(session, village_ids=village_ids):
        if group is not None and group not in AGE_GROUPS:
            # A group this code does not know (an older version's, or typed into the database) counts as unknown.
            strange[str(group)] += int(n)
            group = None
        summed = counts.setdefault((name, group), [0, 0, 0])
        for i, value in enumerate((n, one, two)):
            summed[i] += int(value or 0)
    if strange:
        log.warning("vaccination rows with an unknown age group, counted as unknown: %s", dict(strange))
    rows = [Coverage(name, group, *figures) for (name, group), figures in counts.items()]
    order = {group: i for i, group in enumerate(GROUP_ORDER)}
    villages = list(dict.fromkeys(row.village for row in rows))
    return sorted(rows, key=lambda r: (villages.index(r.village), order[r.group]))


def totals(rows: list[Coverage], village: str = TEXT.total) -> list[Coverage]:
    """The rows summed per age group (and a last row over all groups)."""
    summed = []
    for group in GROUP_ORDER:
        part = [r for r in rows if r.group == group]
        if part:
            summed.append(_sum(part, village, group))
    if len(summed) > 1:
        summed.append(_sum(rows, village, "all"))
    return summed


def _sum(rows: list[Coverage], village: str, group: str | None) -> Coverage:
    return Coverage(
        village,
        group,
        sum(r.registered for r in rows),
        sum(r.first_dose for r in rows),
        sum(r.two_doses for r in rows),
    )


def table(rows: list[Coverage]) -> str:
    """A plain-text table for a terminal, aligned for Chinese characters (two columns wide each)."""
    lines = [HEADER] + [
        (
            r.village,
            TEXT.all_groups if r.group == "all" else r.group_name,
            r.registered,
            r.first_dose,
            r.two_doses,
            f"{r.rate}%",
        )
        for r in rows
    ]
    widths = [max(_width(str(line[i])) for line in lines) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(
            _pad(str(cell), width, right=i >= 2) for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def report(rows: list[Coverage], where: str) -> str:
    """The table with its totals (per age group across villages; over all groups), or a line saying none yet."""
    if not rows:
        return TEXT.none_yet.format(where=where)
    several = len({r.village for r in rows}) > 1
    summed = totals(rows) if several else [r for r in totals(rows, rows[0].village) if r.group == "all"]
    return TEXT.report.format(where=where) + "\n" + table(rows + summed)
