"""A checkpoint sighting of someone under a measure reaches their four and the town command, in one message each."""

from __future__ import annotations

from tests.support.care import bind, local
from tests.support.declarations import AUG5
from tests.support.isolation import Town, declare
from tests.support.isolation import town as town  # noqa: F401  (the fixture)
from tests.support.live import import_list

FOUR = ("cf-township", "cf-cadre", "cf-doctor", "cf-grid")
STAFF = ("cp-staff", "李卫国", "13900001111", "checkpoint", "鸣皋村")


def staffed(town: Town) -> Town:
    """The town of the isolation fortnight, with a checkpoint officer of 鸣皋村 bound."""
    bind(town.db, [STAFF])
    declare(town)
    town.new()  # what the declaration sent is not this test's business
    return town


def test_a_sighting_of_someone_isolated_at_home_alerts_the_four_and_the_town_command(town):
    staffed(town)
    reply = town.say("cp-staff", "登记 张建军 13812345678 郑州", local(6, 11))
    assert "这个人正在居家隔离（到8月18日），不应该在外面" in reply
    assert "已经报备过" not in reply
    # The officer hears who was told, by role and name.
    assert "已经发消息告诉：包村干部张包村、村干部刘支书、村医王村医、网格员赵网格" in reply
    assert "镇指挥部镇指挥部小周、工作区负责人一区李主任" in reply  # and the work area's lead
    sent = town.new()
    assert set(sent) == {*FOUR, "cf-command", "cf-lead"}  # never the reporter
    for who in sent:
        [text] = sent[who]  # one message per person
        assert text.startswith("【卡点发现管控人员】鸣皋村卡点值守李卫国（13900001111）登记：张建军 13812345678")
        assert "【在管控中】张建军（13812345678），鸣皋村，正在居家隔离（8月5日至8月18日）" in text
        assert "时间：8月6日11:00" in text


def test_an_anomaly_report_about_someone_isolated_carries_the_measure(town):
    staffed(town)
    town.say("cp-staff", "卡点报告", local(6, 11))
    steps = (
        ("张建军，电话13812345678，要出村去镇上", "几个人"), ("1", "从哪里来"), ("不知道", "健康码"),
        ("绿码", "车牌"), ("没有", "怎么处理"), ("劝他回家了", "请核对"),
    )  # fmt: skip
    for said, expected in steps:
        assert expected in town.say("cp-staff", said, local(6, 11, 1)), said
    reply = town.say("cp-staff", "对", local(6, 11, 2))
    assert reply.startswith("报告已经记下了，谢谢您！张建军正在居家隔离。") and "村医王村医" in reply
    sent = town.new()
    assert set(sent) == {*FOUR, "cf-command", "cf-lead"} and all(len(texts) == 1 for texts in sent.values())
    text = sent["cf-doctor"][0]
    assert text.startswith("【卡点报告】") and "【在管控中】张建军（13812345678），鸣皋村，正在居家隔离" in text


def test_someone_not_under_a_measure_is_only_recorded(town):
    staffed(town)
    reply = town.say("cp-staff", "登记 豫C99999 孙八 13800009999 北京", local(6, 11))
    assert "没查到返乡报备" in reply and "已经发消息告诉" not in reply
    assert town.new() == {}


def test_nobody_to_tell_is_said_plainly(server):
    import_list(server, AUG5)
    bare = Town(server)
    bind(bare.db, [STAFF])
    declare(bare)
    reply = bare.say("cp-staff", "登记 张建军 13812345678", local(6, 11))
    assert "正在居家隔离" in reply and "都还没有人绑定，消息发不出去，请马上打电话报告镇里" in reply
    assert bare.new() == {}
