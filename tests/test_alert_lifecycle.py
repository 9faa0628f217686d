"""Every alert ends with a person: failed alerts become phone calls that climb, senders hear the truth, noise folds.

Against the fake WeChat API over HTTP, with the real app and the real delivery worker.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from admin.commands.undelivered import report
from bot.delivery import make_worker
from broadcasts import alert_follow_up
from models.db import transaction, utcnow
from models.delivery import CallTask
from models.outbox import OutboxMessage, enqueue
from models.sql import Sql
from tests.support.accounts import wechat_account
from tests.support.fakewechat import FakeWeChat
from tests.support.people import bind, villager
from town.alerts import ALERTS_PER_HOUR, send_alert

CUSTOM = "/cgi-bin/message/custom/send"
DOCTOR = ("lc-doc", "王大夫", "village_doctor", "鸣皋村", "13900000001")
HEAD = ("lc-head", "刘支书", "village_cadre", "鸣皋村", "13700001111")
TOP = ("lc-top", "赵书记", "town_command", "鸣皋村", "13600002222")
ORIGINAL = "【发热报告】张桂兰（本人报告），鸣皋村\n体温38.5℃"


class Clock:
    """The worker's clock: real time plus whatever the test skips ahead."""

    def __init__(self):
        self.ahead = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return utcnow() + self.ahead


@pytest.fixture
def fake():
    running = FakeWeChat(templates=("tpl-notice",)).start()
    yield running
    running.stop()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def account(make_settings, fake):
    return wechat_account(make_settings, fake)  # no template: the customer-service window is the only channel


@pytest.fixture
def worker(server, account, clock):
    running = make_worker(account, server.state.db, clock)
    yield running
    running.close()


@pytest.fixture
def cadres(server, fake):
    bind(server.state.db, DOCTOR, HEAD, TOP)
    for openid, *_ in (DOCTOR, HEAD, TOP):
        server.client(openid).say("帮助")
        fake.user_wrote(openid)
    return server


def rows(server, openid: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
    with transaction(server.state.db) as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if openid:
            query = query.where(OutboxMessage.recipient_openid == openid)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.execute(query).scalars())


def tasks(server) -> list[CallTask]:
    with transaction(server.state.db) as session:
        return list(session.execute(select(CallTask).order_by(CallTask.id)).scalars())


def queue(server, key: str, openid: str, text: str, kind: str = "alert") -> None:
    with server.state.db.begin() as connection:
        enqueue(Sql(connection), key=key, recipient_openid=openid, kind=kind, text=text, now=utcnow())


def clerk(server, now: dt.datetime | None = None) -> str:
    with server.state.db.begin() as connection:
        return report(Sql(connection), now=now or utcnow())


def follow_up(server, account, now: dt.datetime) -> int:
    with transaction(server.state.db) as session:
        return alert_follow_up.job(session, now, account)


def test_a_failed_alert_becomes_a_call_that_climbs_and_stays_open_at_the_top(cadres, fake, worker):
    fake.fail(CUSTOM, 40001, times=2)  # one refresh, one retry: the doctor's alert ends failed
    queue(cadres, "lc-fever", "lc-doc", ORIGINAL)
    worker.run_once()
    assert [r.status for r in rows(cadres, "lc-doc")] == ["failed"]
    [first] = tasks(cadres)
    assert (first.caller_openid, first.callee_openid, first.callee_phone) == ("lc-head", "lc-doc", "13900000001")

    fake.fail(CUSTOM, 40001, times=2)  # the village cadre cannot be told either: the call climbs
    worker.run_once()
    assert [r.status for r in rows(cadres, "lc-head", kind="call")] == ["failed"]
    first, second = tasks(cadres)
    assert first.moved_at is not None and second.caller_openid == "lc-top"
    assert (second.callee_openid, second.text) == ("lc-doc", ORIGINAL)

    worker.run_once()  # the town command gets the call, quoting the original alert once
    [call] = fake.messages_to("lc-top")
    assert call.text.count("请电话联系") == 1 and call.text.count("体温38.5℃") == 1
    assert f"第{second.id}号" in call.text and "王大夫（13900000001）" in call.text

    queue(cadres, "lc-top-down", "lc-top", "再来一条", kind="notice")
    fake.fail(CUSTOM, 40001, times=4)
    with cadres.state.db.begin() as connection:  # the town command's call message is re-sent and fails too
        Sql(connection).run(
            "UPDATE outbox_message SET status = 'queued' WHERE kind = 'call' AND recipient_openid = 'lc-top'"
        )
    worker.run_once()
    *_, top = tasks(cadres)
    assert top.id == second.id and top.caller_openid is None and top.done_at is None  # nobody above: it stays open
    assert len(tasks(cadres)) == 2  # and a failed notice never becomes a call task

    listing = clerk(cadres)
    assert f"第{second.id}号：没有上一级能接手，请镇指挥部安排人打给王大夫（13900000001）" in listing

    assert cadres.client("lc-head").say(f"已打电话 {second.id}").startswith("第")  # not theirs: told whose it is
    assert tasks(cadres)[1].done_at is None
    numeral = "一二三四五六七八九"[second.id - 1] if second.id < 10 else str(second.id)
    assert cadres.client("lc-top").say(f"已打电话{numeral}") == f"好的，第{second.id}号电话任务办完了，谢谢您！"
    assert tasks(cadres)[1].done_at is not None
    assert "一、要打的电话（0个）" in clerk(cadres)


def test_a_call_made_after_its_task_moved_up_closes_the_higher_task_and_tells_its_holder(cadres, fake, worker):
    fake.fail(CUSTOM, 40001, times=2)
    queue(cadres, "lc-fever-3", "lc-doc", ORIGINAL)
    worker.run_once()
    fake.fail(CUSTOM, 40001, times=2)  # the village cadre's call message fails: the task moves up to the town
    worker.run_once()
    first, second = tasks(cadres)
    assert first.moved_at is not None and second.caller_openid == "lc-top"

    reply = cadres.client("lc-head").say(f"已打电话 {first.id}")  # they saw it in 待办 and phoned anyway
    assert reply == f"好的，第{first.id}号电话您打过了，谢谢您！转给上一级的第{second.id}号也一起办完了。"
    assert tasks(cadres)[1].done_at is not None
    [notice] = rows(cadres, "lc-top", kind="notice")
    assert notice.text.startswith(f"第{second.id}号电话任务，") and notice.text.endswith("已经打过了，您不用再打。")
    again = cadres.client("lc-head").say(f"已打电话 {first.id}")
    assert again == f"第{first.id}号电话任务已经转给上一级去打了，不用再回。"


def test_a_call_task_shows_in_the_callers_todo_lines_until_it_is_done(cadres, fake, worker):
    from bot.dialogue import Context
    from handlers.calls import todo_lines
    from models.person import touch_person

    fake.fail(CUSTOM, 40001, times=2)
    queue(cadres, "lc-fever-2", "lc-doc", ORIGINAL)
    worker.run_once()
    [task] = tasks(cadres)

    def lines(openid: str) -> list[str]:
        with cadres.state.db.begin() as connection:
            sql = Sql(connection)
            person = touch_person(sql, openid=openid, now=utcnow())
            ctx = Context(sql, person, utcnow(), cadres.settings, cadres.state.villages)
            return [task.text for task in todo_lines(ctx) if task.urgent]

    [line] = lines("lc-head")
    assert line.startswith(f"第{task.id}号电话：请打给王大夫（13900000001）") and f"已打电话 {task.id}" in line
    assert lines("lc-doc") == []
    cadres.client("lc-head").say(f"已打电话 {task.id}")
    assert lines("lc-head") == []


def test_the_sender_hears_whom_to_phone_once_when_the_doctor_cannot_be_reached(cadres, fake, worker, account):
    client = villager(cadres, "lc-sick")
    fake.user_wrote("lc-sick")
    fake.fail(CUSTOM, 40001, times=2)
    client.say("我发烧38度5")
    [alert] = rows(cadres, "lc-doc")
    assert alert.origin_openid == "lc-sick"
    worker.run_once()
    assert rows(cadres, "lc-doc")[0].status == "failed"
    now = utcnow()
    assert follow_up(cadres, account, now) == 1
    assert follow_up(cadres, account, now + dt.timedelta(minutes=3)) == 0  # once per alert
    [heard] = [r for r in rows(cadres, "lc-sick") if r.idempotency_key.startswith("heard:")]
    assert heard.text == "村医王大夫暂时收不到消息，请直接打电话：13900000001"


def test_an_alert_not_sent_within_minutes_is_followed_up_and_a_cadre_without_phone_names_the_caller(
    cadres, fake, worker, account
):
    with cadres.state.db.begin() as connection:
        Sql(connection).run("UPDATE person SET phone = NULL WHERE openid = 'lc-doc'")
    client = villager(cadres, "lc-sick2")
    fake.down()
    client.say("孩子发烧39度")
    worker.run_once()
    assert rows(cadres, "lc-doc")[0].status == "queued"
    now = utcnow()
    assert follow_up(cadres, account, now) == 0  # not late yet
    assert follow_up(cadres, account, now + dt.timedelta(minutes=6)) == 1
    [heard] = [r for r in rows(cadres, "lc-sick2") if r.idempotency_key.startswith("heard:")]
    assert heard.text.startswith("村医王大夫暂时收不到消息，村干部刘支书会打电话告诉他（她）")
    assert "13700001111" in heard.text


def test_past_the_limit_alerts_fold_into_one_digest_and_the_sender_is_told_kindly(cadres, fake, worker):
    client = villager(cadres, "lc-noisy")
    replies = [client.say(f"我发烧38度{n}") for n in range(1, 10)]
    replies += [client.say("我还是发烧39度"), client.say("又烧到39度5"), client.say("现在39度8")]
    alerts = rows(cadres, "lc-doc")
    assert len(alerts) == ALERTS_PER_HOUR + 1
    digest = alerts[-1]
    assert digest.idempotency_key.startswith("digest:lc-noisy:lc-doc:")
    assert digest.text.startswith("【消息汇总】张桂兰一小时内又发来2条消息，请看待办或打电话：13812345678")
    assert "39度8" in digest.text or "39.8" in digest.text
    assert not any("比较多" in r for r in replies[:ALERTS_PER_HOUR])
    assert all("消息比较多" in r for r in replies[ALERTS_PER_HOUR:])
    worker.run_once()
    assert len(fake.messages_to("lc-doc")) <= ALERTS_PER_HOUR + 1


def test_send_alert_folds_per_sender_and_cadre_and_gathers_later_folds_in_a_later_digest(cadres, fake, worker):
    now = utcnow()
    with cadres.state.db.begin() as connection:
        sql = Sql(connection)
        for n in range(ALERTS_PER_HOUR + 3):
            assert send_alert(sql, key=f"spam:{n}", recipient_openid="lc-head", text=f"第{n}条", now=now,
                              origin_openid="lc-spam")  # fmt: skip
        assert not send_alert(sql, key="spam:0", recipient_openid="lc-head", text="again", now=now,
                              origin_openid="lc-spam")  # fmt: skip
        assert send_alert(sql, key="other:0", recipient_openid="lc-head", text="别人的", now=now,
                          origin_openid="lc-other")  # fmt: skip
    to_head = rows(cadres, "lc-head")
    assert len(to_head) == ALERTS_PER_HOUR + 2
    [digest] = [r for r in to_head if r.idempotency_key.startswith("digest:")]
    assert "又发来3条消息" in digest.text and "第12条" in digest.text
    with cadres.state.db.begin() as connection:
        sql = Sql(connection)
        sql.run("UPDATE outbox_message SET status = 'sent' WHERE idempotency_key LIKE 'digest:%'")
        # The digest left: what folds later gathers in a second one, due a quarter of an hour later.
        for n in (99, 100):
            assert send_alert(sql, key=f"spam:{n}", recipient_openid="lc-head", text=f"第{n}条", now=now,
                              origin_openid="lc-spam")  # fmt: skip
    later = [r for r in rows(cadres, "lc-head") if r.idempotency_key.startswith("digest:")][1:]
    assert [r.idempotency_key.rsplit(":", 1)[1] for r in later] == ["2"]
    assert "又发来2条消息" in later[0].text and "第100条" in later[0].text
    assert later[0].due_at - later[0].created_at == dt.timedelta(minutes=15)
    with cadres.state.db.begin() as connection:
        sql = Sql(connection)
        for part in (3, 4, 5):  # at most four digests an hour: past them, nothing more is queued
            sql.run("UPDATE outbox_message SET status = 'sent' WHERE idempotency_key LIKE 'digest:%'")
            sent = send_alert(sql, key=f"spam:{200 + part}", recipient_openid="lc-head", text="x", now=now,
                              origin_openid="lc-spam")  # fmt: skip
            assert sent is (part <= 4)


def test_an_alert_whose_template_report_says_failed_becomes_a_call_too(cadres, fake, make_settings, clock):
    worker = make_worker(
        wechat_account(make_settings, fake, wechat_template_ids="*=tpl-notice"), cadres.state.db, clock
    )
    try:
        fake.fail(CUSTOM, 45015, times=1)  # out of the window: the template carries it
        queue(cadres, "lc-fever-tpl", "lc-doc", ORIGINAL)
        worker.run_once()
    finally:
        worker.close()
    [alert] = rows(cadres, "lc-doc")
    assert (alert.status, alert.channel) == ("sent", "template") and tasks(cadres) == []
    cadres.client("lc-doc").event("TEMPLATESENDJOBFINISH", MsgID=alert.wechat_msgid, Status="failed:system failed")
    assert rows(cadres, "lc-doc")[0].status == "failed"
    [task] = tasks(cadres)
    assert (task.outbox_id, task.caller_openid, task.text) == (alert.id, "lc-head", ORIGINAL)


def test_python_main_py_undelivered_lists_who_should_call_whom(cadres, fake, worker, database_url):
    from tests.support.live import run_cli_here

    fake.fail(CUSTOM, 40001, times=2)
    queue(cadres, "lc-fever-cli", "lc-doc", ORIGINAL)
    worker.run_once()
    [task] = tasks(cadres)
    done = run_cli_here("undelivered", DATABASE_URL=database_url, WECHAT_APP_ID="")
    assert done.returncode == 0, done.stderr
    assert "一、要打的电话（1个）" in done.stdout
    assert f"第{task.id}号：请村干部刘支书（13700001111）打给王大夫（13900000001）" in done.stdout
    assert f"给村医王大夫（13900000001）的提醒发送失败，见电话第{task.id}号" in done.stdout
