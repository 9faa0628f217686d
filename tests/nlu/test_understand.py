"""understand(): the public interface, places, numbers and secondary findings."""

import datetime as dt

import pytest

from bot.nlu import INTENTS, Understanding, understand
from bot.nlu.numbers import find_temperature, number_range, to_number

TODAY = dt.date(2021, 8, 6)
HN_ZZ = {"province": "河南省", "city": "郑州市"}


def test_interface():
    u = understand("从郑州回来了", today=TODAY)
    assert isinstance(u, Understanding) and u.intent in INTENTS
    assert isinstance(u.slots, dict) and isinstance(u.secondary, dict)
    assert understand("").intent == "unknown"
    assert understand("刚从郑州回来").slots["date"]  # today defaults to the town's date


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("从二七回来", {**HN_ZZ, "district": "二七区"}),
        ("从管城区回来", {**HN_ZZ, "district": "管城回族区"}),
        ("从新郑回来", {**HN_ZZ, "district": "新郑市"}),
        ("从偃师市回来", {"province": "河南省", "city": "洛阳市", "district": "偃师区"}),
        ("从德宏州回来的", {"province": "云南省", "city": "德宏傣族景颇族自治州"}),
        ("从北京回来", {"province": "北京市", "city": "北京市"}),
        ("从邗江区回来", {"province": "江苏省", "city": "扬州市", "district": "邗江区"}),
        ("从郑东新区回来", {**HN_ZZ, "district": "郑东新区"}),
        ("从航空港区回来", HN_ZZ),
        ("从郑州经开区回来", HN_ZZ),
        ("从南京禄口回来", {"province": "江苏省", "city": "南京市", "district": "江宁区"}),
        ("从日本回来的", {"abroad": True}),
        ("境外回来的", {"abroad": True}),
    ],
)
def test_origins(text, origin):
    u = understand(text, today=TODAY)
    assert u.intent == "declare_return"
    assert {k: u.slots["origin"].get(k) for k in origin} == origin


def test_ambiguous_names_stay_at_the_certain_level():
    assert "origin" not in understand("从城关镇回来的", today=TODAY).slots
    assert understand("从南京鼓楼区回来", today=TODAY).slots["origin"]["city"] == "南京市"
    assert understand("从福州鼓楼区回来", today=TODAY).slots["origin"]["city"] == "福州市"
    assert understand("从鼓楼区回来", today=TODAY).slots.get("origin", {}).get("city") is None


def test_local_places_are_not_origins():
    u = understand("8月2日从扬州回伊川", today=TODAY)
    assert u.slots["origin"]["city"] == "扬州市"
    u = understand("孙村的 从上海回来", today=TODAY)
    assert u.slots["origin"]["city"] == "上海市" and u.secondary["village"] == "孙村"


@pytest.mark.parametrize("text", ["和平常一样没事", "东方红拖拉机坏了", "买了两瓶通化葡萄酒", "俺们都平安"])
def test_look_alikes_are_not_places(text):
    u = understand(text, today=TODAY)
    assert "origin" not in u.slots and "place" not in u.slots and u.intent != "declare_return"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("两", 2), ("半", 0.5), ("二十", 20), ("十", 10), ("三十八点五", 38.5), ("12", 12), ("一百二", 120)],
)
def test_numbers(text, expected):
    assert to_number(text) == expected


def test_ranges():
    assert number_range("三四") == (3, 4)
    assert number_range("五") == (5, 5)


@pytest.mark.parametrize(
    ("text", "temperature"),
    [
        ("发烧38度5", 38.5),
        ("三十八度五", 38.5),
        ("体温37.8", 37.8),
        ("烧到39了", 39.0),
        ("36.6度", 36.6),
        ("体温三十六度四", 36.4),
        ("38.5℃", 38.5),
        ("要两袋米", None),
        ("7.31回来", None),
        ("39岁了", None),
    ],
)
def test_temperatures(text, temperature):
    assert find_temperature(text) == temperature


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("两袋米一桶油", [("米", 2, "袋"), ("油", 1, "桶")]),
        ("十来斤鸡蛋", [("鸡蛋", 10, "斤")]),
        ("两斤半猪肉", [("猪肉", 2.5, "斤")]),
        ("半斤盐", [("盐", 0.5, "斤")]),
        ("三四袋面", [("面", 4, "袋")]),
        ("大米二十斤", [("大米", 20, "斤")]),
        ("来袋盐", [("盐", 1, "袋")]),
        ("降压药吃完了 要两盒", [("降压药", 2, "盒")]),
    ],
)
def test_items(text, items):
    u = understand("要" + text if not text.startswith(("来", "降")) else text, today=TODAY)
    assert u.intent == "request_supplies"
    assert [(i["name"], i["qty"], i["unit"]) for i in u.slots["items"]] == items


def test_fever_is_a_secondary_finding_on_a_return():
    u = understand("从郑州回来，有点发烧", today=TODAY)
    assert u.intent == "declare_return" and u.secondary["fever"] is True
    assert "发烧" in u.secondary["symptoms"] and "report_fever" in u.secondary["intents"]
    u = understand("从南京回来 体温38度2", today=TODAY)
    assert u.secondary["temperature"] == 38.2 and u.secondary["fever"] is True


def test_denied_symptoms_are_not_fever():
    assert understand("不发烧 也不咳嗽", today=TODAY).intent == "health_checkin"
    assert understand("家里感冒药没了", today=TODAY).intent == "request_supplies"


def test_funeral_needs_a_person():
    assert understand("俺爹没了", today=TODAY).slots.get("event") == "funeral"
    assert understand("奶粉没了", today=TODAY).intent == "request_supplies"


def test_every_place_comes_with_its_role():
    u = understand("在深圳打工 昨天从郑州回伊川了", today=TODAY)
    assert [(p["role"], p.get("city")) for p in u.places] == [
        ("origin", "深圳市"),
        ("origin", "郑州市"),
        ("local", "洛阳市"),
    ]
    assert understand("要去北京海淀区", today=TODAY).places[0]["role"] == "destination"
    assert understand("从日本回来", today=TODAY).places == [{"role": "origin", "abroad": True}]


def test_a_range_keeps_both_bounds():
    [item] = understand("要三四袋面", today=TODAY).slots["items"]
    assert (item["qty_min"], item["qty"]) == (3, 4)
    [single] = understand("要两袋面", today=TODAY).slots["items"]
    assert "qty_min" not in single
