"""Messages spooled while the database was unreachable are handled through the handler once it answers again:
the doctor hears of a fever, the villager gets the reply as a customer-service message, nothing runs twice."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import replay, spool
from bot.dialogue import texts
from bot.inbox import Inbox
from bot.protocol import to_inbound
from models.db import make_engine, transaction, utcnow
from models.inbound import InboundMessage
from tests.support.barriers import until
from tests.support.checkins import CADRES, bind, fevers, person, sent, village_id

FEVER = "发烧38度5"
DOCTOR = "ci-doctor"


@pytest.fixture
def town(server):
    bind(server, CADRES)
    return server


def villager(server, openid: str) -> None:
    """A villager of 鸣皋村 with a full profile: the fever report needs no follow-up question."""
    with transaction(server.state.db) as session:
        person(session, openid, "张桂兰", "13812340000", village_id(session))


def own_inbox(server, spool_dir: Path) -> Inbox:
    """An inbox like the server's, on a spool of its own that the server's replay loop never looks at."""
    state = server.state
    settings = server.settings.model_copy(update={"spool_dir": spool_dir})
    return Inbox(state.db, settings, state.dialogue, state.villages, risk=state.risk)


def spooled(spool_dir: Path, openid: str, text: str, *, msg_id: int, received_at: dt.datetime | None = None) -> dict:
    """A message written to the spool as the webhook writes it when the database does not answer."""
    from bot import sandbox

    row = Inbox._row(to_inbound(sandbox.text_xml(openid, text, msg_id=msg_id).encode()), received_at or utcnow())
    spool.append(spool_dir, row)
    return row


def doctor_alerts(server) -> list[str]:
    return [text for _, recipient, text in sent(server, prefix="fever:", kind="alert") if recipient == DOCTOR]


def late_replies(server, openid: str) -> list[str]:
    return [text for key, recipient, text in sent(server, kind="late_reply") if recipient == openid]


def stored(server, openid: str) -> list[InboundMessage]:
    with transaction(server.state.db) as session:
        query = select(InboundMessage).where(InboundMessage.openid == openid).order_by(InboundMessage.id)
        return list(session.execute(query).scalars())


def database_down(monkeypatch, server) -> None:
    """The inbox's database stops answering (a closed port), with no connection left open to it."""
    monkeypatch.setattr(server.state.inbox, "db", make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    monkeypatch.setattr(server.state.inbox, "_loop_connection", None)
    monkeypatch.setattr(server.state.inbox, "on_loop", False)


def test_a_fever_reported_while_the_database_is_down_reaches_the_doctor_when_it_returns(town, monkeypatch, tmp_path):
    spool_dir = tmp_path / "spool"
    inbox = town.state.inbox
    monkeypatch.setattr(inbox, "settings", inbox.settings.model_copy(update={"spool_dir": spool_dir}))
    villager(town, "sp-live")
    with monkeypatch.context() as outage:
        database_down(outage, town)
        assert town.client("sp-live").say(FEVER) == texts.SPOOLED
        assert stat.S_IMODE((spool_dir / spool.SPOOL).stat().st_mode) == 0o600
        assert doctor_alerts(town) == []
    # The server's own loop notices the database is back: no restart.
    until(lambda: len(doctor_alerts(town)) == 1, timeout=20, step=0.1)
    [alert] = doctor_alerts(town)
    assert "张桂兰" in alert and "38.5" in alert
    [reply] = late_replies(town, "sp-live")
    assert "王村医" in reply
    [row] = stored(town, "sp-live")
    assert row.status == "handled" and row.reply == reply
    until(lambda: not spool.pending(spool_dir), timeout=5, step=0.05)


def test_a_replayed_message_is_handled_at_the_time_it_was_received(town, tmp_path):
    spool_dir = tmp_path / "spool"
    villager(town, "sp-time")
    received = utcnow() - dt.timedelta(minutes=20)
    spooled(spool_dir, "sp-time", FEVER, msg_id=9101, received_at=received)
    assert replay.replay(own_inbox(town, spool_dir)) == 1
    [report] = fevers(town)
    assert abs(report.created_at.replace(tzinfo=dt.UTC) - received) < dt.timedelta(seconds=1)
    assert len(doctor_alerts(town)) == 1 and len(late_replies(town, "sp-time")) == 1
    assert list(spool_dir.glob("inbound*")) == []


def test_messages_are_replayed_in_the_order_each_sender_sent_them(town, tmp_path):
    spool_dir = tmp_path / "spool"
    start = utcnow() - dt.timedelta(minutes=5)
    # Two processes appended out of order: the later message was written first.
    spooled(spool_dir, "sp-order", "我的信息", msg_id=9202, received_at=start)
    spooled(spool_dir, "sp-order", "张桂兰", msg_id=9203, received_at=start + dt.timedelta(seconds=30))
    text = (spool_dir / spool.SPOOL).read_text(encoding="utf-8").splitlines()
    (spool_dir / spool.SPOOL).write_text("\n".join(reversed(text)) + "\n", encoding="utf-8")
    assert replay.replay(own_inbox(town, spool_dir)) == 2
    assert [row.text for row in stored(town, "sp-order")] == ["我的信息", "张桂兰"]
    first, second = late_replies(town, "sp-order")
    assert "名字" in first and second == texts.ASK_PHONE


def test_a_replay_a_crash_cut_short_is_resumed_and_nothing_runs_twice(town, tmp_path):
    spool_dir = tmp_path / "spool"
    villager(town, "sp-a")
    villager(town, "sp-b")
    spooled(spool_dir, "sp-a", FEVER, msg_id=9301)
    spooled(spool_dir, "sp-b", FEVER, msg_id=9302)
    inbox = own_inbox(town, spool_dir)
    # A process claimed the batch, handled the first message, and died.
    with spool.replay_lock(spool_dir):
        [claimed] = spool.claim(spool_dir)
        first = spool.read([claimed])[0]
        assert replay._replay_one(inbox, first)
    crashed = claimed.with_name("inbound.replaying-999999-0.jsonl")
    claimed.rename(crashed)
    assert len(doctor_alerts(town)) == 1
    # A message arriving meanwhile waits in a new spool file beside the claimed batch.
    spooled(spool_dir, "sp-c", "你好", msg_id=9303)
    assert replay.replay(inbox) == 2  # the second fever and the new message; the first is deduped
    assert len(doctor_alerts(town)) == 2 and len(late_replies(town, "sp-a")) == 1
    assert list(spool_dir.glob("inbound*")) == []
    # The same batch found again (a crash before its file was removed): nothing runs, nothing is sent twice.
    spooled(spool_dir, "sp-a", FEVER, msg_id=9301)
    spooled(spool_dir, "sp-b", FEVER, msg_id=9302)
    assert replay.replay(inbox) == 0
    assert len(doctor_alerts(town)) == 2
    assert [len(late_replies(town, openid)) for openid in ("sp-a", "sp-b")] == [1, 1]
    assert [row.status for row in stored(town, "sp-a") + stored(town, "sp-b")] == ["handled", "handled"]


def test_a_batch_left_claimed_by_a_crash_is_handled_at_the_next_start(town, tmp_path):
    spool_dir = tmp_path / "spool"
    villager(town, "sp-start")
    spooled(spool_dir, "sp-start", FEVER, msg_id=9351)
    (spool_dir / spool.SPOOL).rename(spool_dir / "inbound.replaying-424242-3.jsonl")
    assert replay.start_in_thread(own_inbox(town, spool_dir), every_s=0) is None  # at start only: no loop
    assert len(doctor_alerts(town)) == 1 and len(late_replies(town, "sp-start")) == 1
    assert not spool.pending(spool_dir)


def test_only_one_process_replays_at_a_time(town, tmp_path):
    spool_dir = tmp_path / "spool"
    spooled(spool_dir, "sp-lock", "你好", msg_id=9401)
    with spool.replay_lock(spool_dir) as ours:
        assert ours
        assert replay.replay(own_inbox(town, spool_dir)) is None
        assert (spool_dir / spool.SPOOL).exists()
    assert replay.replay(own_inbox(town, spool_dir)) == 1


def test_a_half_written_line_from_a_crash_is_skipped_and_the_rest_handled(town, tmp_path):
    spool_dir = tmp_path / "spool"
    spooled(spool_dir, "sp-half", "你好", msg_id=9501)
    with open(spool_dir / spool.SPOOL, "a", encoding="utf-8") as half:
        half.write('{"openid": "sp-half", "dedupe')
    assert replay.replay(own_inbox(town, spool_dir)) == 1
    assert [row.text for row in stored(town, "sp-half")] == ["你好"]


def test_spool_files_are_private(tmp_path):
    spool_dir = tmp_path / "spool"
    old = os.umask(0)
    try:
        spooled(spool_dir, "sp-mode", "你好", msg_id=9601)
        with spool.replay_lock(spool_dir):
            pass
    finally:
        os.umask(old)
    assert {stat.S_IMODE(path.stat().st_mode) for path in spool_dir.iterdir()} == {0o600}
    assert stat.S_IMODE(spool_dir.stat().st_mode) == 0o700


def test_the_database_drill_handles_every_spooled_fever(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the drill cuts a TCP proxy in front of PostgreSQL")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import drill_database

    counts = drill_database.run(quick=True)
    assert counts["expected"] == 10
    assert {key: counts[key] for key in drill_database.MUST_MATCH} == dict.fromkeys(drill_database.MUST_MATCH, 10)


def test_a_replayed_older_message_leaves_the_customer_service_window_where_the_newer_one_put_it(server):
    from models.person import touch_person
    from models.sql import Sql

    newer, older = dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC), dt.datetime(2026, 12, 3, 9, 59, tzinfo=dt.UTC)
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        touch_person(sql, openid="wx-window", now=newer)
        caller = touch_person(sql, openid="wx-window", now=older)
        last = sql.read_time(sql.one("SELECT last_inbound_at FROM person WHERE openid = 'wx-window'")[0])
    assert caller.openid == "wx-window" and last == newer
