"""Sampling rounds: the doctor's list the evening before, 采样 N 完成 / 未完成 in the chat, missed rounds escalated."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from broadcasts.care.sampling import escalate_missed, remind_eve
from broadcasts.jobs import run_due
from broadcasts.scheduler import run_job
from models.care import SamplingRound
from models.db import transaction
from models.quarantine import Quarantine
from tests.support.care import ROSTER, bind, change, isolate, local, outbox, quarantine_of, rounds


@pytest.fixture
def town(server):
    """The server with 鸣皋村's roster bound, and a village cadre of 孙村."""
    bind(server.state.db, [*ROSTER, ("sp-other", "孙村支书", "13900000009", "village_cadre", "孙村")])
    return server


def round_ids(db, declaration_id: int) -> dict[int, int]:
    """{day of August: round id} of the declaration's active record."""
    with transaction(db) as session:
        rows = session.execute(
            select(SamplingRound.day, SamplingRound.id)
            .join(Quarantine, Quarantine.id == SamplingRound.quarantine_id)
            .where(Quarantine.declaration_id == declaration_id, Quarantine.status == "active")
        )
        return {day.day: rid for day, rid in rows}


def say(server, openid: str, text: str, moment: dt.datetime) -> str:
    with time_machine.travel(moment, tick=True):
        return server.client(openid).say(text) or ""


def job(server, function, moment) -> int:
    return run_job(server.state.db, function, moment, server.settings)


def test_the_doctor_is_reminded_the_evening_before_and_the_household_is_told(town):
    db = town.state.db
    first = isolate(db, "sp-a", "张桂兰", members=("李秀英", "王小明"))
    second = isolate(db, "sp-b", "李建国")
    a, b = round_ids(db, first), round_ids(db, second)
    assert job(town, escalate_missed, local(6, 18)) == 2  # today's catch-up rounds were not done
    assert job(town, remind_eve, local(7, 18, 59)) == 0
    assert job(town, remind_eve, local(7, 19)) == 3
    assert job(town, remind_eve, local(7, 22)) == 0
    [doctor] = outbox(db, prefix="sampling:eve:")["cf-doctor"]
    assert doctor == (
        "【明天上门采样】8月8日，共2户：\n"
        f"1. 采样编号{a[8]}：张桂兰（13812345678），鸣皋村，同住李秀英、王小明，居家隔离第4天，第2次核酸\n"
        f"2. 采样编号{b[8]}：李建国（13812345678），鸣皋村，居家隔离第4天，第2次核酸\n"
        f"采完回「采样 编号 完成」，比如「采样 {a[8]} 完成」；没采成回「采样 {a[8]} 未完成 原因」。\n"
        f"还没补采的：采样编号{a[6]} 张桂兰 8月6日第1次、采样编号{b[6]} 李建国 8月6日第1次"
    )
    assert outbox(db, prefix=f"sampling:{a[8]}:notice")["sp-a"] == [
        "张桂兰，您好！明天（8月8日）村医王村医会上门给您做核酸（第2次），一起回来的李秀英、王小明也一起做。"
        "请在家等着，不要出门。"
    ]
    assert set(outbox(db, prefix="sampling:eve:")) == {"cf-doctor"}  # the other three are not troubled
    # Declared that evening: tomorrow's round joins, and the doctor gets the whole list again.
    late = isolate(db, "sp-c", "王秀英", by="sp-c-son", now=local(7, 20))
    assert job(town, remind_eve, local(7, 20, 1)) == 2
    assert "共3户" in outbox(db, prefix="sampling:eve:")["cf-doctor"][1]
    assert outbox(db, prefix=f"sampling:{round_ids(db, late)[8]}:notice")["sp-c-son"] == [
        "您好！明天（8月8日）村医王村医会上门给王秀英做核酸（第1次）。请在家等着，不要出门。"
    ]


def test_a_declaration_after_six_in_the_evening_owes_its_sampling_tomorrow(town):
    db = town.state.db
    declaration_id = isolate(db, "sp-late", "郑秋菊", now=local(6, 19))
    assert [d.day for d, _ in rounds(db, declaration_id)] == [7, 8, 11, 18]
    assert job(town, escalate_missed, local(6, 23)) == 0


def test_the_doctor_records_rounds_done_and_not_done_in_the_chat(town):
    db = town.state.db
    a = round_ids(db, isolate(db, "sp-a", "张桂兰"))
    b = round_ids(db, isolate(db, "sp-b", "李建国"))
    at = local(8, 10)
    assert (
        say(town, "cf-doctor", f"采样 {a[8]} 完成", at)
        == "好的，记下了：张桂兰（鸣皋村）8月8日第2次核酸已采。下次是8月11日。"
    )
    assert (
        say(town, "cf-doctor", f"采样{a[8]}完成", at)
        == f"采样编号{a[8]}已经记为采完了（您，8月8日10:00），不用再登记。"
    )
    assert say(town, "cf-doctor", f"采样 {a[11]} 完成", at) == f"采样编号{a[11]}是8月11日的，还没到日子，到那天再登记。"
    assert "请把没采成的原因也写上" in say(town, "cf-doctor", f"采样 {b[8]} 未完成", at)
    reply = say(town, "cf-doctor", f"采样 {b[8]} 未完成，家里没人", at)
    assert reply == (
        "好的，记下了：李建国（鸣皋村）8月8日第2次核酸没采成，原因：家里没人。\n"
        f"已告诉村干部和包村干部。补采以后请回「采样 {b[8]} 完成」。"
    )
    told = outbox(db, prefix=f"sampling:{b[8]}:")
    assert set(told) == {"cf-cadre", "cf-township"}
    assert (
        "王村医说原因：家里没人" in told["cf-cadre"][0] and "负责的村医：王村医（13900000003）" in told["cf-cadre"][0]
    )
    assert job(town, escalate_missed, local(8, 18)) == 2  # the two catch-up rounds of 8月6日, not this one again
    assert outbox(db, prefix=f"sampling:{b[8]}:missed") == {}
    # Anyone of the household's four may record it; the cadres who heard hear it is settled.
    reply = say(town, "cf-grid", f"采样 {b[8]} 完成", local(8, 16))
    assert reply == "好的，记下了：李建国（鸣皋村）8月8日第2次核酸已补采，已告诉村干部和包村干部。下次是8月11日。"
    assert outbox(db, prefix=f"sampling:{b[8]}:done")["cf-cadre"] == [
        f"【已补采】李建国（鸣皋村）8月8日第2次核酸已由赵网格采完（采样编号{b[8]}）。"
    ]
    last = say(town, "cf-doctor", f"采样 {a[18]} 完成", local(18, 9))
    assert last.endswith("这是最后一次。")


def test_a_missed_round_is_escalated_once_and_listed_in_todo(town):
    db = town.state.db
    a = round_ids(db, isolate(db, "sp-a", "张桂兰"))
    assert job(town, escalate_missed, local(6, 17, 59)) == 0
    assert job(town, escalate_missed, local(6, 18)) == 1
    assert job(town, escalate_missed, local(6, 23)) == 0 and job(town, escalate_missed, local(7, 9)) == 0
    missed = outbox(db, prefix=f"sampling:{a[6]}:missed")
    assert set(missed) == {"cf-cadre", "cf-township"}
    assert missed["cf-cadre"] == [
        f"【采样未完成】张桂兰（13812345678），鸣皋村，8月6日第1次核酸还没采（采样编号{a[6]}）。\n"
        f"负责的村医：王村医（13900000003）\n请联系村医尽快补采，采完回「采样 {a[6]} 完成」。"
    ]
    todo = say(town, "cf-cadre", "待办", local(7, 10))
    assert f"采样编号{a[6]}：张桂兰（鸣皋村），8月6日第1次核酸，没采成，待补采" in todo
    assert f"采样编号{a[8]}" not in todo  # a round still to come is the doctor's
    doctor = say(town, "cf-doctor", "待办", local(7, 10))
    assert f"采样编号{a[6]}" in doctor and f"采样编号{a[8]}：张桂兰（鸣皋村），8月8日第2次核酸，明天要采" in doctor
    assert f"回「采样 {a[8]} 完成」" in doctor
    assert "采样编号" not in say(town, "cf-grid", "待办", local(7, 10))
    say(town, "cf-doctor", f"采样 {a[6]} 完成", local(7, 11))
    assert set(outbox(db, prefix=f"sampling:{a[6]}:done")) == {"cf-cadre", "cf-township"}
    assert f"采样编号{a[6]}" not in say(town, "cf-cadre", "待办", local(7, 12))


def test_people_outside_the_household_are_refused_politely(town):
    db = town.state.db
    declaration_id = isolate(db, "sp-a", "张桂兰")
    a = round_ids(db, declaration_id)
    at = local(6, 11)
    only = "抱歉，采样登记只有负责这户的村医和干部才能用。"
    assert say(town, "sp-a", f"采样 {a[6]} 完成", at) == only
    assert say(town, "sp-villager", f"采样 {a[6]} 未完成 不想做", at) == only
    assert say(town, "sp-villager", "采样 99999 完成", at) == only
    assert say(town, "sp-other", f"采样 {a[6]} 完成", at) == (
        f"抱歉，采样编号{a[6]}是鸣皋村的，不归您管，请交给这户的村医或鸣皋村的干部。"
    )
    assert say(town, "sp-other", "采样 99999 完成", at) == "没有找到采样编号99999，请核对一下提醒消息里的编号。"
    assert rounds(db, declaration_id)[0] == (dt.date(2021, 8, 6), "due")
    # A record replaced since: the same day's round of the one in force is named.
    change(db, declaration_id, "居家隔离", now=local(6, 12), end=dt.date(2021, 8, 19))
    new = round_ids(db, declaration_id)
    assert say(town, "cf-doctor", f"采样 {a[6]} 完成", at) == (
        f"这一户的管控调整过，这次采样现在是采样编号{new[6]}，请回「采样 {new[6]} 完成」。"
    )
    change(db, declaration_id, "无需隔离", now=local(6, 13))
    assert say(town, "cf-doctor", f"采样 {new[6]} 完成", at) == (
        f"采样编号{new[6]}（张桂兰）的管控已经结束或取消了，不用再登记。"
    )


def test_a_two_week_home_isolation_day_by_day(town):
    """Every job every few hours from the evening of the declaration to the day after the end, twice each time."""
    db, settings = town.state.db, town.settings
    declaration_id = isolate(db, "sp-home", "张桂兰", members=("李秀英",), now=local(5, 20))
    ids = round_ids(db, declaration_id)
    assert sorted(ids) == [6, 8, 11, 18]

    def mine() -> int:
        return sum(len(texts) for prefix in ("sampling:", "care:") for texts in outbox(db, prefix=prefix).values())

    moments = [local(5, 21)] + [local(d, h) for d in range(6, 20) for h in (0, 8, 9, 12, 18, 19, 21)]
    for moment in moments:
        if moment.hour == 12 and moment.day in ids and moment.day != 11:
            say(town, "cf-doctor", f"采样 {ids[moment.day]} 完成", moment)
        run_due(db, settings, moment)
        before = mine()
        run_due(db, settings, moment)
        assert mine() == before, moment  # each occurrence once
    assert len(outbox(db, prefix="sampling:eve:")["cf-doctor"]) == 4
    told = [text.split("（")[1].split("）")[0] for text in outbox(db, prefix="sampling:")["sp-home"]]
    assert told == ["8月6日", "8月8日", "8月11日", "8月18日"]
    missed = outbox(db, prefix="sampling:")
    assert [t for t in missed["cf-cadre"] if t.startswith("【采样未完成】")] == [
        f"【采样未完成】张桂兰（13812345678），鸣皋村，8月11日第3次核酸还没采（采样编号{ids[11]}）。\n"
        f"负责的村医：王村医（13900000003）\n请联系村医尽快补采，采完回「采样 {ids[11]} 完成」。"
    ]
    assert "cf-doctor" not in {k for k, v in missed.items() if any(t.startswith("【采样未完成】") for t in v)}
    assert rounds(db, declaration_id) == [] and quarantine_of(db, declaration_id).status == "ended"
    quarantine_id = quarantine_of(db, declaration_id).id
    assert len(outbox(db, prefix=f"care:{quarantine_id}:end")["sp-home"]) == 2
    assert len(outbox(db, prefix=f"care:{quarantine_id}:closed")) == 4
