"""Dates as villagers say them, resolved against `today`: 昨个, 前儿, 上周三, 7.31, 28号, 下个月8号.

Arrival dates resolve to the past (「28号」 is the last 28th), event dates to the future.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from bot.nlu import lunar
from bot.nlu.numbers import CN_DIGITS, to_number

_RELATIVE = (  # longest first: 大前天 before 前天
    (("大前天", "大前儿", "大前个"), -3),
    (("大后天", "大后儿"), 3),
    (("前天", "前儿个", "前儿", "前个", "前日"), -2),
    (("后天", "后儿个", "后儿", "后日"), 2),
    (("昨天", "昨儿个", "昨儿", "昨个", "昨日", "昨晚", "昨夜", "夜儿个", "夜个", "夜里个", "夜黑", "昨黑"), -1),
    (("明天", "明儿个", "明儿", "明个", "明日", "明早", "明晚"), 1),
    (("今天", "今儿个", "今儿", "今个", "今日", "今早", "今晚", "今天早上", "刚刚", "刚才", "这会儿"), 0),
    (("清起", "清早"), 0),  # this morning, in Henan
)
_ANY_RELATIVE = re.compile("|".join(re.escape(word) for words, _ in _RELATIVE for word in words))
_NUM = rf"[\d{CN_DIGITS}]{{1,3}}"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6, "末": 5}
_WEEK = re.compile(r"(上上|上|这|本|下下|下)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天七末1-7])")
_DAYS_AGO = re.compile(rf"({_NUM}|两|几)\s*(?:天|日)(?:之|以)?(前|后)")
_MONTH_DAY = re.compile(rf"(?:(上|这|本|下)个?月|({_NUM})\s*月份?)\s*({_NUM})\s*(?:号|日)?")
_YEAR = re.compile(r"(20\d\d)\s*年\s*$")
_DAY_ONLY = re.compile(rf"(?<![\d月.])({_NUM})\s*(?:号|日)(?!元|楼|线|院|门|车|床|房|座|口|窗|桌|机)")
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\s*[./-]\s*(\d{1,2})(?![\d.]|\s*(?:斤|度|元|块|袋|公斤|克|米|cm))")
_JUST = re.compile(r"刚(?:从|回|到|来|下|落地|进)")
_DATE_CHARS = frozenset(CN_DIGITS + "0123456789号日月天周星期礼拜个儿前后昨今明大上下这本./-初廿正冬腊阴农旧老历")
# 「下午到家」: a time of day said right before getting home, with no day named, is today.
_TODAY_AT = re.compile(r"(?:下午|上午|中午|晌午|后晌|傍晚|晚上|今晚|早上|清早)(?:才|刚)?$")
_DAYS_SINCE = re.compile(rf"(?:回来|到家|回家)(?:都|已经|有)?({_NUM}|两)\s*天了")
_HOME = re.compile(r"到家|到的家|回的家|回村|回的村|到村|到的村|进村|回到家|回来[了的哩啦]")


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_day(today: dt.date, month: int, day: int, future: bool) -> dt.date | None:
    """An explicit month and day: this year unless that is far on the wrong side of today."""
    this_year = _safe(today.year, month, day)
    if this_year is None:
        return _safe(today.year + (1 if future else -1), month, day) if (month, day) == (2, 29) else None
    if not future and this_year > today + dt.timedelta(days=31):
        return _safe(today.year - 1, month, day)
    if future and this_year < today - dt.timedelta(days=31):
        return _safe(today.year + 1, month, day)
    return this_year


def _day_only(today: dt.date, day: int, future: bool) -> dt.date | None:
    """「28号」: the last 28th (past) or the next one (future), skipping months without that day."""
    if not 1 <= day <= 31:
        return None
    step = 1 if future else -1
    year, month = today.year, today.month
    for _ in range(13):
        found = _safe(year, month, day)
        if found and ((found >= today) if future else (found <= today)):
            return found
        year, month = _shift_month(year, month, step)
    return None


def _weekday(today: dt.date, prefix: str | None, name: str, future: bool) -> dt.date:
    """周X relative to a Monday-based week; bare 周X is the nearest one on the intended side."""
    wd = _WEEKDAY.get(name, int(name) - 1 if name.isdigit() else 0)
    monday = today - dt.timedelta(days=today.weekday())
    weeks = {"上上": -2, "上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}
    if prefix:
        return monday + dt.timedelta(days=7 * weeks[prefix] + wd)
    delta = wd - today.weekday()
    if future and delta < 0:
        delta += 7
    if not future and delta > 0:
        delta -= 7
    return today + dt.timedelta(days=delta)


def find_date(text: str, today: dt.date, future: bool = False) -> dt.date | None:
    """The first date the text names, resolved to the past (arrivals) or the future (events)."""
    found = _first_date(text, today, future)
    if found:
        return found[1]
    return today if _JUST.search(text) else None


def _first_date(text: str, today: dt.date, future: bool) -> tuple[int, dt.date] | None:
    candidates = [c for c in (_explicit(text, today, future), _relative(text, today)) if c]
    return min(candidates, key=lambda c: c[0]) if candidates else None


# 「俺闺女十八出嫁」: a bare day right before the event is that day, the next one to come.
_DAY_OF_EVENT = re.compile(rf"(?<![\d月.一二三四五六七八九十初])({_NUM})(?=出嫁|结婚|订婚|办事|办喜事|出殡|下葬|娶)")


def event_date(text: str, today: dt.date) -> dt.date | None:
    """The day of a wedding or funeral: the latest day named (「昨天走了 后儿个埋」 is the burial, not the death)."""
    dates = _every_date(text, today, True)
    if dates:
        return max(dates)
    bare = _DAY_OF_EVENT.search(text)
    return _bare_day(bare, today, True) if bare else find_date(text, today, True)


def _every_date(text: str, today: dt.date, future: bool) -> list[dt.date]:
    """The dates named, in order (at most a few: a message names two or three)."""
    dates, pos = [], 0
    while len(dates) < 5 and (found := _first_date(text[pos:], today, future)) is not None:
        dates.append(found[1])
        pos += found[0] + 1
        while pos < len(text) and text[pos] in _DATE_CHARS:  # past the rest of it: 十五号 is not also 五号
            pos += 1
    return dates


def arrival_date(text: str, today: dt.date) -> dt.date | None:
    """The day someone got home: the date said just before 到家/回村 (not the entry date at a port), else the first."""
    for m in reversed(list(_HOME.finditer(text))):  # the last arrival said: home, after a port city's quarantine
        after = text[m.end() : m.end() + 10].lstrip()
        found = _every_date(after, today, False) if after.startswith(("是", "在")) else []
        if found:  # 「到家是8月3号」
            return found[0]
        start = max(0, m.start() - 8)
        while start > 0 and text[start - 1] in _DATE_CHARS:  # 「大前儿…」: the window keeps the whole word
            start -= 1
        start = min([start] + [d.start() for d in lunar.LUNAR.finditer(text, 0, m.start()) if d.end() > start])
        found = _every_date(text[start : m.start()], today, False)  # the window keeps 「阴历六月二十」 whole
        if found:
            return found[-1]
        if _JUST.search(text, max(0, m.start() - 2), m.end()) or _TODAY_AT.search(text, 0, m.start()):
            return today
    since = _DAYS_SINCE.search(text)
    if since and (n := to_number(since.group(1))) is not None and n < 60 and find_date(text, today) is None:
        return today - dt.timedelta(days=int(n))  # 「回来都三天了」
    return find_date(text, today, False)


def _relative(text: str, today: dt.date) -> tuple[int, dt.date] | None:
    best = None
    named = _ANY_RELATIVE.search(text) is not None  # most messages name none: one search, not a find per word
    for words, offset in _RELATIVE if named else ():
        for word in words:
            pos = text.find(word)
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, today + dt.timedelta(days=offset))
    m = _DAYS_AGO.search(text)
    if m and m.group(1) != "几" and (best is None or m.start() < best[0]):
        n = to_number(m.group(1))
        if n is not None and n < 400:
            best = (m.start(), today + dt.timedelta(days=int(n) * (-1 if m.group(2) == "前" else 1)))
    return best


def _explicit(text: str, today: dt.date, future: bool) -> tuple[int, dt.date] | None:
    """Calendar forms, first one in the text wins."""
    found: list[tuple[int, dt.date]] = []
    moon = lunar.find(text, today, future)
    if moon:  # 「阴历八月十六」 is not also the solar 8月16
        found.append((moon[0], moon[2]))
        text = text[: moon[0]] + " " * (moon[1] - moon[0]) + text[moon[1] :]
    m = _WEEK.search(text)
    if m:
        found.append((m.start(), _weekday(today, m.group(1), m.group(2), future)))
    for m in _MONTH_DAY.finditer(text):
        day = to_number(m.group(3))
        if m.group(1):
            step = {"上": -1, "下": 1}.get(m.group(1), 0)
            year, month = _shift_month(today.year, today.month, step)
            date = _safe(year, month, int(day)) if day else None
        else:
            month = to_number(m.group(2))
            date = _month_day(today, int(month), int(day), future) if month and day and month <= 12 else None
            year = _YEAR.search(text, 0, m.start())
            date = _safe(int(year.group(1)), date.month, date.day) if date and year else date
        if date:
            found.append((m.start(), date))
            break
    if not found:
        for pattern, parse in ((_NUMERIC, _numeric), (_DAY_ONLY, _bare_day)):
            m = pattern.search(text)
            date = parse(m, today, future) if m else None
            if date:
                found.append((m.start(), date))
                break
    return min(found, key=lambda f: f[0]) if found else None


def _numeric(m: re.Match, today: dt.date, future: bool) -> dt.date | None:
    month, day = int(m.group(1)), int(m.group(2))
    return _month_day(today, month, day, future) if 1 <= month <= 12 and 1 <= day <= 31 else None


def _bare_day(m: re.Match, today: dt.date, future: bool) -> dt.date | None:
    day = to_number(m.group(1))
    return _day_only(today, int(day), future) if day and day.is_integer() else None


def month_length(year: int, month: int) -> int:
    """Days in a month (for callers and tests)."""
    return calendar.monthrange(year, month)[1]
