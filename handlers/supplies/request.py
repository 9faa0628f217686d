"""A household asks for supplies: what the first message says, what is still missing, and what 「对」 does."""

from __future__ import annotations

import json
import logging
import re

from bot.dialogue import Context, Parsed, accept, reask, words
from bot.dialogue.fields import introduced, village_name
from handlers.supplies import changes
from handlers.supplies.texts import TEXT
from models.person import update_profile
from models.quarantine import active_quarantine_contact
from models.supplies import SupplyRequest, save_request
from town.alerts import send_alert
from town.supplies import card, describe_holder, first_recipients, items_text
from town.supplies.texts import TEXT as CARDS

log = logging.getLogger(__name__)

FLOW_NAME = "request_supplies"
ENTRY_WORDS = ("物资申请", "要买东西", "申请物资", "买东西", "代购")
# What the NLU reads as something else is not goods without a quantity: 「孩子发烧了」 goes to the doctor.
NOT_GOODS = ("report_fever", "health_checkin", "query_risk")
ENTRY_SAID = {words.without_request_fillers(word) for word in (*ENTRY_WORDS, "物资")}  # as note_in reads them
URGENT = ("急", "马上", "今天就要", "今天要", "今天用", "赶紧", "尽快", "快点", "立刻", "等着用", "越快越好")
NOT_URGENT = ("不急", "不着急", "不用急", "不慌", "不赶", "明天", "后天", "过两天", "这两天", "有空", "方便的时候")
# Running out, or medicine: whether it is urgent is worth one question when the message does not say.
RUNNING_OUT = ("没了", "吃完", "用完", "喝完", "断了", "快没", "不够", "没有了")
_RAN_OUT = re.compile(r"没[\u4e00-\u9fff]{1,3}了")  # 「没米了」「没有油了」
YES_TODAY = ("要", "是", "是的", "对", "嗯", "今天", "今天要", "要的", "急用")
POLITE = ("谢谢", "麻烦", "辛苦", "拜托", "好的", "你好", "您好")
_SEGMENTS = re.compile(r"[，,。.;；！!？?\n]+")
_ITEM_SPLIT = re.compile(r"[、，,；;\s/]+|(?<=[\u4e00-\u9fff])(?:和|跟|还有|及|再)(?=[\u4e00-\u9fff])")
_ITEM_LEAD = re.compile(
    r"^(俺|我|我们|咱|家里)?(想|要|需要|想要|帮忙|帮我|给我|麻烦)?(买|要|带|捎|送|来)?(点|些|一些|一点)?"
)
_ITEM_TAIL = re.compile(r"(了|吧|啊|呀|哈|就行|就好|就中)+$")
_GOODS_NAME = re.compile(r"[^\d]*[\u4e00-\u9fff][^\d]*")
_NOTE_LEAD = re.compile(r"^(备注|捎话|另外)[:：\s]*")
# 「没药了」「没有退烧药」「米吃完了」: goods running out (not 「没吃药」: the medicine was not taken).
_STAPLES = "药|米|面|油|菜|盐|奶粉|尿不湿|鸡蛋|肉|煤气|粮|吃的|喝的|纸"
_OUT_OF = re.compile(
    rf"没有(?:(?![吃喝用买拿打])[\u4e00-\u9fff]){{0,3}}?(?:{_STAPLES})|没(?:(?![吃喝用买拿打有])[\u4e00-\u9fff]){{0,2}}?(?:{_STAPLES})了"
    rf"|(?:{_STAPLES})(?:没了|吃完了|用完了|不够了|断了)"
)
_NOT_ITEMS = ("不知道", "没有", "啥", "什么", "随便", "都行", "不清楚")


def items_in(text: str, ctx: Context) -> list[dict]:
    """The goods with quantities the NLU finds, whatever intent it decided."""
    return _items(ctx.understand(text))


def _items(found) -> list[dict]:
    items = found.slots.get("items") or found.secondary.get("items") or []
    return [{k: v for k, v in item.items() if k in ("name", "qty", "qty_min", "unit")} for item in items]


def urgency(text: str) -> bool | None:
    """True for 急/马上/今天就要, False for 不急/明天, None when the text does not say."""
    said = words.bare(text)
    if any(word in said for word in NOT_URGENT):
        return False
    return True if any(word in said for word in URGENT) else None


def running_out(text: str) -> bool:
    said = words.bare(text)
    return any(word in said for word in RUNNING_OUT) or _RAN_OUT.search(said) is not None


def note_in(text: str, ctx: Context) -> str | None:
    """The parts of the first message that are neither goods nor urgency: 「放门口就行」."""
    kept = []
    for part in filter(None, (p.strip() for p in _SEGMENTS.split(words.normalize(text)))):
        bare = words.bare(part)
        if len(bare) < 3 or items_in(part, ctx) or urgency(part) is not None or any(w in bare for w in POLITE):
            continue
        if words.without_request_fillers(bare) in ENTRY_SAID:
            continue
        kept.append(part)
    return "，".join(kept)[:500] or None


def known_contact(ctx: Context) -> dict:
    """Name, phone and village from the profile, else from the active quarantine's declaration."""
    row = active_quarantine_contact(ctx.sql, person_id=ctx.person.id)
    _, isolated_in, declared_name, declared_phone = row or (None,) * 4
    known = {
        "name": ctx.person.name or declared_name,
        "phone": ctx.person.phone or declared_phone,
        "village": isolated_in or ctx.person.village_id,
    }
    return {key: value for key, value in known.items() if value}


def prefill(ctx: Context, first_text: str | None, restart: bool) -> dict:
    """The contact we already know, and the goods, urgency and note the first message gives."""
    known = known_contact(ctx)
    slots = {**known, "_known": known}
    if restart or not first_text:
        return slots
    slots["_text"] = first_text.strip()[:1000]
    # 「俺叫王桂英 鸣皋村的…」: what the sender says of themself fills what the profile lacks.
    slots.update({k: v for k, v in introduced(first_text, ctx, ctx.understand(first_text)).items() if k not in known})
    items = items_in(first_text, ctx)
    if items:
        slots["items"] = items
    urgent = urgency(first_text)
    if urgent is not None:
        slots["urgent"] = urgent
    if running_out(first_text):
        slots["_running_out"] = True
    note = note_in(first_text, ctx)
    if note:
        slots["note"] = note
    return slots


def parse_items(text: str, ctx: Context) -> Parsed:
    """Goods with quantities; when asked, goods without them too (「米和油」).

    A correction changes only those named (「不对，是三斤猪肉」), drops one (「米不要了」), changes a quantity
    (「不是两桶 是一桶」), or with 就/只 replaces the list (「不对，就一袋米」).
    """
    found = ctx.understand(text)
    items = _items(found)
    said = words.strip_no(text) if words.is_no(text) else text
    before = ctx.slots.get("items") or []
    if before and (after := changes.changed(before, said)) is not None:
        return accept(after)
    memo = {}
    if (urgent := urgency(text)) is not None and "urgent" not in ctx.slots:
        memo["urgent"] = urgent
    if running_out(text):
        memo["_running_out"] = True
    if items and ctx.correcting:
        return accept(items if changes.only(said) else _merged(before, items))
    if items or ctx.correcting:
        return Parsed(value=items, memo=memo) if items else reask(TEXT.items_again)
    if found.intent in NOT_GOODS:
        return reask(TEXT.items_again)
    names = [_ITEM_TAIL.sub("", _ITEM_LEAD.sub("", chunk)) for chunk in _ITEM_SPLIT.split(words.normalize(text))]
    names = [name for name in names if name]
    # Goods with a number the NLU could not read are no goods: 「孩子发烧38度5」 is for someone else to answer.
    if not names or any(_no_goods(n) for n in names):
        return reask(TEXT.items_again)
    return Parsed(value=[{"name": name, "qty": None, "unit": None} for name in names], memo=memo)


def _no_goods(name: str) -> bool:
    """「不知道」, 「一袋」 (a count of nothing named), a number, or a sentence: no goods."""
    return (
        name in _NOT_ITEMS
        or not _GOODS_NAME.fullmatch(name)
        or len(name) > 12
        or changes.NUMBER_AND_UNIT.match(name) is not None
        or words.is_confirm_yes(name)
    )


def _merged(items: list[dict], changes: list[dict]) -> list[dict]:
    """「不对，是三斤猪肉」 changes the pork in its place; goods not there yet are added at the end."""
    named = {item["name"]: item for item in changes}
    kept = [named.pop(item["name"], item) for item in items]
    return kept + [item for item in changes if item["name"] in named]


def also_asked(ctx: Context, text: str, understood) -> bool:
    """Goods asked for or running out beside something else: 「发烧了 家里也没药了」「从上海回来 家里没菜了」."""
    if understood is None:
        return False
    listed = "request_supplies" in (understood.secondary.get("intents") or [])
    return (listed and bool(_items(understood))) or _OUT_OF.search(words.bare(text)) is not None


def skip_urgent(ctx: Context) -> bool:
    """Asked only when something is running out or medicine is wanted, and the messages did not say."""
    medicine = any("药" in item["name"] for item in ctx.slots.get("items") or [])
    return not (medicine or ctx.slots.get("_running_out"))


def parse_urgent(text: str, ctx: Context) -> Parsed:
    found = urgency(text)
    said_yes = words.bare(text) in YES_TODAY or words.is_yes(text)  # 「是哩」「嗯嗯」 too
    if found is None and not ctx.correcting and said_yes:
        found = True
    return reask(TEXT.urgent_again) if found is None else accept(found)


def skip_note(ctx: Context) -> bool:
    return True  # never asked: written in the first message, or at the confirmation


def parse_note(text: str, ctx: Context) -> Parsed:
    """At the confirmation, what no other item took is added to the note for the cadre (「放门口就行」)."""
    note = _NOTE_LEAD.sub("", words.normalize(text)).strip()
    explicit = note != words.normalize(text).strip()
    if (explicit and note) or (len(re.findall(r"[\u4e00-\u9fff]", note)) >= 3 and not re.search(r"\d", note)):
        before = ctx.slots.get("note")
        return accept(f"{before}，{note}"[:500] if before and note not in before else note[:500])
    return reask(TEXT.items_again)


def summary(ctx: Context) -> str:
    slots = ctx.slots
    urgent = bool(slots.get("urgent"))
    text = TEXT.summary.format(
        items=items_text(slots["items"]),
        urgent=TEXT.urgent_yes if urgent else TEXT.urgent_no,
        note=TEXT.summary_note.format(note=slots["note"]) if slots.get("note") else "",
        contact=TEXT.contact.format(
            name=slots.get("name") or TEXT.unknown,
            phone=slots.get("phone") or TEXT.unknown,
            village=village_name(ctx, slots.get("village")),
        ),
    )
    hint = ("" if urgent else TEXT.urgent_hint) + ("" if slots.get("note") else TEXT.note_hint)
    return f"{text}\n{hint}" if hint else text


def finish(ctx: Context) -> str:
    """Store the request, alert the people it goes to, and tell the household its number and who has it."""
    slots = ctx.slots
    quarantine = active_quarantine_contact(ctx.sql, person_id=ctx.person.id)
    request = SupplyRequest(
        person_id=ctx.person.id,
        village_id=quarantine[1] if quarantine else slots.get("village"),
        quarantine_id=quarantine[0] if quarantine else None,
        items=json.dumps(slots["items"], ensure_ascii=False),
        urgent=bool(slots.get("urgent")),
        note=slots.get("note"),
        text=slots.get("_text") or items_text(slots["items"]),
        created_at=ctx.now,
    )
    _save_profile(ctx)
    people = first_recipients(ctx.sql, quarantine_id=request.quarantine_id, village_id=request.village_id)
    request.assignee_person_id = people[0].person_id if people else None
    save_request(ctx.session, request=request)
    text = TEXT.alert.format(card=card(ctx.sql, request), hints=CARDS.hints.format(number=request.id))
    for holder in people:
        key = f"supply:{request.id}:new:{holder.person_id}"
        send_alert(
            ctx.sql, key=key, recipient_openid=holder.openid, text=text, now=ctx.now, origin_openid=ctx.person.openid
        )
    if not people:
        log.warning("supply request %s reaches no one: no cadre is bound for its village or above", request.id)
        return TEXT.done_nobody.format(number=request.id)
    who = TEXT.separator.join(describe_holder(h) for h in people)
    return TEXT.done.format(number=request.id, who=who) + (TEXT.done_urgent if request.urgent else "")


def _save_profile(ctx: Context) -> None:
    """What the household typed in this flow (never a family member's details taken from a declaration)."""
    known = ctx.slots.get("_known") or {}
    fields = {"name": "name", "phone": "phone", "village": "village_id"}
    changed = {
        column: ctx.slots[slot]
        for slot, column in fields.items()
        if ctx.slots.get(slot, known.get(slot)) != known.get(slot)
    }
    if changed:
        update_profile(ctx.sql, person=ctx.person, **changed)
