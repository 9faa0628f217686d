"""The daily risk-list push: each new version once, with what changed, to followers and all checkpoint staff."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from sqlalchemy import delete, select, update

from bot.delivery import make_worker
from broadcasts import risk_push
from broadcasts.retention import archive_old
from broadcasts.scheduler import run_job
from models.announcement import AnnouncementRun
from models.db import transaction
from models.declaration import Declaration
from models.outbox import OutboxMessage
from models.outbox_body import OutboxBody, with_bodies
from models.person import Person
from models.person_history import history
from tests.support.accounts import wechat_account
from tests.support.fakewechat import FakeWeChat
from tests.support.live import SHANGHAI
from tests.support.people import bind, person, village_id
from tests.support.reclassify import AUG5, aug6_text, import_text
from tests.support.statements import counting

AT = dt.datetime(2021, 8, 6, 15, 0, tzinfo=SHANGHAI)


def run(server, now: dt.datetime) -> int:
    return run_job(server.state.db, risk_push.job, now, server.settings)


def rows(server) -> dict[str, OutboxMessage]:
    with transaction(server.state.db) as session:
        found = session.execute(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("risk-list:%")).order_by(OutboxMessage.id)
        )
        return {row.recipient_openid: row for row in with_bodies(session, list(found.scalars()))}


@pytest.fixture
def town(server):
    """Two followers (one talked to the account an hour ago), one opted out, one unfollowed, checkpoint staff (one
    opted out), a village cadre; a declaration from 北京 this month; the 8月5日 list."""
    db = server.state.db
    bind(
        db,
        ("rp-staff", "卡点老王", "checkpoint", "鸣皋村", None),
        ("rp-staff-out", "卡点老李", "checkpoint", "孙村", None),
        ("rp-cadre", "刘支书", "village_cadre", "鸣皋村", None),
    )
    with transaction(db) as session:
        for openid in ("rp-talked", "rp-quiet", "rp-out", "rp-gone"):
            person(session, openid, openid, None, "鸣皋村")
        session.execute(
            update(Person).where(Person.openid == "rp-talked").values(last_inbound_at=AT - dt.timedelta(hours=1))
        )
        session.execute(
            update(Person).where(Person.openid.in_(("rp-out", "rp-staff-out"))).values(risk_list_opted_out=True)
        )
        session.execute(update(Person).where(Person.openid == "rp-gone").values(subscribed=False))
        session.add(
            Declaration(
                person_id=person(session, "rp-quiet"), village_id=village_id(session, "鸣皋村"), name="张三",
                phone="13812345678", origin_province="北京市", origin_city="北京市", origin_district="昌平区",
                arrived_on=dt.date(2021, 8, 1), health_code="green", active_until=dt.date(2021, 8, 20),
                created_at=AT - dt.timedelta(days=5),
            )
        )  # fmt: skip
    import_text(db, AUG5.read_text(encoding="utf-8"), "aug5.txt", now=AT - dt.timedelta(days=1))
    return server


def test_first_version_goes_to_followers_and_every_checkpoint_staff(town):
    assert run(town, AT - dt.timedelta(minutes=1)) == 0  # 14:59: not yet
    assert rows(town) == {}
    assert run(town, AT) == 5
    sent = rows(town)
    assert set(sent) == {"rp-staff", "rp-staff-out", "rp-cadre", "rp-talked", "rp-quiet"}  # not rp-out, rp-gone
    assert sent["rp-talked"].kind == "notice"  # inside the 48-hour window
    assert sent["rp-quiet"].kind == "broadcast"  # mass send within quota, else person by person
    assert json.loads(sent["rp-quiet"].payload) == {"broadcast": f"risk-list:{_latest(town)}"}
    assert sent["rp-staff-out"].kind == "notice"  # checkpoint staff always, opted out or not
    text = sent["rp-quiet"].text
    assert "【中高风险地区名单】8月5日10时公布" in text and "这是第一次推送名单" in text
    assert text.index("河南省：高风险1处，中风险7处") < text.index("北京市：中风险1处")  # the town's province first
    assert "  高风险：郑州市二七区京广路街道" in text
    assert "全国共有高风险3处、中风险" in text and "回复「退订」" in text
    assert "请卡点按名单查验来人" in sent["rp-staff"].text and "退订" not in sent["rp-staff"].text
    assert run(town, AT + dt.timedelta(minutes=1)) == 0  # the same version: nothing again
    assert len(rows(town)) == 5


def test_a_new_version_pushes_the_diff_once(town):
    run(town, AT - dt.timedelta(days=1, hours=-1))  # the 8月5日 list went out yesterday at 16:00
    before = {key: row.id for key, row in rows(town).items()}
    assert run(town, AT) == 0  # no new version: nothing at all
    import_text(town.state.db, aug6_text(), "aug6.txt", now=AT - dt.timedelta(hours=5))
    assert run(town, AT) == 5
    with transaction(town.state.db) as session:
        found = session.execute(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("risk-list:%")).order_by(OutboxMessage.id)
        )
        new = [row for row in with_bodies(session, list(found.scalars())) if row.id not in before.values()]
    assert {row.recipient_openid for row in new} == set(before)
    text = next(row.text for row in new if row.recipient_openid == "rp-quiet")
    assert "【中高风险地区名单】8月6日10时公布" in text and "和上次推送的名单比：" in text
    assert "移除1处：河南省郑州市二七区京广路街道（高风险）" in text
    assert "新增1处：河南省郑州市二七区长江路街道（高风险）" in text  # the whole street: a new place
    assert "升级" not in text and "降级" not in text
    assert run(town, AT + dt.timedelta(hours=2)) == 0  # pushed once


def test_no_list_yet_sends_nothing(server):
    bind(server.state.db, ("rp-staff", "卡点老王", "checkpoint", "鸣皋村", None))
    assert run(server, AT) == 0
    assert rows(server) == {}


def _latest(server) -> int:
    with transaction(server.state.db) as session:
        return session.connection().exec_driver_sql("SELECT MAX(id) FROM risk_list").scalar_one()


class Crash(RuntimeError):
    """The process dies between two ranges of followers."""


def test_followers_go_in_committed_ranges_and_a_push_cut_short_resumes_without_repeating(town, monkeypatch):
    db = town.state.db
    with transaction(db) as session:
        for n in range(7):
            person(session, f"rp-more-{n}", f"rp-more-{n}", None, "鸣皋村")
    ranges = []
    real = risk_push.enqueue_to_list_followers

    def dies_after_two(sql, **options):
        if len(ranges) == 2:
            raise Crash(options["id_range"])
        ranges.append(options["id_range"])
        return real(sql, **options)

    monkeypatch.setattr(risk_push, "enqueue_to_list_followers", dies_after_two)
    with pytest.raises(Crash):
        risk_push.push(db, AT, town.settings, chunk=3)
    assert len(rows(town)) > 3  # the staff and the first two ranges committed
    half = rows(town)
    monkeypatch.setattr(risk_push, "enqueue_to_list_followers", real)
    assert risk_push.push(db, AT, town.settings, chunk=3) == 12  # 3 bound cadres + 2 followers + 7 more
    every = rows(town)
    assert {openid: row.id for openid, row in half.items()} == {o: every[o].id for o in half}  # none sent again
    assert set(every) - set(half) and len(every) == 12
    assert run(town, AT + dt.timedelta(minutes=1)) == 0  # finished: not pushed again


def test_a_push_costs_a_fixed_number_of_statements_per_range(town):
    db = town.state.db
    with transaction(db) as session:
        for n in range(40):
            person(session, f"rp-more-{n}", f"rp-more-{n}", None, "鸣皋村")
        ids = session.execute(select(Person.id)).scalars().all()
    span = max(ids) - min(ids) + 1

    def statements(chunk: int) -> int:
        """The push of the 8月5日 version afresh in ranges of `chunk` person ids."""
        with transaction(db) as session:
            session.execute(delete(OutboxMessage).where(OutboxMessage.idempotency_key.like("risk-list:%")))
            session.execute(delete(AnnouncementRun))
        with counting(db, this_thread=True) as seen:
            assert risk_push.push(db, AT, town.settings, chunk=chunk) == 45
        return seen.count

    statements(span)  # the pushes' announcement row made once
    one = statements(span)
    assert statements((span + 3) // 4) == one + 3 * 4  # each more range: its progress read and saved, two inserts


def test_the_followers_text_is_stored_once_delivered_shown_and_archived(town, make_settings, tmp_path):
    """One body for every follower's row (the row's own text empty); the worker sends it, the person page shows
    it, and retention archives each row with its text while the body stays for the rows not yet archived."""
    assert run(town, AT) == 5
    db = town.state.db
    with transaction(db) as session:
        raw = {r.recipient_openid: r for r in session.execute(select(OutboxMessage)).scalars() if r.body_id}
        bodies = session.execute(select(OutboxBody)).scalars().all()
    assert set(raw) == {"rp-cadre", "rp-talked", "rp-quiet"}  # staff rows keep their own ending
    assert {r.text for r in raw.values()} == {""} and len(bodies) == 1
    [body] = bodies
    assert body.text.startswith("【中高风险地区名单】8月5日10时公布") and body.text == rows(town)["rp-quiet"].text
    with FakeWeChat() as fake:
        fake.add_user("rp-cadre", "rp-talked", "rp-quiet")
        fake.user_wrote("rp-talked")
        worker = make_worker(wechat_account(make_settings, fake), db, clock=lambda: AT.astimezone(dt.UTC))
        try:
            worker.run_once()
        finally:
            worker.close()
        assert [m.text for m in fake.messages_to("rp-talked")] == [body.text]  # a notice in the window
        assert [m.text for m in fake.messages_to("rp-quiet", "mass")] == [body.text]  # the broadcast, mass-sent
    with transaction(db) as session:
        [line] = [line for line in history(session, openid="rp-quiet", before=None, limit=20) if not line.inbound]
        assert line.text == body.text
        session.execute(
            update(OutboxMessage).where(OutboxMessage.recipient_openid == "rp-talked").values(status="queued")
        )
    assert archive_old(db, now=AT + dt.timedelta(days=40), days=31, archive_dir=tmp_path) == 2
    archived = {}
    for path in tmp_path.glob("*/outbox_message*.jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as file:
            archived.update((row["recipient_openid"], row) for row in map(json.loads, file))
    assert archived.keys() == {"rp-quiet", "rp-cadre"}  # sent (the staff's notices found no channel)
    assert {row["text"] for row in archived.values()} == {body.text}
    assert rows(town)["rp-talked"].text == body.text  # the row kept still reads the body
