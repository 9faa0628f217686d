"""What every cadre task shares: its number as a cadre types it, and its line in 待办.

A task number comes as digits or as a Chinese numeral: 「接单 2」, 「接单二」, 「采样六完成」, 「答复 十二 …」.
Every command pattern embeds `NUMBER` (one capturing group) and reads its value with `task_number`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.numbers import CN_DIGITS, to_number

# Digits, or the numerals of a count up to the hundred-thousands (两 and 〇/零 included). One capturing group.
NUMBER = rf"(\d{{1,9}}|[{CN_DIGITS}]{{1,9}})"


def task_number(found: str | None) -> int | None:
    """The number a NUMBER group caught (12 from 「12」 or 「十二」), or None when there is none or it is no count."""
    if not found:
        return None
    if found.isdigit():
        return int(found)
    value = to_number(found)
    return int(value) if value is not None and float(value).is_integer() else None


@dataclass(frozen=True)
class Task:
    """One line of 待办: ready to show, naming its number and the command that closes it."""

    text: str
    urgent: bool = False  # shown before the rest: an urgent supply request, a fever, an overdue round
