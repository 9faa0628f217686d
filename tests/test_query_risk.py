"""风险查询 beyond the transcripts (tests/transcripts/query_risk.toml): a city, the whole list, long lists, no list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.support.conversation import run
from tests.support.live import SHANGHAI, import_list, invite_code

AUG5 = "tests/fixtures/riskareas/2021-08-05-10.txt"
AUG6 = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def listed(server):
    """The server on 8月6日, with the 8月5日 list imported and picked up (a fresh list: no note of its age)."""
    with time_machine.travel(AUG6, tick=True):
        import_list(server, AUG5)
        yield server


def test_a_high_risk_community_in_another_province(listed):
    reply = listed.client("qr-2").say("扬州邗江区还是高风险吗")
    assert "江苏" not in reply.split("，")[0] and "扬州市邗江区有1处" in reply
    assert "高风险：双桥街道武塘社区明月路以南" in reply and "中风险" not in reply


def test_a_city_is_summarised_by_its_districts(listed):
    reply = listed.client("qr-4").say("郑州是中风险吗")
    assert reply.startswith("按8月5日10时公布的名单，郑州市这些区县有中高风险地区：")
    assert "二七区：高风险1处，中风险2处" in reply
    assert "管城回族区：中风险1处" in reply and "荥阳市：中风险1处" in reply and "金水区：中风险1处" in reply
    assert "比如：郑州市二七区是高风险吗？" in reply
    lines = reply.splitlines()
    assert lines.index("二七区：高风险1处，中风险2处") < lines.index("金水区：中风险1处")  # in list order


def test_the_whole_list(listed):
    reply = listed.client("qr-7").say("今天的风险地区名单")
    assert reply.startswith("最新的中高风险地区名单是8月5日10时公布的：高风险3处，中风险13处。")
    assert "高风险：南京市江宁区禄口街道（全域）、扬州市邗江区双桥街道武塘社区" in reply
    assert "郑州市二七区京广路街道" in reply and "等" not in reply.splitlines()[1]
    assert "比如：郑州二七区是高风险吗？" in reply


def test_many_areas_are_counted_after_the_first_few(server, tmp_path):
    rows = [f"medium,河南省,郑州市,金水区,{street}" for street in ("丰产路街道", "经八路街道", "花园路街道")]
    rows += ["medium,河南省,郑州市,金水区,文化路街道", "medium,河南省,郑州市,金水区,南阳路街道"]
    csv = tmp_path / "2021-08-07-09.csv"
    csv.write_text("level,province,city,district,area\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with time_machine.travel(AUG6, tick=True):
        import_list(server, csv)
        reply = server.client("qr-8").say("郑州金水区是不是中风险")
    assert reply.startswith("按8月7日9时公布的名单，郑州市金水区有5处中高风险地区")
    assert "中风险：丰产路街道、经八路街道、花园路街道等5处" in reply and "文化路街道" not in reply


def test_no_list_yet_says_whom_to_ask(server):
    server.state.risk.expire()
    assert "还没有收到最新的风险地区名单" in server.client("qr-9").say("郑州二七区现在是高风险吗")
    code = invite_code(server, "鸣皋", "village_cadre")
    cadre = server.client("qr-cadre")
    assert "绑定成功" in cadre.say(f"绑定 {code}")
    run(cadre, [("我的信息", "名字"), ("刘支书", "手机号"), ("13700001111", "核对"), ("对", "保存")])
    villager = server.client("qr-10")
    run(
        villager,
        [("我的信息", "名字"), ("张桂兰", "手机号"), ("13812345678", "哪个村"), ("鸣皋", "核对"), ("对", "保存")],
    )
    reply = villager.say("今天的风险地区名单")
    assert "暂时查不了" in reply and "可以问村干部刘支书：13700001111" in reply
