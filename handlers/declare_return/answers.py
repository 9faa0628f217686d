"""Reading the returnee's answers: who came back, their phone and ID, dates, transport, code, companions."""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import Context, words
from bot.dialogue.fields import id_number_shape, id_number_valid, parse_phone
from bot.dialogue.flow import Parsed, accept, reask
from bot.nlu.dialect import standard
from handlers.declare_return import abroad
from handlers.declare_return.places import PARTIAL, complete, listed_street, place, said, who, whose
from handlers.declare_return.texts import TEXT
from town.clock import day

# Family words a sender uses for the one who came back (「俺孩儿…回来的」), as the cadre's ledger names them.
RELATIONS = {
    "孩儿": "孩子", "孩子": "孩子", "娃": "孩子", "儿子": "儿子", "闺女": "女儿", "女儿": "女儿", "妮儿": "女儿",
    "老伴": "老伴", "老婆": "妻子", "媳妇": "妻子", "爱人": "爱人", "老公": "丈夫", "丈夫": "丈夫",
    "儿媳": "儿媳", "女婿": "女婿", "孙子": "孙子", "孙女": "孙女", "外孙": "外孙", "外孙女": "外孙女",
    "爸": "父亲", "爹": "父亲", "父亲": "父亲", "妈": "母亲", "娘": "母亲", "母亲": "母亲",
    "哥": "哥哥", "姐": "姐姐", "弟": "弟弟", "妹": "妹妹",
}  # fmt: skip
_FAMILY = "|".join(sorted(RELATIONS, key=len, reverse=True))
_SENDER_FAMILY = re.compile(rf"^(俺家|我家|我们家|俺们家|俺|我)的?({_FAMILY})")
# 「俺儿子张小军今天从广州回来了」: a name right after the family word, before when, where or how.
_NAMED_AFTER = re.compile(
    r"^(?:叫)?([\u4e00-\u9fff]{2,3}?)(?=今天|昨天|前天|大前天|刚|从|在|坐|开车|已经|也|上午|下午|晚上|早上|"
    r"[0-9一二三四五六七八九十上这]|$)"
)
# The commonest surnames: what follows a family word is taken for a name only when it starts with one.
_SURNAMES = frozenset(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田"
    "任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文牛樊葛邢安齐庞颜倪严温芦季俞章鲁伍"
    "韦申尤毕聂丛焦向柳裴翟岳"
)
# A day said first (「上个月20号俺儿…」「昨天我闺女…」) still leaves the family word leading the sentence.
_LEAD_TIME = re.compile(r"^[0-9一二三四五六七八九十两上下个本今昨前大这月号日天周星期礼拜早中晚午时点半刚才]*")
_MEMBER = re.compile(rf"^(还有|和|跟|带着|带)?(俺家|我家|我|俺|他|她)?的?({_FAMILY})?(叫)?([\u4e00-\u9fff·]{{2,5}})$")
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_SPLIT = re.compile(r"[、，,；;\s/]+")
_TOGETHER = re.compile(r"(也|都)?(跟着|一起|一块)?(回来|回)?(的|了|啦)?$")
_AND = re.compile(r"(?<=[\u4e00-\u9fff])[和跟及](?=[\u4e00-\u9fff])")
_JUST_BACK = ("刚回来", "刚到", "刚到家", "今天回来", "今天到")
_LEAVING = ("离开", "走的", "出发", "动身")
_SAME_DAY = ("当天", "同一天", "一样", "同一日", "当日", "一天")
_NONE_WORDS = ("不用", "没有", "其他", "其它", "别的", "都不是", "不知道", "步行", "走回来")
_UNKNOWN = ("不记得", "不知道", "忘了", "不清楚", "没有", "没记", "不晓得", "跳过")
_NOBODY = ("没有", "没", "就我", "一个人", "自己", "就他", "就她", "无", "不是")
_SKIP = ("跳过", "不方便", "没带", "不知道", "不记得", "以后")
_MY_PHONE = ("用我的", "我的", "一样", "同上", "没有", "没手机", "打我电话")
_CODE_WORDS = {"green": ("绿", "green"), "yellow": ("黄", "yellow"), "red": ("红", "red")}
_TRAIN = re.compile(r"(?<![A-Z0-9])([GDCZTKYLS]\d{1,4})(?!\d)")
_FLIGHT = re.compile(r"(?<![A-Z0-9])([A-Z0-9]{2}\d{3,4})(?!\d)")
_PLATE = re.compile(r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{5,6})")


def relation_in(text: str) -> str | None:
    """The family member a sender is declaring for, from 「俺孩儿昨天…回来」, or None."""
    found = _family_said(text)
    return RELATIONS[found.group(2)] if found else None


def name_after_relation(text: str) -> str | None:
    """「俺儿子张小军今天…」: the returnee's name said right after the family word, or None."""
    found = _family_said(text)
    named = _NAMED_AFTER.match(found.string[found.end() :]) if found else None
    return named.group(1) if named and named.group(1)[0] in _SURNAMES else None


def _family_said(text: str) -> re.Match | None:
    said = words.bare(standard(text))
    return _SENDER_FAMILY.match(said[_LEAD_TIME.match(said).end() :])


def parse_who(text: str, ctx: Context) -> Parsed:
    """「自己」 (the sender came back) or the family member they declare for; the profile fills in for oneself."""
    answer = words.bare(text)
    if answer in TEXT.self_words:
        return Parsed(value="", memo=own_profile(ctx))
    relation = next((RELATIONS[w] for w in sorted(RELATIONS, key=len, reverse=True) if w in answer), None)
    return accept(relation) if relation else reask(TEXT.who_again)


def own_profile(ctx: Context) -> dict:
    """The sender's name and phone, when they declare for themselves."""
    person = ctx.person
    return {k: v for k, v in {"name": person.name, "phone": person.phone}.items() if v}


def parse_phone_of(text: str, ctx: Context) -> Parsed:
    """The returnee's phone, or the sender's own when the returnee has none (「用我的」)."""
    parsed = parse_phone(text, ctx)
    if parsed.ok or not ctx.slots.get("relation"):
        return parsed
    if any(word in words.bare(text) for word in _MY_PHONE):
        return accept(ctx.person.phone) if ctx.person.phone else reask(TEXT.own_phone)
    return reask(TEXT.phone_of_again.format(who=who(ctx)))


def id_optional(ctx: Context) -> bool:
    """The policy lets a declaration go without an ID number (「跳过」)."""
    return ctx.risk is None or ctx.risk.policy.id_number == "optional"


def ask_id(ctx: Context) -> str:
    optional = id_optional(ctx)
    return (TEXT.ask_id_optional if optional else TEXT.ask_id).format(whose=whose(ctx))


def skip_id(ctx: Context) -> bool:
    return ctx.risk is not None and ctx.risk.policy.id_number == "off"


def parse_id(text: str, ctx: Context) -> Parsed:
    """18 characters with a valid check digit; 「跳过」 where the policy makes it optional."""
    number = id_number_shape(text)
    if number is not None:
        return accept(number) if id_number_valid(number) else reask(TEXT.id_checksum)
    if id_optional(ctx) and not ctx.correcting and any(word in words.bare(text) for word in _SKIP):
        return accept(None)
    return reask(TEXT.id_again)


def arrival(value: str | None, ctx: Context) -> dt.date | None:
    date = dt.date.fromisoformat(value) if value else None
    return date if date and date <= ctx.today else None


def ask_arrived(ctx: Context) -> str:
    return TEXT.ask_arrived.format(who=who(ctx))


def parse_arrived(text: str, ctx: Context) -> Parsed:
    answer = words.bare(text)
    if ctx.correcting and any(word in answer for word in _LEAVING):
        return reask(TEXT.arrived_again)  # 「不对，是4号走的」 corrects the departure, not the arrival
    if any(word in answer for word in _JUST_BACK):
        return _arrived(ctx.today, ctx)
    value = said(text, ctx).get("date")
    if value is None:
        return reask(TEXT.arrived_again)
    arrived = arrival(value, ctx)
    return _arrived(arrived, ctx) if arrived else reask(TEXT.arrived_future.format(who=who(ctx)))


def _arrived(date: dt.date, ctx: Context) -> Parsed:
    left = ctx.slots.get("left_on")
    if left and left > date.isoformat():
        ctx.slots.pop("left_on")  # a departure after the corrected arrival is asked again
    return accept(date.isoformat())


def skip_left(ctx: Context) -> bool:
    """Abroad counts from entry, which the arrival date already is."""
    return bool((ctx.slots.get("origin") or {}).get("abroad"))


def ask_left(ctx: Context) -> str:
    return TEXT.ask_left.format(who=who(ctx), place=place(ctx.slots["origin"]))


def parse_left(text: str, ctx: Context) -> Parsed:
    """The day they left; 「当天」 is the arrival day; never after arriving."""
    arrived = ctx.slots.get("arrived_on")
    if any(word in words.bare(text) for word in _SAME_DAY) and not ctx.correcting:
        return accept(arrived)
    value = said(text, ctx).get("date")
    if value is None:
        return reask(TEXT.left_again)
    if arrived and value > arrived:
        return reask(TEXT.left_after_arrival.format(arrived=day(dt.date.fromisoformat(arrived))))
    return accept(value)


def ask_transport(ctx: Context) -> str:
    return TEXT.ask_transport.format(who=who(ctx))


def parse_transport(text: str, ctx: Context) -> Parsed:
    found = said(text, ctx).get("transport")
    if found:
        detail = transport_detail(text)
        return Parsed(value=found, memo={"transport_detail": detail} if detail else {})
    if not ctx.correcting and any(word in words.bare(text) for word in _NONE_WORDS):
        return accept("other")
    return reask(TEXT.transport_again)


def transport_detail(text: str) -> str | None:
    """A plate (豫C12345), train number (G1234) or flight (CA1234) in the text."""
    upper = words.normalize(text).upper().replace(" ", "")
    for pattern in (_PLATE, _TRAIN, _FLIGHT):
        found = pattern.search(upper)
        if found:
            return found.group(1)
    return None


def skip_detail(ctx: Context) -> bool:
    return ctx.slots.get("transport") not in ("train", "self_drive", "plane")


def ask_detail(ctx: Context) -> str:
    mode = ctx.slots.get("transport")
    return TEXT.ask_plate if mode == "self_drive" else TEXT.ask_flight if mode == "plane" else TEXT.ask_train


def parse_detail(text: str, ctx: Context) -> Parsed:
    found = transport_detail(text)
    if found:
        return accept(found)
    if not ctx.correcting and any(word in words.bare(text) for word in _UNKNOWN):
        return accept(None)
    return reask(TEXT.detail_again)


def ask_code(ctx: Context) -> str:
    return TEXT.ask_code.format(whose=whose(ctx))


def parse_code(text: str, ctx: Context) -> Parsed:
    answer = words.bare(text).lower()
    colours = [code for code, names in _CODE_WORDS.items() if any(name in answer for name in names)]
    return accept(colours[0]) if len(colours) == 1 else reask(TEXT.code_again)


def ask_companions(ctx: Context) -> str:
    return TEXT.ask_companions.format(who=who(ctx))


def parse_companions(text: str, ctx: Context) -> Parsed:
    """Names of family members who came back too (「老婆李秀英和儿子王小明」), or 「没有」."""
    text = standard(text)  # 「就俺自个儿」, 「俺媳妇儿刘桂花」
    answer = words.bare(text)
    if not ctx.correcting and any(answer.startswith(word) for word in _NOBODY):
        return accept([])
    members = []
    for chunk in filter(None, (_TOGETHER.sub("", c) for c in _SPLIT.split(words.normalize(text)))):
        # 「李和平」 is one name; 「老婆李秀英和儿子王小明」 is two people.
        found = _member(chunk) or [_member(part) for part in _AND.split(chunk)]
        if isinstance(found, dict):
            found = [found]
        if not found or None in found:
            return reask(TEXT.companions_again)
        members += found
    return accept(members) if members else reask(TEXT.companions_again)


def _member(part: str) -> dict | None:
    found = _MEMBER.match(part)
    if not found or not _NAME.match(found.group(5)) or found.group(5) in RELATIONS:
        return None
    return {"name": found.group(5), "relation": RELATIONS.get(found.group(3) or "")}


def prefill(ctx: Context, first_text: str | None, restart: bool) -> dict:
    """What the first message says (who, origin, date, transport) and, for oneself, the profile."""
    if restart:
        return {}
    slots: dict = {}
    if ctx.person.village_id:
        slots["village"] = ctx.person.village_id
    if first_text is None:
        return slots
    relation = relation_in(first_text)
    trip = trip_said(ctx, first_text)
    if relation is not None or trip.get("origin") or trip.get(PARTIAL):
        slots["relation"] = relation or ""
    if not relation:
        slots.update(own_profile(ctx))
    elif name := name_after_relation(first_text):
        slots["name"] = name
    return {**slots, **trip}


def trip_said(ctx: Context, text: str) -> dict:
    """The trip a message tells of: where from (with the street, or the part of a place said), when, how."""
    slots: dict = {}
    found = said(text, ctx)
    origin = found.get("origin")
    if complete(origin):
        slots["origin"] = origin
        if street := listed_street(text, ctx, origin):
            slots["street"] = street
    elif origin:
        slots[PARTIAL] = origin
    entry = abroad.prefill(text, ctx, from_abroad=bool((origin or {}).get("abroad")))
    if entry:  # 「上月20号从上海入境 … 昨天到家」: the first date is the entry, the arrival is its own clause's
        slots.update(entry)
        slots.pop(PARTIAL, None)
        slots.pop("street", None)
    elif (arrived := arrival(found.get("date"), ctx)) is not None:
        slots["arrived_on"] = arrived.isoformat()
    if found.get("transport"):
        slots["transport"] = found["transport"]
        if detail := transport_detail(text):
            slots["transport_detail"] = detail
    return slots
