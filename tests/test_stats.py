"""统计 for a cadre: today's numbers for their village, work area or town, against rows written here."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from models.care import CheckIn
from models.db import transaction
from models.declaration import Classification, Declaration
from models.event import EventReport
from models.fever import FeverReport
from models.quarantine import Quarantine
from models.question import PolicyQuestion
from models.supplies import SupplyRequest
from models.vaccination import Vaccination
from tests.live import SHANGHAI
from tests.test_events import bind, person, village_id

NOW = dt.datetime(2021, 8, 6, 18, 30, tzinfo=SHANGHAI)
TODAY = NOW.date()
HOUR = dt.timedelta(hours=1)


def declare(session, village: str, name: str, disposition: str, *, at: dt.datetime = NOW, quarantine: str = "active"):
    """A declaration with its current classification and, for a measure, its quarantine; the quarantine's id."""
    pid = person(session, f"st-{name}", name)
    declaration = Declaration(
        person_id=pid,
        village_id=village_id(session, village),
        name=name,
        phone="13812345678",
        arrived_on=TODAY - dt.timedelta(days=2),
        health_code="green",
        active_until=TODAY + dt.timedelta(days=12),
        created_at=at,
    )
    session.add(declaration)
    session.flush()
    row = Classification(
        declaration_id=declaration.id,
        rule_id="test",
        policy_version="test",
        disposition=disposition,
        start_on=declaration.arrived_on,
        reason="测试",
        created_at=at,
    )
    session.add(row)
    session.flush()
    if disposition == "无需隔离":
        return None
    record = Quarantine(
        declaration_id=declaration.id,
        classification_id=row.id,
        person_id=pid,
        village_id=declaration.village_id,
        kind=disposition,
        start_on=TODAY - dt.timedelta(days=2),
        end_on=TODAY + dt.timedelta(days=11),
        status=quarantine,
        created_at=at,
    )
    session.add(record)
    session.flush()
    return record.id


def supply(session, village: str, status: str, made: dt.datetime) -> None:
    session.add(
        SupplyRequest(
            person_id=person(session, "st-household"),
            village_id=village_id(session, village),
            text="要两袋面",
            status=status,
            created_at=made,
        )
    )


def event(session, village: str, kind: str, on: dt.date | None, guests: int | None = None) -> None:
    session.add(
        EventReport(
            person_id=person(session, "st-household"),
            village_id=village_id(session, village),
            kind=kind,
            event_on=on,
            guests=guests,
            place="家里",
            text="报备",
            created_at=NOW - HOUR,
        )
    )


@pytest.fixture
def town(server):
    """鸣皋村 with a day of everything, 孙村 (same work area) and 徐阳村 (another) with a little; cadres."""
    db = server.state.db
    bind(
        db,
        ("st-cadre", "刘支书", "village_cadre", "鸣皋村", None),
        ("st-doctor", "王村医", "village_doctor", "孙村", None),
        ("st-lead", "一区赵主任", "work_area_lead", "张村", None),
        ("st-command", "镇指挥部小李", "town_command", "鸣皋村", None),
    )
    with transaction(db) as session:
        checked = declare(session, "鸣皋村", "张一", "居家隔离")
        declare(session, "鸣皋村", "张二", "居家隔离")
        declare(session, "鸣皋村", "张三", "无需隔离")
        declare(session, "鸣皋村", "张四", "集中隔离", at=NOW - dt.timedelta(days=1))
        declare(session, "鸣皋村", "张五", "居家健康监测", at=NOW - dt.timedelta(days=1), quarantine="ended")
        declare(session, "孙村", "孙一", "居家健康监测")
        declare(session, "徐阳村", "徐一", "居家隔离")
        session.add(
            CheckIn(quarantine_id=checked, person_id=person(session, "st-张一"), day=TODAY, text="36.5", created_at=NOW)
        )
        supply(session, "鸣皋村", "open", NOW - 3 * HOUR)  # not accepted within 2 h: late
        supply(session, "鸣皋村", "open", NOW - HOUR / 2)
        supply(session, "鸣皋村", "accepted", NOW - 25 * HOUR)  # not delivered within 24 h: late
        supply(session, "鸣皋村", "delivered", NOW - 5 * HOUR)
        supply(session, "徐阳村", "open", NOW - 5 * HOUR)
        for village, at in (("鸣皋村", NOW - HOUR), ("鸣皋村", NOW - 20 * HOUR), ("孙村", NOW - 2 * HOUR)):
            session.add(
                FeverReport(
                    person_id=person(session, "st-household"),
                    village_id=village_id(session, village),
                    text="发烧",
                    created_at=at,
                )
            )
        event(session, "鸣皋村", "funeral", dt.date(2021, 8, 8), 15)
        event(session, "鸣皋村", "wedding", dt.date(2021, 8, 20), 60)
        event(session, "鸣皋村", "other", None)
        event(session, "鸣皋村", "wedding", dt.date(2021, 8, 1))
        for village, group, doses in (
            ("鸣皋村", "18+", 2),
            ("鸣皋村", "18+", 0),
            ("鸣皋村", "12-17", 1),
            ("孙村", "18+", 2),
        ):
            session.add(
                Vaccination(
                    person_id=person(session, "st-household"),
                    village_id=village_id(session, village),
                    name="某人",
                    age_group=group,
                    doses=doses,
                    created_at=NOW,
                )
            )
        for status in ("open", "answered"):
            session.add(
                PolicyQuestion(
                    person_id=person(session, "st-household"),
                    village_id=village_id(session, "鸣皋村"),
                    text="能卖猪吗",
                    status=status,
                    created_at=NOW,
                )
            )
    with time_machine.travel(NOW, tick=True):
        yield server


def test_a_village_cadre_sees_their_village(town):
    assert town.client("st-cadre").say("统计") == "\n".join(
        [
            "鸣皋村8月6日统计（截至18:30）",
            "返乡报备：今天3份（居家隔离2、无需隔离1）",
            "正在管控：3户（居家隔离2、集中隔离1）",
            "物资申请：没办完3件，其中超时2件",
            "今天还没打卡：1户",
            "发热报告：今天1人",
            "红白事：接下来3件（最近：8月8日丧事，鸣皋村，约15人），日子没定1件",
            "疫苗登记：3人，打过一针及以上2人（67%），两针及以上1人",
            "  12-17岁：1人，打过1人（100%）",
            "  18岁以上：2人，打过1人（50%）",
            "待答复的村民提问：1个",
        ]
    )


def test_the_work_area_lead_and_the_town_command_see_more(town):
    lead = town.client("st-lead").say("今天的统计")
    assert lead.startswith("第一工作区8月6日统计（截至18:30）\n返乡报备：今天4份（居家隔离2、")
    assert "居家健康监测1" in lead and "正在管控：4户" in lead and "今天还没打卡：2户" in lead
    assert "发热报告：今天2人" in lead and "疫苗登记：4人，打过一针及以上3人（75%）" in lead
    assert "物资申请：没办完3件，其中超时2件" in lead
    command = town.client("st-command").say("统计")
    assert command.startswith("全镇8月6日统计") and "返乡报备：今天5份（居家隔离3、" in command
    assert "物资申请：没办完4件，其中超时3件" in command and "今天还没打卡：3户" in command
    doctor = town.client("st-doctor").say("统计")
    assert doctor.startswith("孙村8月6日统计") and "返乡报备：今天1份（居家健康监测1）" in doctor
    assert "物资申请：没办完0件，其中超时0件" in doctor and "红白事：接下来0件" in doctor


def test_a_villager_is_refused_and_cadres_see_it_in_help(town):
    assert town.client("st-villager").say("统计") == "抱歉，「统计」是给村里干部用的。"
    assert "发「统计」" in town.client("st-cadre").say("帮助")
    assert "统计" not in town.client("st-villager").say("帮助")
