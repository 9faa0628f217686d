"""The Today page over HTTP on a seeded day (tests/support/stats): every figure, as numbers, tables and chart data,
for the town and for one village cadre; the stale-list warning."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import time_machine

from admin.web.today_figures import read_today
from models.brief import add_briefs
from models.db import transaction
from models.fever import FeverReport
from tests.support.live import import_list
from tests.support.people import person, village_id
from tests.support.statements import counting
from tests.support.stats import HOUR, NOW, declare, supply
from tests.support.stats import town as town  # noqa: F401  (the fixture)
from tests.support.today_page import account, charts, tables

VILLAGES = "各村一览"
NUMBER = re.compile(r'<div class="number"><b>([^<]*)</b><span>([^<]*)')


def _numbers(html: str) -> dict[str, str]:
    """The headline tiles: label -> value."""
    return {label: value for value, label in NUMBER.findall(html)}


def test_the_town_sees_every_figure_of_the_day(town):
    page = account(town, "clerk").get("/admin/")
    assert page.status_code == 200
    html = page.text
    assert _numbers(html) == {
        "今天返乡报备": "5",
        "正在管控（户）": "5",
        "物资没办完": "4",
        "今天还没打卡": "3",
        "发热未处理": "3",
        "疫苗接种率": "75%",
    }
    assert "超时3件" in html
    data = charts(html)
    days = data["declarations"]
    assert len(days["labels"]) == 14 and days["labels"][-1] == "8/6" and days["labels"][0] == "7/24"
    today = {s["name"]: s["data"][-1] for s in days["series"]}
    yesterday = {s["name"]: s["data"][-2] for s in days["series"]}
    assert today == {"集中隔离": 0, "居家隔离": 3, "居家健康监测": 1, "无需隔离": 1}
    assert yesterday == {"集中隔离": 1, "居家隔离": 0, "居家健康监测": 1, "无需隔离": 0}
    assert data["quarantines"]["labels"] == ["鸣皋村", "孙村", "徐阳村"]
    assert data["supplies"] == {
        "colours": ["#2e7d32", "#ef8f00", "#c62828"],
        "labels": ["待接单", "已接单未送达"],
        "series": [
            {"name": "没超时", "data": [1, 0]},
            {"name": "超时", "data": [2, 1]},
            {"name": "超时一天以上", "data": [0, 0]},
        ],
    }
    assert data["missing"]["labels"] == ["鸣皋村", "孙村", "徐阳村"]
    assert data["fevers"]["series"][0] == {"name": "未处理", "data": [2, 1]}
    assert data["vaccines"]["labels"] == ["鸣皋村", "孙村"]
    assert {s["name"]: s["data"] for s in data["vaccines"]["series"]} == {"12-17岁": [100, None], "18岁以上": [50, 100]}
    found = tables(html)
    rows = {row[0]: row[1:] for row in found[VILLAGES][1:]}
    assert rows["鸣皋村"] == ["3", "3", "2", "1", "2"] and rows["徐阳村"] == ["1", "1", "1", "1", "0"]
    assert rows["合计"] == ["5", "4", "3", "3", "3"]
    assert list(rows) == ["鸣皋村", "孙村", "徐阳村", "其余15个村", "合计"]  # the quiet ones in one row
    assert rows["其余15个村"] == ["0"] * 5
    declared = {row[0]: row for row in found["近14天返乡报备（按管控措施）"][1:]}
    assert declared["8/6"][-1] == "5" and declared["8/5"][-1] == "2" and declared["合计"][-1] == "7"
    vaccines = found["疫苗接种（按村、按年龄段）"]
    assert ["鸣皋村", "18岁以上", "2", "1", "1", "50%"] in vaccines and [
        "合计",
        "全部",
        "4",
        "3",
        "2",
        "75%",
    ] in vaccines


def test_a_village_cadre_counts_only_their_village(town):
    html = account(town, "liu", openid="st-cadre").get("/admin/").text
    assert _numbers(html) == {
        "今天返乡报备": "3",
        "正在管控（户）": "3",
        "物资没办完": "3",
        "今天还没打卡": "1",
        "发热未处理": "2",
        "疫苗接种率": "67%",
    }
    assert "鸣皋村 8月6日" in html
    data = charts(html)
    by_village = ("quarantines", "missing", "fevers", "vaccines")
    assert {label for name in by_village for label in data[name]["labels"]} == {"鸣皋村"}
    assert "徐阳村" not in html and "孙村" not in html
    assert [row[0] for row in tables(html)[VILLAGES][1:]] == ["鸣皋村", "合计"]
    quiet = account(town, "wang", openid="st-doctor").get("/admin/")  # 孙村: a quarantine, nothing else
    assert [row[0] for row in tables(quiet.text)[VILLAGES][1:]] == ["孙村", "合计"]


def test_a_work_area_lead_sees_their_area(town):
    html = account(town, "zhao", openid="st-lead").get("/admin/").text
    assert _numbers(html)["今天返乡报备"] == "4" and _numbers(html)["物资没办完"] == "3"
    assert "徐阳村" not in html and "孙村" in html and "第一工作区 8月6日" in html


def test_lateness_closed_fevers_and_the_fortnights_edge(town):
    with transaction(town.state.db) as session:
        supply(session, "鸣皋村", "open", NOW - 30 * HOUR)  # not accepted for 30 h: a day past the 2 h
        supply(session, "鸣皋村", "delivered", NOW - 30 * HOUR)  # done: not counted
        session.add(
            FeverReport(
                person_id=person(session, "st-household"),
                village_id=village_id(session, "鸣皋村"),
                text="发烧",
                created_at=NOW - 3 * HOUR,
                closed_at=NOW - HOUR,
            )
        )
        declare(session, "鸣皋村", "早一", "居家隔离", at=NOW - dt.timedelta(days=13))
        declare(session, "鸣皋村", "早二", "居家隔离", at=NOW - dt.timedelta(days=14))  # before the fortnight
    html = account(town, "clerk").get("/admin/").text
    data = charts(html)
    assert data["supplies"]["series"][2] == {"name": "超时一天以上", "data": [1, 0]}
    assert {s["name"]: s["data"][0] for s in data["fevers"]["series"]} == {"未处理": 2, "已处理": 2}
    assert {s["name"]: s["data"][0] for s in data["declarations"]["series"]}["居家隔离"] == 1
    # 已处理 counts the closed fever of the shared day (tests/support/stats.py) too.
    assert "近7天已处理2" in html and "超时4件" in html


def test_a_stale_risk_list_is_said_first(town):
    import_list(town, "tests/fixtures/riskareas/2021-08-05-10.txt")
    assert 'class="stale"' not in account(town, "clerk").get("/admin/").text
    with time_machine.travel(NOW + dt.timedelta(days=10), tick=True):
        html = account(town, "clerk2").get("/admin/").text
    assert html.index('class="stale"') < html.index('class="numbers"')
    assert "这是2021年8月5日的名单，已经过了11天" in html


def test_the_evening_brief_is_there_once_written_and_the_page_needs_a_session(town):
    with transaction(town.state.db) as session:
        text = "【调度简报】鸣皋村8月6日\n村民说：<script>alert(1)</script>"
        add_briefs(session, briefs=[{"day": NOW.date(), "scope": f"village:{village_id(session, '鸣皋村')}",
                                     "village_id": village_id(session, "鸣皋村"), "text": text, "short": text,
                                     "data": "{}", "created_at": NOW}])  # fmt: skip
    cadre = account(town, "liu", openid="st-cadre")
    html = cadre.get("/admin/").text
    assert "调度简报全文" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "调度简报全文" not in account(town, "clerk").get("/admin/").text  # the town's own is not written yet
    anonymous = httpx.Client(base_url=town.url)
    first = anonymous.get("/admin/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/admin/signin")


def test_one_statement_per_figure_however_many_villages(town):
    def statements(villages) -> int:
        with transaction(town.state.db) as session, counting(town.state.db) as seen:
            read_today(session, NOW.astimezone(dt.UTC), town.settings, villages)
        return seen.count

    with transaction(town.state.db) as session:
        ids = [village_id(session, name) for name in ("鸣皋村", "孙村", "徐阳村", "张村")]
    few = statements(ids[:1])
    assert statements(ids) == few == statements(None)
    with transaction(town.state.db) as session:
        for name in ("张村", "沿村", "雷沟村", "韩洼村"):
            declare(session, name, f"{name}人", "居家隔离")
            supply(session, name, "open", NOW - HOUR)
    assert statements(None) == few <= 8


def test_a_new_declaration_shows_at_once(town):
    clerk = account(town, "clerk")
    assert _numbers(clerk.get("/admin/").text)["今天返乡报备"] == "5"
    with transaction(town.state.db) as session:
        declare(session, "徐阳村", "徐二", "集中隔离")
    assert _numbers(clerk.get("/admin/").text)["今天返乡报备"] == "6"
