"""A household declared before its village's cadres bind is not orphaned: whoever binds takes the empty place."""

from __future__ import annotations

import pytest

from admin.ledger import load_ledger
from admin.ledger.texts import QUARANTINES
from models.care import CareAssignment, SamplingRound
from models.db import transaction
from tests.support.care import local
from tests.support.declarations import AUG5
from tests.support.isolation import Town, declare, declare_at
from tests.support.live import SHANGHAI, import_list, invite_code


@pytest.fixture
def bare_town(server):
    """The 8月5日 list imported and nobody bound in 鸣皋村."""
    import_list(server, AUG5)
    return Town(server)


def bind(town: Town, openid: str, role: str) -> str:
    """What the cadre is told when they bind, on the household's second day."""
    return town.say(openid, f"绑定 {invite_code(town.server, '鸣皋', role)}", local(6, 9))


def test_cadres_who_bind_later_take_the_households_waiting_for_them(bare_town):
    declare(bare_town)
    assert bare_town.rows(CareAssignment) == []

    told = bind(bare_town, "to-doctor", "village_doctor")
    assert "绑定成功" in told and "这1户还没有人负责您这个角色，现在交给您了" in told
    assert "张建军（13812345678），鸣皋村" in told and "居家隔离14天（8月5日至8月18日）" in told
    cadre = bind(bare_town, "to-cadre", "village_cadre")
    assert "这1户还没有人负责您这个角色" in cadre

    places = {(row.role, row.released_at) for row in bare_town.rows(CareAssignment)}
    assert places == {("village_doctor", None), ("village_cadre", None)}
    todo = bare_town.say("to-doctor", "待办", local(6, 9, 5))
    assert "张建军（鸣皋村），8月5日第1次核酸" in todo  # the round that waited for a doctor

    # A second doctor finds the place taken: nothing is handed over twice.
    second = bind(bare_town, "to-doctor-2", "village_doctor")
    assert "绑定成功" in second and "还没有人负责" not in second


def test_a_cadre_of_another_village_takes_nothing(bare_town):
    declare(bare_town)
    told = bare_town.say("to-sun", f"绑定 {invite_code(bare_town.server, '孙村', 'village_doctor')}", local(6, 9))
    assert "绑定成功" in told and "还没有人负责" not in told
    assert bare_town.rows(CareAssignment) == []


def ledger_cell(town: Town) -> str:
    """The household's 包保责任人 in the 隔离管控 sheet of the 台账."""
    with transaction(town.db) as session:
        ledger = load_ledger(session, town="鸣皋镇", now=local(6, 9, 30), tz=SHANGHAI)
    sheet = next(s for s in ledger.sheets if s.title == QUARANTINES)
    [row] = sheet.rows
    return row[sheet.columns.index("包保责任人")]


def test_a_household_declared_before_anyone_binds_is_picked_up_by_those_who_bind(bare_town):
    reply = declare_at(bare_town, local(5, 15))
    # Nobody holds the doctor's place: no visit is promised by role, and the villager is told who to call.
    assert "居家隔离14天（8月5日至8月18日）" in reply and "村医" not in reply
    assert "村里正在安排人上门来做" in reply and "村里还没有干部在这里登记，有事请给村委会打电话" in reply
    assert ledger_cell(bare_town) == "包村干部：暂缺；村干部：暂缺；村医：暂缺；民警或网格员：暂缺"
    bare_town.new()

    doctor = bind(bare_town, "to-doctor", "village_doctor")
    cadre = bind(bare_town, "to-cadre", "village_cadre")
    # Each is told in the one reply to 绑定: the household, and the round that waited for a doctor.
    for told in (doctor, cadre):
        assert "这1户还没有人负责您这个角色，现在交给您了" in told and "张建军（13812345678），鸣皋村" in told
        assert "8月5日第1次核酸，已经过了还没采，请尽快补采" in told
    assert bare_town.new() == {}  # nothing else queued for them: one message each
    todo = bare_town.say("to-doctor", "待办", local(6, 9, 5))
    assert "张建军（鸣皋村），8月5日第1次核酸" in todo

    # The 台账 names those who hold a place, and nobody in the places still empty.
    assert ledger_cell(bare_town) == "包村干部：暂缺；村干部：未登记姓名；村医：未登记姓名；民警或网格员：暂缺"


def test_a_doctor_who_binds_on_a_sampling_day_reads_it_as_today(bare_town):
    declare_at(bare_town, local(5, 9))
    told = bare_town.say("to-doctor", f"绑定 {invite_code(bare_town.server, '鸣皋', 'village_doctor')}", local(5, 10))
    round_id = [r.id for r in bare_town.rows(SamplingRound)][0]
    assert f"采样编号{round_id}：8月5日第1次核酸，今天要采，采完回「采样 {round_id} 完成」" in told


def test_the_lead_told_of_the_empty_places_hears_when_a_cadre_fills_them(bare_town):
    lead = bind(bare_town, "to-lead", "work_area_lead")
    assert "绑定成功" in lead
    bare_town.new()
    declare_at(bare_town, local(5, 15))
    [missing] = bare_town.new()["to-lead"]
    assert "【四包一缺人】" in missing and "还缺：包村干部、村干部、村医、民警或网格员" in missing

    bind(bare_town, "to-doctor", "village_doctor")
    told = bare_town.new()
    [filled] = told["to-lead"]
    assert filled.startswith("【四包一补齐】鸣皋村的一位村医（还没留姓名）已经绑定，接下了1户：张建军（报备编号")
    # A cadre who binds when nothing waits for them sends the lead nothing.
    bind(bare_town, "to-doctor-2", "village_doctor")
    assert "to-lead" not in bare_town.new()
