"""红白事报备 with the report stored (more in tests/transcripts/events.toml): the policy's limits, the cadre's alert."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from models.db import transaction
from models.event import EventReport
from models.person import Person
from tests.support.conversation import run
from tests.support.live import PROJECT
from tests.support.people import TODAY, bind, outbox, villager
from town.policy import PolicyError, load_policy

POLICY = PROJECT / "data" / "policy.toml"


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def cadres(server, today):
    """鸣皋村's village cadre (with a phone) and doctor; a cadre of 孙村 who hears nothing of 鸣皋村."""
    bind(
        server.state.db,
        ("ev-cadre", "刘支书", "village_cadre", "鸣皋村", "13700001111"),
        ("ev-doctor", "王村医", "village_doctor", "鸣皋村", None),
        ("ev-other", "孙支书", "village_cadre", "孙村", None),
    )
    return server


def reports(server) -> list[EventReport]:
    with transaction(server.state.db) as session:
        return list(session.execute(select(EventReport).order_by(EventReport.id)).scalars())


def test_a_complete_first_message_asks_only_the_place(cadres):
    client = villager(cadres, "ev-full")
    run(
        client,
        [
            ("儿子下周六结婚，要报备，请了五六十个人", "在哪里办"),
            ("在家里", "请核对红白事报备"),
        ],
    )
    summary = client.say("帮助")
    assert "事情：结婚" in summary and "日子：8月14日（星期六）" in summary and "人数：约60人" in summary
    assert "地点：家里" in summary and "张桂兰（13812345678）" in summary and "村：鸣皋村" in summary
    reply = client.say("对")
    assert "报备好了" in reply and "红事缓办、白事简办、宴请不办" in reply
    assert "婚礼、订婚请往后推" in reply and "不超过10人" in reply
    assert "您说大约60人，超过了镇里规定的10人，请一定减少人数" in reply
    assert "村干部刘支书会和您联系，有事也可以打13700001111" in reply
    [report] = reports(cadres)
    assert (report.kind, report.event_on, report.guests, report.place) == ("wedding", dt.date(2021, 8, 14), 60, "家里")
    assert report.text == "儿子下周六结婚，要报备，请了五六十个人" and report.village_id is not None
    [alert] = outbox(cadres, "ev-cadre")
    assert alert.kind == "alert" and alert.text.startswith("【人数超规定】红白事报备（第")
    assert "张桂兰（13812345678），鸣皋村" in alert.text
    assert "结婚，8月14日（星期六），约60人，在家里办" in alert.text
    assert "人数超过规定（结婚最多10人）" in alert.text and "提醒按规定办：红事缓办" in alert.text
    assert outbox(cadres, "ev-doctor") == [] and outbox(cadres, "ev-other") == []


def test_the_entry_word_asks_everything_one_question_at_a_time(cadres):
    client = cadres.client("ev-minimal")
    run(
        client,
        [
            ("红白事报备", "办什么事"),
            ("俺娘老了", "哪天办"),
            ("8月3日", "已经过去了"),
            ("后天", "多少人"),
            ("摆两桌", "在哪里办"),
            ("家", "叫什么名字"),
            ("李建国", "手机号"),
            ("13900002222", "哪个村"),
            ("鸣皋", "请核对红白事报备"),
            ("人数不对", "多少人"),
            ("15个人", "请核对"),
        ],
    )
    reply = client.say("对")
    assert "白事简办：从简从快办理，到场的不超过20人" in reply and "超过了" not in reply
    [report] = reports(cadres)
    assert (report.kind, report.event_on, report.guests, report.place) == ("funeral", dt.date(2021, 8, 8), 15, "家")
    assert report.text == "丧事，8月8日（星期日），约15人，家"
    [alert] = outbox(cadres, "ev-cadre")
    assert alert.text.startswith("红白事报备（第") and "李建国（13900002222），鸣皋村" in alert.text
    assert "丧事，8月8日（星期日），约15人，在家办" in alert.text and "人数超过规定" not in alert.text
    with transaction(cadres.state.db) as session:
        saved = session.execute(select(Person).where(Person.openid == "ev-minimal")).scalar_one()
        assert (saved.name, saved.phone) == ("李建国", "13900002222") and saved.village_id is not None


def test_the_policy_file_validates_the_events_table(tmp_path):
    shipped = load_policy(POLICY)
    assert {kind: rule.max_guests for kind, rule in shipped.events.items()} == {
        "wedding": 10,
        "funeral": 20,
        "other": 0,
    }
    base = POLICY.read_text("utf-8")
    cases = {
        'max_guests = 20\nadvice = "白事简办': ('max_guests = -1\nadvice = "白事简办', "events.funeral：max_guests"),
        "{max_guests}人，不摆酒席、不请客": ("{limit}人，不摆酒席、不请客", "events.wedding：advice 里只能用"),
        "[events.other]": ("[events.party]", "未知的种类：party"),
    }
    for old, (new, message) in cases.items():
        path = tmp_path / "policy.toml"
        path.write_text(base.replace(old, new, 1), "utf-8")
        with pytest.raises(PolicyError, match=message):
            load_policy(path)
    without = tmp_path / "old.toml"
    without.write_text(base[: base.index("[events.wedding]")] + base[base.index("[[rule]]") :], "utf-8")
    assert load_policy(without).events == {}
