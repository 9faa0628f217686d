"""返乡报备 as whole conversations (transcripts), through the real webhook, against the 8月5日 list."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from sqlalchemy import select

from models.conversation import ConversationState
from models.db import transaction
from models.declaration import Classification, Declaration, HouseholdMember
from models.outbox import OutboxMessage
from models.person import Person
from models.quarantine import Quarantine
from tests.support.conversation import profile, run
from tests.support.declarations import AUG5, ID_1980
from tests.support.live import PROJECT, SHANGHAI, import_list, invite_code, run_cli_here

ID_2008 = "410329200803150013"
TODAY = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def listed(server):
    """The server, with the 8月5日 list imported and picked up."""
    import_list(server, AUG5)
    return server


@pytest.fixture
def cadres(listed):
    """A village cadre (with name and phone) and a doctor of 鸣皋村, and a cadre of 孙村 who is not told."""
    for openid, village, role in (
        ("dr-cadre", "鸣皋", "village_cadre"),
        ("dr-doctor", "鸣皋", "village_doctor"),
        ("dr-other", "孙村", "village_cadre"),
    ):
        assert "绑定成功" in listed.client(openid).say(f"绑定 {invite_code(listed, village, role)}")
    run(
        listed.client("dr-cadre"),
        [("我的信息", "名字"), ("刘支书", "手机号"), ("13700001111", "请核对"), ("对", "已经保存")],
    )
    return listed


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=True):
        yield


def stored(server, openid: str) -> list[tuple[Declaration, Classification]]:
    with transaction(server.state.db) as session:
        person = session.execute(select(Person).where(Person.openid == openid)).scalar_one()
        rows = session.execute(
            select(Declaration, Classification)
            .join(Classification, Classification.declaration_id == Declaration.id)
            .where(Declaration.person_id == person.id, Classification.status == "current")
        ).all()
        return [tuple(row) for row in rows]


def alerts(server) -> dict[str, str]:
    """What each cadre was told of declarations: an alert, or a notice when no measure is needed."""
    with transaction(server.state.db) as session:
        query = select(OutboxMessage).where(OutboxMessage.kind.in_(("alert", "notice"))).order_by(OutboxMessage.id)
        rows = session.execute(query).scalars().all()
        return {row.recipient_openid: row.text for row in rows}


def declaration_count(server) -> int:
    with transaction(server.state.db) as session:
        return len(session.execute(select(Declaration)).scalars().all())


def quarantines(server) -> list[Quarantine]:
    with transaction(server.state.db) as session:
        return session.execute(select(Quarantine).order_by(Quarantine.id)).scalars().all()


def members(server) -> list[tuple[str, str | None]]:
    with transaction(server.state.db) as session:
        rows = session.execute(select(HouseholdMember).order_by(HouseholdMember.id)).scalars().all()
        return [(m.name, m.relation) for m in rows]


def test_medium_risk_street_means_home_isolation_and_alerts_the_village(cadres, today):
    client = cadres.client("dr-full")
    run(
        client,
        [
            ("返乡报备", "自己回来"),
            ("自己", "叫什么名字"),
            ("张桂兰", "手机号"),
            ("138 1234 5678", "身份证号"),
            (ID_1980[:-1] + "9", "有一位不对"),
            (ID_1980, "哪个村"),
            ("鸣皋", "从哪里回来"),
            ("郑州市二七区", "哪个街道"),
            ("长江路街道", "哪天到家"),
            ("8月5日", "哪天离开郑州市二七区"),
            ("当天", "怎么回来"),
            ("坐高铁", "车次"),
            ("g 1234", "健康码"),
            ("绿码", "一起回来"),
            ("我老婆李秀英和儿子王小明", "请核对您的返乡报备"),
        ],
    )
    summary = client.say("帮助")
    assert ID_1980 in summary and "高铁/火车（G1234）" in summary and "哪天离开：8月5日（当天到家）" in summary
    assert "李秀英（妻子）、王小明（儿子）" in summary
    reply = client.say("对")
    assert "报备好了" in reply and "居家隔离14天（8月5日至8月18日）" in reply
    assert "中风险：长江路街道海豫花园小区" in reply and "8月5日名单" in reply
    # Declared a day late: the 8月5日 sample is owed and taken today, as the doctor's rounds say.
    assert "村医今天（8月6日）会上门做核酸，一共4次（8月6日、8月8日、8月11日、8月18日）" in reply
    assert "一起回来的李秀英、王小明，也按这个办" in reply
    assert "刘支书：13700001111" in reply and "马上" not in reply
    assert "核酸：8月6日、8月8日、8月11日、8月18日" in alerts(cadres)["dr-doctor"]  # the days the household was told
    [(declaration, classification)] = stored(cadres, "dr-full")
    assert (declaration.origin_city, declaration.origin_district, declaration.origin_township) == (
        "郑州市",
        "二七区",
        "长江路街道",
    )
    assert declaration.arrived_on == declaration.left_on == dt.date(2021, 8, 5) and declaration.transport == "train"
    assert declaration.transport_detail == "G1234" and declaration.id_number == ID_1980
    assert declaration.health_code == "green" and declaration.village_id is not None
    assert declaration.relation is None and declaration.declared_by_person_id is None
    assert declaration.active_until == dt.date(2021, 8, 19)
    assert classification.rule_id == "medium_risk_14d" and classification.disposition == "居家隔离"
    assert classification.days == 14 and classification.end_on == dt.date(2021, 8, 18)
    assert classification.list_id is not None and classification.policy_version == "2021-08-05"
    assert json.loads(classification.sampling_dates)[0] == "2021-08-05"
    assert classification.matched_level == "medium" and not classification.alert
    assert members(cadres) == [("李秀英", "妻子"), ("王小明", "儿子")]
    [quarantine] = quarantines(cadres)
    assert (quarantine.kind, quarantine.start_on, quarantine.end_on) == (
        "居家隔离",
        dt.date(2021, 8, 5),
        dt.date(2021, 8, 18),
    )
    assert quarantine.status == "active" and quarantine.declaration_id == declaration.id
    assert json.loads(quarantine.sampling_dates) == ["2021-08-05", "2021-08-08", "2021-08-11", "2021-08-18"]
    sent = alerts(cadres)
    assert set(sent) == {"dr-cadre", "dr-doctor"}
    text = sent["dr-doctor"]
    assert f"返乡报备（第{declaration.id}号）：张桂兰（13812345678），鸣皋村" in text
    assert "郑州市二七区长江路街道" in text and "同行：李秀英（妻子）、王小明（儿子）" in text
    assert "居家隔离14天（8月5日至8月18日）" in text and "8月5日到家" in text and "依据：因为您" in text
    assert "【请马上联系】" not in text
    assert profile(cadres, "dr-full") == ("张桂兰", "13812345678", "鸣皋村")


def test_the_first_message_fills_origin_date_and_transport(cadres, today):
    client = cadres.client("dr-prefill")
    run(
        client,
        [
            ("俺昨天坐高铁从郑州二七区回来的", "叫什么名字"),
            ("李建国", "手机号"),
            ("13812345678", "身份证"),
            ("跳过", "哪个村"),
            ("鸣皋", "哪个街道"),
            ("不知道", "哪天离开"),
            ("8月3号", "车次"),
            ("不记得了", "健康码"),
            ("绿的", "一起回来"),
            ("没有", "请核对"),
        ],
    )
    summary = client.say("帮助")
    assert "郑州市二七区" in summary and "哪天离开：8月3日" in summary and "哪天到家：8月5日" in summary
    assert "身份证号：未填" in summary and "一起回来的人：无" in summary
    reply = client.say("对")
    assert "居家健康监测7天" in reply and "关联区域" in reply and "8月3日离开" in reply
    [(declaration, classification)] = stored(cadres, "dr-prefill")
    assert declaration.origin_township is None and classification.rule_id == "related_district_14d"
    assert declaration.left_on == dt.date(2021, 8, 3) and declaration.id_number is None
    assert [q.kind for q in quarantines(cadres)] == ["居家健康监测"]


def test_the_trip_told_while_another_question_is_asked_is_kept_and_not_asked_again(cadres, today):
    client = cadres.client("dr-ahead")
    run(client, [("返乡报备", "自己"), ("我自己", "名字"), ("孙秀兰", "手机号"), ("13812345678", "身份证")])
    reply = client.say("从郑州金水区回来的，昨天坐大巴")
    assert reply.startswith("好的，地方、到家日期、交通先记下了。\n请发一下您的身份证号") and "跳过" in reply
    run(client, [("跳过", "哪个村"), ("鸣皋", "哪个街道"), ("不知道", "哪天离开")])
    for said, asked in [("当天", "健康码"), ("绿码", "一起回来")]:
        reply = client.say(said)
        assert asked in reply and "从哪里回来" not in reply and "怎么回来" not in reply, reply
    summary = client.say("没有")
    assert "从哪里回来：郑州市金水区" in summary and "哪天到家：8月5日" in summary and "怎么回来的：大巴" in summary
    assert "报备好了" in client.say("对")
    [(declaration, _)] = stored(cadres, "dr-ahead")
    assert declaration.arrived_on == dt.date(2021, 8, 5) and declaration.left_on == dt.date(2021, 8, 5)


def test_a_reply_that_answers_no_question_is_asked_again_as_before(cadres, today):
    client = cadres.client("dr-nothing")
    run(client, [("返乡报备", "自己"), ("我自己", "名字"), ("孙秀兰", "手机号"), ("13812345678", "身份证")])
    reply = client.say("这个咋弄")
    assert "记下了" not in reply and "身份证" in reply


def test_a_known_villager_is_asked_only_what_is_missing(cadres, today):
    client = cadres.client("dr-known")
    run(
        client,
        [("我的信息", "名字"), ("王秀英", "手机号"), ("13812345678", "哪个村"), ("渡口", "请核对"), ("对", "保存")],
    )
    run(
        client,
        [
            ("俺今天自己开车从郑州金水区回来了，车牌豫C12345", "身份证"),
            (ID_1980, "哪个街道"),
            ("不清楚", "哪天离开"),
            ("当天", "健康码"),
            ("green", "一起回来"),
            ("没有", "请核对"),
        ],
    )
    reply = client.say("对")
    assert "居家健康监测" in reply and "郑州市金水区" in reply
    [(declaration, _)] = stored(cadres, "dr-known")
    assert declaration.transport_detail == "豫C12345"
    assert set(alerts(cadres)) == set()  # 渡口村 has no cadre bound


def test_an_unlisted_district_needs_no_isolation_and_no_street(cadres, today):
    client = cadres.client("dr-beijing")
    run(
        client,
        [
            ("我要报备", "自己回来"),
            ("我自己", "名字"),
            ("赵大妮", "手机号"),
            ("13812345678", "身份证"),
            ("不方便", "哪个村"),
            ("孙村", "从哪里回来"),
            ("北京市海淀区", "哪天到家"),
            ("刚回来", "哪天离开"),
            ("当天", "怎么回来"),
            ("不用", "健康码"),
            ("绿", "一起回来"),
            ("就我一个人", "请核对"),
        ],
    )
    reply = client.say("对")
    assert "无需隔离" in reply and "北京市海淀区不在8月5日中高风险地区名单上" in reply
    [(declaration, classification)] = stored(cadres, "dr-beijing")
    assert declaration.arrived_on == dt.date(2021, 8, 6) and declaration.transport == "other"
    assert classification.rule_id == "not_listed" and classification.end_on is None
    assert quarantines(cadres) == []
    # News, not a task: 孙村's cadre hears of it as a notice, which never becomes a phone call.
    with transaction(cadres.state.db) as session:
        told = session.execute(select(OutboxMessage).where(OutboxMessage.recipient_openid == "dr-other")).scalars()
        assert [(m.kind, "无需隔离" in m.text) for m in told] == [("notice", True)]


def test_a_yellow_code_means_central_isolation_and_an_urgent_alert_to_the_town_too(cadres, today):
    assert "绑定成功" in cadres.client("dr-command").say(f"绑定 {invite_code(cadres, '孙村', 'town_command')}")
    client = cadres.client("dr-yellow")
    run(
        client,
        [
            ("返乡报备", "自己"),
            ("自己", "名字"),
            ("陈国强", "手机号"),
            ("13812345678", "身份证"),
            (ID_1980, "哪个村"),
            ("鸣皋", "从哪里回来"),
            ("北京海淀", "哪天到家"),
            ("8月5日", "哪天离开"),
            ("8月5日", "怎么回来"),
            ("坐大巴", "健康码"),
            ("黄码", "一起回来"),
            ("没有", "请核对"),
        ],
    )
    reply = client.say("对")
    assert "集中隔离14天" in reply and "黄码" in reply and "马上给您打电话，安排车送到集中隔离点" in reply
    [(_, classification)] = stored(cadres, "dr-yellow")
    assert classification.rule_id == "health_code_yellow_red" and classification.alert
    sent = alerts(cadres)
    assert set(sent) == {"dr-cadre", "dr-doctor", "dr-command"}
    assert all(t.startswith("【请马上联系】") for t in sent.values())


def test_a_parent_declares_for_a_child(cadres, today):
    parent = cadres.client("dr-parent")
    run(
        parent,
        [("我的信息", "名字"), ("王老汉", "手机号"), ("13900001111", "哪个村"), ("鸣皋", "请核对"), ("对", "保存")],
    )
    run(
        parent,
        [
            ("俺孩儿昨天从郑州惠济区坐大巴回来", "您家孩子叫什么名字"),
            ("王小军", "孩子的手机号"),
            ("他没手机，用我的", "孩子的身份证号"),
            (ID_2008, "哪天离开"),
            ("当天", "孩子的健康码"),
            ("绿码", "有没有家里人跟孩子一起回来"),
            ("没有", "请核对孩子的返乡报备"),
        ],
    )
    summary = parent.say("帮助")
    assert "姓名：王小军" in summary and "电话：13900001111" in summary and "村：鸣皋村" in summary
    reply = parent.say("对")
    assert "报备好了" in reply and "郑州市惠济区" in reply
    [(declaration, _)] = stored(cadres, "dr-parent")
    assert declaration.name == "王小军" and declaration.relation == "孩子" and declaration.id_number == ID_2008
    assert declaration.declared_by_person_id == declaration.person_id
    assert "代报：王老汉（13900001111）替家里的孩子报备" in alerts(cadres)["dr-cadre"]
    assert profile(cadres, "dr-parent") == ("王老汉", "13900001111", "鸣皋村")  # the parent's own profile stays


def test_a_second_declaration_updates_the_open_one(cadres, today):
    client = cadres.client("dr-twice")
    first = [
        ("俺昨天从北京海淀区坐大巴回来", "名字"),
        ("冯玉珍", "手机号"),
        ("13812345678", "身份证"),
        ("跳过", "哪个村"),
        ("鸣皋", "哪天离开"),
        ("当天", "健康码"),
    ]
    run(client, [*first, ("绿码", "一起回来"), ("没有", "请核对"), ("对", "报备好了")])
    again = [("俺昨天从北京海淀区坐大巴回来", "身份证"), ("跳过", "哪天离开"), ("当天", "健康码")]
    run(client, [*again, ("红码", "一起回来"), ("没有", "请核对")])
    reply = client.say("对")
    assert reply.startswith("已经更新了您的报备") and "集中隔离14天" in reply
    assert declaration_count(cadres) == 1
    [(declaration, classification)] = stored(cadres, "dr-twice")
    assert declaration.health_code == "red" and declaration.updated_at is not None
    assert classification.rule_id == "health_code_yellow_red"
    with transaction(cadres.state.db) as session:
        history = session.execute(select(Classification.status).order_by(Classification.id)).scalars().all()
    assert history == ["superseded", "current"]
    assert [q.kind for q in quarantines(cadres)] == ["集中隔离"]
    assert alerts(cadres)["dr-cadre"].startswith("【请马上联系】【已更新】返乡报备")


def test_the_id_number_can_be_required_by_the_policy(servers, database_url, tmp_path, today):
    policy = tmp_path / "policy.toml"
    default = (PROJECT / "data" / "policy.toml").read_text(encoding="utf-8")
    policy.write_text(default.replace('id_number = "optional"', 'id_number = "required"'), encoding="utf-8")
    client = servers(policy_file=str(policy)).client("dr-required")
    run(client, [("返乡报备", "自己"), ("自己", "名字"), ("蒋小红", "手机号"), ("13812345678", "身份证")])
    run(client, [("跳过", "18位"), ("4103291980010100", "18位"), (ID_1980.lower(), "哪个村")])


def test_cancel_mid_way_stores_nothing(cadres, today):
    client = cadres.client("dr-cancel")
    run(client, [("返乡报备", "自己"), ("自己", "名字"), ("周小梅", "手机号"), ("13812345678", "身份证")])
    run(client, [("取消", "已经取消")])
    assert declaration_count(cadres) == 0 and alerts(cadres) == {}
    assert profile(cadres, "dr-cancel") == (None, None, None)


def _start(client, name: str, village: str) -> None:
    run(client, [("返乡报备", "自己"), ("自己", "名字"), (name, "手机号"), ("13812345678", "身份证")])
    run(client, [("跳过", "哪个村"), (village, "从哪里回来")])


def test_a_city_or_province_alone_is_asked_for_the_district(listed, today):
    client = listed.client("dr-city")
    _start(client, "黄玉兰", "沿村")
    run(
        client,
        [
            ("郑州", "郑州市哪个区"),
            ("二七区", "哪个街道"),
            ("京广路街道", "哪天到家"),
            ("昨天", "哪天离开"),
            ("当天", "怎么回来"),
            ("开车", "车牌"),
            ("豫C 12345", "健康码"),
            ("绿码", "一起回来"),
            ("没有", "请核对"),
        ],
    )
    assert "集中隔离14天" in client.say("对")
    [(declaration, classification)] = stored(listed, "dr-city")
    assert declaration.origin_township == "京广路街道" and classification.rule_id == "high_risk_14d"
    province = listed.client("dr-province")
    _start(province, "马春花", "沿村")
    run(province, [("河南", "河南省哪个市、哪个区"), ("不知道", "河南省哪个市"), ("郑州二七区", "哪个街道")])


def test_corrections_at_the_summary(listed, today):
    client = listed.client("dr-fix")
    _start(client, "孙小红", "孟村")
    run(
        client,
        [
            ("郑州二七区", "哪个街道"),
            ("长江路", "哪天到家"),
            ("今天", "哪天离开"),
            ("8月4日", "怎么回来"),
            ("飞机", "航班"),
            ("CA1234", "健康码"),
            ("绿码", "一起回来"),
            ("没有", "长江路街道"),
            ("不对，是北京海淀区", "北京市海淀区"),
            ("离开日期不对", "哪天离开北京市海淀区"),
            ("8月2日", "哪天离开：8月2日"),
            ("一起回来的人不对", "有没有家里人"),
            ("孙大伟", "孙大伟"),
        ],
    )
    reply = client.say("对")
    assert "无需隔离" in reply
    [(declaration, _)] = stored(listed, "dr-fix")
    assert declaration.origin_district == "海淀区" and declaration.origin_township is None
    assert declaration.left_on == dt.date(2021, 8, 2) and declaration.transport_detail == "CA1234"
    assert members(listed) == [("孙大伟", None)]


def test_menu_click_abroad_and_future_dates(cadres, today):
    client = cadres.client("dr-click")
    assert "自己回来" in client.event("CLICK", "RETURN")
    run(client, [("自己", "名字"), ("吴大海", "手机号"), ("13812345678", "身份证"), ("跳过", "哪个村")])
    run(client, [("鸣皋", "从哪里回来"), ("美国", "哪天到家"), ("8月9日", "等到家那天"), ("8月1日", "哪天入境")])
    run(client, [("7月31日", "哪个城市入境"), ("上海浦东机场", "在上海集中隔离了几天"), ("没隔离", "怎么回来")])
    run(client, [("坐飞机", "航班"), ("不记得", "健康码"), ("绿码", "一起回来"), ("没有", "境外")])
    reply = client.say("对")
    assert "回来后集中隔离14天（8月1日至8月14日），再居家隔离7天（8月15日至8月21日）" in reply and "马上" in reply
    [(declaration, classification)] = stored(cadres, "dr-click")
    assert declaration.abroad and classification.rule_id == "abroad" and classification.days == 21
    [quarantine] = quarantines(cadres)
    assert quarantine.home_start_on == dt.date(2021, 8, 15) and quarantine.end_on == dt.date(2021, 8, 21)


def test_today_is_counted_in_beijing_time_after_midnight(listed):
    # 00:30 in Beijing is still the day before in UTC.
    with time_machine.travel(dt.datetime(2021, 8, 6, 0, 30, tzinfo=SHANGHAI), tick=True):
        client = listed.client("dr-midnight")
        run(client, [("我今天从北京海淀开车回来", "名字"), ("郑秋菊", "手机号"), ("13812345678", "身份证")])
        run(client, [("跳过", "哪个村"), ("鸣皋", "哪天离开"), ("当天", "车牌"), ("不记得", "健康码")])
        run(client, [("绿码", "一起回来"), ("没有", "8月6日"), ("对", "无需隔离")])
    [(declaration, classification)] = stored(listed, "dr-midnight")
    assert declaration.arrived_on == dt.date(2021, 8, 6) and classification.start_on == dt.date(2021, 8, 6)


def test_a_listed_community_names_its_street(listed, today):
    client = listed.client("dr-community")
    run(client, [("俺昨天坐高铁从郑州二七区回来的", "名字"), ("钱小兰", "手机号"), ("13812345678", "身份证")])
    run(client, [("跳过", "哪个村"), ("鸣皋", "哪个街道"), ("住在海豫花园", "哪天离开"), ("当天", "车次")])
    run(client, [("不记得", "健康码"), ("绿码", "一起回来"), ("没有", "长江路街道"), ("对", "居家隔离14天")])
    [(declaration, classification)] = stored(listed, "dr-community")
    assert declaration.origin_township == "长江路街道" and classification.rule_id == "medium_risk_14d"


def test_a_street_in_the_first_message_or_the_origin_answer_is_not_lost(listed, today):
    client = listed.client("dr-street")
    first = "俺是8月5号从郑州二七区长江路街道坐高铁回来的"
    run(client, [(first, "名字"), ("钱小兰", "手机号"), ("13812345678", "身份证"), ("跳过", "哪个村")])
    run(client, [("鸣皋", "哪天离开"), ("当天", "车次"), ("不记得", "健康码"), ("绿码", "一起回来")])
    assert "从哪里回来：郑州市二七区长江路街道" in client.say("没有")
    assert "居家隔离14天" in client.say("对")
    other = listed.client("dr-street-later")
    [(declaration, classification)] = stored(listed, "dr-street")
    assert declaration.origin_township == "长江路街道" and classification.rule_id == "medium_risk_14d"
    other = listed.client("dr-street-later")
    run(other, [("返乡报备", "自己"), ("自己", "名字"), ("孙大明", "手机号"), ("13812345679", "身份证")])
    run(other, [("跳过", "哪个村"), ("鸣皋", "从哪里回来")])
    assert "街道" not in other.say("郑州二七区长江路")  # said with the district: not asked again
    with transaction(listed.state.db) as session:
        assert json.loads(session.get(ConversationState, "dr-street-later").slots)["street"] == "长江路街道"


def test_a_list_imported_a_moment_ago_is_the_one_asked_about(server, database_url, today):
    client = server.client("dr-fresh")
    assert "还没有" in client.say("郑州二七区现在是高风险吗")  # this process has looked: no list yet
    run(client, [("返乡报备", "自己"), ("自己", "名字"), ("周小梅", "手机号"), ("13812345677", "身份证")])
    run(client, [("跳过", "哪个村")])
    run(client, [("鸣皋", "从哪里回来")])
    result = run_cli_here("import-risk-list", AUG5, DATABASE_URL=database_url)  # another process; no expire() here
    assert result.returncode == 0, result.stderr
    assert "哪个街道" in client.say("郑州二七区")  # not the (empty) list this process held a moment ago


def test_a_village_with_no_cadre_bound_alerts_the_town_command(listed, today):
    assert "绑定成功" in listed.client("dr-town").say(f"绑定 {invite_code(listed, '鸣皋', 'town_command')}")
    client = listed.client("dr-lonely")
    _start(client, "李秋菊", "韩洼")
    run(
        client,
        [
            ("郑州市二七区", "哪个街道"),
            ("长江路街道", "哪天到家"),
            ("8月5日", "哪天离开"),
            ("当天", "怎么回来"),
            ("自己开车", "车牌"),
            ("豫C12345", "健康码"),
            ("绿码", "一起回来"),
            ("没有", "请核对"),
            ("对", "报备好了"),
        ],
    )
    sent = alerts(listed)
    assert list(sent) == ["dr-town"] and "李秋菊" in sent["dr-town"] and "韩洼村" in sent["dr-town"]
