"""Daily check-ins, day by day with time frozen: reminders, check-ins by message, the noon reminder, the evening
alert to the responsible people, fevers found in a check-in, and Asia/Shanghai's midnight."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from broadcasts.care import checkins as care_checkins
from broadcasts.jobs import run_due
from models.care import CheckIn
from models.db import transaction
from tests.support.checkins import at, bind, fevers, household, local, person, sent

# 四包一 of the main household (as the care engineer's code leaves them).
CARE = (
    ("ci-township", "赵包村", "13500001111", "township_cadre"),
    ("ci-cadre", None, None, "village_cadre"),
    ("ci-doctor", None, None, "village_doctor"),
    ("ci-police", "钱民警", "13400001111", "police"),
)


def jobs(server, moment: dt.datetime) -> int:
    """Run every job at that moment; how many check-in messages they queued."""
    done = run_due(server.state.db, server.settings, moment)
    return sum(done.get(name, 0) for name, _ in care_checkins.JOBS)


def to(server, openid: str, prefix: str = "") -> list[str]:
    return [text for _, recipient, text in sent(server, prefix=prefix) if recipient == openid]


def checkins(server) -> list[tuple]:
    with transaction(server.state.db) as session:
        rows = session.execute(select(CheckIn).order_by(CheckIn.id)).scalars().all()
        return [(r.day, r.member, r.temperature, r.fever, r.symptoms) for r in rows]


@pytest.fixture
def town(server):
    bind(server)
    return server


@pytest.fixture
def family(town):
    """张建军 in home isolation 8月5日-8月18日 with his wife and son, and their four responsible people."""
    household(town, "ci-home", "张建军", ("李桂兰", "张小明"), care=CARE)
    return town


def test_reminders_come_at_their_times_and_once(family):
    assert jobs(family, local(6, 7, 59)) == 0
    assert to(family, "ci-home") == []
    assert jobs(family, local(6, 8, 0)) == 1
    [reminder] = to(family, "ci-home")
    assert "居家隔离第2天（8月5日至8月18日）" in reminder
    assert "张建军、李桂兰、张小明" in reminder and "全家正常" in reminder and "张建军36.5，李桂兰36.5" in reminder
    [(key, _, _)] = sent(family, prefix="checkin:")
    assert key == f"checkin:2021-08-06:remind:{_account(family, 'ci-home')}"
    assert jobs(family, local(6, 8, 1)) == 0 and jobs(family, local(6, 11, 59)) == 0  # once a day
    assert jobs(family, local(7, 8, 0)) == 1  # and again the next morning
    assert "居家隔离第3天" in to(family, "ci-home")[-1]


def _account(server, openid: str) -> int:
    with transaction(server.state.db) as session:
        return person(session, openid)


def test_a_household_checks_in_person_by_person(family):
    client = family.client("ci-home")
    with at(local(6, 8, 30)):
        reply = client.say("我36.5，小明36.8")
    assert "已记下：张建军36.5℃、张小明36.8℃" in reply
    assert "今天还差李桂兰的体温" in reply and "「李桂兰36.5」" in reply
    with at(local(6, 9)):
        assert "今天全家的体温都报齐了" in client.say("李桂兰 36度6")
    assert checkins(family) == [
        (dt.date(2021, 8, 6), None, 36.5, False, None),
        (dt.date(2021, 8, 6), "张小明", 36.8, False, None),
        (dt.date(2021, 8, 6), "李桂兰", 36.6, False, None),
    ]
    assert jobs(family, local(6, 12)) == 0 and jobs(family, local(6, 18)) == 0
    assert sent(family, kind="alert") == []


def test_a_member_may_be_called_as_the_family_calls_her(town):
    household(town, "ci-wife", "王大勇", ("李秀英/妻子", "王小明/儿子"))
    with at(local(6, 8, 30)):
        reply = town.client("ci-wife").say("体温36.5，媳妇36.8，孩子36.6")
    assert "已记下：王大勇36.5℃、李秀英36.8℃、王小明36.6℃" in reply and "都报齐了" in reply
    with at(local(7, 8, 30)):
        reply = town.client("ci-wife").say("媳妇发烧了 38度")  # the temperature is hers, not the sender's
    assert "已记下：李秀英38.0℃" in reply
    assert [(r.name, r.temperature) for r in fevers(town)] == [("李秀英", 38.0)]


def test_the_whole_family_at_once_and_a_household_of_one(family):
    household(family, "ci-alone", "孙德胜")
    with at(local(6, 7, 30)):
        assert "已记下：全家正常。\n今天全家的体温都报齐了" in family.client("ci-home").say("全家都正常")
        assert "已记下：孙德胜36.5℃。\n今天您的体温都报齐了" in family.client("ci-alone").say("36度5")
    assert [row[1:3] for row in checkins(family)] == [("全家", None), (None, 36.5)]
    assert jobs(family, local(6, 8)) == 0  # both already reported: no reminder


def test_a_missed_day_climbs_from_reminders_to_the_responsible_people(family):
    assert jobs(family, local(6, 8)) == 1
    with at(local(6, 10)):
        assert "还差李桂兰、张小明" in family.client("ci-home").say("体温36.6")
    assert jobs(family, local(6, 11, 59)) == 0
    assert jobs(family, local(6, 12)) == 1
    second = to(family, "ci-home")[-1]
    assert second.startswith("今天还没收到李桂兰、张小明的体温") and "李桂兰36.5，张小明36.5" in second
    assert jobs(family, local(6, 17, 59)) == 0
    assert jobs(family, local(6, 18)) == 4  # the four responsible people, each once
    alerts = {recipient: text for _, recipient, text in sent(family, prefix="checkin:", kind="alert")}
    assert set(alerts) == {"ci-township", "ci-cadre", "ci-doctor", "ci-police"}
    text = alerts["ci-police"]
    assert text.startswith("【未报体温】鸣皋村张建军（13812345678）家，居家隔离第2天（8月5日至8月18日）")
    assert "今天到18:00还没报体温：李桂兰、张小明" in text
    assert jobs(family, local(6, 23, 59)) == 0  # once a day
    assert "ci-command" not in alerts  # the town command is not troubled with a missed check-in


def test_without_responsible_people_the_village_cadre_and_doctor_are_alerted(town):
    household(town, "ci-bare", "李建国")
    assert jobs(town, local(6, 8)) == 1
    assert jobs(town, local(6, 12)) == 1
    assert jobs(town, local(6, 18)) == 2
    assert {recipient for _, recipient, _ in sent(town, kind="alert")} == {"ci-cadre", "ci-doctor"}


def test_a_fever_in_a_check_in_alerts_the_doctor_and_the_responsible_people_at_once(family):
    with at(local(6, 9)):
        reply = family.client("ci-home").say("我36.5，小明37.9 拉肚子，桂兰正常")
    assert "已记下：张建军36.5℃、张小明37.9℃、拉肚子、李桂兰正常" in reply
    assert "已经告诉村医王村医（13900001111）和包保干部" in reply
    assert "不要去药店找退烧药" in reply and "村里安排车送去鸣皋镇卫生院发热门诊" in reply
    assert "量体温" not in reply  # the temperature was given: nothing to ask
    alerts = {recipient: text for _, recipient, text in sent(family, prefix="fever:")}
    assert set(alerts) == {"ci-doctor", "ci-township", "ci-cadre", "ci-police"}
    text = alerts["ci-doctor"]
    assert text.startswith("【发热】鸣皋村张建军家（居家隔离第2天，8月5日至8月18日）报告：\n张小明：体温37.9℃，拉肚子")
    assert "联系电话：13812345678" in text
    [report] = fevers(family)
    assert (report.source, report.name, report.temperature, report.symptoms) == ("checkin", "张小明", 37.9, "拉肚子")
    assert report.quarantine_id is not None and report.village_id is not None
    assert [row[1:4] for row in checkins(family)] == [
        (None, 36.5, False),
        ("张小明", 37.9, True),
        ("李桂兰", None, False),
    ]


def test_a_symptom_without_a_temperature_asks_for_it_and_the_answer_follows(family):
    client = family.client("ci-home")
    with at(local(6, 9)):
        reply = client.say("全家正常，就是小明有点咳嗽")
        assert "已记下：张小明咳嗽、张建军正常、李桂兰正常" in reply
        assert reply.endswith("张小明量体温了吗？多少度？没量的话回「没量」。")
        assert "请写多少度" in client.say("还没")
        assert "已经补充告诉村医了" in client.say("37度6")
    more = {recipient: text for key, recipient, text in sent(family, prefix="fever:") if ":more:" in key}
    assert set(more) == {"ci-doctor", "ci-township", "ci-cadre", "ci-police"}
    assert "张建军家的张小明" in more["ci-doctor"] and "体温37.6℃，咳嗽" in more["ci-doctor"]
    [report] = fevers(family)
    assert (report.temperature, report.symptoms) == (37.6, "咳嗽")
    assert ("张小明", 37.6, True) in [row[1:4] for row in checkins(family)]


def test_nobody_is_reminded_before_the_measure_starts_or_after_it_ends(town):
    household(town, "ci-later", "未开始", start=dt.date(2021, 8, 7), created=local(6, 7))
    household(town, "ci-over", "已结束", start=dt.date(2021, 7, 20), end=dt.date(2021, 8, 5))
    household(town, "ci-closed", "已解除", status="ended")
    household(town, "ci-central", "集中隔离中", kind="集中隔离")
    household(town, "ci-home-after", "先集中后居家", kind="集中隔离", home_start=dt.date(2021, 8, 7))
    household(town, "ci-monitor", "健康监测", kind="居家健康监测")
    assert jobs(town, local(6, 8)) == 1
    assert [r for _, r, _ in sent(town, prefix="checkin:")] == ["ci-monitor"]
    assert jobs(town, local(7, 8)) == 3  # the measure begins; back home from the central site
    assert {r for _, r, _ in sent(town, prefix="checkin:2021-08-07")} == {"ci-later", "ci-home-after", "ci-monitor"}
    assert jobs(town, local(19, 8)) == 0  # every measure here ended on 8月18日 or before
    assert "不用每天报体温" in town.client("ci-over").say("体温36.5")


def test_a_measure_that_begins_in_the_afternoon_is_reminded_once_and_nobody_is_alerted(town):
    household(town, "ci-noon", "下午报备", start=dt.date(2021, 8, 6), created=local(6, 15))
    assert jobs(town, local(6, 15, 1)) == 1
    assert "居家隔离第1天" in to(town, "ci-noon")[0]
    assert jobs(town, local(6, 18)) == 0 and jobs(town, local(6, 23)) == 0
    assert jobs(town, local(7, 12)) == 1  # the job was down all morning: the morning reminder comes late...
    assert [key.split(":")[2] for key, _, _ in sent(town, prefix="checkin:2021-08-07")] == ["remind"]
    assert jobs(town, local(7, 18)) == 0  # ...and, sent after noon, is not followed by an alert


def test_days_turn_at_midnight_in_asia_shanghai(family):
    client = family.client("ci-home")
    with at(local(6, 23, 50)):  # 15:50 UTC
        client.say("全家正常")
    with at(local(7, 0, 10)):  # 16:10 UTC, still 8月6日 in UTC
        assert "今天还差张小明的体温" in client.say("张建军36.4，李桂兰36.5")  # 8月6日's 全家正常 is not today's
    assert [row[0] for row in checkins(family)] == [dt.date(2021, 8, 6), dt.date(2021, 8, 7), dt.date(2021, 8, 7)]
    assert jobs(family, local(7, 0, 10)) == 0 and jobs(family, local(7, 7, 59)) == 0
    assert jobs(family, local(7, 8)) == 1
    assert "张小明" in to(family, "ci-home")[-1] and "李桂兰" not in to(family, "ci-home")[-1]
    assert jobs(family, local(6, 23, 59)) == 0  # 8月6日 was fully reported: no alert that evening


def test_a_bare_check_in_word_asks_for_the_temperatures(family):
    with at(local(6, 9)):
        reply = family.client("ci-home").say("打卡")
    assert "请报一下今天的体温：张建军、李桂兰、张小明" in reply and checkins(family) == []


def test_jobs_are_idempotent_when_run_twice_at_the_same_moment(family):
    for moment in (local(6, 8), local(6, 12), local(6, 18)):
        first, again = jobs(family, moment), jobs(family, moment)
        assert first > 0 and again == 0
    assert len(sent(family, prefix="checkin:")) == 1 + 1 + 4


def test_a_check_in_or_a_fever_in_the_middle_of_another_form_is_not_lost(family):
    client = family.client("ci-home")
    with at(local(6, 8, 30)):
        assert "请核对您要的东西" in client.say("要两袋米")
        reply = client.say("全家正常")  # the morning reminder answered while confirming the request
        assert reply.startswith("收到，谢谢！") and "接着刚才的：请核对您要的东西" in reply
        assert "申请编号是" in client.say("对")
    assert {member for _, member, *_ in checkins(family)} == {"全家"}
    with at(local(6, 20)):
        assert "您要买些什么" in client.say("物资申请")
        reply = client.say("孩子发烧38度5")  # nothing more to ask about the fever: the question comes back
        assert "已经告诉村医" in reply and "接着刚才的：您要买些什么？" in reply
        reply = client.say("小明又咳嗽了")  # the doctor needs the temperature: the request waits
        assert reply.startswith("刚才的「物资申请」先放一放") and reply.endswith("没量的话回「没量」。")
    assert [r.temperature for r in fevers(family)] == [38.5, None]


def test_the_same_fever_checked_in_twice_is_one_report_and_the_doctor_hears_both(family):
    client = family.client("ci-home")
    with at(local(6, 8, 30)):
        client.say("小明38度")
    with at(local(6, 14)):
        assert "已经告诉村医" in client.say("小明38度6 还咳嗽")
    [report] = fevers(family)
    assert (report.name, report.temperature, report.symptoms, report.follow_ups) == ("张小明", 38.6, "咳嗽", 1)
    keys = [key.rsplit(":", 1)[0] for key, recipient, _ in sent(family, prefix="fever:") if recipient == "ci-doctor"]
    assert keys == [f"fever:{report.id}:alert", f"fever:{report.id}:again:1"]
    assert "张小明：体温38.6℃，咳嗽" in sent(family, prefix=f"fever:{report.id}:again")[0][2]
