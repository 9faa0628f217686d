"""Changing the goods inside the form: 「不对，就一袋米」 replaces, 「不是两桶 是一桶」 and 「米不要了」 change one."""

from __future__ import annotations

import re

from bot.dialogue import words
from bot.nlu.numbers import CN_DIGITS, as_int_if_whole, to_number

# 「就一袋米」「只要两桶油」: these goods and no others.
ONLY = re.compile(r"^(就|只|只要|就要|光要|光)(?!是)")
_NUM = rf"(半|\d{{1,4}}|[{CN_DIGITS}]{{1,4}})"
# 「两桶 是一桶」 (after 不是): the same unit, another quantity.
REQUANTITY = re.compile(
    rf"^{_NUM}([\u4e00-\u9fff]{{1,2}}?)(?:是|要|改成|换成|应该是|就)+{_NUM}(?:\2)?(?:就行|就够了?)?$"
)
_DROP_AFTER = re.compile(
    r"^([\u4e00-\u9fff]{1,8}?)(?:就|也|先)?(?:不要了|不用了|不买了|不需要了|不要|算了|去掉|删了|删掉)$"
)
_DROP_BEFORE = re.compile(r"^(?:不要|去掉|删掉|不买)([\u4e00-\u9fff]{1,8}?)了?$")
# Only a number and a measure word: 「一袋」 names no goods.
NUMBER_AND_UNIT = re.compile(rf"^{_NUM}[\u4e00-\u9fff]$")


def only(text: str) -> bool:
    """「就一袋米」: the goods said replace the list."""
    return ONLY.match(words.bare(text)) is not None


def changed(items: list[dict], text: str) -> list[dict] | None:
    """The list after 「米不要了」 or 「两桶 是一桶」, or None when the text is neither."""
    said = words.bare(text)
    dropped = _DROP_AFTER.match(said) or _DROP_BEFORE.match(said)
    if dropped:
        gone = [item for item in items if _same(item["name"], dropped.group(1))]
        return [item for item in items if item not in gone] if gone else None
    found = REQUANTITY.match(said)
    if found is None:
        return None
    old, unit, new = _count(found.group(1)), found.group(2), _count(found.group(3))
    named = [item for item in items if item.get("unit") == unit]
    if len(named) > 1:
        named = [item for item in named if item.get("qty") == old]
    if len(named) != 1 or new is None:
        return None
    return [{**item, "qty": new} if item is named[0] else item for item in items]


def _same(name: str, said: str) -> bool:
    return said == name or said in name or name in said


def _count(text: str) -> int | float | None:
    value = 0.5 if text == "半" else to_number(text)
    return as_int_if_whole(value) if value else None
