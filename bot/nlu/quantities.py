"""Goods with quantities: 两袋米, 一桶油, 十来斤, 两斤半猪肉, 半斤盐, 三四袋面, 米两袋, 来袋盐."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.numbers import CN_DIGITS, as_int_if_whole, number_range

_QTY = rf"(半|[\d.]+|[{CN_DIGITS}]{{1,4}})(来|多|几)?"
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
    ]
)
_NOT_A_NAME_START = CN_DIGITS + "要是就都也还给买送拿带有没不的了吧啊呢和跟"
_STOP = "和跟与及还再要也就都吧啊呀了呢的，,。.!！?？、；; "


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


def compile_lexicon(goods: list[str], units: list[str]) -> Lexicon:
    """Regexes for number-unit-goods, goods-number-unit and verb-unit-goods."""
    g = "|".join(sorted(set(goods), key=len, reverse=True))
    u = "|".join(sorted(set(units), key=len, reverse=True))
    forward = re.compile(rf"{_QTY}\s*({u})(半)?(?:的|装)?({g}|[\u4e00-\u9fff]{{1,4}}?(?=[{_STOP}]|$))")
    backward = re.compile(rf"({g})\s*(?:要|买|来)?\s*{_QTY}\s*({u})(半)?")
    implicit = re.compile(rf"(?:要|买|来|拿|送|捎|带)\s*({u})\s*({g})")
    dangling = re.compile(rf"{_QTY}\s*({u})(半)?(?=[{_STOP}]|$)")
    return Lexicon(tuple(goods), frozenset(goods), tuple(units), forward, backward, implicit, dangling, re.compile(g))


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
    items: list[tuple[int, dict]] = []
    taken: list[range] = []
    for m in lex.forward.finditer(text):
        name = m.group(5)
        if name not in lex.goods and (not loose or name in _NOT_GOODS or name[0] in _NOT_A_NAME_START):
            continue
        if item := _item(name, m.group(1), m.group(4), m.group(3)):
            items.append((m.start(), item))
            taken.append(range(m.start(), m.end()))
    for m in lex.backward.finditer(text):
        if any(m.start() in r for r in taken):
            continue
        if item := _item(m.group(1), m.group(2), m.group(5), m.group(4)):
            items.append((m.start(), item))
            taken.append(range(m.start(), m.end()))
    for m in lex.implicit.finditer(text):
        if not any(m.start() in r or m.end() - 1 in r for r in taken):
            items.append((m.start(), {"name": m.group(2), "qty": 1, "unit": m.group(1)}))
            taken.append(range(m.start(), m.end()))
    items.extend(_dangling(text, lex, taken, {i["name"] for _, i in items}))
    return [item for _, item in sorted(items, key=lambda i: i[0])]


def _dangling(text: str, lex: Lexicon, taken: list[range], used: set[str]) -> list[tuple[int, dict]]:
    """「降压药吃完了 要两盒」: a quantity with no goods after it means the goods named just before."""
    out = []
    for m in lex.dangling.finditer(text):
        if any(m.start() in r for r in taken):
            continue
        named = [g.group(0) for g in lex.any_goods.finditer(text, 0, m.start())]
        item = _item(named[-1], m.group(1), m.group(4), m.group(3)) if named and named[-1] not in used else None
        if item:
            out.append((m.start(), item))
            used.add(named[-1])
    return out


def mentions_goods(tokens: list[str], lex: Lexicon) -> list[str]:
    """Goods named as whole words (外面 is not 面, 天气 is not 气)."""
    goods = lex.goods_set
    return [t for t in tokens if t in goods]
