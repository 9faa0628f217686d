"""invite-cadre prints a one-time code; 「绑定 CODE」 in the chat grants the role once."""

from __future__ import annotations

import datetime as dt

import httpx
import time_machine
from sqlalchemy import select

from models.cadre import roles_of
from models.db import transaction
from models.person import Person
from models.town import Village
from tests.support.conversation import run
from tests.support.live import invite


def held_roles(server, openid: str) -> list[tuple[str, str]]:
    with transaction(server.state.db) as session:
        person = session.execute(select(Person).where(Person.openid == openid)).scalar_one()
        return [
            (role, session.get(Village, village_id).name) for role, village_id in roles_of(session, person_id=person.id)
        ]


def test_invite_code_binds_a_cadre_once(server, database_url):
    result = invite(database_url, "--village", "鸣皋", "--role", "village_doctor")
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip().splitlines()[-1]
    assert len(code) == 8
    reply = server.client("cadre-doc").say(f"绑定 {code.lower()}")
    assert "绑定成功" in reply and "鸣皋村" in reply and "村医" in reply
    assert held_roles(server, "cadre-doc") == [("village_doctor", "鸣皋村")]
    # Households will be told the doctor's name and phone: a doctor without them is asked at once.
    assert reply.endswith("会写上您的名字和电话，请先登记一下。\n\n请问您叫什么名字？")
    run(
        server.client("cadre-doc"),
        [
            ("王秀梅", "手机号"),
            ("13900001111", "请核对"),  # the village is the one the code was made for: not asked
            ("对", "已经保存：王秀梅，13900001111，鸣皋村"),
        ],
    )
    assert "已经绑定过了" in server.client("cadre-doc").say(f"绑定 {code}")
    assert "已经用过" in server.client("someone-else").say(f"绑定 {code}")
    assert held_roles(server, "someone-else") == []


def test_a_cadre_who_gave_a_name_and_phone_is_not_asked_again(server, database_url):
    client = server.client("cadre-known")
    run(
        client,
        [("我的信息", "名字"), ("李国强", "手机号"), ("13700002222", "哪个村"), ("孙村", "请核对"), ("对", "保存")],
    )
    code = invite(database_url, "--village", "孙村", "--role", "village_cadre").stdout.strip().splitlines()[-1]
    assert client.say(f"绑定 {code}") == "绑定成功！您现在是孙村的村干部。有需要您处理的事，系统会第一时间发消息给您。"


def test_unknown_village_or_role_is_refused_clearly(database_url):
    unknown_village = invite(database_url, "--village", "火星村", "--role", "village_cadre")
    assert unknown_village.returncode == 2 and "火星村" in unknown_village.stderr
    unknown_role = invite(database_url, "--village", "孙村", "--role", "mayor")
    assert unknown_role.returncode == 2 and "village_cadre" in unknown_role.stderr


def test_an_expired_code_does_not_bind(server, database_url):
    code = invite(database_url, "--village", "孙村", "--role", "village_cadre").stdout.strip().splitlines()[-1]
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=8)):
        assert "过期" in server.client("cadre-late").say(f"绑定{code}")
    assert held_roles(server, "cadre-late") == []


def test_help_shows_cadres_what_cadres_can_do_and_villagers_only_their_own(server, database_url):
    villager = server.client("help-villager").say("帮助")
    assert "返乡报备" in villager and "卡点报告" not in villager and "同意 编号" not in villager
    code = invite(database_url, "--village", "鸣皋", "--role", "checkpoint").stdout.strip().splitlines()[-1]
    cadre = server.client("help-cadre")
    assert "绑定成功" in cadre.say(f"绑定 {code}")
    reply = cadre.say("帮助")
    assert reply.startswith(villager)
    assert "您是村里的干部，还可以" in reply and "「卡点报告」" in reply and "「登记 车牌 姓名 电话 从哪里来」" in reply
    assert "「同意 编号」" not in reply  # checkpoint staff do not decide measures
    code = invite(database_url, "--village", "鸣皋", "--role", "village_cadre").stdout.strip().splitlines()[-1]
    assert "绑定成功" in cadre.say(f"绑定 {code}")
    reply = cadre.say("帮助")
    assert "「同意 编号」" in reply and "「改为 编号 居家隔离 原因」" in reply and "「卡点报告」" in reply


def code_of(result) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_town_command_is_invited_without_a_village_and_bound_to_the_town(server, database_url):
    result = invite(database_url, "--role", "town_command")
    assert result.stdout.startswith("镇指挥部：绑定码7天内有效")
    client = server.client("cadre-town")
    client.say("我的信息")
    run(client, [("赵建国", "手机号"), ("13600003333", "哪个村"), ("孙村", "请核对"), ("对", "保存")])
    reply = client.say(f"绑定 {code_of(result)}")
    assert reply == "绑定成功！您现在是镇指挥部的一员。有需要您处理的事，系统会第一时间发消息给您。"
    assert client.say(f"绑定 {code_of(result)}") == "您已经绑定过了：镇指挥部。"
    assert [role for role, _ in held_roles(server, "cadre-town")] == ["town_command"]
    shown = {p["openid"]: p for p in httpx.get(f"{server.url}/simulator/api/people").json()}
    assert shown["cadre-town"]["roles"] == ["镇指挥部"] and shown["cadre-town"]["village"] == "孙村"


def test_a_work_area_lead_is_invited_for_a_work_area_and_told_its_name(server, database_url):
    code = code_of(invite(database_url, "--role", "work_area_lead", "--work-area", "第二"))
    reply = server.client("cadre-area").say(f"绑定 {code}")
    assert reply.startswith("绑定成功！您现在是第二工作区的负责人。") and "村的" not in reply
    assert held_roles(server, "cadre-area") == [("work_area_lead", "东叶寨村")]  # the area's first village
    # Named by one of its villages, the lead leads that village's work area.
    by_village = invite(database_url, "--role", "work_area_lead", "--village", "孙村")
    assert by_village.stdout.startswith("第一工作区的负责人：")


def test_a_missing_or_unneeded_place_is_refused_clearly(database_url):
    town = invite(database_url, "--role", "town_command", "--village", "鸣皋")
    assert town.returncode == 2 and "管全镇，不用写 --village" in town.stderr
    no_village = invite(database_url, "--role", "village_cadre")
    assert no_village.returncode == 2 and "村干部是村里的角色，要写哪个村：--village" in no_village.stderr
    area_for_village = invite(database_url, "--role", "village_doctor", "--work-area", "第一工作区")
    assert area_for_village.returncode == 2 and "不用 --work-area" in area_for_village.stderr
    no_area = invite(database_url, "--role", "work_area_lead")
    assert no_area.returncode == 2 and "--work-area" in no_area.stderr and "第三工作区" in no_area.stderr
    unknown_area = invite(database_url, "--role", "work_area_lead", "--work-area", "第九工作区")
    assert unknown_area.returncode == 2 and "第九工作区" in unknown_area.stderr and "第一工作区" in unknown_area.stderr


def test_the_town_command_binding_first_is_not_asked_for_a_village(server, database_url):
    code = code_of(invite(database_url, "--role", "town_command"))
    client = server.client("cadre-town-first")
    assert "请问您叫什么名字" in client.say(f"绑定 {code}")
    run(client, [("钱书记", "手机号")])
    summary = client.say("13600004444")
    assert "请核对" in summary and "村：镇里的工作，不分村" in summary
    assert "钱书记，13600004444，镇里的工作，不分村" in client.say("对")
