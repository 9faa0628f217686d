"""The date parser around month and year ends: every day of a leap year and the next, in both directions."""

import datetime as dt

import pytest

from bot.nlu.dates import find_date, month_length

DAYS = [dt.date(2020, 1, 1) + dt.timedelta(days=n) for n in range(731)]
CN = "零一二三四五六七八九十"


def cn(n: int) -> str:
    """1..31 as Chinese numerals."""
    return CN[n] if n <= 10 else ("" if n < 20 else CN[n // 10]) + "十" + ("" if n % 10 == 0 else CN[n % 10])


@pytest.mark.parametrize(
    ("words", "offset"),
    [
        ("今天", 0),
        ("今儿", 0),
        ("昨天", -1),
        ("昨个", -1),
        ("昨儿个", -1),
        ("夜儿个", -1),
        ("前天", -2),
        ("前儿", -2),
        ("大前天", -3),
        ("明天", 1),
        ("后天", 2),
        ("大后天", 3),
        ("3天前", -3),
        ("三天前", -3),
        ("两天前", -2),
        ("十天以前", -10),
        ("5天后", 5),
    ],
)
def test_relative_days(words, offset):
    for today in DAYS:
        assert find_date(f"{words}回来的", today) == today + dt.timedelta(days=offset), today


def test_bare_day_is_the_last_one_for_arrivals_and_the_next_one_for_events():
    for today in DAYS:
        for day in (1, 15, 28, 29, 30, 31):
            past = find_date(f"{day}号从郑州回来", today)
            future = find_date(f"{cn(day)}号结婚", today, future=True)
            assert past.day == day and past <= today and (today - past).days < 31 + 31, (today, day)
            assert future.day == day and future >= today and (future - today).days < 31 + 31, (today, day)


def test_weeks_are_monday_based():
    for today in DAYS:
        monday = today - dt.timedelta(days=today.weekday())
        assert find_date("上周三回来", today) == monday - dt.timedelta(days=5)
        assert find_date("上个礼拜天回来", today) == monday - dt.timedelta(days=1)
        assert find_date("下周六结婚", today, future=True) == monday + dt.timedelta(days=12)
        assert find_date("本周一回来", today) == monday
        bare_past = find_date("周五回来的", today)
        bare_future = find_date("星期五结婚", today, future=True)
        assert bare_past.weekday() == 4 and 0 <= (today - bare_past).days < 7
        assert bare_future.weekday() == 4 and 0 <= (bare_future - today).days < 7


def test_next_and_last_month():
    for today in DAYS:
        nxt = find_date("下个月8号结婚", today, future=True)
        prev = find_date("上个月20号回来的", today)
        assert (nxt.year * 12 + nxt.month) - (today.year * 12 + today.month) == 1 and nxt.day == 8
        assert (today.year * 12 + today.month) - (prev.year * 12 + prev.month) == 1 and prev.day == 20


def test_explicit_month_day_crosses_the_year_the_right_way():
    assert find_date("12月30号回来的", dt.date(2022, 1, 2)) == dt.date(2021, 12, 30)
    assert find_date("1月3号结婚", dt.date(2021, 12, 28), future=True) == dt.date(2022, 1, 3)
    assert find_date("12.31回来", dt.date(2022, 1, 1)) == dt.date(2021, 12, 31)
    assert find_date("1/2结婚", dt.date(2021, 12, 30), future=True) == dt.date(2022, 1, 2)
    assert find_date("8月2日回来", dt.date(2021, 8, 6)) == dt.date(2021, 8, 2)
    for today in DAYS:
        last = month_length(today.year, today.month)
        assert find_date(f"{today.month}月{last}号回来", today) == dt.date(today.year, today.month, last)


def test_no_date_where_none_is_said():
    today = dt.date(2021, 8, 6)
    for text in (
        "体温36.6",
        "要两袋米",
        "1号楼的",
        "前几天回来的",
        "这两天办丧事",
        "隔离了14天",
        "37.3度",
        "打了第二针",
    ):
        assert find_date(text, today) is None, text
    assert find_date("刚从郑州回来", today) == today
