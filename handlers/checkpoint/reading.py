"""Reading what checkpoint staff type: plate, phone, name, health code, head count, origin, action taken."""

from __future__ import annotations

import re
import unicodedata

from bot.dialogue import Context, words
from bot.nlu.numbers import to_number
from handlers.checkpoint.texts import TEXT

COLOUR = {"红": "red", "黄": "yellow", "绿": "green"}
_CODE = re.compile(r"(红|黄|绿)色?码")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE = re.compile(rf"[{_PROVINCES}]\s*[a-z][\s·.]?[a-z0-9]{{5,6}}(?![a-z0-9])", re.IGNORECASE)
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
NUM = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
_PEOPLE = re.compile(rf"{NUM}\s*(?:个人|个|人|名|位|口)|(?:人员|人)\s*{NUM}\s*(?:名|个|位)")
_NAME = re.compile(r"(?:名叫|叫|姓名|名字)[:：是]?\s*([\u4e00-\u9fff]{2,4}?)(?=[的，,。\s]|$)")
_CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_ACTIONS = ("劝返", "劝离", "劝回", "隔离", "留观", "留置", "扣留", "控制", "带走", "送往", "送到", "转运", "已通知")
_ACTIONS += ("已报告", "已上报", "已联系", "放行", "在卡点等", "等村医", "原地等", "已登记")
_CLAUSE = re.compile(r"[,，。;；!！\s]+")
_DONT_KNOW = ("不知道", "不清楚", "没看到", "没看清", "看不清", "不晓得", "没问", "没有", "无", "没")
NO_CAR = ("没有", "没车", "无", "步行", "走路", "走着", "骑车", "电动车", "不知道", "看不清", "没看清")
_NOT_NAMES = ("本地", "本村", "本镇", "外地", "外省", "外来", "司机", "乘客", "一家", "全家", "返乡", "回来")
_NOT_NAMES += ("码", "人")


def _clean(text: str) -> str:
    """Half-width for reading (the plate keeps its capitals); what people wrote is stored as typed."""
    return unicodedata.normalize("NFKC", text).strip()


def unknown(text: str) -> bool:
    return words.bare(text).startswith(_DONT_KNOW)


def _without_ids(text: str) -> str:
    """The text without plate and phone (豫 in a plate is no place, a phone's digits no head count)."""
    return PHONE.sub(" ", PLATE.sub(" ", _clean(text)))


def read_plate(text: str) -> str | None:
    found = PLATE.search(_clean(text))
    return re.sub(r"[\s·.]", "", found.group(0)).upper() if found else None


def read_code(text: str) -> str | None:
    """The worst health-code colour named (红码 over 黄码 over 绿码)."""
    found = {COLOUR[m.group(1)] for m in _CODE.finditer(_clean(text))}
    return next((code for code in ("red", "yellow", "green") if code in found), None)


def read_people(text: str) -> int | None:
    found = _PEOPLE.search(_without_ids(text))
    number = to_number(found.group(1) or found.group(2)) if found else None
    return int(number) if number and number == int(number) else None


def read_origin(text: str, ctx: Context) -> str | None:
    """Where they came from, as the NLU reads the place."""
    found = ctx.understand(_without_ids(text))
    place = found.slots.get("origin") or found.secondary.get("origin") or found.slots.get("place")
    if not place or place.get("abroad"):
        return TEXT.abroad if place else None
    city = "" if place.get("city") == place.get("province") else place.get("city") or ""
    return (place.get("province") or "") + city + (place.get("district") or "")


def read_name(text: str, ctx: Context, *, bare: bool = False) -> str | None:
    """「叫张三」; with bare, also a lone two-to-four-character token that is no place (「登记 … 张三 …」)."""
    said = _without_ids(text)
    if found := _NAME.search(said):
        return found.group(1)
    tokens = re.split(r"[\s,，、;；]+", said) if bare else []
    names = (t for t in tokens if _CHINESE_NAME.match(t) and not any(w in t for w in _NOT_NAMES))
    return next((t for t in names if not _is_place(t, ctx)), None)


def _is_place(token: str, ctx: Context) -> bool:
    """A token naming the place the NLU reads in it (郑州, 扬州邗江), not one it only resembles (王五 is 王五镇)."""
    place = read_origin(token, ctx)
    return place is not None and all(ch in place for ch in token)


def read_facts(text: str, ctx: Context, *, bare_name: bool = False) -> dict:
    """Every fact a checkpoint message carries: plate, phone, name, code, people, origin, action."""
    phone = PHONE.search(_clean(text))
    action = next((c for c in _CLAUSE.split(_clean(text)) if any(a in c for a in _ACTIONS)), None)
    name = read_name(text, ctx, bare=bare_name)
    facts = {
        "plate": read_plate(text),
        "phone": phone.group(0) if phone else None,
        "name": name,
        "health_code": read_code(text),
        "people": read_people(text),
        "origin": read_origin(text.replace(name, " ") if name else text, ctx),
        "action": action,
    }
    return {key: value for key, value in facts.items() if value is not None}
