"""A fortnight of home isolation: the town (household and its four), and the declaration that starts it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from broadcasts.jobs import run_due
from models.db import transaction
from models.outbox import OutboxMessage
from models.outbox_body import with_bodies
from tests.support.care import ROSTER, bind, local
from tests.support.conversation import run
from tests.support.declarations import AUG5
from tests.support.live import import_list

HOME = "fn-home"


class Town:
    """The server, its database and a running record of what each person received."""

    def __init__(self, server):
        self.server, self.db, self.seen = server, server.state.db, 0

    def say(self, openid: str, text: str, at: dt.datetime) -> str:
        """What the bot replies to `text` from `openid` at the moment `at`."""
        with time_machine.travel(at, tick=False):
            return self.server.client(openid).say(text) or ""

    def jobs(self, at: dt.datetime) -> None:
        """Run the jobs due at `at`."""
        run_due(self.db, self.server.settings, at)

    def new(self) -> dict[str, list[str]]:
        """What was queued since the last look, by recipient."""
        with transaction(self.db) as session:
            rows = session.execute(select(OutboxMessage).where(OutboxMessage.id > self.seen).order_by(OutboxMessage.id))
            got: dict[str, list[str]] = {}
            for row in with_bodies(session, list(rows.scalars())):
                got.setdefault(row.recipient_openid, []).append(row.text)
                self.seen = row.id
        return got

    def rows(self, model, *where):
        """The rows of `model` matching `where`, oldest first."""
        with transaction(self.db) as session:
            return session.execute(select(model).where(*where).order_by(model.id)).scalars().all()


@pytest.fixture
def town(server):
    """The isolation fortnight's town: the roster bound, the 8月5日 list imported."""
    import_list(server, AUG5)
    bind(server.state.db, ROSTER)
    return Town(server)


STEPS = [
    ("俺今天坐大巴从郑州二七区回来的", "名字"),
    ("张建军", "手机号"),
    ("13812345678", "身份证"),
    ("跳过", "哪个村"),
    ("鸣皋", "哪个街道"),
    ("长江路街道", "哪天离开"),
    ("当天", "健康码"),
    ("绿码", "一起回来"),
    ("俺老婆李桂兰", "请核对"),
]


def declare(town: Town) -> None:
    """Day 1, 15:00: back from a medium-risk street of 郑州 with his wife."""
    assert "居家隔离14天（8月5日至8月18日）" in declare_at(town, local(5, 15))


def declare_at(town: Town, moment: dt.datetime) -> str:
    """The same declaration made at `moment`: the reply to its confirmation."""
    client = town.server.client(HOME)
    with time_machine.travel(moment, tick=False):
        run(client, STEPS)
        return client.say("对") or ""
