"""Parsers for the profile fields every flow may ask: name, phone, village, resident ID number."""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import texts, words
from bot.dialogue.flow import Context, Parsed, accept, reask

_NAME_LEAD = re.compile(r"^(我的名字是|我的名字叫|名字是|名字叫|姓名是|姓名|我叫|我是|叫|俺叫|俺是)")
_CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九幺", "001234567891")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
CHOICES = "_village_choices"


def parse_name(text: str, ctx: Context) -> Parsed:
    """A Chinese personal name, with 我叫/我是 and punctuation stripped."""
    name = _NAME_LEAD.sub("", words.bare(text))
    return accept(name) if _CHINESE_NAME.match(name) else reask(texts.NAME_AGAIN)


_INTRODUCED = re.compile(
    r"(?:我叫|俺叫|我的名字是|俺的名字叫|俺名叫|我名叫)([\u4e00-\u9fff·]{2,4}?)"
    r"(?=$|[，,。\s]|是|家|住|在|[\u4e00-\u9fff]{1,3}村)"
)
_PHONE_SAID = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def introduced(text: str, ctx: Context, understood=None) -> dict:
    """What a first message says of its sender: 「俺叫王桂英 鸣皋村的 电话13812345678」 (name, village, phone)."""
    said: dict = {}
    if found := _INTRODUCED.search(words.normalize(text)):
        said["name"] = found.group(1)
    if found := _PHONE_SAID.search(words.normalize(text)):
        said["phone"] = found.group(1)
    village = (understood.secondary.get("village") if understood else None) or ""
    if village and (match := ctx.villages.find(village)).village is not None and match.certain:
        said["village"] = match.village.id
    return said


def parse_phone(text: str, ctx: Context) -> Parsed:
    """An 11-digit mainland mobile number, however it was typed or spoken."""
    digits = re.sub(r"[\s\-－—+()（）]", "", words.normalize(text).translate(_CN_DIGITS))
    digits = digits.removeprefix("86") if len(digits) == 13 else digits
    found = _MOBILE.search(digits)
    return accept(found.group(1)) if found else reask(texts.PHONE_AGAIN)


def parse_village(text: str, ctx: Context) -> Parsed:
    """A village of this town, by name, typo, sound, or number from the choices offered."""
    offered = ctx.slots.get(CHOICES) or []
    choice = words.bare(text)
    # A number picks from the villages offered, and only from them (not 「²」, nor 60,000 digits int() refuses).
    if choice.isascii() and choice.isdigit() and len(choice) <= 4 and 1 <= int(choice) <= len(offered):
        return accept(offered[int(choice) - 1])
    match = ctx.villages.find(words.normalize(text))
    if match.village is not None and (match.certain or not ctx.correcting):
        return accept(match.village.id)
    if match.candidates:
        ids = [v.id for v in match.candidates]
        return reask(texts.VILLAGE_CHOICES.format(choices=_numbered(ctx, ids)), **{CHOICES: ids})
    # A place that is not one of ours (坡头村) gets no list of every village: the name again, or a person (way out).
    examples = "、".join(v.name for v in ctx.villages.villages[:2])
    said = choice[:12] or text[:12]
    return reask(texts.VILLAGE_UNKNOWN.format(said=said, examples=examples), **{CHOICES: []})


def village_name(ctx: Context, village_id: int | None) -> str:
    """The village's name for a summary, or an empty string."""
    village = ctx.villages.by_id(village_id)
    return village.name if village else ""


def _numbered(ctx: Context, ids: list[int]) -> str:
    return "\n".join(f"{i}. {village_name(ctx, vid)}" for i, vid in enumerate(ids, start=1))


_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_shape(text: str) -> str | None:
    """The 18 characters of a resident ID number as typed (spaces, dashes, lower-case x allowed), or None."""
    cleaned = re.sub(r"[\s\-－—]", "", words.normalize(text).translate(_CN_DIGITS)).upper()
    return cleaned if _ID_SHAPE.match(cleaned) else None


def id_number_valid(number: str) -> bool:
    """GB 11643 check digit and a real birth date."""
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17] and birth_date(number) is not None


def birth_date(number: str) -> dt.date | None:
    """The birth date an ID number carries, or None when it is no date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
