"""Retries never run a handler twice; a failing handler loses nothing and never shows a 500."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from bot import sandbox, spool
from bot.dialogue import Flow, texts
from models.db import make_engine, transaction
from models.inbound import InboundMessage
from models.outbox import OutboxMessage
from tests.support.barriers import until
from tests.support.live import PROJECT, answers_health, free_port


class Counter:
    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()

    def bump(self):
        with self.lock:
            self.value += 1


def slow_flow(counter: Counter, seconds: float, *, fail: bool = False) -> Flow:
    def finish(ctx):
        counter.bump()
        time.sleep(seconds)
        if fail:
            raise RuntimeError("handler exploded")
        return "慢慢处理完了"

    return Flow(name="slow_test", title="测试", steps=(), finish=finish, entry_words=("慢测试",))


@pytest.fixture
def with_flow(monkeypatch):
    def install(server, flow: Flow):
        monkeypatch.setitem(server.state.dialogue.flows, flow.name, flow)

    return install


def rows(server, openid: str) -> list[InboundMessage]:
    with transaction(server.state.db) as session:
        return list(session.execute(select(InboundMessage).where(InboundMessage.openid == openid)).scalars())


def test_three_concurrent_retries_run_the_handler_once(server, with_flow):
    counter = Counter()
    with_flow(server, slow_flow(counter, 0.8))
    xml = sandbox.text_xml("dup-1", "慢测试", msg_id=99001)
    client = server.client("dup-1")
    with ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(lambda _: client.post_xml(xml), range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert counter.value == 1
    # Each retry gets the stored reply when the first has finished, else "success" (never a second run).
    replies = [client.reply_of(r) for r in responses]
    assert set(replies) <= {"慢慢处理完了", None} and "慢慢处理完了" in replies
    # A retry after the first answer gets the stored reply, still without running the handler.
    assert client.reply_of(client.post_xml(xml)) == "慢慢处理完了"
    assert counter.value == 1


def test_a_failing_handler_keeps_the_message_and_apologises(server, with_flow):
    counter = Counter()
    with_flow(server, slow_flow(counter, 0, fail=True))
    client = server.client("fail-1")
    response = client.post_xml(sandbox.text_xml("fail-1", "慢测试"))
    assert response.status_code == 200
    assert client.reply_of(response) == texts.APOLOGY
    [row] = rows(server, "fail-1")
    assert row.text == "慢测试" and row.status == "failed" and "handler exploded" in row.error
    assert "我的信息" in client.say("帮助")


def test_a_reply_later_than_wechats_deadline_also_goes_out_as_a_message(servers, with_flow):
    server = servers(webhook_reply_deadline_s=0.2)
    counter = Counter()
    with_flow(server, slow_flow(counter, 0.4))
    assert server.client("late-1").say("慢测试") == "慢慢处理完了"
    with transaction(server.state.db) as session:
        [late] = session.execute(select(OutboxMessage).where(OutboxMessage.recipient_openid == "late-1")).scalars()
    assert late.kind == "late_reply" and late.text == "慢慢处理完了" and late.status == "queued"


def start_process(database_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WECHAT_TOKEN": "test-token",
        "PORT": str(port),
        "WECHAT_APP_ID": "",
        "LOG_LEVEL": "warning",
    }
    return subprocess.Popen(
        [sys.executable, "main.py", "serve"], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    until(lambda: answers_health(url, process), timeout=60, step=0.1)


def test_retries_spread_over_two_processes_are_handled_once(server, database_url):
    ports = [free_port(), free_port()]
    processes = [start_process(database_url, port) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        settings = server.settings
        first = sandbox.sign_request(settings, sandbox.text_xml("xproc-1", "我的信息", msg_id=77001))
        assert "名字" in sandbox.read_reply(settings, httpx.post(urls[0] + first.path, content=first.body).text)
        retry = sandbox.sign_request(settings, sandbox.text_xml("xproc-1", "张桂兰", msg_id=77002))

        def deliver(i: int) -> httpx.Response:
            return httpx.post(urls[i % 2] + retry.path, content=retry.body, timeout=30)

        with ThreadPoolExecutor(4) as pool:
            responses = list(pool.map(deliver, range(4)))
        assert {r.status_code for r in responses} == {200}
        replies = {sandbox.read_reply(settings, r.text) for r in responses} - {None}
        assert replies == {texts.ASK_PHONE}
        assert len(rows(server, "xproc-1")) == 2
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)


def database_down(monkeypatch, server) -> None:
    """The inbox's database stops answering (a closed port), with no connection left open to it."""
    monkeypatch.setattr(server.state.inbox, "db", make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    monkeypatch.setattr(server.state.inbox, "_loop_connection", None)
    monkeypatch.setattr(server.state.inbox, "on_loop", False)


def test_a_message_arriving_while_the_database_is_down_is_spooled_and_acknowledged(server, monkeypatch, tmp_path):
    """Its replay through the handler is tests/test_spool_replay.py."""
    spool_dir = tmp_path / "spool"
    monkeypatch.setattr(server.state.inbox, "settings", server.settings.model_copy(update={"spool_dir": spool_dir}))
    database_down(monkeypatch, server)
    client = server.client("down-1")
    assert client.say("家里没米了") == texts.SPOOLED
    assert "家里没米了" in (spool_dir / spool.SPOOL).read_text(encoding="utf-8")


def test_when_neither_database_nor_spool_can_store_wechat_is_asked_to_retry(server, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the spool directory should be")
    monkeypatch.setattr(server.state.inbox, "settings", server.settings.model_copy(update={"spool_dir": blocked}))
    database_down(monkeypatch, server)
    response = server.client("down-2").post_xml(sandbox.text_xml("down-2", "发烧了"))
    assert response.status_code == 503


def test_a_locked_sqlite_database_never_blocks_the_event_loop(server, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's single-writer lock only")
    holder = make_engine(database_url).connect()
    holder.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: another writer holds the lock
    client = server.client("locked-1")
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.say, "帮助")
        until(lambda: server.server.server_state.tasks)  # the request is inside the app, waiting on the lock
        assert httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200
        assert not pending.done()
        holder.commit()
        assert "我的信息" in pending.result(timeout=10)
    holder.close()
    # The loop's impatient connection was dropped, not handed to the pool's patient users.
    with server.state.db.connect() as pooled:
        assert pooled.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
