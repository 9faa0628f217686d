"""The 待办 board over HTTP: the chat's open items, and its commands run from buttons exactly as the chat runs them
(the same replies, the same messages to households), each audited; only what the viewer's 待办 offers runs."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from handlers import faq
from handlers.todo import SOURCES
from models.care_rounds import SamplingRound
from models.db import transaction
from models.question import PolicyQuestion
from tests.support.people import outbox
from tests.support.stats import NOW, declare
from tests.support.stats import town as town  # noqa: F401  (the fixture)
from tests.support.today_page import account
from tests.support.todo_board import (
    CADRE,
    DOCTOR,
    FEVER,
    NEIGHBOUR,
    OTHER,
    SUPPLY,
    VILLAGER,
    ask_for_supplies,
    audit_rows,
    items_shown,
    request_row,
)
from tests.support.todo_board import board as board  # noqa: F401  (the fixture)

HTMX = {"HX-Request": "true"}


def press(client, key: str, command: str, **fields) -> str:
    """Press an item's button as htmx does; the fragment that replaces the item."""
    response = client.post("/admin/todo/act", data={"key": key, "command": command, **fields}, headers=HTMX)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return response.text


def test_the_board_lists_what_the_chat_lists(board):
    first = ask_for_supplies(board, VILLAGER)
    ask_for_supplies(board, NEIGHBOUR, "要一袋面")  # 孙村's: not 刘支书's
    board.client(VILLAGER).say("俺老伴发烧38度2")
    chat = board.client(CADRE).say("待办")
    page = account(board, "liu", openid=CADRE).get("/admin/todo")
    assert page.status_code == 200
    shown = items_shown(page.text)
    assert f"待办（{len(shown)}件）" in page.text and f"您的待办（{len(shown)}件）" in chat
    assert all(text in chat for text in shown)
    assert any(f"第{first}号物资" in text for text in shown) and not any("要面1袋" in text for text in shown)
    assert f'name="command" value="接单 {first}"' in page.text and f'value="无法办理 {first}"' in page.text


def test_accepting_and_delivering_from_the_board(board):
    number = ask_for_supplies(board, VILLAGER)
    cadre = account(board, "liu", openid=CADRE)
    fragment = press(cadre, f"{SUPPLY}-{number}", f"接单 {number}")
    assert f"好的，第{number}号由您接单了，已经告诉张桂兰" in fragment
    assert f'value="送达 {number}"' in fragment and f'value="接单 {number}"' not in fragment
    row = request_row(board, number)
    assert row.status == "accepted" and row.accepted_by_person_id is not None
    told = [m.text for m in outbox(board, VILLAGER)]
    assert any(f"您的物资申请（第{number}号）：刘支书接单了" in text for text in told)
    [audit] = audit_rows(board)
    assert audit.action == "待办：接单" and audit.target.startswith(f"第{number}号物资")
    assert "刘支书" in audit.actor
    before, after = json.loads(audit.before), json.loads(audit.after)
    assert f"第{number}号物资" in before["待办事项"] and after["发送的命令"] == f"接单 {number}"
    assert after["回复"].startswith(f"好的，第{number}号由您接单了") and "您已接单" in after["待办事项"]

    done = press(cadre, f"{SUPPLY}-{number}", f"送达 {number}")
    assert "这件事办完了" in done and request_row(board, number).status == "delivered"
    assert any("说已经送到了" in m.text for m in outbox(board, VILLAGER))
    assert [a.action for a in audit_rows(board)] == ["待办：接单", "待办：送达"]
    assert json.loads(audit_rows(board)[-1].after)["待办事项"] == "已从待办里办完"


def test_a_command_with_words_takes_them_from_the_form(board):
    number = ask_for_supplies(board, VILLAGER)
    cadre = account(board, "liu", openid=CADRE)
    press(cadre, f"{SUPPLY}-{number}", f"无法办理 {number}", text="镇上\n超市没货了")
    row = request_row(board, number)
    assert row.refused_reason == "镇上 超市没货了"
    assert any("原因：镇上 超市没货了" in m.text for m in outbox(board, VILLAGER))


def test_a_doctor_closes_a_fever_from_the_board(board):
    board.client(VILLAGER).say("俺老伴发烧38度2")
    doctor = account(board, "wang", openid=DOCTOR)
    page = doctor.get("/admin/todo").text
    [fever] = [text for text in items_shown(page) if text.startswith("发热")]
    number = fever.removeprefix("发热").split("：")[0]
    fragment = press(doctor, f"{FEVER}-{number}", f"已联系 {number}")
    assert "这件事办完了" in fragment
    assert not any(text.startswith("发热") for text in items_shown(doctor.get("/admin/todo").text))


def test_only_what_the_viewers_todo_offers_runs(board):
    number = ask_for_supplies(board, VILLAGER)
    other = account(board, "sun", openid=OTHER)  # 孙村's cadre: 鸣皋村's request is not theirs
    assert "这件事已经变了" in press(other, f"{SUPPLY}-{number}", f"接单 {number}")
    cadre = account(board, "liu", openid=CADRE)
    assert "这件事已经变了" in press(cadre, f"{SUPPLY}-{number}", "改为 1 无需隔离 算了")
    assert "这件事已经变了" in press(cadre, f"{SUPPLY}-{number}", "绑定 ABC123")
    assert request_row(board, number).status == "open" and audit_rows(board) == []
    del cadre.headers["X-CSRF-Token"]
    refused = cadre.post("/admin/todo/act", data={"key": f"{SUPPLY}-{number}", "command": f"接单 {number}"})
    assert refused.status_code == 403 and request_row(board, number).status == "open"


def test_a_plain_form_gets_the_whole_board_back(board):
    number = ask_for_supplies(board, VILLAGER)
    cadre = account(board, "liu", openid=CADRE)
    page = cadre.post("/admin/todo/act", data={"key": f"{SUPPLY}-{number}", "command": f"接单 {number}"})
    assert page.status_code == 200 and "<html" in page.text
    assert f"好的，第{number}号由您接单了" in page.text and f'value="送达 {number}"' in page.text


def test_a_town_account_without_a_cadre_reads_the_towns_items(board):
    mine = ask_for_supplies(board, VILLAGER)
    theirs = ask_for_supplies(board, NEIGHBOUR, "要一袋面")
    board.client(VILLAGER).say("俺老伴发烧38度2")
    clerk = account(board, "clerk")
    page = clerk.get("/admin/todo").text
    shown = items_shown(page)
    assert "只能看" in page and "/admin/todo/act" not in page
    assert any(f"第{mine}号物资：鸣皋村张桂兰" in text for text in shown)
    assert any(f"第{theirs}号物资：孙村孙大娘，要面1袋" in text for text in shown)
    assert shown[0].startswith("发热") and "38.2度" in shown[0]
    assert clerk.post("/admin/todo/act", data={"key": f"{SUPPLY}-{mine}", "command": f"接单 {mine}"}).status_code == 404


def test_answering_a_villagers_question_from_the_board(town):
    cadre = account(town, "liu", openid="st-cadre")
    page = cadre.get("/admin/todo").text
    [question] = [text for text in items_shown(page) if "能卖猪吗" in text]
    number = question.removeprefix("第").split("号")[0]
    key = f"{SOURCES.index(faq.todo_lines)}-{number}"
    assert f'data-key="{key}"' in page
    fragment = press(cadre, key, f"答复 {number}", text="能卖，拉到镇上收购点，戴好口罩。")
    assert "这件事办完了" in fragment
    with transaction(town.state.db) as session:
        asked = session.execute(select(PolicyQuestion).where(PolicyQuestion.id == int(number))).scalar_one()
    assert asked.status == "answered" and asked.answer == "能卖，拉到镇上收购点，戴好口罩。"
    assert any("戴好口罩" in m.text for m in outbox(town, "st-household"))
    assert json.loads(audit_rows(town)[-1].after)["发送的命令"] == f"答复 {number} 能卖，拉到镇上收购点，戴好口罩。"


def test_the_town_account_also_reads_overdue_sampling_rounds(town):
    with transaction(town.state.db) as session:
        quarantine = declare(session, "徐阳村", "徐采样", "居家隔离")
        for day, status in ((-2, "missed"), (-1, "due"), (0, "due"), (-3, "done")):
            on = NOW.date() + dt.timedelta(days=day)
            session.add(SamplingRound(quarantine_id=quarantine, day=on, status=status))
    shown = items_shown(account(town, "clerk").get("/admin/todo").text)
    rounds = [text for text in shown if text.startswith("采样编号")]
    assert [text.split("：")[1] for text in rounds] == [
        "徐采样（徐阳村），8月4日的核酸还没采",
        "徐采样（徐阳村），8月5日的核酸还没采",
    ]
    assert shown.index(rounds[0]) < next(i for i, text in enumerate(shown) if "物资" in text)  # urgent first
