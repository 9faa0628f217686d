"""Finding the village a villager means: exact, typo, sound, or a few close names, never the whole town."""

import tomllib
from pathlib import Path

import pytest

from bot.villages import MAX_CHOICES, UnknownVillage, VillageIndex, VillageRef

TOWN = Path(__file__).resolve().parents[1] / "data" / "town.toml"
NAMES = [v for area in tomllib.loads(TOWN.read_text("utf-8"))["work_areas"] for v in area["villages"]]


@pytest.fixture(scope="module")
def index():
    return VillageIndex([VillageRef(i, name) for i, name in enumerate(NAMES, start=1)])


@pytest.mark.parametrize(
    ("said", "village"), [("鸣皋", "鸣皋村"), ("明皋", "鸣皋村"), ("俺是东业寨的", "东叶寨村"), ("季够村", "季沟村")]
)
def test_names_typos_and_sounds(index, said, village):
    found = index.find(said)
    assert found.village is not None and found.village.name == village and found.certain


@pytest.mark.parametrize(
    ("said", "offered"),
    [
        ("叶寨", {"东叶寨村", "西叶寨村"}),
        ("坡头村", {"大桑坡村", "小桑坡村", "坡根村", "董王坡村"}),  # not a village of the town: shares 坡
        ("俺是马庄的", {"马良寨村", "邢庄村", "武庄村", "王庄村"}),
    ],
)
def test_an_unknown_village_gets_the_close_names(index, said, offered):
    found = index.find(said)
    assert found.village is None and {v.name for v in found.candidates} == offered


def test_a_shared_character_alone_is_offered_never_taken(index):
    found = index.find("凉水泉")  # shares only the syllable liang with 马良寨村
    assert found.village is None and [v.name for v in found.candidates] == ["马良寨村"]


@pytest.mark.parametrize("said", ["白沙村", "xx村", "刘村", "村", "小", "沟", "杨"])
def test_never_the_whole_town(index, said):
    found = index.find(said)
    assert len(found.candidates) <= MAX_CHOICES


def test_unknown_village_message_lists_no_whole_town():
    close = UnknownVillage("坡头村", ["坡根村"], NAMES)
    assert "坡根村" in str(close) and "董王坡村" not in str(close)
    none = UnknownVillage("火星", [], NAMES)
    assert "没有找到村「火星」" in str(none) and "鸣皋村" not in str(none)
