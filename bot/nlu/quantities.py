"""Goods with quantities: 两袋米, 一桶油, 十来斤, 两斤半猪肉, 半斤盐, 三四袋面, 米两袋, 来袋盐."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.nlu.numbers import CN_DIGITS, as_int_if_whole, number_range

# A number starts where its run of digits starts (see numbers.NUM): linear time on 「000…」.
_QTY = rf"(半|(?<![\d.])[\d.]{{1,8}}|[{CN_DIGITS}]{{1,4}})(来|多|几)?"
_NOT_GOODS = frozenset(
    [
        "人",
        "孩子",
        "小孩",
        "小时",
        "钟头",
        "月",
        "天",
        "星期",
        "礼拜",
        "针",
        "次",
        "遍",
        "口",
        "家",
        "户",
        "娃",
        "岁",
        "号",
        "度",
        "年",
        "周",
        "地方",
        "村",
        "人员",
        "车",
        "大号",
        "小号",
        "中号",
        "大的",
        "小的",
    ]
)
_NOT_GOODS_LEADS = tuple(_NOT_GOODS)  # 「一个人在家」: a person counted, not goods
_NOT_A_NAME_START = CN_DIGITS + "要是就都也还给买送拿带有没不的了吧啊呢和跟那这哪左哩嘞来"
_STOP = "和跟与及还再要也就都吧啊呀了呢的，,。.!！?？、；; "
_SIZE = "(?:大|小|整|新)?"  # 一大袋米, 两小瓶香油, 买个新锅
_SIZE_WORDS = re.compile(
    rf"{_QTY}\s*(?:斤|公斤|升|千克)\s*(?:的|装)(?=\s*[{CN_DIGITS}\d]{{1,3}}\s*(?:袋|桶|箱|瓶|包|壶))"
)
# 「要一袋五十斤的面」「要个十斤的西瓜」: a weight right after a measure word is the size of one, not the amount.
_SIZE_AFTER_MEASURE = re.compile(
    rf"(?<=[个袋桶箱瓶包壶兜筐件提盒块只])\s*[\d{CN_DIGITS}]{{1,4}}\s*(?:斤|公斤|升|千克|克|两)\s*(?:的|装|重)"
)
_AFTER_DANGLING = "过来|来|给|送|中不中|行不行|不$|[大中小]号|[大小]的"  # 「要两包小号的」: a size, not goods
# 「要两桶油 不对 一桶」「要三斤肉 算了 两斤就中」: what follows a correction word replaces the quantity before it.
_CORRECTION = re.compile(
    r"不对|不是|说错了|错了|算了|改成|换成|改为|改一下|不(?=[,，\s]+(?:要|[\d一二两三四五六七八九十俩仨]))"
)


@dataclass(frozen=True)
class Lexicon:
    """The goods and units tables, compiled once."""

    goods: tuple[str, ...]
    goods_set: frozenset[str]
    units: tuple[str, ...]
    forward: re.Pattern
    backward: re.Pattern
    implicit: re.Pattern
    dangling: re.Pattern
    any_goods: re.Pattern
    paired: re.Pattern


def compile_lexicon(goods: list[str], units: list[str]) -> Lexicon:
    """Regexes for number-unit-goods, goods-number-unit and verb-unit-goods."""
    g = "|".join(sorted(set(goods), key=len, reverse=True))
    u = "|".join(sorted(set(units), key=len, reverse=True))
    # An unknown name ends at a stop, the end, or a question's 不/吗 (「能帮俺买两盒硝苯地平不」).
    forward = re.compile(
        rf"{_QTY}\s*{_SIZE}({u})(半)?(?:的|装)?({g}|[\u4e00-\u9fff]{{1,4}}?(?=[{_STOP}]|$|[不吗么](?:$|[{_STOP}])))"
    )
    backward = re.compile(rf"({g})\s*(?:要|买|来)?\s*{_QTY}\s*{_SIZE}({u})(半)?")
    implicit = re.compile(rf"(?:要|买|来|拿|送|捎|带)\s*({u})\s*{_SIZE}\s*({g})")
    dangling = re.compile(rf"{_QTY}\s*{_SIZE}({u})(半)?(?=[{_STOP}]|$|{_AFTER_DANGLING})")
    paired = re.compile(rf"(俩|仨)\s*({g})")  # 要俩西瓜: a number word that needs no measure word
    lists = (tuple(goods), frozenset(goods), tuple(units))
    return Lexicon(*lists, forward, backward, implicit, dangling, re.compile(g), paired)


def _item(name: str, number: str, half: str | None, unit: str) -> dict | None:
    """{"name", "qty", "unit"}; a range (三四袋) is its upper bound, with the lower one kept as qty_min."""
    bounds = (1.0, 2.0) if number == "一两" else number_range(number)
    if bounds is None:
        return None
    extra = 0.5 if half else 0
    qty = as_int_if_whole(bounds[1] + extra)
    if not qty or qty <= 0:
        return None
    item = {"name": name, "qty": qty, "unit": unit}
    if bounds[0] < bounds[1]:
        item["qty_min"] = as_int_if_whole(bounds[0] + extra)
    return item


def find_items(text: str, lex: Lexicon, loose: bool) -> list[dict]:
    """Every goods-with-quantity in the text; `loose` allows goods not in the lexicon."""
    text = _SIZE_WORDS.sub(lambda m: " " * len(m.group(0)), text)  # 「米要五斤的 一袋」: 五斤 is the bag's size
    text = _SIZE_AFTER_MEASURE.sub("", text)
    items: list[tuple[int, dict]] = []
    taken = bytearray(len(text) + 1)  # 1 where a match already stands: a lookup per match, not a scan of them all

    def take(m: re.Match, item: dict) -> None:
        items.append((m.start(), item))
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())

    for m in lex.forward.finditer(text):
        name = m.group(5)
        if name not in lex.goods and (not loose or name.startswith(_NOT_GOODS_LEADS) or name[0] in _NOT_A_NAME_START):
            continue
        if item := _item(name, m.group(1), m.group(4), m.group(3)):
            take(m, item)
    for m in lex.backward.finditer(text):
        if taken[m.start()] or taken[m.end() - 1]:  # 「要个南瓜 两根黄瓜」: 两根 is the 黄瓜's
            continue
        if item := _item(m.group(1), m.group(2), m.group(5), m.group(4)):
            take(m, item)
    for m in lex.implicit.finditer(text):
        if not taken[m.start()] and not taken[m.end() - 1]:
            take(m, {"name": m.group(2), "qty": 1, "unit": m.group(1)})
    for m in lex.paired.finditer(text):
        if not taken[m.start()]:
            take(m, {"name": m.group(2), "qty": 2 if m.group(1) == "俩" else 3, "unit": "个"})
    correction = _last(_CORRECTION.finditer(text))
    if correction is not None and any(start < correction.start() for start, _ in items):  # 「能送煤气不 要一罐」 asks
        return _corrected(text, lex, sorted(items, key=lambda i: i[0]), correction.end(), taken)
    items.extend(_dangling(text, lex, taken, {i["name"] for _, i in items}))
    return [item for _, item in sorted(items, key=lambda i: i[0])]


def _last(matches) -> re.Match | None:
    last = None
    for last in matches:  # noqa: B007 - the loop keeps the last match
        pass
    return last


def _corrected(text: str, lex: Lexicon, items: list, after: int, taken: bytearray) -> list[dict]:
    """Items before a correction word, with the quantities said after it put in their place."""
    before = [dict(i) for start, i in items if start < after]
    for start, item in items:
        if start >= after:
            same = [b for b in before if b["name"] in item["name"] or item["name"] in b["name"]]
            if same:
                same[-1].update(item)
            else:
                before.append(item)
    said_after = text[after:]
    # 「要两桶油 算了 不要油了 要一袋面」: goods declined after the correction are dropped.
    before = [
        b for b in before if not re.search(f"不要{re.escape(b['name'])}|{re.escape(b['name'])}也?不要", said_after)
    ]
    for m in lex.dangling.finditer(text, after):
        if taken[m.start()] or not before:
            continue
        fits = [b for b in before if b["unit"] == m.group(3)] or before
        if item := _item(fits[-1]["name"], m.group(1), m.group(4), m.group(3)):
            fits[-1].update(item)
    return before


def _dangling(text: str, lex: Lexicon, taken: bytearray, used: set[str]) -> list[tuple[int, dict]]:
    """「降压药吃完了 要两盒」: a quantity with no goods after it means the goods named just before."""
    out = []
    named = [(g.start(), g.group(0)) for g in lex.any_goods.finditer(text)]
    starts = [start for start, _ in named]
    for m in lex.dangling.finditer(text):
        if taken[m.start()]:
            continue
        # The last goods word that ends before the quantity, as a search of text[:m.start()] would find it.
        last = _last_before(named, starts, m.start())
        item = _item(last, m.group(1), m.group(4), m.group(3)) if last and last not in used else None
        if item:
            out.append((m.start(), item))
            used.add(last)
    return out


def _last_before(named: list[tuple[int, str]], starts: list[int], end: int) -> str | None:
    """The last of the non-overlapping goods matches that lies wholly before `end`."""
    i = bisect.bisect_left(starts, end) - 1
    while i >= 0 and named[i][0] + len(named[i][1]) > end:
        i -= 1
    return named[i][1] if i >= 0 else None


def mentions_goods(tokens: list[str], lex: Lexicon) -> list[str]:
    """Goods named as whole words (外面 is not 面, 天气 is not 气)."""
    goods = lex.goods_set
    # jieba's 「点菜」「没油」「卖菜」 (捎点菜, 家里没油了, 有卖菜哩不) hold the goods word after the first character.
    return [t if t in goods else t[1:] for t in tokens if t in goods or (t[:1] in "点些没缺卖" and t[1:] in goods)]
