"""A town day for the 待办 board: cadres bound, a villager on record, requests made through the real chat."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from sqlalchemy import select

from handlers import fever, supplies
from handlers.todo import SOURCES
from models.audit import AuditLog
from models.db import transaction
from models.supplies import SupplyRequest
from tests.support.live import SHANGHAI
from tests.support.people import bind, person

NOW = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)
CADRE, DOCTOR, OTHER, COMMAND = "tb-cadre", "tb-doctor", "tb-other", "tb-command"
VILLAGER, NEIGHBOUR = "tb-villager", "tb-neighbour"
# An item's key is its source's place in 待办's SOURCES and the task's number.
SUPPLY, FEVER = SOURCES.index(supplies.todo_lines), SOURCES.index(fever.todo_lines)
WHAT = re.compile(r'<p class="what">(.*?)</p>', re.S)


@pytest.fixture
def board(server):
    """鸣皋村's cadre and doctor, 孙村's cadre, the town command; a villager of each village; 8月6日 10:00."""
    bind(
        server.state.db,
        (CADRE, "刘支书", "village_cadre", "鸣皋村", "13700001111"),
        (DOCTOR, "王村医", "village_doctor", "鸣皋村", "13700003333"),
        (OTHER, "孙支书", "village_cadre", "孙村", "13700007777"),
        (COMMAND, "镇指挥部小李", "town_command", "鸣皋村", "13700006666"),
    )
    with transaction(server.state.db) as session:
        person(session, VILLAGER, "张桂兰", "13812345678", "鸣皋村")
        person(session, NEIGHBOUR, "孙大娘", "13812340000", "孙村")
    with time_machine.travel(NOW, tick=True):
        yield server


def ask_for_supplies(server, openid: str, text: str = "要两袋米和一桶油") -> int:
    """A request made and confirmed in the chat; its number."""
    client = server.client(openid)
    assert "请核对" in (client.say(text) or "")
    assert "申请编号是" in (client.say("对") or "")
    with transaction(server.state.db) as session:
        return session.execute(select(SupplyRequest.id).order_by(SupplyRequest.id.desc())).scalars().first()


def request_row(server, number: int) -> SupplyRequest:
    with transaction(server.state.db) as session:
        return session.get(SupplyRequest, number)


def audit_rows(server) -> list[AuditLog]:
    with transaction(server.state.db) as session:
        return list(session.execute(select(AuditLog).order_by(AuditLog.id)).scalars())


def items_shown(page: str) -> list[str]:
    """The item texts a board page shows, unescaped."""
    return [html.unescape(found) for found in WHAT.findall(page)]
