"""/admin/ledgers and /admin/people/{id} over HTTP: filters, search, paging, jurisdiction (404), masking by role,
and the 台账 download (openpyxl, every sheet, the viewer's villages, an audit row)."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from sqlalchemy import select

from models.audit import AuditLog
from models.care import DONE, DUE
from models.db import transaction
from tests.support.ledgers import NOW, Seed

D = dt.date
KINDS = ("returnees", "quarantines", "supplies", "fevers", "events", "vaccination", "checkpoints")
SHEETS = ["返乡人员", "隔离管控", "卡点异常", "发热", "物资", "红白事", "疫苗"]


def names(html: str) -> list[str]:
    """The names a ledger page lists, in order."""
    return re.findall(r'<td class="who">(?:<a href="/admin/people/\d+">)?([^<]*)', html)


@pytest.fixture
def seed(server) -> Seed:
    """张三 and 李四 in 鸣皋村, 孙六 in 孙村, each with a report of every kind; a fever with no village."""
    seed = Seed(server)
    zhang, declaration = seed.returnee("鸣皋村", "张三", "13700000001", D(2021, 8, 5), id_number="410329199001011234")
    today = dt.date.today()
    seed.quarantine(declaration, "居家隔离", rounds=[(today - dt.timedelta(days=2), DONE), (today, DUE),
                                                    (today + dt.timedelta(days=3), DUE)])  # fmt: skip
    li, _ = seed.returnee("鸣皋村", "李四", "13700000002", D(2021, 8, 1), measure="无需隔离")
    sun, sun_declaration = seed.returnee("孙村", "孙六", "13700000003", D(2021, 7, 30), measure="集中隔离")
    seed.quarantine(sun_declaration, "集中隔离")
    for person, village in ((zhang, "鸣皋村"), (li, "鸣皋村"), (sun, "孙村")):
        seed.reports(person, village)
    seed.reports(seed.person(None, "路人"), None)
    seed.zhang, seed.sun = zhang, sun
    return seed


def test_every_ledger_lists_the_town_for_the_town_admin(seed):
    client = seed.viewer("clerk")
    for kind in KINDS:
        page = client.get(f"/admin/ledgers/{kind}")
        assert page.status_code == 200, kind
        assert {"张三", "孙六"} <= set(names(page.text)), kind
    assert names(client.get("/admin/ledgers/returnees").text) == ["孙六", "李四", "张三"]  # newest first
    assert "路人" in names(client.get("/admin/ledgers/fevers").text)  # no village: the town sees it
    index = client.get("/admin/ledgers")
    assert all(f"/admin/ledgers/{kind}" in index.text for kind in KINDS)
    assert client.get("/admin/ledgers/nothing").status_code == 404


def test_filters_by_village_state_and_dates_and_searches_a_name_or_phone(seed):
    client = seed.viewer("clerk")
    page = "/admin/ledgers/returnees"
    assert names(client.get(page, params={"village": seed.villages["孙村"]}).text) == ["孙六"]
    assert names(client.get(page, params={"state": "home"}).text) == ["张三"]
    assert names(client.get(page, params={"first": "2021-08-01", "last": "2021-08-04"}).text) == ["李四"]
    assert names(client.get(page, params={"q": "李"}).text) == ["李四"]
    assert names(client.get(page, params={"q": "0000003"}).text) == ["孙六"]
    assert names(client.get(page, params={"q": "%"}).text) == []  # a fragment, never a pattern
    assert names(client.get(page, params={"first": "not a date", "state": "nonsense"}).text) == ["孙六", "李四", "张三"]
    due = client.get("/admin/ledgers/quarantines", params={"state": "sampling_due"})
    assert names(due.text) == ["张三"] and "已采 1/3 次" in due.text and "下次" in due.text
    open_fevers = client.get("/admin/ledgers/fevers", params={"state": "open", "q": "路人"})
    assert names(open_fevers.text) == ["路人"] and "待跟进" in open_fevers.text
    assert "共 1 条" in open_fevers.text


def test_pages_of_fifty_newest_first_with_a_link_to_the_older_ones(seed):
    for n in range(60):
        seed.returnee("张村", f"返乡{n:02d}", f"1360000{n:04d}", D(2021, 8, 1) + dt.timedelta(days=n % 5))
    client = seed.viewer("clerk")
    first = client.get("/admin/ledgers/returnees", params={"village": seed.villages["张村"]})
    shown = names(first.text)
    assert len(shown) == 50 and shown[0] == "返乡59" and "共 60 条" in first.text
    older = re.search(r'href="([^"]+)" id="older"', first.text)[1].replace("&amp;", "&")
    second = client.get(older)
    assert names(second.text) == [f"返乡{n:02d}" for n in range(9, -1, -1)]
    assert 'id="older"' not in second.text and "回到最新" in second.text


def test_a_village_cadre_sees_their_village_only_and_another_village_answers_404(seed):
    client = seed.viewer("liu", "village_cadre", "鸣皋村")
    for kind in KINDS:
        shown = set(names(client.get(f"/admin/ledgers/{kind}").text))
        assert "张三" in shown and not shown & {"孙六", "路人"}, kind
    assert client.get("/admin/ledgers/returnees", params={"village": seed.villages["孙村"]}).status_code == 404
    assert client.get(f"/admin/people/{seed.sun.id}").status_code == 404
    assert client.get(f"/admin/people/{seed.zhang.id}").status_code == 200
    assert client.get("/admin/people/999999").status_code == 404
    malformed = client.get("/admin/people/abc")  # a mistyped address reads as a page not found, in Chinese
    assert malformed.status_code == 404 and "没有找到这一页" in malformed.text
    assert names(client.get("/admin/ledgers/returnees", params={"q": "孙六"}).text) == []


def test_a_work_area_lead_sees_every_village_of_their_area(seed):
    client = seed.viewer("lead", "work_area_lead", "张村")  # 鸣皋村 and 孙村 are in the same work area
    assert set(names(client.get("/admin/ledgers/returnees").text)) == {"张三", "李四", "孙六"}


def test_phones_and_id_numbers_are_masked_for_a_doctor_and_whole_for_a_village_cadre(seed):
    cadre = seed.viewer("liu", "village_cadre", "鸣皋村").get("/admin/ledgers/returnees").text
    assert "13700000001" in cadre and "410329199001011234" in cadre
    doctor_client = seed.viewer("zhao", "village_doctor", "鸣皋村")
    doctor = doctor_client.get("/admin/ledgers/returnees").text
    assert "13700000001" not in doctor and "137****0001" in doctor
    assert "410329199001011234" not in doctor and "410***********1234" in doctor
    assert names(doctor_client.get("/admin/ledgers/returnees", params={"q": "0000001"}).text) == []
    assert "137****0001" in doctor_client.get(f"/admin/people/{seed.zhang.id}").text


def test_the_person_page_shows_what_they_said_and_were_sent_in_order_with_states_in_chinese(seed):
    seed.chat(
        seed.zhang,
        ("in", "我从郑州回来了", NOW),
        ("out:delivered:custom", "请居家隔离", NOW + dt.timedelta(minutes=1)),
        ("out:failed:template", "明天采样", NOW + dt.timedelta(minutes=2)),
        ("in", "<b>好的</b>", NOW + dt.timedelta(minutes=3)),
    )
    page = seed.viewer("clerk").get(f"/admin/people/{seed.zhang.id}").text
    order = [page.index(text) for text in ("我从郑州回来了", "请居家隔离", "明天采样", "&lt;b&gt;好的&lt;/b&gt;")]
    assert order == sorted(order)
    assert "已送达 · 客服消息" in page and "发送失败 · 模板消息 · 错误码 45015" in page
    assert "收到：我从郑州回来了" in page and "2021-08-06 10:00" in page
    assert "<b>好的</b>" not in page


def test_the_workbook_download_holds_every_sheet_of_the_viewer_s_villages_and_is_audited(seed):
    client = seed.viewer("liu", "village_cadre", "鸣皋村")
    response = client.get("/admin/ledgers/export.xlsx")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and unquote(disposition.split("UTF-8''")[1]).startswith("鸣皋镇台账-")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == SHEETS
    for title in SHEETS:
        rows = list(book[title].iter_rows(values_only=True))
        column = rows[0].index("卡点/村" if title == "卡点异常" else "所在村")
        assert {row[column] for row in rows[1:]} == {"鸣皋村"}, title
    with transaction(seed.db) as session:
        [entry] = session.execute(select(AuditLog)).scalars().all()
    assert (entry.action, entry.target) == ("export_ledger", "鸣皋镇")
    assert "liu" in entry.actor
    before = set(Path(tempfile.gettempdir()).glob("xiangan-ledger-*"))
    assert client.get("/admin/ledgers/export.xlsx", params={"village": seed.villages["孙村"]}).status_code == 404
    assert set(Path(tempfile.gettempdir()).glob("xiangan-ledger-*")) <= before  # nothing left behind


def test_a_town_admin_downloads_one_village_with_phones_whole(seed):
    client = seed.viewer("clerk")
    response = client.get("/admin/ledgers/export.xlsx", params={"village": seed.villages["孙村"]})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["返乡人员"].iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["孙六"] and rows[1][3] == "13700000003"
    assert "孙村" in unquote(response.headers["content-disposition"])
