"""A household's whole home isolation, day by day over the webhook and the jobs, and what each party received."""

from __future__ import annotations

import datetime as dt
import re

from models.care import CareAssignment, SamplingRound
from models.fever import FeverReport
from models.quarantine import Quarantine
from models.supplies import SupplyRequest
from tests.support.care import local
from tests.support.isolation import HOME, Town, declare
from tests.support.isolation import town as town  # noqa: F401  (the fixture)

FOUR = ("cf-township", "cf-cadre", "cf-doctor", "cf-grid")
# The jobs' moments of a day (Asia/Shanghai): reminders, second reminders, alerts and the sampling eve.
MOMENTS = ((0, 5), (8, 0), (9, 0), (12, 0), (14, 0), (18, 0), (19, 0))


def day(town: Town, date: int, actions: dict[tuple[int, int], callable]) -> dict[str, list[str]]:
    """Run a day's job moments in order, doing each action just after its moment; what everyone received."""
    got: dict[str, list[str]] = {}
    for hour, minute in MOMENTS:
        town.jobs(local(date, hour, minute))
        if (hour, minute) in actions:
            actions[(hour, minute)]()
        for who, texts in town.new().items():
            got.setdefault(who, []).extend(texts)
    return got


def checked_in(town: Town, date: int) -> callable:
    return lambda: town.say(HOME, "全家正常", local(date, 9, 30))


def test_a_fortnight_of_home_isolation_runs_from_the_chat_and_nothing_late_goes_unnoticed(town):
    declare(town)
    first = town.new()
    # Each of the four: one message, the declaration and their place in its 四包一.
    assert all(len(first[who]) == 1 and "【四包一】请您负责这一户" in first[who][0] for who in FOUR)
    assert "cf-command" not in first  # a home isolation is the village's to run

    # Day 2: the morning reminder, and a check-in that stops the later ones.
    got = day(town, 6, {(9, 0): checked_in(town, 6)})
    assert [t for t in got[HOME] if t.startswith("早上好")] and len(got[HOME]) == 1
    assert not any("【未报体温】" in t for texts in got.values() for t in texts)

    # Day 3: nothing all day: the second reminder at noon, the four told at 18:00; the doctor reminded of tomorrow.
    got = day(town, 7, {})
    assert any(t.startswith("今天还没收到") for t in got[HOME])
    assert all(any("【未报体温】" in t and "张建军" in t for t in got[who]) for who in FOUR)
    [eve] = [t for t in got["cf-doctor"] if t.startswith("【明天上门采样】")]
    round_8 = int(re.search(r"采样编号(\d+)", eve).group(1))
    assert any("明天（8月8日）" in t and "核酸" in t for t in got[HOME])

    # Day 4: a fever in the check-in reaches the doctor at once; the doctor samples the household.
    reply = town.say(HOME, "我37.8，有点咳嗽，桂兰正常", local(8, 9, 30))
    assert "村医" in reply
    fever_alerts = town.new()
    assert any(t.startswith("【发热】") and "37.8" in t for t in fever_alerts["cf-doctor"])
    [fever] = town.rows(FeverReport)
    assert fever.source == "checkin" and fever.quarantine_id is not None and fever.temperature == 37.8
    assert "已采" in town.say("cf-doctor", f"采样 {round_8} 完成", local(8, 10))
    assert "只有" in town.say("fn-neighbour", f"采样 {round_8} 完成", local(8, 10))  # refused politely
    day(town, 8, {})

    # Day 5: rice and oil, accepted and delivered, and the household confirms.
    reply = town.say(HOME, "要两袋米和一桶油", local(9, 9, 40))
    assert "请核对" in reply
    assert "编号" in town.say(HOME, "对", local(9, 9, 41))
    [first_request] = town.rows(SupplyRequest)
    assert all(any("【新的物资申请】" in t for t in got) for who, got in town.new().items() if who in FOUR)
    assert "只有" in town.say("fn-neighbour", f"接单 {first_request.id}", local(9, 10))
    assert "接单" in town.say("cf-cadre", f"接单 {first_request.id}", local(9, 10))
    town.say("cf-cadre", f"送达 {first_request.id}", local(9, 16))
    town.say(HOME, "收到", local(9, 17))
    [first_request] = town.rows(SupplyRequest)
    assert first_request.status == "received"
    day(town, 9, {(9, 0): checked_in(town, 9)})

    # Day 6: a second request nobody accepts climbs after two hours, and the household hears it is handled.
    town.say(HOME, "再要一瓶酱油", local(10, 9, 40))
    town.say(HOME, "对", local(10, 9, 41))
    town.new()
    got = day(town, 10, {(9, 0): checked_in(town, 10)})
    assert any("【催办】" in t for texts in got.values() for t in texts)
    assert any("正在" in t or "催" in t for t in got[HOME] if not t.startswith("早上好"))
    late = town.rows(SupplyRequest, SupplyRequest.id != first_request.id)[0]
    assert late.escalation_level >= 1

    # Days 7-13: check-ins every day; the round of 8月11日 is never done and is escalated once that evening.
    for date in range(11, 18):
        got = day(town, date, {(9, 0): checked_in(town, date)})
        if date == 11:
            missed = [t for who in ("cf-cadre", "cf-township") for t in got[who] if t.startswith("【采样未完成】")]
            assert len(missed) == 2
        if date == 17:
            assert any("到明天（8月18日）就满了" in t for t in got[HOME])
    [round_11] = town.rows(SamplingRound, SamplingRound.day == dt.date(2021, 8, 11))
    assert round_11.status == "missed" and round_11.escalated_at is not None

    # Day 14, then the first day after: the record closes and the four are released.
    day(town, 18, {(9, 0): checked_in(town, 18)})
    got = day(town, 19, {})
    assert not any(t.startswith("早上好") for t in got.get(HOME, []))
    assert all(any(t.startswith("【四包一结束】") for t in got[who]) for who in FOUR)
    [quarantine] = town.rows(Quarantine)
    assert quarantine.status == "ended"
    assert all(a.released_at is not None for a in town.rows(CareAssignment))

    # Running a whole day's jobs again sends nothing twice.
    before = town.seen
    day(town, 19, {})
    assert town.seen == before


def test_a_reminder_that_first_goes_out_in_the_afternoon_does_not_say_good_morning(town):
    declare(town)
    town.new()
    town.jobs(local(6, 14, 0))  # the service was down all morning: the day's first reminder leaves at 14:00
    got = town.new()
    assert any(t.startswith("您好！今天是居家隔离第") for t in got[HOME])
    assert not any(t.startswith("早上好") for t in got[HOME])
