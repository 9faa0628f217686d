"""The delivery worker end to end in sandbox mode: channel choice, accounting and escalation, no WeChat."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.delivery import make_worker
from models.db import transaction, utcnow
from models.delivery import CallTask, DeliveryAttempt
from models.outbox import OutboxMessage, enqueue
from models.sql import Sql
from tests.support.live import invite


def queue(server, key: str, openid: str, text: str, kind: str = "alert") -> None:
    with server.state.db.begin() as connection:
        enqueue(Sql(connection), key=key, recipient_openid=openid, kind=kind, text=text, now=utcnow())


def rows(server, openid: str) -> list[OutboxMessage]:
    with transaction(server.state.db) as session:
        found = session.execute(
            select(OutboxMessage).where(OutboxMessage.recipient_openid == openid).order_by(OutboxMessage.id)
        )
        return list(found.scalars())


@pytest.fixture
def worker(server):
    running = make_worker(server.settings, server.state.db)
    yield running
    running.close()


def test_a_person_who_wrote_today_gets_a_customer_service_message(server, worker):
    server.client("dv-1").say("帮助")
    queue(server, "dv-a1", "dv-1", "请明天上午在家等候核酸采样。")
    assert worker.run_once() == 1
    [row] = rows(server, "dv-1")
    assert (row.status, row.channel, row.errcode) == ("sent", "custom", None)
    with transaction(server.state.db) as session:
        [attempt] = session.execute(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == row.id)).scalars()
    assert (attempt.channel, attempt.errcode) == ("custom", 0)


def test_the_same_alert_queued_twice_is_sent_once(server, worker):
    server.client("dv-2").say("帮助")
    queue(server, "dv-same", "dv-2", "提醒")
    queue(server, "dv-same", "dv-2", "提醒")
    worker.run_once()
    assert {row.status for row in rows(server, "dv-2")} == {"sent"}


def test_the_window_quota_of_five_is_respected_and_the_sandbox_template_takes_over(server, worker):
    server.client("dv-3").say("帮助")
    for i in range(7):
        queue(server, f"dv-q{i}", "dv-3", f"第{i}条", kind="notice")
    worker.run_once()
    sent = [(row.status, row.channel) for row in rows(server, "dv-3")]
    assert sent == [("sent", "custom")] * 5 + [("sent", "template")] * 2


@pytest.fixture
def no_template_worker(servers):
    """A sandbox that plays a subscription account: no template channel."""
    server = servers(wechat_account_type="subscription")
    running = make_worker(server.settings, server.state.db)
    yield server, running
    running.close()


def test_without_templates_the_window_quota_of_five_is_all_there_is(no_template_worker):
    server, worker = no_template_worker
    server.client("dv-3").say("帮助")
    for i in range(7):
        queue(server, f"dv-q{i}", "dv-3", f"第{i}条", kind="notice")
    worker.run_once()
    statuses = [row.status for row in rows(server, "dv-3")]
    assert statuses == ["sent"] * 5 + ["undeliverable"] * 2


def test_an_unreachable_cadre_alert_becomes_a_phone_call_for_the_next_cadre_up(no_template_worker, database_url):
    server, worker = no_template_worker
    doctor_code = invite(database_url, "--village", "张村", "--role", "village_doctor").stdout.split()[-1]
    cadre_code = invite(database_url, "--village", "张村", "--role", "village_cadre").stdout.split()[-1]
    doctor, cadre = server.client("dv-doctor"), server.client("dv-cadre")
    doctor.say(f"绑定 {doctor_code}")
    cadre.say(f"绑定 {cadre_code}")
    for said in ("我的信息", "李医生", "13700001111", "张村", "对"):
        doctor.say(said)
    with server.state.db.begin() as connection:  # the doctor last wrote three days ago: window closed
        Sql(connection).run(
            "UPDATE person SET last_inbound_at = :at WHERE openid = 'dv-doctor'",
            at=Sql(connection).time(utcnow() - dt.timedelta(days=3)),
        )
    queue(server, "dv-fever", "dv-doctor", "张村王秀英发烧38.5度，请上门查看。")
    worker.run_once()
    [alert] = rows(server, "dv-doctor")
    assert alert.status == "undeliverable"
    with transaction(server.state.db) as session:
        [task] = session.execute(select(CallTask)).scalars()
    assert (task.caller_openid, task.callee_phone) == ("dv-cadre", "13700001111")
    [call] = rows(server, "dv-cadre")
    assert call.kind == "call" and "13700001111" in call.text and "发烧38.5度" in call.text
    worker.run_once()
    assert rows(server, "dv-cadre")[0].status == "sent"


def close_window(server, openid: str) -> None:
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        sql.run(
            "UPDATE person SET last_inbound_at = :at WHERE openid = :openid",
            openid=openid,
            at=sql.time(utcnow() - dt.timedelta(days=3)),
        )


def test_outside_the_window_a_template_goes_and_its_report_marks_it_delivered_or_refused(servers):
    server = servers(wechat_template_ids="*=TPL-notice")
    worker = make_worker(server.settings, server.state.db)
    try:
        for openid in ("dv-t1", "dv-t2"):
            server.client(openid).say("帮助")
            close_window(server, openid)
            queue(server, f"{openid}-n", openid, "明天上午9点在村委会打疫苗。", kind="notice")
        worker.run_once()
        first, second = rows(server, "dv-t1")[0], rows(server, "dv-t2")[0]
        assert (first.status, first.channel) == ("sent", "template") and first.wechat_msgid
        server.client("dv-t1").event("TEMPLATESENDJOBFINISH", MsgID=first.wechat_msgid, Status="success")
        server.client("dv-t2").event("TEMPLATESENDJOBFINISH", MsgID=second.wechat_msgid, Status="failed:user block")
        assert rows(server, "dv-t1")[0].status == "delivered"
        refused = rows(server, "dv-t2")[0]
        assert (refused.status, refused.last_error) == ("undeliverable", "用户拒收")
        queue(server, "dv-t2-again", "dv-t2", "再次通知", kind="notice")
        worker.run_once()
        assert rows(server, "dv-t2")[1].status == "undeliverable"  # no template to someone who refused them
    finally:
        worker.close()


class Later:
    """A worker clock some time after now."""

    def __init__(self, seconds: float):
        self.ahead = dt.timedelta(seconds=seconds)

    def __call__(self) -> dt.datetime:
        return utcnow() + self.ahead


def test_a_follow_or_menu_click_opens_only_wechats_one_minute_window_of_three(server):
    soon, later = (
        make_worker(server.settings, server.state.db, Later(20)),
        make_worker(server.settings, server.state.db, Later(120)),
    )
    try:
        server.client("dv-follow").event("subscribe")
        for i in range(4):
            queue(server, f"dv-follow-{i}", "dv-follow", f"第{i}条", kind="notice")
        soon.run_once()
        assert [m.channel for m in rows(server, "dv-follow")] == ["custom", "custom", "custom", "template"]
        server.client("dv-click").event("CLICK", "MY_INFO")
        queue(server, "dv-click-1", "dv-click", "两分钟后才发", kind="notice")
        later.run_once()
        assert rows(server, "dv-click")[0].channel == "template"  # the one-minute window has closed
        server.client("dv-click").say("你好")  # a message opens the full 48 hours, quota 5
        queue(server, "dv-click-2", "dv-click", "写过消息以后", kind="notice")
        later.run_once()
        assert rows(server, "dv-click")[1].channel == "custom"
    finally:
        soon.close()
        later.close()
