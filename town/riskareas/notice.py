"""The lines of a published notice, told apart: its time, level and place headers, page furniture, prose, areas."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Full-width digits, colons, parentheses and spaces as ASCII, for telling lines apart (entries keep their text).
_FOLD = str.maketrans("０１２３４５６７８９：（）　．，；", "0123456789:() .,;")
_NUMBER = r"(?:[一二三四五六七八九十]+[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+\s*[、.](?!\d)|[①-⑳])"
_COUNT_IN = r"\(\s*(?:共\s*)?(\d+)\s*(?:个|处)?\s*\)"
_COUNT_OUT = r"(?:共\s*)?(\d+)\s*(?:个|处)"
_LEVEL = re.compile(
    rf"^{_NUMBER}?\s*(高|中|低)风险(?:地区|区域|区)?(?:名单)?\s*(?:{_COUNT_IN})?\s*"
    rf"(?::\s*(?:{_COUNT_OUT}\s*$)?(.*)|{_COUNT_OUT})?\s*$"
)
_PLACE = re.compile(rf"^{_NUMBER}?\s*([^:()\d\s,、;]{{2,16}}?)\s*(?:{_COUNT_IN})?\s*(:)?\s*(?:{_COUNT_OUT})?\s*$")
_TIME = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(\d{1,2})\s*(?:时|点)")
_ISO = re.compile(r"(\d{4})[-/.年]\s*(\d{1,2})[-/.月]\s*(\d{1,2})日?\s*(?:(\d{1,2})\s*[:时点])?")
_ENTRY_NUMBER = re.compile(rf"^{_NUMBER}\s*")
_MARK = re.compile(r"[(（【\[]\s*新增\s*[)）】\]]")
_TRAILING = re.compile(r"[;；,，。、.\s]+$")
_BOUNDARY = re.compile(r"以[东南西北]|[东南西北]至|四至")
_SPLIT = re.compile(r"[;；]")
_SPLIT_LIST = re.compile(r"[;；、]")
PUBLISHED_LINE = re.compile(r"^(?:发布时间|发布日期|发文日期|时间|日期)\s*:")
_FURNITURE = re.compile(
    r"^(?:来源|信息来源|文章来源|作者|责任编辑|编辑|审核|浏览次数|阅读|点击|访问量|附件|分享到|字号|字体)\s*[:：]?"
    r"|^【?\s*字体\s*[:：]?\s*[大中小]|^[【\[]\s*大\s*中\s*小\s*[】\]]$|打印本页|关闭窗口|返回顶部|扫一扫|"
    r"^(?:上一篇|下一篇|首页|当前位置|您当前的位置|您的位置|网站地图|相关链接|相关阅读|收藏|打印|关闭)"
    r"|版权所有|ICP备|公网安备|主办单位|承办单位|技术支持|>\s*\S+\s*>|＞|›"
)
_PROSE = re.compile(
    r"[。！？!?]|^(?:注|备注|说明|请|以上|特此|全国其他|全国其余|其他|其余|根据|按照|截至)"
    r"|(?:指挥部|办公室|委员会|人民政府|卫健委|卫生健康委|领导小组)(?:办公室)?$"
)
_STATEMENT = re.compile(r"(?:其他|其余|以外|之外).*(?:地区|区域)")
_SENTENCE = re.compile(r"[。！？!?]\s*\S|^(?:请|注|备注|说明|以上|特此|根据|按照)|,.*[。!?]$")
_DATE_ONLY = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


@dataclass(frozen=True)
class LevelHeader:
    """「一、高风险地区（3个）：」: a level, the count it announces, and any areas written after its colon."""

    level: str
    count: int | None
    rest: str


@dataclass(frozen=True)
class PlaceHeader:
    """「河南：11个」, 「北京市：」, 「郑州市（2个）」: a name, the count it announces, whether it had a colon."""

    name: str
    count: int | None
    colon: bool


LEVEL_WORDS = {"高": "high", "中": "medium", "低": "low"}


def fold(line: str) -> str:
    """The line with full-width digits and punctuation as ASCII, trimmed."""
    return line.translate(_FOLD).strip()


def level_header(line: str) -> LevelHeader | None:
    """The level header this line is, or None."""
    found = _LEVEL.match(fold(line))
    if not found:
        return None
    word, inside, after_colon, rest, after = found.groups()
    count = next((int(n) for n in (inside, after_colon, after) if n), None)
    return LevelHeader(LEVEL_WORDS[word], count, (rest or "").strip())


def place_header(line: str) -> PlaceHeader | None:
    """A line that could be a province or city header (the caller checks the name), or None."""
    found = _PLACE.match(_ENTRY_NUMBER.sub("", fold(line)))
    if not found:
        return None
    name, inside, colon, after = found.groups()
    count = int(inside or after) if (inside or after) else None
    return PlaceHeader(name, count, bool(colon))


def published(line: str) -> tuple[int, int, int, int] | None:
    """(year, month, day, hour) of the list's time in this line, 「2021年8月5日24时」 included."""
    found = _TIME.search(fold(line))
    return tuple(int(part) for part in found.groups()) if found else None  # type: ignore[return-value]


def page_time(line: str) -> tuple[int, int, int, int] | None:
    """The page's 「发布时间：2021-08-06 09:12」 (hour 0 when absent), a fallback for the list's time."""
    folded = fold(line)
    if not PUBLISHED_LINE.match(folded):
        return None
    found = _ISO.search(folded)
    if not found:
        return None
    year, month, day, hour = found.groups()
    return int(year), int(month), int(day), int(hour or 0)


def beijing(parts: tuple[int, int, int, int]) -> tuple[dt.date, int] | None:
    """The date and hour, 24时 being 0时 of the next day; None when no such time exists."""
    year, month, day, hour = parts
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    if hour == 24:
        return date + dt.timedelta(days=1), 0
    return (date, hour) if 0 <= hour <= 23 else None


def furniture(line: str) -> bool:
    """Web-page furniture copied with the notice (来源、发布时间、打印本页、首页 > 新闻…)."""
    folded = fold(line)
    return bool(_FURNITURE.search(folded) or PUBLISHED_LINE.match(folded) or _DATE_ONLY.match(folded))


def prose(line: str) -> bool:
    """A sentence of the notice, its signature, or 「其他地区为低风险」: nothing to place."""
    folded = fold(line)
    return bool(_PROSE.search(folded) or _STATEMENT.search(folded))


def statement(line: str) -> bool:
    """「其他地区为低风险地区」 or a sentence that goes on after its full stop: never an area, whatever it names."""
    folded = fold(line)
    return bool(_STATEMENT.search(folded) or _SENTENCE.search(folded))


def areas(line: str) -> list[str]:
    """The areas of one line: 、 and ； separate communities, except inside a boundary (以南、以北…)."""
    text = line.strip()
    numbered = _ENTRY_NUMBER.match(fold(text))  # folding keeps every character's place
    text = text[numbered.end() :] if numbered else text
    splitter = _SPLIT if _BOUNDARY.search(text) else _SPLIT_LIST
    pieces = [_TRAILING.sub("", _MARK.sub("", piece)).strip() for piece in splitter.split(text)]
    return [piece for piece in pieces if piece]
