"""Numerals in every form villagers type: 2, 二, 两, 十来, 三四, 38度5, 三十八度五, 37.8."""

from __future__ import annotations

import re
from functools import lru_cache

CN_DIGITS = "零〇一二两三四五六七八九十百千万廿"
# Numerals start where a run of digits starts and are a few characters long: a pattern that may begin anywhere
# inside a long run of digits costs quadratic time on 「000…」 (a hostile message of a few thousand characters).
NUM = rf"(?:(?<![\d.])\d{{1,6}}(?:\.\d{{1,3}})?|(?<![{CN_DIGITS}])[{CN_DIGITS}]{{1,8}}(?:[点.][{CN_DIGITS}]{{1,3}})?)"
_ADJACENT = re.compile(r"^([一二两三四五六七八九])([一二三四五六七八九])$")
_TEMP_CONTEXT = ("体温", "发烧", "发热", "烧到", "烧了", "测了", "量了", "温度", "高烧", "低烧", "烧")
_TEMP_DEGREE = re.compile(rf"({NUM})\s*(?:度|℃|°C|°)\s*([{CN_DIGITS}\d])?(?!\d)")
_TEMP_BARE = re.compile(r"(?<![\d.])(3[4-9]|4[0-2])(?:\.(\d))?(?![\d.]|号|日|月|天|岁|斤|块|元|袋|个|针)")
_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
_D = "[零〇一二三四五六七八九]"
_TEMP_DIGITS = re.compile(rf"(?<![十\d零〇一二三四五六七八九])([三四])({_D})(?:点({_D})|度({_D})?)")
# 「烧到三九了」: two digits alone after a reading word (not 三九天, the coldest days).
_TEMP_PAIR = re.compile(rf"(?<=烧到|烧了|量了|测了|体温|温度|量的|测的)\s*([三四])({_D})(?![{CN_DIGITS}点度天\d])")
_TEMP_ALONE = re.compile(r"(?:3[4-9]|4[0-2])(?:\.\d)?度?")
_TEMP_CN = re.compile(r"(三十[四五六七八九]|四十[一二]?)(?:点([一二三四五六七八九零]))?")


@lru_cache(maxsize=4096)
def to_number(text: str) -> float | None:
    """A numeral as a number (两 = 2, 半 = 0.5, 三十八点五 = 38.5), or None."""
    text = text.strip()
    if not text:
        return None
    if text == "半":
        return 0.5
    if text in ("俩", "仨"):
        return 2.0 if text == "俩" else 3.0
    import cn2an  # here, not at the top: it takes half a second, which the operators' commands need not pay

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def number_range(text: str) -> tuple[float, float] | None:
    """三四 -> (3, 4); a plain numeral -> (n, n)."""
    pair = _ADJACENT.match(text)
    if pair:
        low, high = to_number(pair.group(1)), to_number(pair.group(2))
        if low is not None and high is not None and high == low + 1:
            return low, high
    value = to_number(text)
    return None if value is None else (value, value)


def as_int_if_whole(value: float) -> int | float:
    """2.0 -> 2, 2.5 stays."""
    return int(value) if float(value).is_integer() else value


def _plausible(value: float | None) -> float | None:
    return value if value is not None and 34.0 <= value <= 43.0 else None


def find_temperature(text: str, rough: bool = False) -> float | None:
    """A body temperature in °C: 38度5, 38.5度, 三十八度五, 三八点五, 体温36.6, 烧到39; the latest of several.

    「三十八度多」 says no exact number: None, or 38.0 when `rough` (enough to tell a fever).
    """
    text = text.replace("度半", "度五")  # 「三十八度半」 is 38.5
    if _TEMP_ALONE.fullmatch(text.strip()):
        return round(float(text.strip().rstrip("度")), 1)
    found: list[tuple[int, int, float]] = []  # (start, end, degrees), the first pattern to claim a span keeps it

    vague: list[tuple[int, int]] = []  # 「三十八度多」 says no number: nothing read inside it

    def claim(start: int, end: int, value: float | None) -> None:
        if any(s < end and start < e for s, e in vague) or any(s < end and start < e for s, e, _ in found):
            return
        if not rough and (text.startswith("多", end) or text.startswith("度多", end)):
            vague.append((start, end + 2))
        elif _plausible(value) is not None:
            found.append((start, end, round(value, 1)))

    for m in _TEMP_DIGITS.finditer(text):  # 三八点五, 三九度: read digit by digit
        tenth = m.group(3) or m.group(4)
        value = 10 * _DIGIT[m.group(1)] + _DIGIT[m.group(2)] + (_DIGIT[tenth] / 10 if tenth else 0)
        claim(m.start(), m.end(), value)
    for m in _TEMP_PAIR.finditer(text):
        claim(m.start(), m.end(), float(10 * _DIGIT[m.group(1)] + _DIGIT[m.group(2)]))
    for m in _TEMP_DEGREE.finditer(text):
        claim(m.start(), m.end(), _degrees(m))
    said = bool(found) or any(w in text for w in _TEMP_CONTEXT)
    alone = _TEMP_CN.fullmatch(text.strip())
    said = said or bool(alone and alone.group(2))  # 「三十六点七」 said alone is a reading
    for m in _TEMP_CN.finditer(text) if said else ():
        whole = to_number(m.group(1))
        tenth = to_number(m.group(2)) if m.group(2) else 0
        claim(m.start(), m.end(), None if whole is None else whole + (tenth or 0) / 10)
    for m in _TEMP_BARE.finditer(text):
        if m.group(2) or said:
            claim(m.start(), m.end(), float(m.group(0)))
    return max(found)[2] if found else None


def _degrees(m: re.Match) -> float | None:
    """「38度5」 -> 38.5, 「38.5度」 -> 38.5."""
    said = m.group(1)
    whole = to_number(said.replace(".", "点") if not said[0].isdigit() else said)  # 「三十八.五度」
    if whole is not None and m.group(2) and "." not in said:
        tenth = to_number(m.group(2))
        whole = whole + tenth / 10 if tenth is not None and tenth < 10 else whole
    return whole
