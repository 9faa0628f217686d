"""Delivery against a fake WeChat API over HTTP: tokens, errcodes, channels, outages and crashes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.delivery import make_worker
from bot.delivery.transport import SandboxTransport
from bot.delivery.worker import TAG_SYNC_S, Worker
from models.db import transaction, utcnow
from models.delivery import ApiPause, CallTask, ChannelBlock
from models.outbox import OutboxMessage, enqueue
from models.sql import Sql
from tests.support.accounts import wechat_account
from tests.support.barriers import until
from tests.support.fakewechat import FakeWeChat
from tests.support.live import PROJECT, invite

CUSTOM = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"


@pytest.fixture
def fake():
    running = FakeWeChat(templates=("tpl-notice",)).start()
    yield running
    running.stop()


@pytest.fixture
def subscription_fake():
    running = FakeWeChat(account_type="subscription").start()
    yield running
    running.stop()


@pytest.fixture
def account(make_settings, fake):
    return wechat_account(make_settings, fake, wechat_template_ids="*=tpl-notice")


@pytest.fixture
def workers(server, make_settings, clock):
    """Start a worker for a given fake and settings; all are closed after the test."""
    started = []

    def start(fake, **overrides):
        running = make_worker(wechat_account(make_settings, fake, **overrides), server.state.db, clock)
        started.append(running)
        return running

    yield start
    for running in started:
        running.close()


class Clock:
    """The worker's clock: real time plus whatever the test skips ahead."""

    def __init__(self):
        self.ahead = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return utcnow() + self.ahead


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def worker(server, account, clock):
    running = make_worker(account, server.state.db, clock)
    yield running
    running.close()


def villager(server, fake, openid: str, *, wrote_on_wechat: bool = True) -> None:
    """A person who wrote to the account just now (the fake opens the same window unless told not to)."""
    server.client(openid).say("帮助")
    if wrote_on_wechat:
        fake.user_wrote(openid)


def queue(server, key: str, openid: str, text: str = "请明天上午在家等候采样。", kind: str = "notice") -> None:
    with server.state.db.begin() as connection:
        enqueue(Sql(connection), key=key, recipient_openid=openid, kind=kind, text=text, now=utcnow())


def outbox(server, openid: str | None = None) -> list[OutboxMessage]:
    with transaction(server.state.db) as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if openid:
            query = query.where(OutboxMessage.recipient_openid == openid)
        return list(session.execute(query).scalars())


def test_customer_service_messages_go_out_with_one_token(server, fake, worker):
    villager(server, fake, "wx-1")
    for i in range(3):
        queue(server, f"wx-1-{i}", "wx-1", f"第{i}条通知")
    assert worker.run_once() == 3
    assert [m.text for m in fake.messages_to("wx-1", channel="custom")] == ["第0条通知", "第1条通知", "第2条通知"]
    assert fake.token_fetches == 1
    assert {(m.status, m.channel) for m in outbox(server, "wx-1")} == {("sent", "custom")}


def test_an_invalid_token_forever_is_one_refresh_one_retry_then_a_clear_failure(server, fake, worker):
    villager(server, fake, "wx-40001")
    fake.fail(CUSTOM, 40001)
    queue(server, "wx-40001-a", "wx-40001")
    worker.run_once()
    [row] = outbox(server, "wx-40001")
    assert (row.status, row.errcode) == ("failed", 40001)
    assert len(fake.calls_to(CUSTOM)) == 2 and fake.token_fetches == 2
    forced = [call for call in fake.calls_to("/cgi-bin/stable_token") if call.json.get("force_refresh")]
    assert len(forced) == 1


def test_busy_timeouts_and_5xx_are_retried_with_backoff(server, fake, worker):
    villager(server, fake, "wx-flaky")
    fake.fail(CUSTOM, -1, times=1)
    fake.slow(CUSTOM, 3.0, times=1)  # beyond the 2 s read timeout
    queue(server, "wx-flaky-1", "wx-flaky")
    worker.run_once()
    fake.http_error(CUSTOM, 502, times=1)
    queue(server, "wx-flaky-2", "wx-flaky")
    worker.run_once()
    assert [m.status for m in outbox(server, "wx-flaky")] == ["sent", "sent"]
    assert len(fake.messages_to("wx-flaky")) == 2


def test_wechat_down_for_a_while_then_everything_queued_is_delivered_once(server, fake, worker, clock):
    for person in ("wx-down-a", "wx-down-b"):
        villager(server, fake, person)
        queue(server, f"{person}-1", person)
    fake.down()
    worker.run_once()
    assert {m.status for m in outbox(server)} == {"queued"}
    assert worker.run_once() == 0  # not due again yet: backoff
    fake.up()
    clock.ahead += dt.timedelta(minutes=11)
    assert worker.run_once() == 2
    assert {m.status for m in outbox(server)} == {"sent"}
    assert [len(fake.messages_to(p)) for p in ("wx-down-a", "wx-down-b")] == [1, 1]


def test_outside_wechats_window_45015_falls_back_to_a_template(server, fake, worker):
    villager(server, fake, "wx-45015", wrote_on_wechat=False)
    queue(server, "wx-45015-1", "wx-45015", "明天上午9点在村委会打疫苗，请带身份证。")
    worker.run_once()
    [row] = outbox(server, "wx-45015")
    assert (row.status, row.channel) == ("sent", "template") and row.wechat_msgid
    [delivered] = fake.messages_to("wx-45015")
    assert delivered.channel == "template" and delivered.template_id == "tpl-notice"
    queue(server, "wx-45015-2", "wx-45015")
    worker.run_once()
    assert len(fake.calls_to(CUSTOM)) == 1  # the closed window is remembered until the person writes again


def test_a_cadre_no_channel_reaches_becomes_a_phone_call_for_the_next_cadre_up(server, fake, worker, database_url):
    doctor = invite(database_url, "--village", "谢村", "--role", "village_doctor").stdout.split()[-1]
    cadre = invite(database_url, "--village", "谢村", "--role", "village_cadre").stdout.split()[-1]
    server.client("wx-doc").say(f"绑定 {doctor}")
    villager(server, fake, "wx-head")
    server.client("wx-head").say(f"绑定 {cadre}")
    fake.refuse_templates("wx-doc")
    queue(server, "wx-doc-fever", "wx-doc", "谢村张大爷发烧39度，请马上上门。", kind="alert")
    worker.run_once()
    [alert] = outbox(server, "wx-doc")
    assert alert.status == "undeliverable"
    with transaction(server.state.db) as session:
        [task] = session.execute(select(CallTask)).scalars()
        blocks = {(b.openid, b.channel, b.errcode) for b in session.execute(select(ChannelBlock)).scalars()}
    assert task.caller_openid == "wx-head" and ("wx-doc", "template", 43101) in blocks
    worker.run_once()
    [call] = fake.messages_to("wx-head")  # a cadre: the template first (it shows the first 20 characters)
    assert call.channel == "template" and "请电话联系" in call.text
    [row] = outbox(server, "wx-head")
    assert row.status == "sent" and "发烧39度" in row.text


def test_a_used_up_daily_quota_pauses_that_api_until_tomorrow(server, fake, worker):
    for person in ("wx-q1", "wx-q2"):
        villager(server, fake, person, wrote_on_wechat=False)
    with server.state.db.begin() as connection:
        Sql(connection).run("UPDATE person SET cs_used = 5")
    fake.fail(TEMPLATE, 45009, times=1)
    queue(server, "wx-q1-1", "wx-q1")
    worker.run_once()
    queue(server, "wx-q2-1", "wx-q2")
    worker.run_once()
    assert [m.status for m in outbox(server)] == ["undeliverable", "undeliverable"]
    assert len(fake.calls_to(TEMPLATE)) == 1
    with transaction(server.state.db) as session:
        [pause] = session.execute(select(ApiPause)).scalars()
    assert pause.api == "template" and pause.until > utcnow() and pause.errcode == 45009


def worker_process(account, database_url: str, **extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "WECHAT_APP_ID": "wxfake",
        "WECHAT_APP_SECRET": "s",
        "WECHAT_TOKEN": account.wechat_token,
        "WECHAT_API_BASE_URL": account.wechat_api_base_url,
        "SPOOL_DIR": str(account.spool_dir),
        "LOG_LEVEL": "warning",
        **extra,
    }
    return subprocess.Popen(
        [sys.executable, "main.py", "worker"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_two_worker_processes_share_one_token_and_send_each_message_once(server, fake, account, database_url):
    people = [f"wx-pair-{i}" for i in range(8)]
    for person in people:
        villager(server, fake, person)
        for n in range(3):
            queue(server, f"{person}-{n}", person, f"{person} 第{n}条")
    workers = [worker_process(account, database_url, OUTBOX_CONCURRENCY="2") for _ in range(2)]
    try:
        until(lambda: all(m.status == "sent" for m in outbox(server)), timeout=60, step=0.2)
    finally:
        for process in workers:
            process.terminate()
            process.wait(timeout=20)
    assert fake.token_fetches == 1
    assert all(call.errcode in (0, None) for call in fake.calls_to(CUSTOM))
    assert sorted(len(fake.messages_to(p)) for p in people) == [3] * 8


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_at_most_one(server, fake, account, database_url):
    people = [f"wx-kill-{i}" for i in range(4)]
    for person in people:
        villager(server, fake, person)
        queue(server, f"{person}-1", person, f"{person} 通知")
    fake.slow(CUSTOM, 5.0, times=1)
    first = worker_process(account, database_url, OUTBOX_CONCURRENCY="1", OUTBOX_LEASE_S="1")
    until(lambda: fake.calls_to(CUSTOM), timeout=60, step=0.2)  # the worker is inside the slow call
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = worker_process(account, database_url, OUTBOX_CONCURRENCY="2", OUTBOX_LEASE_S="1")
    try:
        until(lambda: all(m.status == "sent" for m in outbox(server)), timeout=60, step=0.2)
    finally:
        second.terminate()
        second.wait(timeout=20)
    counts = [len(fake.messages_to(p)) for p in people]
    assert min(counts) == 1 and sum(counts) <= len(people) + 1


def broadcast(server, name: str, people: list[str], text: str) -> None:
    with server.state.db.begin() as connection:
        for person in people:
            enqueue(
                Sql(connection),
                key=f"{name}:{person}",
                recipient_openid=person,
                kind="broadcast",
                text=text,
                now=utcnow(),
                payload={"broadcast": name},
            )


def test_a_broadcast_is_one_mass_send_within_each_persons_monthly_quota(server, fake, worker):
    people = ["wx-m1", "wx-m2", "wx-m3"]
    for person in people:
        villager(server, fake, person)
    with server.state.db.begin() as connection:  # wx-m3 already had this month's 4 mass messages
        sql = Sql(connection)
        for n in range(4):
            enqueue(sql, key=f"old-{n}", recipient_openid="wx-m3", kind="broadcast", text="旧", now=utcnow())
        sql.run("UPDATE outbox_message SET status = 'sent', channel = 'mass', sent_at = :now", now=sql.time(utcnow()))
    broadcast(server, "b-1", people, "今晚8点村委会广播：明天全员核酸。")
    worker.run_once()
    [mass] = fake.calls_to("/cgi-bin/message/mass/send")
    assert sorted(mass.json["touser"]) == ["wx-m1", "wx-m2"]
    channels = {m.recipient_openid: m.channel for m in outbox(server) if m.idempotency_key.startswith("b-1")}
    assert channels == {"wx-m1": "mass", "wx-m2": "mass", "wx-m3": "custom"}
    assert [m.text for m in fake.messages_to("wx-m3", channel="custom")] == ["今晚8点村委会广播：明天全员核酸。"]
    msgid = next(m.wechat_msgid for m in outbox(server, "wx-m1") if m.idempotency_key.startswith("b-1"))
    server.client("wx-m1").event(
        "MASSSENDJOBFINISH",
        MsgID=msgid,
        Status="send success",
        TotalCount="2",
        FilterCount="2",
        SentCount="2",
        ErrorCount="0",
    )
    statuses = {m.recipient_openid: m.status for m in outbox(server) if m.idempotency_key.startswith("b-1")}
    assert statuses == {"wx-m1": "delivered", "wx-m2": "delivered", "wx-m3": "sent"}


def test_a_mass_send_over_the_daily_quota_pauses_mass_and_falls_back(server, fake, worker):
    people = ["wx-md1", "wx-md2"]
    for person in people:
        villager(server, fake, person)
    fake.fail("/cgi-bin/message/mass/send", 45009, times=1)
    broadcast(server, "b-2", people, "紧急通知")
    worker.run_once()
    assert {m.channel for m in outbox(server)} == {"custom"}
    broadcast(server, "b-3", people, "第二条")
    worker.run_once()
    assert len(fake.calls_to("/cgi-bin/message/mass/send")) == 1  # paused until midnight


def test_a_subscribe_notification_reaches_someone_who_accepted_it(server, fake, workers):
    running = workers(fake, wechat_subscribe_template_ids="notice=sub-notice")
    villager(server, fake, "wx-sub", wrote_on_wechat=False)
    with server.state.db.begin() as connection:
        Sql(connection).run("UPDATE person SET cs_used = 5 WHERE openid = 'wx-sub'")
    fake.accept_subscribe("wx-sub", "sub-notice")
    queue(server, "wx-sub-1", "wx-sub", "您的物资已送到村口。")
    running.run_once()
    [row] = outbox(server, "wx-sub")
    assert (row.status, row.channel) == ("sent", "subscribe")
    assert [m.channel for m in fake.messages_to("wx-sub")] == ["subscribe"]


def test_a_subscription_account_never_tries_templates_or_mass_send_by_list(server, subscription_fake, workers):
    fake = subscription_fake
    running = workers(fake, wechat_account_type="subscription", wechat_template_ids="*=tpl-notice")
    for person in ("wx-s1", "wx-s2"):
        villager(server, fake, person)
    broadcast(server, "b-sub", ["wx-s1", "wx-s2"], "通知")
    queue(server, "wx-s-closed", "wx-s1", "第二条", kind="notice")
    with server.state.db.begin() as connection:
        Sql(connection).run("UPDATE person SET cs_used = 4 WHERE openid = 'wx-s1'")
    running.run_once()
    assert not fake.calls_to("/cgi-bin/message/mass/send") and not fake.calls_to(TEMPLATE)
    statuses = {m.idempotency_key: (m.status, m.channel) for m in outbox(server)}
    assert statuses["b-sub:wx-s1"] == ("sent", "custom") and statuses["wx-s-closed"][0] == "undeliverable"


def test_a_village_broadcast_goes_to_its_tag_in_one_sendall(server, subscription_fake, workers):
    fake = subscription_fake
    running = workers(fake, wechat_account_type="subscription")
    tag_id = fake.tag_create({"tag": {"name": "鸣皋村"}})["tag"]["id"]
    people = ["wx-tag-1", "wx-tag-2"]
    fake.tag_members({"openid_list": people, "tagid": tag_id}, add=True)
    with server.state.db.begin() as connection:
        for person in people:
            enqueue(
                Sql(connection),
                key=f"b-tag:{person}",
                recipient_openid=person,
                kind="broadcast",
                text="鸣皋村今晚停水。",
                now=utcnow(),
                payload={"broadcast": "b-tag", "tag_id": tag_id},
            )
    running.run_once()
    [call] = fake.calls_to("/cgi-bin/message/mass/sendall")
    assert call.json["filter"] == {"is_to_all": False, "tag_id": tag_id} and "group_id" not in call.json["filter"]
    assert {(m.status, m.channel) for m in outbox(server)} == {("sent", "mass")}
    assert [m.channel for m in fake.messages_to("wx-tag-2")] == ["mass"]


def test_with_two_workers_one_syncs_the_village_tags_until_its_lease_runs_out(server, account, clock):
    synced: list[str] = []
    first, second = (
        Worker(server.state.db, SandboxTransport(), account, clock, sync_tags=lambda n=name: synced.append(n))
        for name in ("first", "second")
    )
    try:
        assert first.sync_tags_if_ours() and not second.sync_tags_if_ours()
        assert first.sync_tags_if_ours()  # the holder renews its own lease
        clock.ahead = dt.timedelta(seconds=TAG_SYNC_S * 2)  # the first worker died: its lease runs out
        assert second.sync_tags_if_ours() and not first.sync_tags_if_ours()
        assert synced == ["first", "first", "second"]
    finally:
        first.close()
        second.close()
