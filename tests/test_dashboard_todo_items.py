"""The 待办 board's buttons are read from the chat's own task lines: every command a line names becomes a button whose
text a registered chat command reads, so the board can never offer what the chat does not understand."""

from __future__ import annotations

import pytest

from admin.web.todo_items import OVERRIDE, actions_of, item_of
from bot.dialogue import words
from handlers.cadre_review.texts import TEXT as REVIEW
from handlers.calls.texts import TEXT as CALLS
from handlers.faq.texts import TEXT as FAQ
from handlers.fever.texts import TEXT as FEVER
from handlers.registry import COMMANDS
from handlers.sampling.texts import TEXT as SAMPLING
from handlers.supplies.texts import TEXT as SUPPLIES
from handlers.todo.texts import TEXT as TODO
from town.policy import DISPOSITIONS


def _hint(template: str, **values) -> str:
    """The part of a task line after its →."""
    return template.format(**values).split("→")[1]


# Each task kind's chat hint (the part after →), with the button labels and the words each asks for.
HINTS = [
    (SUPPLIES.todo_open.format(number=12), [("接单", None), ("无法办理", "原因")]),
    (SUPPLIES.todo_mine.format(number=12), [("送达", None)]),
    (_hint(FEVER.todo, number=12, patient="张三", village="鸣皋村", facts="38度", phone="138", at="8月6日"),
     [("已联系", None), ("发热已处理", "情况")]),
    (SAMPLING.todo_hint.format(id=12), [("采样完成", None), ("采样未完成", "原因")]),
    (SAMPLING.todo_hint_missed.format(id=12), [("采样完成", None)]),
    (_hint(CALLS.todo_line, number=12, top="", name="张三", phone="138", text="x"), [("已打电话", None)]),
    (_hint(REVIEW.todo, number=12, name="张三", village="鸣皋村", old="居家隔离", new="居家健康监测", at="8月6日"),
     [("同意", None), ("维持", None), (OVERRIDE, "原因")]),
    (_hint(FAQ.todo, number=12, asker="张三", village="鸣皋村", text="能卖猪吗"), [("答复", "您的答复")]),
    (_hint(TODO.orphan, name="张三", village="鸣皋村", number=12, missing="村医"), []),
]  # fmt: skip


def _understood(text: str) -> str | None:
    """The name of the chat command that reads this text, as the engine matches it (None: none does)."""
    normalized = words.normalize(words.canonical(text))
    return next((command.name for command in COMMANDS if command.pattern.match(normalized)), None)


@pytest.mark.parametrize(("hint", "expected"), HINTS)
def test_every_task_kind_offers_its_chat_commands(hint, expected):
    actions = actions_of(hint)
    assert [(a.label, a.ask) for a in actions] == expected
    for action in actions:
        text = action.text("已经送到家门口了", DISPOSITIONS[1])
        assert "12" in text and _understood(text), f"no chat command reads 「{text}」"


def test_an_override_needs_a_measure_offered():
    override = next(a for a in actions_of(REVIEW.todo.split("→")[1].format(number=7, old="居家隔离")) if a.choices)
    assert override.text("核实过了", "居家健康监测") == "改为 7 居家健康监测 核实过了"
    assert override.text("核实过了", "") is None and override.text("x", "回家吧") is None


def test_written_words_are_one_line_and_bounded():
    refuse = actions_of(SUPPLIES.todo_open.format(number=3))[1]
    assert refuse.text("  店里\n没货了  ") == "无法办理 3 店里 没货了"
    assert len(refuse.text("很" * 2000)) == len("无法办理 3 ") + 500
    assert actions_of(SUPPLIES.todo_open.format(number=3))[0].text("ignored") == "接单 3"


def test_an_item_is_keyed_by_its_source_and_number():
    line = SUPPLIES.todo_line.format(number=42, urgent="（急）", household="张桂兰", items="米1袋", at="8月6日",
                                     hint=SUPPLIES.todo_mine.format(number=42))  # fmt: skip
    item = item_of(1, line, True)
    assert item.key == "1-42" and item.urgent and item.text.startswith("第42号物资（急）：张桂兰")
    assert "→" not in item.text and item.hint.startswith("您已接单")
