"""The engine's word tables for issue 15: dialect yes words, 「不知道」 answers, people referred to without a name."""

from __future__ import annotations

import pytest

from bot.dialogue import words
from handlers.supplies import changes


@pytest.mark.parametrize("said", ["中", "中啊", "中不中", "得劲", "妥了", "就这", "没毛病！", "对", "行不行"])
def test_dialect_yes_confirms(said):
    assert words.is_confirm_yes(said)


@pytest.mark.parametrize("said", ["不中", "不对", "不行", "中不中，电话不对", "米不要了"])
def test_no_and_changes_do_not_confirm(said):
    assert not words.is_confirm_yes(said)


def test_zhong_bu_zhong_is_a_yes_only_at_a_confirmation():
    assert not words.is_yes("中不中")
    assert words.is_no("不中")


@pytest.mark.parametrize("said", ["不知道", "俺不知道啊", "记不住", "忘了", "没手机", "没有", "不会", "我也记不清了"])
def test_cannot_answer(said):
    assert words.dont_know(said)


@pytest.mark.parametrize("said", ["13812345678", "鸣皋", "不知道在哪买", "没有米了", "知道"])
def test_answers_are_not_dont_know(said):
    assert not words.dont_know(said)


@pytest.mark.parametrize("said", ["她还烧着哩 三十九度了", "他发烧38度", "俺家那口子还烧着"])
def test_refers_back(said):
    assert words.refers_back(said) or words.spouse(said)


@pytest.mark.parametrize("said", ["其他人都好", "他们都回来了", "我发烧了"])
def test_does_not_refer_back(said):
    assert not words.refers_back(said)


ITEMS = [{"name": "米", "qty": 2, "unit": "袋"}, {"name": "油", "qty": 2, "unit": "桶"}]


@pytest.mark.parametrize(
    ("said", "left"),
    [
        ("米不要了", [{"name": "油", "qty": 2, "unit": "桶"}]),
        ("不要油了", [{"name": "米", "qty": 2, "unit": "袋"}]),
        ("两桶 是一桶", [{"name": "米", "qty": 2, "unit": "袋"}, {"name": "油", "qty": 1, "unit": "桶"}]),
        ("两袋是三袋", [{"name": "米", "qty": 3, "unit": "袋"}, {"name": "油", "qty": 2, "unit": "桶"}]),
    ],
)
def test_goods_changed(said, left):
    assert changes.changed(ITEMS, said) == left


@pytest.mark.parametrize("said", ["面不要了", "两箱是一箱", "要三袋米", "放门口就行"])
def test_goods_not_changed(said):
    assert changes.changed(ITEMS, said) is None


@pytest.mark.parametrize("said", ["是", "是的", "对", "嗯", "是哩", "是嘞！", "对对对", "嗯嗯", "是的是的", "嗯呐"])
def test_a_bare_yes_in_any_way_villagers_say_it(said):
    assert words.is_yes(said) and not words.is_no_answer(said)


@pytest.mark.parametrize("said", ["不是", "不是哩", "没有", "不", "木有", "不不不"])
def test_a_bare_no_to_a_yes_no_question(said):
    assert words.is_no_answer(said) and not words.is_yes(said)


@pytest.mark.parametrize("said", ["是不是", "是从郑州回来的", "的", "哩"])
def test_not_a_bare_yes(said):
    assert not words.is_yes(said)
