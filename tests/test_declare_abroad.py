"""返乡报备 from abroad: the entry date, the port city and the central days done there, counted by the policy."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from admin.ledger import load_ledger
from handlers.declare_return.abroad import port_days
from models.db import transaction
from tests import test_declare_return as declare_return
from tests.support.conversation import run
from tests.support.live import PROJECT, SHANGHAI
from town.policy import load_policy

# The declaration tests' server with the 8月5日 list and 鸣皋村's cadre and doctor bound.
listed, cadres = declare_return.listed, declare_return.cadres
alerts, quarantines, stored = declare_return.alerts, declare_return.quarantines, declare_return.stored

POLICY = PROJECT / "data" / "policy.toml"


@pytest.fixture
def aug9():
    with time_machine.travel(dt.datetime(2021, 8, 9, 10, 0, tzinfo=SHANGHAI), tick=True):
        yield


@pytest.fixture
def aug6():
    with time_machine.travel(dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI), tick=True):
        yield


def _basics(client, name: str) -> None:
    run(client, [(name, "手机号"), ("13812345678", "身份证"), ("跳过", "哪个村")])


def _rest(client) -> str:
    """Transport to the summary; the summary."""
    run(client, [("坐飞机", "航班"), ("CA1234", "健康码"), ("绿码", "一起回来")])
    return client.say("没有")


def _ledger_row(server, name: str) -> dict:
    with transaction(server.state.db) as session:
        ledger = load_ledger(
            session, town="鸣皋镇", now=dt.datetime.now(SHANGHAI), tz=SHANGHAI, policy=load_policy(POLICY)
        )
    sheet = ledger.sheets[0]
    return next(dict(zip(sheet.columns, row, strict=True)) for row in sheet.rows if row[1] == name)


def test_entry_three_days_ago_with_three_done_leaves_the_rest_of_central(cadres, aug6):
    client = cadres.client("ab-three")
    run(client, [("返乡报备", "自己"), ("自己", "名字")])
    _basics(client, "吴小燕")
    run(client, [("鸣皋", "从哪里回来"), ("日本", "哪天到家"), ("今天", "哪天入境")])
    run(client, [("8月3日", "哪个城市入境"), ("在广州入境的", "在广州集中隔离了几天"), ("隔离了三天", "怎么回来")])
    summary = _rest(client)
    assert "入境：8月3日从广州入境，在广州集中隔离了3天" in summary
    reply = client.say("对")
    measure = "集中隔离11天（8月6日至8月16日），再居家隔离7天（8月17日至8月23日）"
    assert f"在广州已集中隔离3天；入境的人从入境那天算，要集中隔离14天、再居家隔离7天，所以回来后{measure}" in reply
    assert "安排车送到集中隔离点" in reply
    sent = alerts(cadres)
    assert f"管控：{measure}" in sent["dr-cadre"] and "【请马上联系】" in sent["dr-cadre"]
    assert "入境：8月3日从广州入境，在广州集中隔离了3天" in sent["dr-cadre"]
    assert "21天" not in sent["dr-cadre"] and "21天" not in reply
    [(declaration, classification)] = stored(cadres, "ab-three")
    assert (declaration.entry_date, declaration.port_city, declaration.port_quarantine_days) == (
        dt.date(2021, 8, 3),
        "广州",
        3,
    )
    assert (classification.start_on, classification.end_on) == (dt.date(2021, 8, 6), dt.date(2021, 8, 23))
    [quarantine] = quarantines(cadres)
    assert (quarantine.kind, quarantine.start_on, quarantine.home_start_on, quarantine.end_on) == (
        "集中隔离",
        dt.date(2021, 8, 6),
        dt.date(2021, 8, 17),
        dt.date(2021, 8, 23),
    )
    # Days 4, 7, 14 and 21 from the entry; day 1 was done in 广州.
    assert json.loads(quarantine.sampling_dates) == ["2021-08-06", "2021-08-09", "2021-08-16", "2021-08-23"]
    row = _ledger_row(cadres, "吴小燕")
    assert row["管控措施"] == "集中隔离（2021-08-17起居家隔离）"
    assert row["依据"] == f"8月3日从广州入境，在广州已集中隔离3天，回来后{measure}"


def test_entry_twenty_days_ago_with_fourteen_done_is_home_days_only(cadres, aug9):
    client = cadres.client("ab-twenty")
    first = "上月20号从上海入境 在上海集中隔离了十四天 8月3号到家"
    run(client, [(first, "名字")])
    _basics(client, "郑大山")
    run(client, [("鸣皋", "怎么回来")])
    summary = _rest(client)
    assert "从哪里回来：境外" in summary and "哪天到家：8月3日" in summary
    assert "入境：7月20日从上海入境，在上海集中隔离了14天" in summary
    reply = client.say("对")
    measure = "居家隔离7天（8月3日至8月9日）"
    assert f"在上海已集中隔离14天，集中隔离已满；入境的人集中隔离期满后还要居家隔离7天，所以回来后{measure}" in reply
    assert "集中隔离点" not in reply and "村医今天（8月9日）会上门做核酸，一共1次（8月9日）" in reply
    sent = alerts(cadres)
    assert f"管控：{measure}" in sent["dr-cadre"] and "【请马上联系】" not in sent["dr-cadre"]
    [quarantine] = quarantines(cadres)
    assert (quarantine.kind, quarantine.start_on, quarantine.end_on, quarantine.home_start_on) == (
        "居家隔离",
        dt.date(2021, 8, 3),
        dt.date(2021, 8, 9),
        None,
    )
    assert json.loads(quarantine.sampling_dates) == ["2021-08-09"]  # day 21 from the entry
    row = _ledger_row(cadres, "郑大山")
    assert row["管控措施"] == "居家隔离"
    assert row["依据"] == f"7月20日从上海入境，在上海已集中隔离14天，回来后{measure}"


def test_the_first_message_names_the_entry_and_the_arrival_apart(cadres, aug6):
    client = cadres.client("ab-first")
    run(client, [("上月20号从上海入境 在上海集中隔离了十四天 昨天到家", "名字")])
    _basics(client, "钱小兰")
    run(client, [("鸣皋", "怎么回来")])
    summary = _rest(client)
    assert "哪天到家：8月5日" in summary and "入境：7月20日从上海入境，在上海集中隔离了14天" in summary
    assert "回来后居家隔离5天（8月5日至8月9日）" in client.say("对")


def test_no_quarantine_at_the_port_counts_all_fourteen_days_here(cadres, aug6):
    client = cadres.client("ab-none")
    run(client, [("俺儿从国外回来了", "名字"), ("吴大海", "手机号"), ("13812345678", "身份证"), ("跳过", "哪个村")])
    run(client, [("鸣皋", "哪天到家"), ("昨天", "哪天入境"), ("8月5日", "哪个城市"), ("绥芬河", "在绥芬河集中隔离")])
    run(client, [("没隔离", "怎么回来")])
    assert "入境：8月5日从绥芬河入境，没有集中隔离" in _rest(client)
    reply = client.say("对")
    assert "入境后没有集中隔离" in reply and "回来后集中隔离14天（8月5日至8月18日），再居家隔离7天" in reply


def test_an_entry_after_the_arrival_is_asked_again(cadres, aug6):
    client = cadres.client("ab-late")
    run(client, [("我从美国回来的", "名字")])
    _basics(client, "孙大明")
    run(client, [("鸣皋", "哪天到家"), ("昨天", "哪天入境"), ("今天", "到家（8月5日）那天或者之前")])
    run(client, [("7月25日", "哪个城市"), ("厦门", "几天"), ("两周", "怎么回来")])


@pytest.mark.parametrize(
    ("text", "days"),
    [("十四天", 14), ("两周", 14), ("14", 14), ("没隔离", 0), ("没有", 0), ("在上海集中隔离了十四天", 14),
     ("7月20日入境 隔离了7天", 7), ("隔离满了", None), ("40天", None)],
)  # fmt: skip
def test_port_days_read_chinese_numerals_and_none(text, days):
    assert port_days(text) == days


def test_the_country_is_not_taken_for_the_port_and_a_domestic_origin_forgets_the_entry(cadres, aug6):
    client = cadres.client("ab-country")
    run(client, [("我7月20号从美国入境，昨天到家", "名字")])
    _basics(client, "李秋菊")
    run(client, [("鸣皋", "哪个城市入境"), ("上海", "几天"), ("十四天", "怎么回来")])
    summary = _rest(client)
    assert "哪天到家：8月5日" in summary and "入境：7月20日从上海入境，在上海集中隔离了14天" in summary
    run(client, [("不对，是北京海淀区", "哪天离开北京市海淀区"), ("当天", "北京市海淀区")])
    summary = client.say("帮助")
    assert "入境" not in summary
    assert "无需隔离" in client.say("对")
    [(declaration, _)] = stored(cadres, "ab-country")
    assert not declaration.abroad and (declaration.entry_date, declaration.port_city) == (None, None)


def test_a_proxy_after_a_date_is_still_a_proxy_and_the_entry_is_read_without_the_word(cadres, aug6):
    client = cadres.client("ab-proxy-late")
    reply = client.say("上个月20号俺儿从美国回来 在上海集中隔离了十四天 昨天到的家")
    assert "儿子叫什么名字" in reply
    run(client, [("刘建军", "手机号"), ("13912345678", "身份证"), ("跳过", "哪个村"), ("鸣皋", "怎么回来")])
    summary = _rest(client)
    assert "入境：7月20日从上海入境，在上海集中隔离了14天" in summary and "哪天到家：8月5日" in summary
    assert "离开" not in summary  # a return from abroad has an entry date, not a day it left
    client.say("对")
    alert = alerts(cadres)["dr-cadre"]
    assert "8月5日到家" in alert and "离开" not in alert
