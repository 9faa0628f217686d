"""A household declared before its village's cadres bind is not orphaned: whoever binds takes the empty place."""

from __future__ import annotations

import pytest

from models.care import CareAssignment
from tests.support.care import local
from tests.support.declarations import AUG5
from tests.support.isolation import Town, declare
from tests.support.live import import_list, invite_code


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
