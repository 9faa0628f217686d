"""Reading what villagers say about vaccination: whose doses, how many, when, and how old they are."""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import words
from bot.dialogue.fields import birth_date, id_number_shape, id_number_valid
from bot.nlu.numbers import CN_DIGITS, to_number
from handlers.declare_return.answers import RELATIONS

SELF = "@self"  # the sender, in a list of people to register
SELF_WORDS = ("自己", "我自己", "本人", "我", "俺", "俺自己", "是我", "我的", "俺的")
_FAMILY = "|".join(sorted(RELATIONS, key=len, reverse=True))
_PERSON = re.compile(rf"^(还有|和|跟)?(俺家|我家|俺|我|他|她)?的?({_FAMILY})?(叫)?([\u4e00-\u9fff·]{{2,5}})$")
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_SPLIT = re.compile(r"[、，,；;\s/]+|(?<=[\u4e00-\u9fff])[和跟](?=[\u4e00-\u9fff])")
_TAIL = re.compile(r"(也|都)?(打了|打完了|打过了|打了疫苗|打完|打过|打)?(的|了|啦)?$")
_NUM = rf"((?<!\d)\d{{1,6}}|(?<![{CN_DIGITS}俩仨])[{CN_DIGITS}俩仨]{{1,8}})"  # bounded: linear on long runs
_HOUSEHOLD = re.compile(rf"(俺家|我家|全家|家里|一家)[^\d{CN_DIGITS}]{{0,3}}{_NUM}\s*(口|个人|个|人)")
_COUNT = re.compile(rf"^{_NUM}\s*(口|个人|个|人)")
_SELF_LEAD = re.compile(r"^(我|俺|本人)(已经|都|也)?(打|接种)")
_NTH = re.compile(r"第\s*([一二两三四1-4])\s*(针|剂)")
_DOSES = re.compile(r"([一二两三四俩1-4])\s*(针|剂|次)")
_BARE = re.compile(r"^(打了|打过|打完)?([一二两三四俩0-4])(针|剂)?(了|啦)?$")
_NOT_YET = (
    "没打",
    "还没打",
    "未打",
    "没有打",
    "没接种",
    "未接种",
    "没去打",
    "一针没打",
    "一针都没",
    "不能打",
    "打不了",
)
_ADULT = ("成年", "大人", "18岁以上", "十八岁以上", "18以上", "老人", "老年")
_YEARS = re.compile(rf"^(今年)?{_NUM}(岁|周岁)?(了|啦)?$")


def is_self(answer: str) -> bool:
    return words.bare(answer) in SELF_WORDS


def people_in(text: str) -> list[str]:
    """Names (SELF for the sender) from 「我和老伴李秀英」 or 「李秀英、王小明」; [] when any part is no name."""
    found = []
    for chunk in filter(None, _SPLIT.split(words.normalize(text))):
        chunk = _TAIL.sub("", chunk) if len(chunk) > 2 else chunk
        if chunk in SELF_WORDS:
            found.append(SELF)
            continue
        person = _PERSON.match(chunk)
        if not person or not _NAME.match(person.group(5)) or person.group(5) in RELATIONS:
            return []
        found.append(person.group(5))
    return found


def household_size(text: str) -> int | None:
    """How many people a household report covers: 「俺家三口都打完了」 3, 「5个人」 5."""
    said = words.bare(text)
    found = _HOUSEHOLD.search(said) or _COUNT.match(said)
    count = to_number(found.group(2) if found and found.re is _HOUSEHOLD else found.group(1)) if found else None
    return int(count) if count and 2 <= count <= 15 else None


def speaks_for_self(text: str) -> bool:
    """「我打了两针了」: the sender reports their own doses."""
    return bool(_SELF_LEAD.match(words.bare(text)))


def doses_in(text: str) -> int | None:
    """Doses received: 「两针」 2, 「第二针还没打」 1, 「还没打」 0; None when unclear (「打完了」)."""
    said = words.bare(text)
    nth = _NTH.search(said)
    not_yet = any(word in said for word in _NOT_YET)
    if nth:
        number = int(to_number(nth.group(1)))
        return number - 1 if not_yet else number
    if not_yet:
        return 0
    found = _DOSES.search(said) or _BARE.match(said)
    if found is None:
        return None
    return int(to_number(found.group(1) if found.re is _DOSES else found.group(2)))


def valid_id(text: str) -> tuple[str | None, bool]:
    """(the ID number, whether its check digit and birth date hold), or (None, False) when it is no ID."""
    number = id_number_shape(text)
    return (number, id_number_valid(number)) if number else (None, False)


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_group(age: int) -> str:
    """under12, 12-17 or 18+."""
    return "under12" if age < 12 else "12-17" if age < 18 else "18+"


def group_of_id(number: str, today: dt.date) -> str | None:
    """The age group on `today` of the person the ID number belongs to."""
    birth = birth_date(number)
    return age_group(age_on(birth, today)) if birth else None


def group_of_answer(text: str) -> str | None:
    """The age group from 「16」「16岁」「大人」, or None."""
    said = words.bare(text)
    if any(word in said for word in _ADULT):
        return "18+"
    found = _YEARS.match(said)
    years = to_number(found.group(2)) if found else None
    return age_group(int(years)) if years is not None and 0 <= years <= 120 else None
