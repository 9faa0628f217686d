"""Cadres are reached by channels that do not depend on WeChat's 48-hour window: WeCom, then template."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from bot.delivery import make_worker
from bot.delivery.channels import cadre_reach
from broadcasts.brief import brief_text
from models.db import transaction, utcnow
from models.delivery import ChannelBlock
from models.outbox import OutboxMessage, enqueue
from models.person import Person
from models.sql import Sql
from tests.support.accounts import wechat_account
from tests.support.fakewechat import FakeWeChat
from tests.support.live import invite_code
from tests.support.people import bind

CUSTOM = "/cgi-bin/message/custom/send"
WECOM_SEND = "/wecom/cgi-bin/message/send"
WECOM = {"wecom_corp_id": "wwfakecorp", "wecom_agent_id": "1000002", "wecom_secret": "ws"}
THREE = (
    ("cc-command", "周指挥", "town_command", "鸣皋村", "13900000001"),
    ("cc-cadre", "王书记", "village_cadre", "张村", "13900000002"),
    ("cc-doctor", "李医生", "village_doctor", "张村", "13900000003"),
)
EVENING = (
    "【卡点】张村路口发现红码人员一名，已留观，请镇指挥部处理。",
    "【发热补充】张村王秀英38.6度，咳嗽，请村医上门。",
    "【催办】张村李大爷要的两袋米已经超过2小时没人接单。",
    "【物资急需】张村隔离户要降压药，今晚要用。",
    "【解除管控建议】张村赵家隔离满14天，三次核酸阴性，请审批。",
)


@pytest.fixture
def fake():
    running = FakeWeChat(templates=("tpl-notice",)).start()
    yield running
    running.stop()


def queue(server, key: str, openid: str, text: str, kind: str = "alert") -> None:
    with server.state.db.begin() as connection:
        enqueue(Sql(connection), key=key, recipient_openid=openid, kind=kind, text=text, now=utcnow())


def rows(server, openid: str) -> list[OutboxMessage]:
    with transaction(server.state.db) as session:
        query = select(OutboxMessage).where(OutboxMessage.recipient_openid == openid).order_by(OutboxMessage.id)
        return list(session.execute(query).scalars())


def drain(worker) -> None:
    while worker.run_once():
        pass


def close_window(server, openid: str) -> None:
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        at = sql.time(utcnow() - dt.timedelta(days=3))
        sql.run("UPDATE person SET last_inbound_at = :at WHERE openid = :openid", at=at, openid=openid)


def test_three_cadres_each_get_thirty_alerts_in_an_evening_on_templates_none_lost(server, fake, make_settings):
    bind(server.state.db, *THREE)
    for openid, *_ in THREE:
        server.client(openid).say("帮助")  # each wrote minutes ago: WeChat's window is open, with its 5 messages
        fake.user_wrote(openid)
    worker = make_worker(wechat_account(make_settings, fake, wechat_template_ids="*=tpl-notice"), server.state.db)
    try:
        for hour in range(3):  # the evening's alerts come in waves
            for i in range(10):
                for openid, *_ in THREE:
                    queue(server, f"{openid}-{hour}-{i}", openid, f"{EVENING[i % 5]}（{hour}-{i}）")
            drain(worker)
    finally:
        worker.close()
    for openid, *_ in THREE:
        sent = rows(server, openid)
        assert [(row.status, row.channel) for row in sent] == [("sent", "template")] * 30
        assert len(fake.messages_to(openid, channel="template")) == 30
    assert len([d for d in fake.deliveries if d.channel == "template"]) == 90
    assert fake.calls_to(CUSTOM) == []  # the 48-hour quota was never the cadres' channel


def test_a_cadre_who_linked_wecom_gets_thirty_alerts_there(servers, fake, make_settings):
    server = servers(**WECOM)
    cadre = server.client("cc-wecom")
    bound = cadre.say(f"绑定 {invite_code(server, '张村', 'village_cadre')}")
    assert "企业微信 zhangsan" in bound
    assert "记下了您的企业微信账号：zhangsan" in cadre.say("企业微信 ZhangSan")
    fake.add_wecom_member("zhangsan")
    fake.user_wrote("cc-wecom")
    settings = wechat_account(
        make_settings, fake, wechat_template_ids="*=tpl-notice", wecom_api_base_url=fake.wecom_url, **WECOM
    )
    worker = make_worker(settings, server.state.db)
    try:
        for i in range(30):
            queue(server, f"cc-wecom-{i}", "cc-wecom", f"{EVENING[i % 5]}（{i}）")
        fake.fail(WECOM_SEND, 40014, times=1)  # a token WeCom no longer takes: one refresh, one retry
        fake.fail(WECOM_SEND, -1, times=1)  # busy: retried
        drain(worker)
    finally:
        worker.close()
    assert [(row.status, row.channel) for row in rows(server, "cc-wecom")] == [("sent", "wecom")] * 30
    received = [m.text for m in fake.wecom.messages_to("zhangsan")]
    assert received == [f"{EVENING[i % 5]}（{i}）" for i in range(30)]
    assert fake.deliveries == [] and fake.wecom.token_fetches == 2


def test_a_wecom_userid_wecom_does_not_know_is_blocked_and_the_template_takes_over(servers, fake, make_settings):
    server = servers(**WECOM)
    cadre = server.client("cc-nobody")
    cadre.say(f"绑定 {invite_code(server, '张村', 'village_doctor')}")
    cadre.say("企业微信 nobody")
    settings = wechat_account(
        make_settings, fake, wechat_template_ids="*=tpl-notice", wecom_api_base_url=fake.wecom_url, **WECOM
    )
    worker = make_worker(settings, server.state.db)
    try:
        queue(server, "cc-nobody-1", "cc-nobody", EVENING[1])
        drain(worker)
        queue(server, "cc-nobody-2", "cc-nobody", EVENING[2])
        drain(worker)
    finally:
        worker.close()
    assert [(row.status, row.channel) for row in rows(server, "cc-nobody")] == [("sent", "template")] * 2
    assert len(fake.calls_to(WECOM_SEND)) == 1  # the unknown userid is not tried again
    with transaction(server.state.db) as session:
        blocks = {(b.openid, b.channel, b.errcode) for b in session.execute(select(ChannelBlock)).scalars()}
    assert blocks == {("cc-nobody", "wecom", 81013)}
    cadre.say("企业微信 lisi")  # a new userid is tried again
    with transaction(server.state.db) as session:
        assert session.execute(select(ChannelBlock)).first() is None


def test_the_sandbox_sends_a_template_to_a_cadre_whose_window_is_closed(server):
    bind(server.state.db, ("cc-sand-doc", "李医生", "village_doctor", "张村", "13900000004"))
    server.client("cc-sand-doc").say("帮助")
    server.client("cc-sand-villager").say("帮助")
    close_window(server, "cc-sand-doc")
    worker = make_worker(server.settings, server.state.db)
    try:
        queue(server, "cc-sand-1", "cc-sand-doc", EVENING[1])
        queue(server, "cc-sand-2", "cc-sand-villager", "明天上午在家等候采样。", kind="notice")
        worker.run_once()
    finally:
        worker.close()
    [alert] = rows(server, "cc-sand-doc")
    assert (alert.status, alert.channel) == ("sent", "template") and alert.wechat_msgid
    assert server.settings.template_id("alert") == "xiangan-sandbox-notice"
    [notice] = rows(server, "cc-sand-villager")
    assert notice.channel == "custom"  # a villager's replies still go by customer service first
    shown = {m["to"]: m for m in httpx.get(f"{server.url}/simulator/api/outbox").json()}
    title, content, _time = shown["cc-sand-doc"]["seen"].split("\n")  # what the doctor's phone shows
    assert (title, content) == ("防控提醒·回「全文」看全部", EVENING[1][:19] + "…")
    assert shown["cc-sand-villager"]["seen"] is None
    assert EVENING[1] in server.client("cc-sand-doc").say("全文")  # the whole alert, as a passive reply
    assert "没有只显示了一半的消息" in server.client("cc-sand-villager").say("全文")


def test_a_cadre_links_a_wecom_userid_in_the_chat_and_a_bad_one_is_refused(servers, server):
    wecom_server = servers(**WECOM)
    cadre = wecom_server.client("cc-link")
    assert "给村里干部用的" in cadre.say("企业微信 zhangsan")
    cadre.say(f"绑定 {invite_code(wecom_server, '张村', 'village_cadre')}")
    for bad in ("企业微信 张三", "企业微信 -zhang", "企业微信 zhang san", f"企业微信 {'a' * 65}"):
        assert "不像企业微信账号" in cadre.say(bad), bad
    assert "例如「企业微信 zhangsan」" in cadre.say("企业微信")
    assert "zhang.san@town-1" in cadre.say("企业微信：zhang.san@town-1")
    with transaction(wecom_server.state.db) as session:
        linked = session.execute(select(Person.wecom_userid).where(Person.openid == "cc-link")).scalar_one()
    assert linked == "zhang.san@town-1"
    assert "还没有开通企业微信" in server.client("cc-link").say("企业微信 zhangsan")


def test_stats_and_the_brief_name_the_cadres_no_channel_reaches(server):
    bind(server.state.db, *THREE)
    server.client("cc-command").say("帮助")
    close_window(server, "cc-doctor")
    with server.state.db.begin() as connection:  # the doctor turned template messages off
        Sql(connection).run(
            "INSERT INTO channel_block (openid, channel, errcode, at) VALUES ('cc-doctor', 'template', 43101, :at)",
            at=Sql(connection).time(utcnow()),
        )
    reply = server.client("cc-command").say("统计")
    assert "联系不上的干部：1人（李医生），请打电话" in reply
    with transaction(server.state.db) as session:
        brief = brief_text(session, utcnow(), server.settings)
    assert "联系不上的干部：1人（李医生），请打电话" in brief
    server.client("cc-doctor").say("帮助")  # writing opens WeChat's window again: a last resort, but a channel
    assert "联系不上" not in server.client("cc-cadre").say("统计")


def test_without_templates_a_cadre_outside_the_window_is_reached_by_nothing(server, make_settings):
    bind(server.state.db, *THREE)
    server.client("cc-cadre").say("帮助")
    close_window(server, "cc-doctor")
    account = make_settings(wechat_app_id="wxfake", wechat_app_secret="s")
    with server.state.db.begin() as connection:
        reach = {r.recipient.openid: r.channel for r in cadre_reach(Sql(connection), account, utcnow())}
    assert reach == {"cc-command": "none", "cc-cadre": "custom", "cc-doctor": "none"}
    with_wecom = make_settings(wechat_app_id="wxfake", wechat_app_secret="s", **WECOM)
    with server.state.db.begin() as connection:
        Sql(connection).run("UPDATE person SET wecom_userid = 'lisi' WHERE openid = 'cc-doctor'")
        reach = {r.recipient.openid: r.channel for r in cadre_reach(Sql(connection), with_wecom, utcnow())}
    assert reach["cc-doctor"] == "wecom"


def test_the_fake_wecom_answers_like_wecom(fake):
    base = fake.wecom_url + "/cgi-bin"
    assert httpx.get(f"{base}/gettoken", params={"corpid": "wwfakecorp", "corpsecret": "x"}).json()["errcode"] == 40001
    token = httpx.get(f"{base}/gettoken", params={"corpid": "wwfakecorp", "corpsecret": "ws"}).json()["access_token"]
    fake.add_wecom_member("zhangsan")

    def send(touser: str, access_token: str = token) -> dict:
        body = {"touser": touser, "agentid": 1000002, "msgtype": "text", "text": {"content": "测试"}}
        return httpx.post(f"{base}/message/send", params={"access_token": access_token}, json=body).json()

    assert send("zhangsan|ghost") == {"errcode": 0, "errmsg": "ok", "invaliduser": "ghost", "msgid": "wecom-1"}
    assert send("ghost")["errcode"] == 81013
    assert send("zhangsan", "stale")["errcode"] == 40014
    fake.fail("/wecom", 60111, times=1)
    assert send("zhangsan")["errcode"] == 60111
    assert [m.text for m in fake.wecom.messages_to("zhangsan")] == ["测试"]
    assert fake.summary()["deliveries"] == {"wecom": 1}
