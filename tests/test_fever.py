"""Fever reports from villagers not under a measure: stored, the village doctor alerted at once, the sender told
what to do, and only what is missing asked afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.conversation import ConversationState
from models.db import transaction
from tests.support.checkins import CADRES, at, bind, fevers, household, local, person, sent, village_id
from tests.support.conversation import profile, run

ADVICE = ("不要去药店找退烧药", "鸣皋镇卫生院发热门诊", "在家待着")


@pytest.fixture
def town(server):
    bind(server, (*CADRES, ("fv-lead", "一区赵主任", "13300001111", "work_area_lead", "张村")))
    return server


def villager(server, openid: str, name: str | None, phone: str | None, village: str | None) -> None:
    with transaction(server.state.db) as session:
        person(session, openid, name, phone, village_id(session, village) if village else None)


def alerts(server, key: str = "") -> dict[str, str]:
    return {recipient: text for k, recipient, text in sent(server, prefix="fever:", kind="alert") if key in k}


def in_conversation(server, openid: str) -> bool:
    with transaction(server.state.db) as session:
        return session.get(ConversationState, openid) is not None


def test_one_message_that_says_enough_is_enough(town):
    villager(town, "fv-mother", "张桂兰", "13812340000", "鸣皋村")
    with at(local(6, 21)):
        reply = town.client("fv-mother").say("我家孩子发烧37度9 还拉肚子")
    assert reply.startswith("已经告诉村医王村医（13900001111），村医会尽快给您打电话。")
    assert all(advice in reply for advice in ADVICE) and "？" not in reply  # nothing asked
    assert not in_conversation(town, "fv-mother")
    assert set(alerts(town)) == {"ci-doctor"}  # the doctor alone, at once
    assert alerts(town)["ci-doctor"] == (
        "【发热报告】张桂兰家的孩子，鸣皋村\n体温37.9℃，拉肚子\n联系电话：13812340000\n"
        "请马上打电话问问情况，需要的话安排去鸣皋镇卫生院发热门诊。"
    )
    [report] = fevers(town)
    assert (report.source, report.name, report.temperature, report.symptoms) == ("report", "孩子", 37.9, "拉肚子")
    assert report.quarantine_id is None and report.village_id is not None


def test_a_normal_reading_beside_a_fever_is_still_a_fever(town):
    villager(town, "fv-father", "李建国", "13812341111", "鸣皋村")
    with at(local(6, 21)):
        reply = town.client("fv-father").say("我36.5，孩子38度")
    assert "已经告诉村医" in reply
    assert "孩子" in alerts(town)["ci-doctor"] and "体温38.0℃" in alerts(town)["ci-doctor"]


def test_a_first_message_that_says_little_is_alerted_at_once_and_completed_question_by_question(town):
    client = town.client("fv-new")
    with at(local(6, 22)):
        reply = client.say("发烧了")
        assert reply.startswith("已经报给镇上负责防疫的同志") and reply.endswith(
            "您是哪个村的？村医好上门。直接写村名就行，比如：鸣皋"
        )
        assert set(alerts(town)) == {"ci-command"}  # no village yet: the town command hears at once
        assert (
            "一位村民，村子还不知道（正在问）\n发烧，体温还没量\n联系电话：还不知道（正在问）"
            in alerts(town)["ci-command"]
        )
        reply = client.say("鸣皋")
        assert reply.startswith("已经告诉村医") and reply.endswith("您的手机号是多少？村医好给您打电话。")
        # The village's doctor hears as soon as the village is known, not after the remaining questions.
        doctor = alerts(town, ":alert:")["ci-doctor"]
        assert doctor.startswith("【发热报告】一位村民，鸣皋村\n发烧，体温还没量\n联系电话：还不知道（正在问）")
        run(client, [("139 1234 5678", "量体温了吗"), ("38度5 还有点咳嗽", "已经补充告诉村医了")])
    more = alerts(town, ":more:")
    assert set(more) == {"ci-command", "ci-doctor"}  # both hear the rest as one 补充
    assert more["ci-doctor"].startswith("【补充】一位村民的发热报告（鸣皋村）：\n体温38.5℃，咳嗽\n联系电话：139")
    assert more["ci-command"].startswith("【补充】一位村民的发热报告（鸣皋村）：\n体温38.5℃，咳嗽")
    [report] = fevers(town)
    assert (report.temperature, report.symptoms) == (38.5, "咳嗽") and report.village_id is not None
    assert profile(town, "fv-new") == (None, "13912345678", "鸣皋村")


def test_a_known_villager_is_asked_only_the_temperature(town):
    villager(town, "fv-known", "王大爷", "13812342222", "鸣皋村")
    client = town.client("fv-known")
    with at(local(6, 22)):
        reply = client.say("嗓子疼 好像发热了")
        assert reply.endswith("量体温了吗？多少度？没量的话回「没量」。")
        assert (
            "王大爷（本人报告），鸣皋村\n发烧，体温还没量，嗓子疼\n联系电话：13812342222" in alerts(town)["ci-doctor"]
        )
        assert client.say("家里没有体温计").startswith("好的。请在家等村医电话")
    assert alerts(town, ":more:") == {}  # nothing new to tell


def test_writing_again_about_the_same_child_is_news_of_the_same_fever(town):
    villager(town, "fv-again", "张桂兰", "13812340000", "鸣皋村")
    client = town.client("fv-again")
    with at(local(6, 21)):
        client.say("我家孩子发烧37度9 还拉肚子")
    with at(local(6, 23, 30)):
        reply = client.say("孩子还在烧，39度了，咳嗽")
    assert reply.startswith("已经告诉村医王村医（13900001111）") and "？" not in reply
    [report] = fevers(town)
    assert (report.temperature, report.symptoms, report.follow_ups) == (39.0, "拉肚子、咳嗽", 1)
    assert alerts(town, ":again:1")["ci-doctor"] == (
        "【发热报告·家里又来消息】张桂兰家的孩子，鸣皋村（8月6日21:00第一次报告）\n体温39.0℃，拉肚子，咳嗽\n"
        "联系电话：13812340000\n请尽快打电话问问情况，需要的话安排去鸣皋镇卫生院发热门诊。"
    )
    with at(local(6, 23, 40)):
        client.say("我自己也发烧了38度")  # the mother herself: a second person, a second report
    with at(local(7, 10)):
        client.say("孩子又烧起来了 38度5")  # the next morning, past the window: a new report
    reports = fevers(town)
    assert [(r.name, r.temperature, r.follow_ups) for r in reports] == [
        ("孩子", 39.0, 1), (None, 38.0, 0), ("孩子", 38.5, 0)
    ]  # fmt: skip
    kinds = [key.split(":")[2] for key, *_ in sent(town, prefix="fever:")]
    assert kinds == ["alert", "again", "alert", "alert"]  # the doctor heard of three fevers, one of them twice


def test_saying_the_same_fever_again_while_asked_for_the_phone_alerts_once_and_drops_nothing(town):
    client = town.client("fv-twice")  # no profile yet: the report asks for the village, then the phone
    with at(local(6, 21)):
        first = client.say("俺老伴发烧了")
    with at(local(6, 21, 1)):
        again = client.say("俺老伴发烧了")  # an elderly sender, unsure the first one went
    assert "哪个村" in first and "哪个村" in again and "先放一放" not in again
    assert again.startswith("已经报给镇上负责防疫的同志") or again.startswith("已经告诉")
    with at(local(6, 21, 2)):
        assert "手机号" in client.say("鸣皋")
    [report] = fevers(town)
    assert report.follow_ups == 0
    # Nothing new in the repeat: one alert to the town command, then one to the doctor once the village is known.
    alerted = [(key.split(":")[2], key.split(":")[3]) for key, *_ in sent(town, prefix="fever:")]
    assert [kind for kind, _ in alerted] == ["alert", "alert"] and len({pid for _, pid in alerted}) == 2


def test_a_village_without_a_doctor_goes_up_the_chain(town):
    villager(town, "fv-sun", "孙大娘", "13812343333", "孙村")
    with at(local(6, 22)):
        reply = town.client("fv-sun").say("俺娘发烧了 烧到39度")
    assert reply.startswith("已经报给镇上负责防疫的同志") and "？" not in reply
    assert set(alerts(town)) == {"fv-lead", "ci-command"}
    assert "孙大娘家的娘，孙村\n体温39.0℃" in alerts(town)["fv-lead"]


def test_the_village_named_in_the_message_routes_it(town):
    client = town.client("fv-stranger")
    with at(local(6, 22)):
        reply = client.say("我是鸣皋村的，孩子发烧38度")
        assert reply.endswith("您的手机号是多少？村医好给您打电话。")
        assert set(alerts(town)) == {"ci-doctor"}
        assert "已经补充告诉村医了" in client.say("13912340000")
    assert "联系电话：13912340000" in alerts(town, ":more:")["ci-doctor"]


def test_the_menu_says_what_to_send_and_a_normal_temperature_needs_no_report(town):
    client = town.client("fv-menu")
    assert "直接告诉我：是谁、多少度、有什么不舒服" in client.event("CLICK", "FEVER")
    assert "比如：「孩子发烧38度5，还咳嗽」" in client.say("发烧报告")
    assert "不用每天报体温" in client.say("体温36.5")
    assert fevers(town) == [] and sent(town) == []


@pytest.mark.parametrize(
    ("answer", "patient", "who"),
    [
        ("我自己", "张桂兰（本人报告）", None),
        ("是俺娘", "张桂兰家的娘", "娘"),
        ("俺家那口子", "张桂兰家的老伴", "老伴"),
    ],
)
def test_the_menus_question_answered_with_who_alone_is_the_report(town, answer, patient, who):
    villager(town, "fv-who", "张桂兰", "13812340000", "鸣皋村")
    client = town.client("fv-who")
    with at(local(6, 21)):
        client.say("发烧报告")
        reply = client.say(answer)
    assert reply.startswith("已经告诉村医王村医（13900001111）") and reply.endswith("多少度？没量的话回「没量」。")
    alert = f"【发热报告】{patient}，鸣皋村\n体温还没量，不舒服\n联系电话：13812340000"  # unwell: why they said who
    assert alerts(town)["ci-doctor"].startswith(alert)
    [report] = fevers(town)
    assert (report.source, report.name, report.temperature, report.symptoms) == ("report", who, None, "不舒服")
    with at(local(6, 21)):
        assert "已经补充告诉村医了" in client.say("38度2")
    assert "体温38.2℃" in alerts(town, ":more:")["ci-doctor"]


def test_only_the_message_right_after_the_menu_is_read_as_its_answer(town):
    villager(town, "fv-later", "李建国", "13812341111", "鸣皋村")
    client = town.client("fv-later")
    with at(local(6, 21)):
        assert "没太看明白" in client.say("我自己")  # no question was asked
        client.say("发烧报告")
        assert "不客气" in client.say("好的")  # names nobody: read as usual, no report
        assert "没太看明白" in client.say("我自己")  # the menu's question was answered already
        client.say("发烧报告")
        assert "您要买些什么" in client.say("我要申请物资")  # read as usual when it says something else
        client.say("取消")
        client.say("发烧报告")
    with at(local(6, 21, 31)):  # past the half hour a conversation is kept: no answer to that question any more
        reply = client.say("我自己")
    assert reply.startswith("不好意思，没太看明白。")
    assert fevers(town) == [] and alerts(town) == {}


def test_a_household_under_a_measure_naming_someone_after_the_menu_reports_through_its_check_in(town):
    household(town, "fv-home-menu", "赵德才", ("钱秀英/妻子",))
    client = town.client("fv-home-menu")
    with at(local(6, 9)):
        client.say("发烧报告")
        reply = client.say("俺媳妇")
    assert reply.startswith("收到。已记下：钱秀英不舒服。\n已经告诉村医王村医（13900001111）和包保干部")
    [report] = fevers(town)
    assert report.source == "checkin" and report.quarantine_id is not None and report.name == "钱秀英"
    assert set(alerts(town)) == {"ci-doctor", "ci-cadre"}


def test_a_household_whose_village_has_only_a_doctor_is_not_told_a_cadre_heard(town):
    bind(town, (("fv-sun-doctor", "孙村医", "13900002222", "village_doctor", "孙村"),))
    household(town, "fv-sun-home", "孙老汉", village_name="孙村")
    with at(local(6, 9)):
        reply = town.client("fv-sun-home").say("发烧38度5")
    assert "已经告诉村医孙村医（13900002222），村医会尽快给您打电话。" in reply and "包保干部" not in reply
    assert set(alerts(town)) == {"fv-sun-doctor"}


def test_a_household_under_a_measure_reports_fever_through_its_check_in(town):
    household(town, "fv-home", "赵德才")
    with at(local(6, 9)):
        reply = town.client("fv-home").say("发烧39度")
    assert reply.startswith("收到。已记下：赵德才39.0℃。\n已经告诉村医王村医（13900001111）和包保干部")
    [report] = fevers(town)
    assert report.source == "checkin" and report.quarantine_id is not None and report.name is None
    assert set(alerts(town)) == {"ci-doctor", "ci-cadre"}  # nobody assigned yet: the village cadre too
    with transaction(town.state.db) as session:
        assert session.execute(select(ConversationState)).first() is None
