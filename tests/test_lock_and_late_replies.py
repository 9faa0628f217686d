"""A long SQLite write lock spools messages within the reply deadline instead of queueing them behind it; a late
reply is copied as a customer-service message only when no attempt of the message was answered in time."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from bot import sandbox
from bot.dialogue import Flow, texts
from bot.late import WECHAT_RETRIES_END_S
from models.db import make_engine, transaction
from models.inbound import InboundMessage
from models.outbox import OutboxMessage
from tests.support.barriers import until

SLOW_REPLY = "慢慢处理完了"


def stored(server, prefix: str) -> list[InboundMessage]:
    with transaction(server.state.db) as session:
        query = select(InboundMessage).where(InboundMessage.openid.like(f"{prefix}%")).order_by(InboundMessage.id)
        return list(session.execute(query).scalars())


def late_copies(server, prefix: str) -> list[OutboxMessage]:
    with transaction(server.state.db) as session:
        query = select(OutboxMessage).where(
            OutboxMessage.kind == "late_reply", OutboxMessage.recipient_openid.like(f"{prefix}%")
        )
        return list(session.execute(query.order_by(OutboxMessage.id)).scalars())


def test_a_long_write_lock_spools_messages_within_the_deadline_and_they_are_handled_after(servers, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's single-writer lock only")
    server = servers(webhook_reply_deadline_s=1.5)
    holder = make_engine(database_url).connect()
    holder.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: another process holds the write lock

    clients = [server.client(f"pz-lock-{i}") for i in range(30)]

    def say(i: int) -> tuple[float, int, str | None]:
        xml = sandbox.text_xml(f"pz-lock-{i}", "帮助", msg_id=5500 + i)
        started = time.monotonic()
        response = clients[i].post_xml(xml)
        return time.monotonic() - started, response.status_code, sandbox.read_reply(server.settings, response.text)

    try:
        with ThreadPoolExecutor(30) as pool:
            outcomes = list(pool.map(say, range(30)))
    finally:
        holder.commit()
        holder.close()
    assert {status for _, status, _ in outcomes} == {200}
    assert {reply for _, _, reply in outcomes} == {texts.SPOOLED_BUSY}
    assert max(elapsed for elapsed, _, _ in outcomes) < 1.5, sorted(elapsed for elapsed, _, _ in outcomes)
    # Once the lock is gone, the replay runs each through the handler; its reply goes out as a message.
    until(lambda: len([row for row in stored(server, "pz-lock-") if row.status == "handled"]) == 30, timeout=30)
    copies = late_copies(server, "pz-lock-")
    assert len(copies) == 30 and all("我的信息" in copy.text for copy in copies)


@pytest.fixture
def slow_server(servers, monkeypatch):
    """A server with a 0.2 s deadline and a flow that takes 0.4 s: its first answer is always late."""
    server = servers(webhook_reply_deadline_s=0.2)

    def finish(ctx):
        time.sleep(0.4)
        return SLOW_REPLY

    flow = Flow(name="slow_late", title="测试", steps=(), finish=finish, entry_words=("慢测试",))
    monkeypatch.setitem(server.state.dialogue.flows, flow.name, flow)
    return server


def test_a_late_reply_whose_retry_was_answered_in_time_is_not_copied(slow_server):
    client = slow_server.client("pz-late-a")
    xml = sandbox.text_xml("pz-late-a", "慢测试", msg_id=6601)
    assert client.reply_of(client.post_xml(xml)) == SLOW_REPLY  # after the deadline: WeChat no longer waits
    [copy] = late_copies(slow_server, "pz-late-a")
    # Not sent at once: WeChat's retries may still carry the reply.
    assert copy.status == "queued" and copy.text == SLOW_REPLY
    assert copy.due_at - copy.created_at > dt.timedelta(seconds=WECHAT_RETRIES_END_S - 1)
    # WeChat's retry gets the stored reply at once, in time: the copy is taken back.
    assert client.reply_of(client.post_xml(xml)) == SLOW_REPLY
    assert late_copies(slow_server, "pz-late-a") == []
    [row] = stored(slow_server, "pz-late-a")
    assert row.answered_in_time


def test_a_reply_late_at_every_attempt_is_copied_exactly_once(slow_server, monkeypatch):
    client = slow_server.client("pz-late-b")
    xml = sandbox.text_xml("pz-late-b", "慢测试", msg_id=6602)
    assert client.reply_of(client.post_xml(xml)) == SLOW_REPLY
    # The retries are late too (here: a deadline nothing meets).
    inbox = slow_server.state.inbox
    monkeypatch.setattr(inbox, "settings", inbox.settings.model_copy(update={"webhook_reply_deadline_s": 0.0}))
    for _ in range(2):
        assert client.reply_of(client.post_xml(xml)) == SLOW_REPLY
    [copy] = late_copies(slow_server, "pz-late-b")
    assert copy.status == "queued" and copy.text == SLOW_REPLY
    [row] = stored(slow_server, "pz-late-b")
    assert not row.answered_in_time


def test_a_reply_in_time_is_recorded_as_answered_and_never_copied(server):
    assert "我的信息" in server.client("pz-late-c").say("帮助")
    [row] = stored(server, "pz-late-c")
    assert row.answered_in_time and late_copies(server, "pz-late-c") == []
