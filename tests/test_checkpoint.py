"""卡点报告, 登记 and the daily reconciliation, through the real webhook and the command line."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from broadcasts.checkpoint_lists import send_daily
from models.cadre import create_invite
from models.checkpoint import CheckpointReport
from models.db import transaction, utcnow
from models.declaration import Declaration
from models.outbox import OutboxMessage
from models.person import Person
from models.town import Village
from tests.support.conversation import run
from tests.support.live import SHANGHAI, run_cli
from town.checkpoints import reconcile

TODAY = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)


def bind(server, openid: str, village: str, role: str, name: str, phone: str) -> None:
    """An invite made as `invite-cadre` makes it (in-process: faster), bound through the chat."""
    with transaction(server.state.db) as session:
        code = create_invite(session, role=role, village_id=village_id(session, village), now=utcnow()).code
    client = server.client(openid)
    assert "绑定成功" in client.say(f"绑定 {code}")
    run(client, [("我的信息", "名字"), (name, "手机号")])
    reply = client.say(phone)
    if "哪个村" in reply:  # the town command's code names no village of theirs; a village's code does
        reply = client.say(village)
    assert "核对" in reply and "保存" in client.say("对")


@pytest.fixture
def staff(server):
    """Checkpoint staff of 鸣皋村, the town command, 第一工作区's lead (孙村) and 第四工作区's lead (徐阳村)."""
    bind(server, "cp-staff", "鸣皋村", "checkpoint", "李卫国", "13900001111")
    bind(server, "cp-command", "鸣皋村", "town_command", "周指挥", "13900002222")
    bind(server, "cp-lead", "孙村", "work_area_lead", "吴组长", "13900003333")
    bind(server, "cp-other-lead", "徐阳村", "work_area_lead", "郑组长", "13900004444")
    return server


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=True):
        yield


def reports(server) -> list[CheckpointReport]:
    with transaction(server.state.db) as session:
        return list(session.execute(select(CheckpointReport).order_by(CheckpointReport.id)).scalars())


def outbox(server, kind: str) -> dict[str, str]:
    with transaction(server.state.db) as session:
        rows = (
            session.execute(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
            .scalars()
            .all()
        )
        return {row.recipient_openid: row.text for row in rows}


def village_id(session, name: str) -> int:
    return session.execute(select(Village.id).where(Village.name == name)).scalar_one()


def test_a_complete_first_message_goes_straight_to_the_summary(staff, today):
    client = staff.client("cp-staff")
    summary = client.say(
        "南口卡点拦下豫C·12345，车上一家四口，从扬州回来，一个黄码，司机叫王大勇，电话13912345678，人在卡点等村医"
    )
    assert summary.startswith("请核对卡点报告：")
    for fact in ("人数：4人", "从哪里来：江苏省扬州市", "健康码：黄码", "车牌：豫C12345", "姓名：王大勇"):
        assert fact in summary
    assert "电话：13912345678" in summary and "处理：人在卡点等村医" in summary
    assert client.say("对").startswith("报告已经发给镇指挥部了")
    [report] = reports(staff)
    assert report.anomaly and report.plate == "豫C12345" and report.people == 4 and report.health_code == "yellow"
    assert report.origin == "江苏省扬州市" and report.name == "王大勇" and report.phone == "13912345678"
    assert report.action == "人在卡点等村医" and report.text.startswith("南口卡点拦下豫C·12345")
    with transaction(staff.state.db) as session:
        assert report.village_id == village_id(session, "鸣皋村")
    alerts = outbox(staff, "alert")
    assert set(alerts) == {"cp-command", "cp-lead"}  # not the reporter, not another work area's lead
    text = alerts["cp-command"]
    assert text.startswith("【卡点报告】鸣皋村卡点值守李卫国（13900001111）报告：\n南口卡点拦下豫C·12345")
    assert "4人，从江苏省扬州市来，黄码，车牌豫C12345" in text and "处理：人在卡点等村医" in text
    assert "对方：王大勇 13912345678" in text and "没有查到返乡报备" in text and "时间：8月6日10:0" in text


def test_a_minimal_first_message_asks_only_what_is_missing(staff, today):
    client = staff.client("cp-staff")
    run(
        client,
        [
            ("西口卡点发现红码人员一名", "从哪里来"),
            ("郑州", "车牌号"),
            ("没有", "怎么处理"),
            ("已经让他在卡点等着，通知了村医", "请核对卡点报告"),
        ],
    )
    summary = client.say("人数不对")
    assert "几个人" in summary
    summary = client.say("2")
    assert "人数：2人" in summary and "健康码：红码" in summary and "车牌：没有" in summary
    assert "从哪里来：河南省郑州市" in summary
    assert "报告已经发给镇指挥部了" in client.say("对")
    [report] = reports(staff)
    assert (report.people, report.health_code, report.plate, report.origin) == (2, "red", None, "河南省郑州市")
    assert report.text == "西口卡点发现红码人员一名" and report.declaration_id is None
    text = outbox(staff, "alert")["cp-lead"]
    assert "西口卡点发现红码人员一名\n2人，从河南省郑州市来，红码\n处理：已经让他在卡点等着，通知了村医" in text
    assert "对方" not in text and "返乡报备" not in text


def test_the_entry_word_asks_what_happened_first(staff, today):
    client = staff.client("cp-staff")
    run(
        client,
        [
            ("卡点报告", "发生了什么"),
            ("卡口有辆外地车不配合检查", "几个人"),
            ("不知道", "从哪里来"),
            ("不知道", "健康码"),
            ("没看到", "车牌号"),
            ("豫A 8888", "车牌号"),  # one character short: asked again
            ("豫A·D12345", "怎么处理"),
            ("已劝返", "请核对"),
        ],
    )
    summary = client.say("帮助")
    assert "人数：不知道" in summary and "健康码：不知道" in summary and "车牌：豫AD12345" in summary
    assert "报告已经发给镇指挥部了" in client.say("对")
    [report] = reports(staff)
    assert report.people is None and report.origin is None and report.action == "已劝返"


def test_a_villager_is_refused_politely(staff):
    client = staff.client("cp-villager")
    refusal = "「卡点报告」是给村里干部和卡点值守人员用的"
    assert client.say("西口卡点发现红码人员一名").startswith(refusal)
    assert client.say("卡点报告").startswith(refusal)
    reply = client.say("登记 豫C12345 张三 13800001234 郑州")
    assert reply.startswith("「卡点登记」是给村里干部和卡点值守人员用的") and "我的信息" in reply
    assert reports(staff) == [] and outbox(staff, "alert") == {}


def test_nobody_in_the_command_yet(server, today):
    bind(server, "cp-lonely", "孙村", "checkpoint", "孙值守", "13900005555")
    client = server.client("cp-lonely")
    run(client, [("东口卡点发现一辆豫A12345的车从郑州二七区来，车上3人，黄码，已劝返", "请核对")])
    assert "镇指挥部还没有人绑定" in client.say("对")
    assert len(reports(server)) == 1 and outbox(server, "alert") == {}


def declare(session, *, name, phone, village, arrived, transport="self_drive", detail=None) -> int:
    person = Person(openid=f"decl-{phone}", name=name, phone=phone)
    session.add(person)
    session.flush()
    row = Declaration(
        person_id=person.id,
        village_id=village_id(session, village),
        name=name,
        phone=phone,
        origin_province="河南省",
        origin_city="郑州市",
        origin_district="二七区",
        arrived_on=arrived,
        transport=transport,
        transport_detail=detail,
        health_code="green",
        active_until=arrived + dt.timedelta(days=14),
        created_at=TODAY,
    )
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def declared(staff):
    """Five returnees who declared arriving on 8月6日 (one of them by train), and one on 8月2日."""
    aug6 = dt.date(2021, 8, 6)
    with transaction(staff.state.db) as session:
        return {
            "张三": declare(session, name="张三", phone="13800001234", village="鸣皋村", arrived=aug6),
            "李四": declare(
                session, name="李四", phone="13800002222", village="鸣皋村", arrived=aug6, detail="豫A88888"
            ),
            "王五": declare(session, name="王五", phone="13800003333", village="鸣皋村", arrived=aug6),
            "赵六": declare(session, name="赵六", phone="13800004444", village="鸣皋村", arrived=aug6, transport="bus"),
            "钱七": declare(session, name="钱七", phone="13800005555", village="孙村", arrived=aug6, transport="train"),
            "周八": declare(session, name="周八", phone="13800006666", village="孙村", arrived=dt.date(2021, 8, 2)),
        }


def test_sightings_are_matched_by_phone_plate_and_name(staff, declared, today):
    client = staff.client("cp-staff")
    by_phone = client.say("登记 13800001234 张老三 郑州")
    assert by_phone.startswith("登记好了：张老三 13800001234，从河南省郑州市来。")
    assert "已经报备过：鸣皋村，8月6日到家。" in by_phone
    assert "已经报备过" in client.say("登记 豫a·88888 李老四")  # the plate, written loosely
    assert "已经报备过" in client.say("登记 豫C55555 王五 郑州")  # the name, in the reporter's village
    stranger = client.say("登记 豫C99999 孙八 13800009999 北京")
    assert "没查到返乡报备，请提醒本人到家后发「返乡报备」" in stranger
    assert "卡点登记 豫C99999" not in stranger
    rows = reports(staff)
    assert [r.declaration_id for r in rows] == [declared["张三"], declared["李四"], declared["王五"], None]
    assert not any(r.anomaly for r in rows) and rows[1].plate == "豫A88888" and rows[3].name == "孙八"
    assert outbox(staff, "alert") == {}


def test_a_red_code_sighting_alerts_the_command(staff, declared, today):
    reply = staff.client("cp-staff").say("登记 豫C12345 王小五 13800007777 北京 红码")
    assert "是红码，已经报告镇指挥部" in reply
    [report] = reports(staff)
    assert report.anomaly and report.health_code == "red"
    assert "卡点登记：豫C12345 王小五 13800007777，从北京市来，红码" in outbox(staff, "alert")["cp-command"]


def test_the_daily_lists_both_ways(staff, declared, today, database_url):
    client = staff.client("cp-staff")
    client.say("登记 13800001234 张三 郑州")
    client.say("登记 豫C99999 孙八 13800009999 北京")
    client.say("登记 豫C99999 孙八 13800009999 北京")  # seen twice, listed once
    with transaction(staff.state.db) as session:
        # A sighting made before the matcher could know (declared later): reconcile links it.
        late = session.get(CheckpointReport, reports(staff)[0].id)
        late.declaration_id = None
    with transaction(staff.state.db) as session:
        result = reconcile(session, day=dt.date(2021, 8, 6))
        assert [r.name for r in result.undeclared] == ["孙八"]
        assert sorted(d.name for d in result.unseen) == ["李四", "王五", "赵六"]  # not 钱七 (train), not 周八
        assert reconcile(session, day=dt.date(2021, 8, 6), village_id=village_id(session, "孙村")).unseen == []
    assert reports(staff)[0].declaration_id == declared["张三"]
    printed = run_cli("checkpoint-reconcile", "--date", "2021-08-06", DATABASE_URL=database_url)
    assert printed.returncode == 0, printed.stderr
    assert "在卡点登记了、但没有返乡报备的（1人）：\n1. 豫C99999 孙八 13800009999，鸣皋村卡点10:0" in printed.stdout
    assert "报备2021年8月6日到家、但卡点没有登记的（3人）：" in printed.stdout  # run now: a past year
    assert "豫A88888 李四 13800002222，鸣皋村，从郑州市二七区回来，自己开车" in printed.stdout
    assert "赵六 13800004444，鸣皋村，从郑州市二七区回来，坐大巴" in printed.stdout
    assert "钱七" not in printed.stdout and outbox(staff, "notice") == {}
    sent = run_cli("checkpoint-reconcile", "--date", "2021-08-06", "--send", DATABASE_URL=database_url)
    assert "已排队发给镇指挥部：1条" in sent.stdout
    notice = outbox(staff, "notice")
    assert set(notice) == {"cp-command"} and notice["cp-command"].startswith("【卡点核对】2021年8月6日\n")
    with transaction(staff.state.db) as session:
        assert send_daily(session, dt.datetime.now(dt.UTC)) == 0  # the same day, the same person: once


def test_a_day_with_everything_matched(staff, declared, database_url):
    printed = run_cli("checkpoint-reconcile", "--date", "2021-08-03", DATABASE_URL=database_url)
    assert printed.returncode == 0, printed.stderr
    assert "2021年8月3日：卡点登记的人都已报备" in printed.stdout
    bad = run_cli("checkpoint-reconcile", "--date", "8月2日", DATABASE_URL=database_url)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
