"""The ops pages over HTTP: 未送达 (mark a call made), 风险地区 (diff, upload), 通知 (reach, send), 干部 (invites).

Each action is checked for its audit row, its CSRF check and the jurisdiction's 404s.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from bot.delivery import make_worker
from tests.support.accounts import wechat_account
from tests.support.announcements import person
from tests.support.fakewechat import FakeWeChat
from tests.support.ops import account, audit_rows, cadre, one, undelivered_alert

LISTS = Path("/work/shared/riskareas")
AUG4, AUG5 = LISTS / "2021-08-04-14.txt", LISTS / "2021-08-05-10.txt"
MALFORMED = "\n".join(
    ["根据国务院客户端，2021年8月6日10时，全国中风险地区。", "中风险地区(2个)", "河南：2个", "郑州市二七区长江路街道",
     "火星市不存在区某某街道", ""]
)  # fmt: skip


def upload(client: httpx.Client, name: str, content: bytes) -> httpx.Response:
    return client.post("/admin/risk/upload", files={"file": (name, content, "text/plain")})


# 未送达


def test_the_town_sees_an_open_call_with_the_phone_and_marks_it_made(server):
    person(server, "wx-o-callee", "鸣皋村", name="王奶奶")
    number = undelivered_alert(server, to="wx-o-callee", text="您家明天上门采样", caller=None)
    town = account(server, "town")
    page = town.get("/admin/undelivered")
    assert page.status_code == 200
    assert f"第{number}号" in page.text and 'href="tel:13900001111"' in page.text and "您家明天上门采样" in page.text
    done = town.post(f"/admin/undelivered/calls/{number}/done")
    assert done.status_code == 303 and "outcome=done" in done.headers["location"]
    assert one(server, "SELECT done_at FROM call_task WHERE id = :id", id=number)[0] is not None
    [(actor, target, before, after)] = audit_rows(server, "call_made")
    assert target == f"call_task:{number}" and "town" in actor and before["status"] != after["status"]
    again = town.get(done.headers["location"])
    assert f"第{number}号电话任务办完了" in again.text and 'href="tel:13900001111"' not in again.text


def test_a_village_cadre_sees_only_their_villages_calls_and_may_close_only_their_own(server):
    cadre(server, "wx-o-head", "鸣皋村", phone="13800000001")
    head_pid = one(server, "SELECT id FROM person WHERE openid = 'wx-o-head'")[0]
    person(server, "wx-o-near", "鸣皋村")
    person(server, "wx-o-far", "孙村")
    near = undelivered_alert(server, to="wx-o-near", text="鸣皋村的提醒", caller="wx-o-head", phone="13911112222")
    far = undelivered_alert(server, to="wx-o-far", text="孙村的提醒", caller=None, phone="13933334444")
    head = account(server, "head", person_id=head_pid)
    page = head.get("/admin/undelivered").text
    assert "鸣皋村的提醒" in page and 'href="tel:13911112222"' in page
    assert "孙村的提醒" not in page and "13933334444" not in page
    assert head.post(f"/admin/undelivered/calls/{far}/done").status_code == 404
    assert one(server, "SELECT done_at FROM call_task WHERE id = :id", id=far)[0] is None
    assert head.post(f"/admin/undelivered/calls/{near}/done").status_code == 303
    assert one(server, "SELECT done_at FROM call_task WHERE id = :id", id=near)[0] is not None


def test_marking_a_call_without_the_csrf_token_is_refused(server):
    person(server, "wx-o-c", "鸣皋村")
    number = undelivered_alert(server, to="wx-o-c", text="提醒", caller=None)
    town = account(server, "town")
    del town.headers["X-CSRF-Token"]
    assert town.post(f"/admin/undelivered/calls/{number}/done").status_code == 403
    assert one(server, "SELECT done_at FROM call_task WHERE id = :id", id=number)[0] is None
    assert audit_rows(server, "call_made") == []


def test_what_a_villager_typed_is_escaped(server):
    person(server, "wx-o-x", "鸣皋村", name="<img src=x onerror=alert(1)>")
    undelivered_alert(server, to="wx-o-x", text="<script>alert(1)</script>", caller=None)
    page = account(server, "town").get("/admin/undelivered").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_undelivered_alert_names_who_missed_it(server):
    person(server, "wx-o-miss", "鸣皋村", name="李四")
    undelivered_alert(server, to="wx-o-miss", text="请尽快回电", caller=None)
    page = account(server, "town").get("/admin/undelivered").text
    assert "李四" in page and "联系不上" in page and "请尽快回电" in page


# 风险地区


def test_the_town_uploads_two_lists_and_sees_the_report_the_versions_and_the_diff(server):
    town = account(server, "town")
    first = upload(town, AUG4.name, AUG4.read_bytes())
    assert first.status_code == 200 and "新版本 #" in first.text and "这是第一个版本" in first.text
    second = upload(town, AUG5.name, AUG5.read_bytes())
    assert second.status_code == 200 and "与上一版本" in second.text
    ids = [row[1] for row in audit_rows(server, "import_risk_list")]
    assert len(ids) == 2 and all(target.startswith("risk_list:") for target in ids)
    page = town.get("/admin/risk").text  # the newest two compared by default
    assert "丰产路街道" in page and "张家界市永定区崇文街道" in page and "高风险 → 中风险" in page
    assert "现行政策" in page and "14天内去过高风险地区" in page and "集中隔离（14天）" in page


def test_a_malformed_list_is_reported_line_by_line_and_nothing_is_imported(server):
    town = account(server, "town")
    response = upload(town, "坏名单.txt", MALFORMED.encode())
    assert response.status_code == 422
    assert "未导入任何内容" in response.text and re.search(r"第5行：", response.text)
    assert one(server, "SELECT COUNT(*) FROM risk_list")[0] == 0
    assert audit_rows(server, "import_risk_list") == []


def test_a_file_that_is_not_utf8_text_is_refused_in_chinese(server):
    response = upload(account(server, "town"), "名单.txt", AUG4.read_text(encoding="utf-8").encode("gb18030"))
    assert response.status_code == 422 and "不是 UTF-8" in response.text
    assert one(server, "SELECT COUNT(*) FROM risk_list")[0] == 0


def test_a_list_whose_header_counts_disagree_is_imported_with_the_warnings_shown(server):
    response = upload(account(server, "town"), AUG4.name, AUG4.read_bytes())
    assert "名单数量和标题对不上" in response.text  # the fixture's header counts are not the lines listed


def test_only_the_town_uploads_a_list_and_an_unknown_version_answers_404(server):
    pid = cadre(server, "wx-o-rv", "鸣皋村")
    village = account(server, "rv", person_id=pid)
    page = village.get("/admin/risk")
    assert page.status_code == 200 and "由镇指挥部操作" in page.text and 'name="file"' not in page.text
    assert upload(village, AUG4.name, AUG4.read_bytes()).status_code == 404
    assert one(server, "SELECT COUNT(*) FROM risk_list")[0] == 0
    assert village.get("/admin/risk", params={"old": 998, "new": 999}).status_code == 404


def test_an_upload_without_the_csrf_token_is_refused(server):
    town = account(server, "town")
    del town.headers["X-CSRF-Token"]
    assert upload(town, AUG4.name, AUG4.read_bytes()).status_code == 403
    assert one(server, "SELECT COUNT(*) FROM risk_list")[0] == 0


def test_a_stale_list_is_warned_of(server):
    town = account(server, "town")
    upload(town, AUG4.name, AUG4.read_bytes())
    assert "可能不是最新的" in town.get("/admin/risk").text  # a list of 2021 is far older than the policy allows


# 通知


@pytest.fixture
def fake():
    running = FakeWeChat(templates=("tpl-notice",)).start()
    yield running
    running.stop()


def test_the_town_previews_the_reach_then_sends_and_sees_it_delivered_in_the_fake_api(server, fake, make_settings):
    for openid in ("wx-o-a1", "wx-o-a2"):
        person(server, openid, "鸣皋村")
        fake.user_wrote(openid)
    person(server, "wx-o-never", "鸣皋村", wrote_ago_h=None, name="赵六")
    town = account(server, "town")
    form = {"text": "今晚8点停电，请提前准备。", "to": "village:鸣皋村", "timing": "now"}
    preview = town.post("/admin/announcements", data={**form, "action": "preview"})
    assert preview.status_code == 200 and "共3人" in preview.text and "客服消息 2 人" in preview.text
    assert one(server, "SELECT COUNT(*) FROM outbox_message")[0] == 0  # a preview sends nothing
    sent = town.post("/admin/announcements", data={**form, "action": "send"})
    assert sent.status_code == 303
    [(_, target, _, after)] = audit_rows(server, "announce")
    assert after["audience"] == "village:鸣皋村" and after["reach"] == 3
    worker = make_worker(wechat_account(make_settings, fake), server.state.db)
    try:
        worker.run_once()
    finally:
        worker.close()
    assert "今晚8点停电" in fake.messages_to("wx-o-a1")[0].text
    page = town.get(sent.headers["location"]).text
    number = target.split(":")[1]
    assert f"第{number}号通知已开始发送" in page
    card = page[page.index(f'id="announcement-{number}"') :]
    assert "已发出 2<" in card and "发不到 1<" in card  # 赵六 never wrote: the one mass send the fake refuses


def test_a_scheduled_announcement_waits_and_a_past_time_is_refused(server):
    town = account(server, "town")
    form = {"text": "明早全员核酸", "to": "all", "timing": "later", "action": "send"}
    assert town.post("/admin/announcements", data={**form, "at": "2020-01-01T08:00"}).status_code == 422
    sent = town.post("/admin/announcements", data={**form, "at": "2099-01-01T08:00"})
    assert sent.status_code == 303
    assert one(server, "SELECT COUNT(*) FROM outbox_message")[0] == 0
    page = town.get(sent.headers["location"]).text
    assert "已排期，到时自动发送" in page and "排期中" in page


def test_a_village_cadre_announces_to_their_village_only(server):
    pid = cadre(server, "wx-o-an", "鸣皋村")
    village = account(server, "an", person_id=pid)
    page = village.get("/admin/announcements").text
    assert 'value="village:鸣皋村"' in page and 'value="all"' not in page and 'value="village:孙村"' not in page
    form = {"text": "村里通知", "timing": "now", "action": "send"}
    assert village.post("/admin/announcements", data={**form, "to": "all"}).status_code == 404
    assert village.post("/admin/announcements", data={**form, "to": "village:孙村"}).status_code == 404
    assert one(server, "SELECT COUNT(*) FROM announcement")[0] == 0
    assert village.post("/admin/announcements", data={**form, "to": "village:鸣皋村"}).status_code == 303


def test_sending_without_the_csrf_token_is_refused(server):
    town = account(server, "town")
    del town.headers["X-CSRF-Token"]
    form = {"text": "通知", "to": "all", "timing": "now", "action": "send"}
    assert town.post("/admin/announcements", data=form).status_code == 403
    assert one(server, "SELECT COUNT(*) FROM announcement")[0] == 0


# 干部


def test_the_roster_names_each_post_and_the_empty_ones(server):
    cadre(server, "wx-o-r1", "鸣皋村", phone="13812345678")
    cadre(server, "wx-o-r2", "鸣皋村", role="village_doctor")
    page = account(server, "town").get("/admin/cadres").text
    assert "鸣皋村的村干部" in page and "13812345678" in page and "鸣皋村的村医" in page
    empty = page[page.index('id="empty-posts"') :]
    assert "孙村：包村干部、村干部、村医、民警或网格员" in empty
    assert "鸣皋村：包村干部、民警或网格员" in empty
    assert "镇指挥部还没有人绑定" in page and "第一工作区还没有负责人" in page


def test_the_town_creates_invites_and_town_roles_take_no_village(server):
    town = account(server, "town")
    made = town.post("/admin/cadres/invites", data={"role": "town_command"})
    assert made.status_code == 200
    code = re.search(r"镇指挥部的绑定码：([A-Z0-9]{8})", made.text)[1]
    assert f'<span class="ops-code">{code}</span>' in made.text  # listed among the unused
    [(_, target, _, after)] = audit_rows(server, "invite")
    assert target.startswith("cadre_invite:") and after["role"] == "镇指挥部"
    log = town.get("/admin/audit")
    assert log.status_code == 200 and "生成邀请码" in log.text and "镇指挥部" in log.text
    refused = town.post("/admin/cadres/invites", data={"role": "town_command", "village_id": "1"})
    assert refused.status_code == 422 and "不用选村" in refused.text
    area = one(server, "SELECT id FROM work_area WHERE name = '第二工作区'")[0]
    lead = town.post("/admin/cadres/invites", data={"role": "work_area_lead", "work_area_id": str(area)})
    assert lead.status_code == 200 and "第二工作区的负责人的绑定码" in lead.text
    assert town.post("/admin/cadres/invites", data={"role": "village_doctor"}).status_code == 422


def test_a_village_cadre_sees_their_village_and_invites_only_to_it(server):
    pid = cadre(server, "wx-o-vc", "鸣皋村", phone="13800000009")
    cadre(server, "wx-o-other", "孙村", phone="13800000008")
    village = account(server, "vc", person_id=pid)
    page = village.get("/admin/cadres").text
    assert "13800000009" in page and "13800000008" not in page and "孙村" not in page
    mine, theirs = (one(server, "SELECT id FROM village WHERE name = :n", n=n)[0] for n in ("鸣皋村", "孙村"))
    assert village.post("/admin/cadres/invites", data={"role": "town_command"}).status_code == 404
    other = {"role": "village_doctor", "village_id": str(theirs)}
    assert village.post("/admin/cadres/invites", data=other).status_code == 404
    made = village.post("/admin/cadres/invites", data={"role": "village_doctor", "village_id": str(mine)})
    assert made.status_code == 200 and "鸣皋村的村医的绑定码" in made.text
    assert one(server, "SELECT COUNT(*) FROM cadre_invite")[0] == 1


def test_a_village_doctor_reads_phones_masked(server):
    cadre(server, "wx-o-mc", "鸣皋村", phone="13812345678")
    doctor = cadre(server, "wx-o-md", "鸣皋村", role="village_doctor")
    page = account(server, "md", person_id=doctor).get("/admin/cadres").text
    assert "138****5678" in page and "13812345678" not in page and "tel:138" not in page


def test_an_invite_without_the_csrf_token_is_refused(server):
    town = account(server, "town")
    del town.headers["X-CSRF-Token"]
    assert town.post("/admin/cadres/invites", data={"role": "town_command"}).status_code == 403
    assert one(server, "SELECT COUNT(*) FROM cadre_invite")[0] == 0


def test_the_ops_pages_need_a_sign_in(server):
    anonymous = httpx.Client(base_url=server.url)
    for path in ("/admin/undelivered", "/admin/risk", "/admin/announcements", "/admin/cadres"):
        response = anonymous.get(path)
        assert response.status_code == 303 and "/admin/signin" in response.headers["location"]
