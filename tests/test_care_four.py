"""四包一: a home isolation gets its four people from the roster, each alerted; gaps are flagged; the end releases."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from broadcasts.care.release import close_ended, end_notices
from broadcasts.jobs import run_due
from broadcasts.scheduler import run_job
from models.care import CareAssignment, SamplingRound
from models.db import transaction
from models.declaration import Declaration
from models.person import Person
from models.quarantine import Quarantine
from tests.support.care import ROSTER, SAMPLES, bind, change, isolate, local, outbox, quarantine_of, rounds
from tests.support.conversation import run
from tests.support.declarations import AUG5, ID_1980
from tests.support.live import import_list

FOUR = {"cf-township", "cf-cadre", "cf-doctor", "cf-grid"}


def care(db, declaration_id: int | None = None, *, released: bool = False) -> list[tuple[str, str]]:
    """(role, openid) of the care assignments (active ones unless released), by assignment."""
    with transaction(db) as session:
        query = (
            select(CareAssignment.role, Person.openid)
            .join(Person, Person.id == CareAssignment.person_id)
            .join(Quarantine, Quarantine.id == CareAssignment.quarantine_id)
            .where(CareAssignment.released_at.is_not(None) if released else CareAssignment.released_at.is_(None))
            .order_by(CareAssignment.id)
        )
        if declaration_id is not None:
            query = query.where(Quarantine.declaration_id == declaration_id)
        return [tuple(row) for row in session.execute(query)]


@pytest.fixture
def listed(server):
    """The server with the 8月5日 list imported (as 返乡报备's tests have it) and 鸣皋村's roster bound."""
    import_list(server, AUG5)
    bind(server.state.db)
    return server


@pytest.fixture
def town(server):
    """The server with 鸣皋村's roster bound."""
    bind(server.state.db)
    return server


def test_a_home_isolation_declared_in_the_chat_gets_its_four_people(listed):
    with time_machine.travel(local(6, 10), tick=True):
        run(
            listed.client("cf-home"),
            [
                ("返乡报备", "自己回来"), ("自己", "名字"), ("张桂兰", "手机号"), ("13812345678", "身份证号"),
                (ID_1980, "哪个村"), ("鸣皋", "从哪里回来"), ("郑州市二七区", "哪个街道"), ("长江路街道", "哪天到家"),
                ("8月5日", "哪天离开"), ("当天", "怎么回来"), ("自己开车", "车牌"), ("豫C12345", "健康码"),
                ("绿码", "一起回来"), ("老伴李秀英和孙子王小明", "请核对"), ("对", "居家隔离14天"),
            ],
        )  # fmt: skip
    with transaction(listed.state.db) as session:
        declaration_id = session.execute(select(Declaration.id).where(Declaration.name == "张桂兰")).scalar_one()
    assert sorted(care(listed.state.db, declaration_id)) == sorted(
        [("township_cadre", "cf-township"), ("village_cadre", "cf-cadre"), ("village_doctor", "cf-doctor"),
         ("grid_worker", "cf-grid")]
    )  # fmt: skip
    # Day 1 (8月5日) passed before the declaration: its sampling is owed today.
    assert rounds(listed.state.db, declaration_id) == [(dt.date(2021, 8, d), "due") for d in (6, 8, 11, 18)]
    sent = outbox(listed.state.db)
    assert set(sent) == FOUR and all(len(sent[who]) == 1 for who in FOUR)  # one message each: no second ping
    doctor = sent["cf-doctor"][0]
    # The declaration's alert and the doctor's place in its 四包一, in one message.
    assert doctor.startswith(f"返乡报备（第{declaration_id}号）：张桂兰（13812345678），鸣皋村")
    assert "\n\n【四包一】请您负责这一户（您是村医）" in doctor
    assert "同行：李秀英（老伴）、王小明（孙子）" in doctor
    assert "居家隔离14天（8月5日至8月18日）" in doctor
    assert "上门采样：8月6日、8月8日、8月11日、8月18日" in doctor
    assert "您要做的：按时上门采样" in doctor
    assert "包村干部 张包村（13900000001）；村干部 刘支书（13900000002）；村医 王村医（13900000003）" in doctor
    assert "网格员 赵网格（13900000004）" in doctor
    assert "您是网格员" in sent["cf-grid"][0] and "跑腿" in sent["cf-grid"][0]
    assert "您是包村干部" in sent["cf-township"][0] and "您是村干部" in sent["cf-cadre"][0]
    # A full four: nobody above the village is troubled.
    assert "cf-lead" not in outbox(listed.state.db) and "cf-command" not in outbox(listed.state.db)


def test_a_role_nobody_holds_is_flagged_to_the_work_area_lead(server):
    db = server.state.db
    bind(db, [r for r in ROSTER if r[3] != "grid_worker"])
    declaration_id = isolate(db, "cf-a", "李建国")
    assert [role for role, _ in care(db, declaration_id)] == ["township_cadre", "village_cadre", "village_doctor"]
    sent = outbox(db, prefix="care:")
    [flag] = sent["cf-lead"]
    assert flag.startswith("【四包一缺人】李建国（13812345678），鸣皋村")
    assert "居家隔离14天（8月5日至8月18日）" in flag and "还缺：民警或网格员" in flag
    assert "cf-command" not in sent  # the lead is there: the town command is not troubled
    assert "民警或网格员 暂缺（已报工作区）" in sent["cf-doctor"][0]


def test_without_a_work_area_lead_the_town_command_hears_of_the_gap(server):
    db = server.state.db
    bind(db, [("cf-e-cadre", "钱支书", "13900000011", "village_cadre", "东叶寨村"), ROSTER[5]])
    isolate(db, "cf-b", "孙德胜", village="东叶寨村")
    sent = outbox(db, prefix="care:")
    assert set(sent) == {"cf-e-cadre", "cf-command"}
    assert "还缺：包村干部、村医、民警或网格员" in sent["cf-command"][0]


def test_several_holders_of_a_role_share_the_load(server):
    db = server.state.db
    bind(db, [*ROSTER, ("cf-police", "孙民警", "13900000007", "police", "鸣皋村")])
    first = isolate(db, "cf-c1", "甲")
    second = isolate(db, "cf-c2", "乙")
    third = isolate(db, "cf-c3", "丙")
    fourth_place = [dict(care(db, d)).get("grid_worker") or dict(care(db, d)).get("police") for d in (first, second)]
    assert fourth_place == ["cf-grid", "cf-police"]  # the first bound first, then whoever has fewer households
    assert dict(care(db, third)).get("grid_worker") == "cf-grid"  # a tie again: the first bound


def test_health_monitoring_gets_its_doctor_and_central_isolation_is_left_to_the_site(server, town):
    db = town.state.db
    watched = isolate(db, "cf-w", "周监测", kind="居家健康监测", end=dt.date(2021, 8, 11), samples=SAMPLES[:1])
    central = isolate(db, "cf-x", "吴集中", kind="集中隔离")
    assert care(db, watched) == [("village_doctor", "cf-doctor")]
    assert rounds(db, watched) == [(dt.date(2021, 8, 6), "due")]
    assert care(db, central) == [] and rounds(db, central) == []
    assert "cf-lead" not in outbox(db)
    # Back from abroad: the four care for the home part only, sampled from its first day.
    abroad = isolate(
        db, "cf-y", "郑境外", kind="集中隔离", end=dt.date(2021, 8, 25), home_start=dt.date(2021, 8, 19),
        samples=("2021-08-05", "2021-08-08", "2021-08-11", "2021-08-18", "2021-08-25"),
    )  # fmt: skip
    assert len(care(db, abroad)) == 4 and rounds(db, abroad) == [(dt.date(2021, 8, 25), "due")]
    assert (
        "先集中隔离，8月19日起居家隔离（到8月25日）"
        in outbox(db, prefix=f"care:{quarantine_of(db, abroad).id}:")["cf-doctor"][0]
    )


def test_the_household_hears_of_the_end_the_day_before_and_on_the_last_day_then_the_record_closes(town):
    db, settings = town.state.db, town.settings
    declaration_id = isolate(db, "cf-end", "张桂兰", members=("李秀英",))
    quarantine_id = quarantine_of(db, declaration_id).id

    def jobs(moment):
        return run_job(db, end_notices, moment, settings) + run_job(db, close_ended, moment, settings)

    assert jobs(local(16, 10)) == 0 and jobs(local(17, 8, 59)) == 0
    assert jobs(local(17, 9)) == 1 and jobs(local(17, 21)) == 0
    [eve] = outbox(db, prefix=f"care:{quarantine_id}:end")["cf-end"]
    assert eve == "张桂兰，您好！您的居家隔离到明天（8月18日）就满了。明天还要在家，别出门；后天（8月19日）起解除。"
    assert jobs(local(18, 9, 30)) == 1 and jobs(local(18, 23, 59)) == 0
    last = outbox(db, prefix=f"care:{quarantine_id}:end")["cf-end"][1]
    assert last.startswith("张桂兰，您好！今天是您的居家隔离最后一天，明天（8月19日）起解除")
    assert quarantine_of(db, declaration_id).status == "active"
    # After midnight the record closes and the care is released, but nobody is woken to hear it.
    assert jobs(local(19, 0, 5)) == 1
    record = quarantine_of(db, declaration_id)
    assert record.status == "ended" and record.closed_at is not None
    assert care(db, declaration_id) == [] and len(care(db, declaration_id, released=True)) == 4
    assert outbox(db, prefix=f"care:{quarantine_id}:closed") == {}
    assert jobs(local(19, 9)) == 4 and jobs(local(19, 15)) == 0
    closed = outbox(db, prefix=f"care:{quarantine_id}:closed")
    assert set(closed) == FOUR
    assert closed["cf-doctor"] == [
        f"【四包一结束】张桂兰（鸣皋村，报备编号{declaration_id}）的居家隔离已于8月18日期满，记录已关闭，"
        "您的四包一任务结束。辛苦了！"
    ]


def test_a_family_member_who_declared_hears_of_the_end_too(town):
    db = town.state.db
    declaration_id = isolate(db, "cf-kid", "王小明", by="cf-parent")
    quarantine_id = quarantine_of(db, declaration_id).id
    run_job(db, end_notices, local(17, 9), town.settings)
    assert outbox(db, prefix=f"care:{quarantine_id}:end")["cf-parent"] == [
        "您好！王小明的居家隔离到明天（8月18日）就满了。明天还要在家，别出门；后天（8月19日）起解除。"
    ]


def test_a_reclassification_that_cancels_the_quarantine_releases_the_care(town):
    db = town.state.db
    declaration_id = isolate(db, "cf-r", "李建国")
    old = quarantine_of(db, declaration_id).id
    change(db, declaration_id, "无需隔离", now=local(7, 15))
    assert quarantine_of(db, declaration_id).status == "cancelled"
    assert care(db, declaration_id) == [] and len(care(db, declaration_id, released=True)) == 4
    released = outbox(db, prefix=f"care:{old}:released")
    assert set(released) == FOUR
    assert released["cf-cadre"] == [
        f"【四包一解除】李建国（鸣皋村，报备编号{declaration_id}）的管控调整为无需隔离，您不用再负责这一户了。谢谢您！"
    ]
    # Nothing is reminded for a cancelled record.
    assert run_due(db, town.settings, local(7, 19, 30))["sampling_eve"] == 0


def test_a_stricter_measure_keeps_the_doctor_and_brings_the_other_three(town):
    db = town.state.db
    declaration_id = isolate(db, "cf-u", "孙德胜", kind="居家健康监测", end=dt.date(2021, 8, 11), samples=SAMPLES[:1])
    old = quarantine_of(db, declaration_id).id
    with transaction(db) as session:
        session.execute(select(SamplingRound)).scalars().first().status = "done"  # the doctor came today
    change(db, declaration_id, "居家隔离", now=local(6, 16))
    new = quarantine_of(db, declaration_id).id
    assert len(care(db, declaration_id)) == 4
    sent = outbox(db, prefix=f"care:{new}:")
    assert sent["cf-doctor"][0].startswith("【四包一调整】这一户的管控调整了，您继续负责（您是村医）")
    assert sent["cf-cadre"][0].startswith("【四包一】请您负责这一户（您是村干部）")
    assert outbox(db, prefix=f"care:{old}:released") == {}  # the doctor stays; nobody else was there
    # Today's sampling was done under the old record: it stays done, and owes nothing.
    assert rounds(db, declaration_id) == [(dt.date(2021, 8, 6), "done")] + [
        (dt.date(2021, 8, d), "due") for d in (8, 11, 18)
    ]


def test_a_second_declaration_that_changes_nothing_tells_nobody_again(town):
    db = town.state.db
    declaration_id = isolate(db, "cf-s", "赵大妮")
    before = sum(len(texts) for texts in outbox(db).values())
    change(db, declaration_id, "居家隔离", now=local(6, 11))
    assert sum(len(texts) for texts in outbox(db).values()) == before
    assert len(care(db, declaration_id)) == 4
