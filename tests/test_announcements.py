"""Announcements: urgent and scheduled occurrences, the planner's channels and quotas, audiences, 退订/订阅."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from sqlalchemy import select

from bot.delivery import make_worker
from bot.delivery.tags import sync_tags
from bot.wechat import make_api
from broadcasts.announcements import announce, announcements_due
from models.announcement import AnnouncementRun
from models.db import transaction, utcnow
from models.declaration import Classification, Declaration
from models.outbox import OutboxMessage
from models.outbox_body import with_bodies
from models.quarantine import sync_quarantine
from models.sql import Sql
from tests.support.accounts import wechat_account
from tests.support.announcements import person
from tests.support.fakewechat import FakeWeChat
from tests.support.live import SHANGHAI

AUG6 = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)


def village_id(server, name: str) -> int:
    with server.state.db.begin() as connection:
        return Sql(connection).one("SELECT id FROM village WHERE name = :n", n=name)[0]


def cadre(server, openid: str, village: str, role: str = "village_cadre") -> None:
    pid, vid = person(server, openid, village), village_id(server, village)
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        sql.run(
            "INSERT INTO cadre_assignment (person_id, role, village_id, created_at) VALUES (:p, :r, :v, :now)",
            p=pid,
            r=role,
            v=vid,
            now=sql.time(utcnow()),
        )


def isolate(server, pid: int, vid: int) -> None:
    """The person's household is under home isolation (a declaration, its classification, the quarantine)."""
    day, now = dt.date(2021, 8, 6), utcnow()
    with transaction(server.state.db) as session:
        declaration = Declaration(
            person_id=pid, village_id=vid, name="王五", phone="13812345678", origin_province="河南省",
            origin_city="郑州市", arrived_on=day, health_code="green", active_until=day, created_at=now,
        )  # fmt: skip
        session.add(declaration)
        session.flush()
        found = Classification(
            declaration_id=declaration.id, rule_id="t", policy_version="t", disposition="居家隔离", start_on=day,
            end_on=day + dt.timedelta(days=14), reason="测试", created_at=now,
        )  # fmt: skip
        session.add(found)
        session.flush()
        sync_quarantine(session, declaration=declaration, classification=found, now=now)


def mass_used(server, openid: str, times: int) -> None:
    """The person already had `times` mass sends this month."""
    with server.state.db.begin() as connection:
        sql = Sql(connection)
        for n in range(times):
            sql.run(
                "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, payload, status, channel,"
                " attempts, created_at, due_at, sent_at) VALUES (:k, :o, 'broadcast', '旧', '{}', 'sent', 'mass', 1,"
                " :now, :now, :now)",
                k=f"old-{openid}-{n}",
                o=openid,
                now=sql.time(utcnow()),
            )


def rows(server, prefix: str = "ann:") -> list[OutboxMessage]:
    with transaction(server.state.db) as session:
        query = select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith(prefix))
        return with_bodies(session, list(session.execute(query.order_by(OutboxMessage.id)).scalars()))


def send(server, settings=None, **kwargs):
    with transaction(server.state.db) as session:
        stored, plan = announce(session, settings or server.state.settings, now=utcnow(), **kwargs)
        return stored.id, plan


def due(server, settings=None) -> int:
    with transaction(server.state.db) as session:
        return announcements_due(session, utcnow(), settings or server.state.settings)


@pytest.fixture
def fake():
    running = FakeWeChat(templates=("tpl-notice",)).start()
    yield running
    running.stop()


def test_an_urgent_notice_is_enqueued_at_once_and_the_worker_delivers_it(server, fake, make_settings):
    for openid in ("wx-u1", "wx-u2"):
        person(server, openid)
        fake.user_wrote(openid)
    cadre(server, "wx-u-head", "鸣皋村")
    fake.user_wrote("wx-u-head")
    person(server, "wx-u-far", "孙村")
    _, plan = send(server, text="今晚8点停电，请提前准备。", to="village:鸣皋")
    assert plan.total == 3 and plan.custom == 3 and plan.scripts == 1
    settings = wechat_account(make_settings, fake)
    worker = make_worker(settings, server.state.db)
    try:
        worker.run_once()
    finally:
        worker.close()
    [got] = fake.messages_to("wx-u1")
    assert "今晚8点停电" in got.text and "退订" in got.text
    texts = [m.text for m in fake.messages_to("wx-u-head")]
    assert any(t.startswith("【大喇叭】") for t in texts) and len(texts) == 2
    assert not fake.messages_to("wx-u-far")


def test_the_planner_counts_channels_and_names_who_cannot_be_reached(server):
    person(server, "wx-p-cs")
    person(server, "wx-p-mass", wrote_ago_h=None)
    person(server, "wx-p-full", wrote_ago_h=None, name="张大爷")
    mass_used(server, "wx-p-full", 4)  # a fifth mass send this month is not attempted
    person(server, "wx-p-out", opted_out=True)
    person(server, "wx-p-gone", subscribed=False)
    _, plan = send(server, text="明天全员核酸", to="all")
    assert (plan.total, plan.custom, plan.mass, plan.unreachable) == (3, 1, 1, 1)
    assert plan.unreachable_names == ["张大爷"] and "张大爷" in plan.describe()
    got = {m.recipient_openid: m.kind for m in rows(server)}
    assert got == {"wx-p-cs": "notice", "wx-p-mass": "broadcast"}
    with transaction(server.state.db) as session:
        [run] = session.execute(select(AnnouncementRun)).scalars()
    assert json.loads(run.plan)["unreachable"] == 1 and run.finished_at is not None


def test_a_subscription_account_has_one_mass_send_a_day(servers):
    server = servers(wechat_account_type="subscription")
    with server.state.db.begin() as connection:
        Sql(connection).run("UPDATE village SET wechat_tag_id = 101 WHERE name IN ('鸣皋村', '孙村')")
    for openid, village in (("wx-s1", "鸣皋村"), ("wx-s2", "鸣皋村"), ("wx-s3", "孙村")):
        person(server, openid, village, wrote_ago_h=None)
    with server.state.db.begin() as connection:
        Sql(connection).run("UPDATE person SET tagged_village_id = village_id")
    _, first = send(server, text="第一条", to="all")
    assert first.tags == {"鸣皋村": 2} and first.unreachable == 1  # one sendall a day: the bigger village
    statuses = sorted((m.recipient_openid, m.status) for m in rows(server))
    assert statuses == [("wx-s1", "queued"), ("wx-s2", "covered")]
    _, second = send(server, text="第二条", to="village:鸣皋")
    assert not second.tags and second.unreachable == 2


def test_opted_out_villagers_are_left_out_and_subscribe_brings_them_back(server):
    person(server, "wx-o1")
    villager = server.client("wx-o1")
    reply = villager.say("退订")
    assert "不再给您发" in reply and "订阅" in reply and "照常" in reply
    _, plan = send(server, text="通知一", to="all")
    assert plan.total == 0 and not rows(server)
    assert "照常发给您" in villager.say("订阅")
    _, plan = send(server, text="通知二", to="all")
    assert plan.total == 1


def test_isolated_cadres_and_workarea_audiences(server):
    pid, vid = person(server, "wx-iso"), village_id(server, "鸣皋村")
    person(server, "wx-not-iso")
    cadre(server, "wx-cad", "孙村", role="village_doctor")
    with server.state.db.begin() as connection:
        area = Sql(connection).one("SELECT w.name, v.name FROM village v JOIN work_area w ON w.id = v.work_area_id")
    isolate(server, pid, vid)
    assert send(server, text="隔离户请注意", to="isolated")[1].total == 1
    assert send(server, text="干部开会", to="cadres")[1].total == 1
    person(server, "wx-area", area[1])
    assert send(server, text="工作区通知", to=f"workarea:{area[0]}")[1].total >= 1
    assert {m.recipient_openid for m in rows(server) if m.text.startswith("【通知】干部")} == {"wx-cad"}


def test_daily_occurrences_across_midnight_and_month_end_until_the_last_day(server):
    person(server, "wx-d1")
    with time_machine.travel(dt.datetime(2021, 7, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        aid, _ = send(server, text="夜里锁好门", to="all", daily="23:50", until=dt.date(2021, 8, 1))
        assert due(server) == 0 and not rows(server)
    moments = [(7, 30, 23, 55), (7, 31, 0, 10), (7, 31, 23, 51), (8, 1, 0, 5), (8, 1, 23, 50), (8, 2, 0, 1)]
    for month, day, hour, minute in moments:
        with time_machine.travel(dt.datetime(2021, month, day, hour, minute, tzinfo=SHANGHAI), tick=False):
            due(server)
            due(server)  # twice: nothing more
    keys = [m.idempotency_key for m in rows(server)]
    assert keys == [f"ann:{aid}:{d}T23:50:wx-d1" for d in ("2021-07-30", "2021-07-31", "2021-08-01")]
    with time_machine.travel(dt.datetime(2021, 8, 2, 23, 55, tzinfo=SHANGHAI), tick=False):
        assert due(server) == 0  # past --until


def test_a_scheduled_notice_goes_at_its_time_and_not_after_a_long_downtime(server):
    person(server, "wx-at")
    with time_machine.travel(AUG6, tick=False):
        at = dt.datetime(2021, 8, 6, 18, 0, tzinfo=SHANGHAI)
        send(server, text="今晚开会", to="all", at=at)
        late = dt.datetime(2021, 8, 7, 9, 0, tzinfo=SHANGHAI)
        send(server, text="过期的", to="all", at=late - dt.timedelta(hours=5))
    with time_machine.travel(at - dt.timedelta(minutes=1), tick=False):
        assert due(server) == 0
    with time_machine.travel(at + dt.timedelta(minutes=1), tick=False):
        assert due(server) == 1
    with time_machine.travel(late, tick=False):
        assert due(server) == 0
    assert [m.text for m in rows(server)] == ["【通知】今晚开会\n（不想再收到通知，回复「退订」）"]


def test_a_restart_in_the_middle_resumes_without_duplicates(server):
    for n in range(5):
        person(server, f"wx-r{n}")
    with time_machine.travel(AUG6, tick=False):
        at = AUG6 + dt.timedelta(minutes=5)
        aid, _ = send(server, text="重启测试", to="all", at=at)
    occurrence = "2021-08-06T10:05"
    with server.state.db.begin() as connection:  # a process died after its first chunk
        sql = Sql(connection)
        sql.run(
            "INSERT INTO announcement_run (announcement_id, occurrence, plan, started_at) VALUES (:a, :o, '{}', :n)",
            a=aid,
            o=occurrence,
            n=sql.time(at),
        )
        sql.run(
            "INSERT INTO outbox_message (idempotency_key, recipient_openid, kind, text, payload, status, attempts,"
            " created_at, due_at) VALUES (:k, 'wx-r0', 'notice', 'x', '{}', 'sent', 1, :n, :n)",
            k=f"ann:{aid}:{occurrence}:wx-r0",
            n=sql.time(at),
        )
    with time_machine.travel(at + dt.timedelta(minutes=1), tick=False):
        assert due(server) == 4
        assert due(server) == 0
    assert sorted(m.recipient_openid for m in rows(server)) == [f"wx-r{n}" for n in range(5)]


def test_a_whole_village_goes_as_one_tag_send_and_every_row_takes_its_outcome(server, fake, make_settings):
    openids = ("wx-t1", "wx-t2", "wx-t3")
    for openid in openids:
        person(server, openid, "季沟村", wrote_ago_h=None)  # no window open: only a mass send reaches them
    fake.add_user(*openids)
    settings = wechat_account(make_settings, fake)
    sync_tags(server.state.db, make_api(settings, server.state.db))
    _, plan = send(server, settings, text="季沟村明早7点核酸，带好身份证。", to="village:季沟")
    assert plan.total == 3 and plan.custom == 0 and plan.unreachable == 0
    queued = rows(server)
    assert [r.status for r in queued].count("queued") == 1 and [r.status for r in queued].count("covered") == 2
    for _ in range(2):  # a second round finds nothing more to send
        worker = make_worker(settings, server.state.db)
        try:
            worker.run_once()
        finally:
            worker.close()
        due(server, settings)
    assert all(len(fake.messages_to(openid, "mass")) == 1 for openid in openids)
    assert "季沟村明早7点核酸" in fake.messages_to("wx-t2", "mass")[0].text
    settled = rows(server)
    assert {r.status for r in settled} == {"sent"} and len({r.wechat_msgid for r in settled}) == 1
