"""物资申请 as whole conversations: the household asks, its people accept and deliver, late requests climb."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from sqlalchemy import select

from broadcasts.care import supplies as care_supplies
from broadcasts.jobs import run_due
from models.cadre import CadreAssignment
from models.care import CareAssignment
from models.db import transaction
from models.declaration import Classification, Declaration
from models.outbox import OutboxMessage
from models.person import Person
from models.quarantine import Quarantine
from models.supplies import SupplyRequest
from models.town import Village
from tests.support.conversation import run
from tests.support.live import SHANGHAI

TODAY = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)
# People bound to roles: (openid, name, phone, role, village).
CADRES = (
    ("sp-cadre", "刘支书", "13700001111", "village_cadre", "鸣皋村"),
    ("sp-township", "陈干部", "13700002222", "township_cadre", "鸣皋村"),
    ("sp-doctor", "王村医", "13700003333", "village_doctor", "鸣皋村"),
    ("sp-police", "李民警", "13700004444", "police", "鸣皋村"),
    ("sp-lead", "赵主任", "13700005555", "work_area_lead", "张村"),
    ("sp-command", "镇指挥部小李", "13700006666", "town_command", "鸣皋村"),
    ("sp-other", "孙支书", "13700007777", "village_cadre", "孙村"),
)
FOUR = ("sp-township", "sp-cadre", "sp-doctor", "sp-police")  # the isolated household's 四包一


def village_id(session, name: str) -> int:
    return session.execute(select(Village.id).where(Village.name == name)).scalar_one()


def add_person(session, openid: str, name=None, phone=None, village=None) -> int:
    village = village_id(session, village) if village else None
    person = Person(openid=openid, name=name, phone=phone, village_id=village)
    session.add(person)
    session.flush()
    return person.id


@pytest.fixture
def town(server):
    """Cadres of 鸣皋村 and above (and one of 孙村) with names and phones; 8月6日 10:00."""
    with time_machine.travel(TODAY, tick=True):
        with transaction(server.state.db) as session:
            for openid, name, phone, role, village in CADRES:
                pid = add_person(session, openid, name, phone)
                vid = village_id(session, village)
                session.add(CadreAssignment(person_id=pid, role=role, village_id=vid, created_at=TODAY))
            add_person(session, "sp-villager", "张桂兰", "13812345678", "鸣皋村")
        yield server


def isolate(db, openid: str, *, four: tuple[str, ...] = FOUR) -> int:
    """A household in home isolation since 8月5日, with these people as its 四包一 (as issue 6's roster leaves it)."""
    with transaction(db) as session:
        person = add_person(session, openid)
        vid = village_id(session, "鸣皋村")
        start = dt.date(2021, 8, 5)
        declaration = Declaration(
            person_id=person, village_id=vid, name="王大勇", phone="13912345678", arrived_on=start,
            health_code="green", active_until=start + dt.timedelta(days=14), created_at=TODAY,
        )  # fmt: skip
        session.add(declaration)
        session.flush()
        row = Classification(
            declaration_id=declaration.id, rule_id="medium_risk_14d", policy_version="test", disposition="居家隔离",
            days=14, start_on=start, end_on=start + dt.timedelta(days=13), reason="测试", created_at=TODAY,
        )  # fmt: skip
        session.add(row)
        session.flush()
        quarantine = Quarantine(
            declaration_id=declaration.id, classification_id=row.id, person_id=person, village_id=vid,
            kind="居家隔离", start_on=start, end_on=start + dt.timedelta(days=13), created_at=TODAY,
        )  # fmt: skip
        session.add(quarantine)
        session.flush()
        for openid_of in four:
            cadre = session.execute(select(Person).where(Person.openid == openid_of)).scalar_one()
            role = next(c[3] for c in CADRES if c[0] == openid_of)
            session.add(CareAssignment(quarantine_id=quarantine.id, role=role, person_id=cadre.id, assigned_at=TODAY))
        return quarantine.id


def outbox(db) -> dict[str, list[str]]:
    """Every queued text by recipient, oldest first."""
    with transaction(db) as session:
        out: dict[str, list[str]] = {}
        for row in session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars():
            out.setdefault(row.recipient_openid, []).append(row.text)
        return out


def requests(db) -> list[SupplyRequest]:
    with transaction(db) as session:
        return list(session.execute(select(SupplyRequest).order_by(SupplyRequest.id)).scalars())


def say(server, openid: str, text: str) -> str:
    return server.client(openid).say(text) or ""


def ask(server, openid: str, first: str) -> int:
    """A request confirmed at once; its number."""
    assert "请核对" in say(server, openid, first)
    reply = say(server, openid, "对")
    assert "申请编号是" in reply, reply
    return requests(server.state.db)[-1].id


def test_a_complete_first_message_is_only_confirmed_and_goes_to_the_village_cadre(town):
    client = town.client("sp-villager")
    summary = client.say("要两袋米和一桶油，急，放门口就行")
    assert "要：米2袋、油1桶" in summary and "急不急：急，今天就要" in summary and "备注：放门口就行" in summary
    assert "联系人：张桂兰，13812345678，鸣皋村" in summary and "回复「对」" in summary
    assert "捎给干部" not in summary and "回「急」" not in summary
    reply = client.say("对")
    [request] = requests(town.state.db)
    assert f"申请编号是{request.id}号" in reply and "刘支书（村干部、13700001111）" in reply and "尽快" in reply
    assert json.loads(request.items) == [{"name": "米", "qty": 2, "unit": "袋"}, {"name": "油", "qty": 1, "unit": "桶"}]
    assert request.urgent and request.note == "放门口就行" and request.status == "open"
    assert request.quarantine_id is None and request.text == "要两袋米和一桶油，急，放门口就行"
    sent = outbox(town.state.db)
    [alert] = sent["sp-cadre"]
    assert f"第{request.id}号物资申请【急】：张桂兰（13812345678），鸣皋村" in alert
    assert "要：米2袋、油1桶" in alert and "备注：放门口就行" in alert and "申请时间：8月6日10:00" in alert
    assert f"接单回「接单 {request.id}」" in alert and f"「送达 {request.id}」" in alert and "无法办理" in alert
    assert set(sent) == {"sp-cadre"}  # the doctor, the township cadre, 孙村 and the villager hear nothing yet


def test_a_minimal_first_message_asks_what_is_missing_one_thing_at_a_time(town):
    run(
        town.client("sp-new"),
        [
            ("我要买东西", "您要买些什么"),
            ("米和油", "叫什么名字"),
            ("李秀英", "手机号"),
            ("13811112222", "哪个村"),
            ("鸣皋", "要：米、油"),
            ("急", "急不急：急，今天就要"),
            ("再加一瓶醋", "要：米、油、醋1瓶"),
            ("对", "申请编号是"),
        ],
    )
    [request] = requests(town.state.db)
    assert request.urgent and request.note is None
    with transaction(town.state.db) as session:
        person = session.execute(select(Person).where(Person.openid == "sp-new")).scalar_one()
        assert (person.name, person.phone) == ("李秀英", "13811112222")


def test_running_out_of_medicine_asks_only_whether_it_is_urgent(town):
    run(
        town.client("sp-villager"),
        [
            ("降压药吃完了 要两盒", "今天就要吗"),
            ("要", "降压药2盒"),
            ("对", "申请编号是"),
        ],
    )
    assert requests(town.state.db)[0].urgent
    run(town.client("sp-villager"), [("申请物资", "您要买些什么"), ("一袋面", "急不急：不急"), ("取消", "取消")])


def test_an_isolated_household_goes_to_its_four_people_and_the_reply_names_them(town):
    quarantine = isolate(town.state.db, "sp-home")
    number = ask(town, "sp-home", "俺家要两袋米")
    [request] = requests(town.state.db)
    assert request.quarantine_id == quarantine and not request.urgent
    sent = outbox(town.state.db)
    assert set(sent) == set(FOUR)
    assert all(f"第{number}号物资申请：王大勇（13912345678），鸣皋村，居家隔离中" in sent[o][0] for o in FOUR)
    reply = say(town, "sp-home", "我的申请")
    assert f"第{number}号 米2袋：等干部接单" in reply
    # Without 四包一 people yet, the same household's request goes to the village cadre.
    isolate(town.state.db, "sp-home2", four=())
    ask(town, "sp-home2", "要一桶油")
    assert len(outbox(town.state.db)["sp-cadre"]) == 2 and len(outbox(town.state.db)["sp-doctor"]) == 1


def test_accept_deliver_and_receive_tell_each_party(town):
    isolate(town.state.db, "sp-home")
    number = ask(town, "sp-home", "要两袋米和一桶油")
    todo = say(town, "sp-doctor", "待办")
    assert "您的待办（1件）" in todo and f"第{number}号物资：王大勇（13912345678），鸣皋村，居家隔离中" in todo
    assert f"回「接单 {number}」" in todo and f"「无法办理 {number} 原因」" in todo
    assert f"第{number}号由您接单了，已经告诉王大勇" in say(town, "sp-doctor", f"接单 {number}")
    sent = outbox(town.state.db)
    assert "王村医接单了，会给您送过去。有事可以打13700003333" in sent["sp-home"][-1]
    for other in ("sp-township", "sp-cadre", "sp-police"):
        assert sent[other][-1] == f"第{number}号物资申请已由王村医（13700003333）接单，您不用再管了。"
    assert "您已接单，送到后回「送达" in say(town, "sp-doctor", "待办")
    assert "没有待办" in say(town, "sp-cadre", "待办")
    assert "王村医已经接单" in say(town, "sp-home", "我的申请")
    assert "已经请王大勇确认收到" in say(town, "sp-doctor", f"送达 {number}")
    notice = outbox(town.state.db)["sp-home"][-1]
    assert "王村医说已经送到了（米2袋、油1桶）" in notice and "回「收到」" in notice
    assert "已经送到了，收到了请回「收到" in say(town, "sp-home", "我的申请")
    assert f"第{number}号办完了" in say(town, "sp-home", "收到了，谢谢！")
    assert outbox(town.state.db)["sp-doctor"][-1] == f"第{number}号物资申请：王大勇已经确认收到了，谢谢您！"
    assert requests(town.state.db)[0].status == "received"
    assert "已经收到了" in say(town, "sp-home", "我的申请")
    assert "不客气" in say(town, "sp-home", "收到")  # nothing else waits: it is only thanks
    assert "没有待办" in say(town, "sp-doctor", "待办")


def test_cannot_do_it_tells_the_household_why_and_the_request_climbs(town):
    number = ask(town, "sp-villager", "要两袋米")
    assert "请把原因也写上" in say(town, "sp-cadre", f"无法办理 {number}")
    reply = say(town, "sp-cadre", f"无法办理 {number}，镇上超市没有货")
    assert f"第{number}号已经告诉家里原因，并交给了陈干部（包村干部、13700002222）" in reply
    sent = outbox(town.state.db)
    assert "刘支书说暂时办不了，原因：镇上超市没有货。已经交给上一级干部接着办" in sent["sp-villager"][-1]
    alert = sent["sp-township"][-1]
    assert alert.startswith("【催办】刘支书办不了，原因：镇上超市没有货") and f"接单 {number}" in alert
    assert "已通知：刘支书（村干部、13700001111）" in alert
    request = requests(town.state.db)[0]
    assert (request.status, request.escalation_level, request.refused_reason) == ("open", 1, "镇上超市没有货")
    assert "已经报告给上一级干部" in say(town, "sp-villager", "我的申请")
    assert f"第{number}号物资" in say(town, "sp-township", "待办")
    assert "接单了" in say(town, "sp-township", f"接单 {number}")


def test_one_of_the_four_who_cannot_do_it_reopens_it_for_the_others_and_the_work_area_lead(town):
    isolate(town.state.db, "sp-home")
    number = ask(town, "sp-home", "要两袋米")
    say(town, "sp-cadre", f"接单 {number}")
    reply = say(town, "sp-cadre", f"办不了{number}号 原因:我在镇上开会")
    assert "交给了赵主任（工作区负责人、13700005555）" in reply  # the township cadre is one of the four already
    sent = outbox(town.state.db)
    for other in ("sp-township", "sp-doctor", "sp-police"):
        assert sent[other][-1] == (
            f"第{number}号物资申请刘支书办不了（我在镇上开会），已经报告给上一级。您能办的话，回「接单 {number}」。"
        )
    assert sent["sp-lead"][-1].startswith("【催办】刘支书办不了，原因：我在镇上开会")
    assert "由您接单了" in say(town, "sp-doctor", f"接单 {number}")
    assert "王村医接单了" in outbox(town.state.db)["sp-home"][-1]
    assert "交给了镇指挥部小李" in say(town, "sp-doctor", f"无法办理 {number} 药店关门")
    assert "这单就此结束" in say(town, "sp-command", f"无法办理 {number} 实在买不到")  # nobody above the command
    assert "镇指挥部小李说暂时办不了，原因：实在买不到。有需要请直接" in outbox(town.state.db)["sp-home"][-1]
    assert requests(town.state.db)[0].status == "refused"
    assert "已经说明办不了了（实在买不到）" in say(town, "sp-cadre", f"接单 {number}")
    assert "办不了：实在买不到" in say(town, "sp-home", "我的申请")


def test_people_without_the_role_or_of_another_village_are_refused_politely(town):
    number = ask(town, "sp-villager", "要两袋米")
    assert "只有负责的干部才能用" in say(town, "sp-nobody", f"接单 {number}")
    assert "只有负责的干部才能用" in say(town, "sp-nobody", "接单 999")
    assert "是给负责的干部用的" in say(town, "sp-nobody", "待办")
    assert f"第{number}号物资申请是鸣皋村的，不归您管" in say(town, "sp-other", f"接单 {number}")
    assert "交给的是刘支书" in say(town, "sp-doctor", f"送达 {number}")  # not this household's doctor
    assert "没有找到第999号物资申请" in say(town, "sp-cadre", "接单 999")
    assert "请带上申请编号" in say(town, "sp-cadre", "接单")
    assert requests(town.state.db)[0].status == "open"
    help_text = say(town, "sp-cadre", "帮助")
    assert "接单 编号" in help_text and "无法办理 编号 原因" in help_text and "「待办」" in help_text
    assert "接单" not in say(town, "sp-villager", "帮助")


def test_races_second_accept_deliver_before_accept_double_deliver(town):
    isolate(town.state.db, "sp-home")
    first = ask(town, "sp-home", "要两袋米")
    assert "由您接单了" in say(town, "sp-cadre", f"接单 {first}")
    assert "已经由刘支书（13700001111）接单了" in say(town, "sp-doctor", f"接单 {first}")
    assert "您已经接过了" in say(town, "sp-cadre", f"接单 {first}")
    assert "是刘支书（13700001111）接的单" in say(town, "sp-doctor", f"送达 {first}")
    assert "记为送到了" in say(town, "sp-cadre", f"送达 {first}")
    assert "已经标记送到了" in say(town, "sp-cadre", f"送达 {first}")
    assert "已经标记送到了" in say(town, "sp-doctor", f"接单 {first}")
    second = ask(town, "sp-home", "要一桶油")
    assert "记为由您接单并送到了" in say(town, "sp-police", f"送达 {second}")
    home = outbox(town.state.db)["sp-home"]
    assert not any(f"第{second}号）：李民警接单了" in text for text in home)  # straight to 「送到了」
    assert "李民警说已经送到了（油1桶）" in home[-1]
    reply = say(town, "sp-home", "收到")
    assert f"第{second}号办完了" in reply and f"第{first}号也收到了的话" in reply
    assert f"第{first}号办完了" in say(town, "sp-home", f"收到 {first}")
    assert "已经确认收到了" in say(town, "sp-cadre", f"送达 {first}")
    assert [r.status for r in requests(town.state.db)] == ["received", "received"]


def test_two_of_the_four_accepting_at_the_same_moment_one_gets_it(town):
    isolate(town.state.db, "sp-home")
    number = ask(town, "sp-home", "要两袋米")
    with ThreadPoolExecutor(2) as pool:
        both = FOUR[1:3]
        replies = dict(zip(both, pool.map(lambda openid: say(town, openid, f"接单 {number}"), both), strict=True))
    [winner] = [openid for openid, reply in replies.items() if "由您接单了" in reply]
    [loser] = [openid for openid in replies if openid != winner]
    assert "接单了，您不用再接" in replies[loser]
    assert requests(town.state.db)[0].accepted_by_person_id is not None
    assert sum("接单了，会给您送过去" in text for text in outbox(town.state.db)["sp-home"]) == 1


def test_my_requests_in_plain_words(town):
    assert "还没有申请过物资" in say(town, "sp-villager", "我的申请")
    assert "您要买些什么" in town.client("sp-villager").event("CLICK", "SUPPLIES")  # the menu's 物资申请
    assert "取消" in say(town, "sp-villager", "取消")
    first = ask(town, "sp-villager", "要两袋米")
    second = ask(town, "sp-villager", "要一桶油")
    say(town, "sp-cadre", f"接单 {second}")
    reply = say(town, "sp-villager", "我的申请")
    assert f"第{second}号 油1桶：刘支书已经接单，正在安排送" in reply and f"第{first}号 米2袋：等干部接单" in reply
    assert reply.index(f"第{second}号") < reply.index(f"第{first}号")
    assert town.client("sp-villager").event("CLICK", "MY_REQUESTS") == reply  # the menu's 我的申请
    assert f"第{second}号刘支书（13700001111）还没说送到" in say(town, "sp-villager", f"收到 {second}")


def run_job(db, settings, at: dt.datetime) -> int:
    with transaction(db) as session:
        return care_supplies.job(session, at, settings)


def test_nobody_accepting_climbs_a_level_every_two_hours_and_the_household_hears_once(town):
    db, settings = town.state.db, town.settings
    number = ask(town, "sp-villager", "要两袋米")
    assert run_job(db, settings, TODAY + dt.timedelta(hours=1, minutes=59)) == 0
    rows = len(sum(outbox(db).values(), []))
    at = TODAY + dt.timedelta(hours=2, minutes=1)
    assert run_due(db, settings, at)["care_supplies"] == 1
    sent = outbox(db)
    assert sent["sp-township"][-1].startswith(
        f"【催办】申请2小时了，还没有人接单，请您督促或者安排。\n第{number}号物资申请"
    )
    assert sent["sp-villager"] == [f"您的物资申请（第{number}号）还没办好，已经报告给上一级干部，正在抓紧办，请放心。"]
    assert len(sum(sent.values(), [])) == rows + 2
    assert run_job(db, settings, at) == 0 and outbox(db) == sent  # the same run again sends nothing
    assert run_job(db, settings, TODAY + dt.timedelta(hours=4, minutes=2)) == 1
    assert "申请4小时了" in outbox(db)["sp-lead"][-1]
    assert run_job(db, settings, TODAY + dt.timedelta(hours=6, minutes=3)) == 1
    assert "申请6小时了" in outbox(db)["sp-command"][-1]
    assert run_job(db, settings, TODAY + dt.timedelta(hours=9)) == 0  # the top: nobody further up
    assert len(outbox(db)["sp-villager"]) == 1
    assert "sp-doctor" not in outbox(db) and "sp-other" not in outbox(db)
    request = requests(db)[0]
    assert request.escalation_level == 3 and request.escalated_at is not None


def test_accepted_but_not_delivered_in_a_day_climbs_past_the_people_who_already_have_it(town):
    db, settings = town.state.db, town.settings
    isolate(db, "sp-home")
    number = ask(town, "sp-home", "要两袋米")
    with time_machine.travel(TODAY + dt.timedelta(hours=1), tick=False):
        say(town, "sp-cadre", f"接单 {number}")
    assert run_job(db, settings, TODAY + dt.timedelta(hours=3)) == 0  # accepted: the two hours do not apply
    assert run_job(db, settings, TODAY + dt.timedelta(hours=23, minutes=59)) == 0
    at = TODAY + dt.timedelta(hours=24, minutes=1)
    assert run_job(db, settings, at) == 1
    sent = outbox(db)
    # The township cadre is one of the four already: the work-area lead is next.
    assert sent["sp-lead"][-1].startswith("【催办】刘支书接单了，但申请24小时了还没送到")
    assert "已通知：陈干部（包村干部、13700002222）、刘支书" in sent["sp-lead"][-1]
    assert sum("还没办好" in text for text in sent["sp-home"]) == 1
    assert run_job(db, settings, at + dt.timedelta(minutes=1)) == 0 and outbox(db) == sent
    assert run_job(db, settings, at + dt.timedelta(hours=24)) == 1  # another day: the town command
    assert "申请48小时了还没送到" in outbox(db)["sp-command"][-1]
    assert sum("还没办好" in text for text in outbox(db)["sp-home"]) == 1
    say(town, "sp-cadre", f"送达 {number}")
    assert run_job(db, settings, at + dt.timedelta(hours=72)) == 0


def test_a_household_that_no_longer_needs_it_cancels_and_whoever_had_it_stops(town):
    isolate(town.state.db, "sp-home")
    first = ask(town, "sp-home", "要两袋米")
    second = ask(town, "sp-home", "要一桶油")
    assert "不需要了，回「取消申请 编号」" in say(town, "sp-home", "我的申请")
    which = say(town, "sp-home", "取消申请")
    assert f"第{second}号、第{first}号申请正在办" in which and "取消申请 编号" in which
    assert f"第{first}号申请已经取消了" in say(town, "sp-home", f"取消申请 {first}")
    sent = outbox(town.state.db)
    for person in FOUR:  # nobody had taken it: all four hear it
        assert sent[person][-1] == f"第{first}号物资申请：王大勇说不需要了，已经取消，您不用再办了。"
    say(town, "sp-cadre", f"接单 {second}")
    assert f"第{second}号申请已经取消了" in say(town, "sp-home", "取消申请")  # the only one left
    sent = outbox(town.state.db)
    assert sent["sp-cadre"][-1] == f"第{second}号物资申请：王大勇说不需要了，已经取消，您不用再办了。"
    assert "不需要了" not in sent["sp-doctor"][-1]  # told it was taken; not bothered again
    assert [r.status for r in requests(town.state.db)] == ["cancelled", "cancelled"]
    assert all(r.cancelled_at is not None for r in requests(town.state.db))
    assert f"第{first}号村民已经取消了" in say(town, "sp-cadre", f"接单 {first}")
    assert "没有待办" in say(town, "sp-cadre", "待办")
    assert "现在没有正在办的物资申请" in say(town, "sp-home", "取消申请")
    assert f"第{first}号已经取消过了" in say(town, "sp-home", f"{first}号不要了")


def test_cancelling_while_asking_stops_the_questions_and_delivered_ones_stay(town):
    assert "您要买些什么" in say(town, "sp-villager", "物资申请")
    assert "没有保存" in say(town, "sp-villager", "取消申请")
    assert requests(town.state.db) == []
    number = ask(town, "sp-villager", "要两袋米")
    say(town, "sp-cadre", f"送达 {number}")
    assert f"第{number}号已经送到了，不能取消了。收到了请回「收到 {number}」" in say(
        town, "sp-villager", f"取消申请 {number}"
    )
    assert "没有找到您的第999号申请" in say(town, "sp-villager", "取消申请 999")
    assert f"第{number}号办完了" in say(town, "sp-villager", "收到")
    assert f"第{number}号已经记为收到了" in say(town, "sp-villager", f"取消申请 {number}")


def test_received_with_thanks_in_dialect_confirms_the_delivery(town):
    number = ask(town, "sp-villager", "要一桶油")
    say(town, "sp-cadre", "送达 一" if number == 1 else f"送达 {number}")
    assert f"第{number}号办完了" in say(town, "sp-villager", "收到了 谢谢恁")


def test_a_request_withdrawn_by_a_chinese_numeral(town):
    number = ask(town, "sp-villager", "要一袋盐")
    numeral = "一二三四五六七八九"[number - 1] if number < 10 else str(number)
    assert f"第{number}号" in say(town, "sp-villager", f"{numeral}号不要了")
    assert [r.status for r in requests(town.state.db) if r.id == number] == ["cancelled"]
