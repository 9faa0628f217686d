"""The policy table rule by rule, against the real 2021-08-04/05 fixture lists, and its validation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine

from town import clock
from town.policy import Declaration, ListInfo, PolicyError, classify, load_policy
from town.riskareas import RiskIndex, parse_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "riskareas"
POLICY = ROOT / "data" / "policy.toml"
AUG4, AUG5 = dt.date(2021, 8, 4), dt.date(2021, 8, 5)


def erqi(township: str | None = None) -> dict:
    """An origin in 郑州市二七区 as the NLU gives it (the street when the handler asked for it)."""
    origin = {"province": "河南省", "city": "郑州市", "district": "二七区"}
    return origin | ({"township": township} if township else {})


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY)


def listed(name: str, list_id: int) -> tuple[RiskIndex, ListInfo]:
    parsed = parse_file(FIXTURES / name)
    return RiskIndex(parsed.entries, list_id), ListInfo(list_id, parsed.published_at)


@pytest.fixture(scope="module")
def aug4():
    return listed("2021-08-04-14.txt", 1)


@pytest.fixture(scope="module")
def aug5():
    return listed("2021-08-05-10.txt", 2)


def run(policy, version, origin, *, arrived=AUG5, left=None, code="green", today=AUG5):
    index, info = version
    return classify(policy, index, info, Declaration(origin, arrived, left, code), today)


def days(start: dt.date, *numbers: int) -> tuple[dt.date, ...]:
    return tuple(start + dt.timedelta(days=n - 1) for n in numbers)


def test_the_shipped_policy_loads_in_order(policy):
    assert policy.version == "2021-08-05" and policy.title
    assert [r.id for r in policy.rules] == [
        "health_code_yellow_red",
        "abroad",
        "high_risk_14d",
        "medium_risk_14d",
        "related_district_14d",
        "left_over_14d",
        "not_listed",
    ]
    assert policy.id_number == "optional" and policy.window_days == 14


def test_the_id_number_setting_is_checked(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('version = "test"\nid_number = "sometimes"\n' + rule().replace("abroad = true", ""), "utf-8")
    with pytest.raises(PolicyError, match="id_number 必须是 required/optional/off 之一"):
        load_policy(path)


def test_high_risk_street_goes_to_centralised_quarantine(policy, aug4):
    c = run(policy, aug4, erqi("京广路街道"), arrived=AUG4, left=AUG4, today=AUG4)
    assert (c.rule_id, c.disposition, c.days, c.home_days) == ("high_risk_14d", "集中隔离", 14, 0)
    assert (c.start, c.end) == (AUG4, dt.date(2021, 8, 17))
    assert c.nucleic_acid_dates == days(AUG4, 1, 4, 7, 14)
    assert (c.list_id, c.list_published_at) == (1, dt.datetime(2021, 8, 4, 6, tzinfo=dt.UTC))
    assert c.matched.level == "high" and c.matched.place == "河南省郑州市二七区京广路街道"
    assert c.policy_version == "2021-08-05"
    assert c.reason == (
        "因为您8月4日离开郑州市二七区（高风险：京广路街道，8月4日名单），按规定集中隔离14天（8月4日至8月17日）"
    )


def test_medium_risk_street_goes_to_home_isolation(policy, aug5):
    c = run(policy, aug5, erqi("长江路街道"), left=AUG4)
    assert (c.rule_id, c.disposition, c.days, c.alert) == ("medium_risk_14d", "居家隔离", 14, False)
    assert c.matched.level == "medium" and c.matched.place.endswith("长江路街道海豫花园小区")
    assert c.reason.startswith("因为您8月4日离开郑州市二七区（中风险：长江路街道")
    for part in ("8月5日名单", "居家隔离14天", "8月5日至8月18日"):
        assert part in c.reason


def test_another_street_of_the_district_is_a_related_area(policy, aug5):
    c = run(policy, aug5, erqi("淮河路街道"), left=AUG4)
    assert (c.rule_id, c.disposition, c.days) == ("related_district_14d", "居家健康监测", 7)
    assert c.nucleic_acid_dates == days(AUG5, 1, 7) and c.end == dt.date(2021, 8, 11)
    assert c.matched.related and c.matched.level == "high"
    assert "关联区域" in c.reason and "2次核酸（8月5日、8月11日）" in c.reason and "居家健康监测7天" in c.reason


def test_district_only_origin_is_related_too(policy, aug5):
    assert run(policy, aug5, erqi()).rule_id == "related_district_14d"


def test_abroad_is_centralised_then_home(policy, aug5):
    c = run(policy, aug5, {"abroad": True, "country": "日本"})
    assert (c.rule_id, c.disposition, c.days, c.home_days) == ("abroad", "集中隔离", 14, 7)
    assert (c.home_start, c.end) == (dt.date(2021, 8, 19), dt.date(2021, 8, 25))
    assert c.nucleic_acid_dates[-1] == c.end and c.matched is None
    assert "日本" in c.reason and "集中隔离14天" in c.reason and "居家隔离7天" in c.reason


def entered(policy, *, entry: int, home: int, port_days: int | None, today=AUG5):
    """From abroad: entered `entry` days and arrived home `home` days before today, port_days done at the port."""
    ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    declared = Declaration({"abroad": True}, ago(home), None, "green", ago(entry), "上海", port_days)
    return classify(policy, None, None, declared, today)


def test_abroad_days_done_at_the_port_count_from_the_entry(policy):
    c = entered(policy, entry=3, home=0, port_days=3)
    assert (c.disposition, c.days, c.home_days, c.alert) == ("集中隔离", 11, 7, True)
    assert (c.start, c.home_start, c.end) == (AUG5, dt.date(2021, 8, 16), dt.date(2021, 8, 22))
    assert c.nucleic_acid_dates == days(AUG5 - dt.timedelta(days=3), 4, 7, 14, 21)
    assert "回来后集中隔离11天（8月5日至8月15日），再居家隔离7天（8月16日至8月22日）" in c.reason


def test_abroad_days_lost_between_the_port_and_home_do_not_count(policy):
    # Entered 8 days ago, 3 days at the port, 5 on the road: 11 central days from the arrival, then 7 at home.
    c = entered(policy, entry=8, home=0, port_days=3)
    assert (c.days, c.start, c.home_start, c.end) == (11, AUG5, dt.date(2021, 8, 16), dt.date(2021, 8, 22))
    # Days 4, 7, 14 and 21 of the quarantine: the entry's days moved by the 5 lost on the road.
    assert c.nucleic_acid_dates == days(AUG5, 1, 4, 11, 18)


def test_abroad_with_central_done_at_the_port_is_home_for_the_rest(policy):
    c = entered(policy, entry=16, home=0, port_days=14)
    assert (c.disposition, c.days, c.home_days, c.alert) == ("居家隔离", 5, 0, False)
    assert (c.start, c.home_start, c.end, c.nucleic_acid_dates) == (
        AUG5,
        None,
        dt.date(2021, 8, 9),
        (AUG5 + dt.timedelta(days=4),),
    )
    assert "集中隔离已满" in c.reason and "回来后居家隔离5天（8月5日至8月9日）" in c.reason


def test_abroad_after_all_21_days_needs_no_isolation(policy):
    c = entered(policy, entry=30, home=0, port_days=14)
    assert (c.disposition, c.end, c.nucleic_acid_dates) == ("无需隔离", None, ())
    assert "都已满，无需隔离" in c.reason


def test_abroad_port_days_beyond_the_days_since_entry_are_not_believed(policy):
    c = entered(policy, entry=2, home=0, port_days=14)
    assert (c.disposition, c.days) == ("集中隔离", 12)


@pytest.mark.parametrize("code", ["yellow", "red"])
def test_yellow_or_red_code_anywhere_is_centralised_with_alert(policy, aug5, code):
    c = run(policy, aug5, {"province": "北京市", "city": "北京市", "district": "海淀区"}, code=code)
    assert (c.rule_id, c.disposition, c.alert) == ("health_code_yellow_red", "集中隔离", True)
    assert ("黄码" if code == "yellow" else "红码") in c.reason


def test_first_match_wins_yellow_code_from_a_medium_area(policy, aug5):
    c = run(policy, aug5, erqi("长江路街道"), code="yellow")
    assert (c.rule_id, c.disposition, c.alert) == ("health_code_yellow_red", "集中隔离", True)


def test_left_more_than_14_days_ago_needs_no_isolation(policy, aug5):
    c = run(policy, aug5, erqi("京广路街道"), left=AUG5 - dt.timedelta(days=20))
    assert (c.rule_id, c.disposition, c.end, c.nucleic_acid_dates) == ("left_over_14d", "无需隔离", None, ())
    assert c.reason.startswith("您7月16日离开郑州市二七区，已超过14天，无需隔离")


def test_left_exactly_14_days_ago_still_counts(policy, aug5):
    assert run(policy, aug5, erqi("京广路街道"), left=AUG5 - dt.timedelta(days=14)).rule_id == "high_risk_14d"


def test_unlisted_origin_needs_no_isolation(policy, aug5):
    c = run(policy, aug5, {"province": "北京市", "city": "北京市", "district": "海淀区"})
    assert (c.rule_id, c.disposition, c.alert, c.matched) == ("not_listed", "无需隔离", False, None)
    assert c.reason.startswith("北京市海淀区不在8月5日中高风险地区名单上，无需隔离")


def test_list_version_changes_the_class(policy, aug4, aug5):
    jinshui = {"province": "河南省", "city": "郑州市", "district": "金水区", "township": "丰产路街道"}
    assert run(policy, aug4, jinshui).rule_id == "not_listed"
    assert run(policy, aug5, jinshui).rule_id == "medium_risk_14d"


def test_no_list_imported_yet(policy):
    c = classify(policy, None, None, Declaration(erqi("京广路街道"), AUG5), AUG5)
    assert c.rule_id == "not_listed" and c.list_id is None
    # Nothing is on a list nobody imported: the villager hears that first, never 「不在最新名单上」.
    assert c.reason.startswith("镇上还没有收到中高风险地区名单，先按下面办；名单到了，有变化会马上告诉您。")
    assert "最新" not in c.reason and "郑州市二七区不在中高风险地区名单上，无需隔离" in c.reason


def test_sampling_dates_across_a_month_end(policy, aug5):
    arrived = dt.date(2021, 8, 29)
    c = run(policy, aug5, erqi("京广路街道"), arrived=arrived, left=arrived, today=arrived)
    assert c.nucleic_acid_dates == (
        dt.date(2021, 8, 29),
        dt.date(2021, 9, 1),
        dt.date(2021, 9, 4),
        dt.date(2021, 9, 11),
    )
    assert c.end == dt.date(2021, 9, 11) and "8月29日至9月11日" in c.reason


def test_today_is_counted_in_shanghai_around_midnight(policy, aug5):
    left = dt.date(2021, 7, 23)
    with time_machine.travel(dt.datetime(2021, 8, 6, 15, 59, tzinfo=dt.UTC), tick=False):
        assert clock.today() == dt.date(2021, 8, 6)  # 23:59 in Beijing: 14 days since leaving
        assert run(policy, aug5, erqi("京广路街道"), left=left, today=clock.today()).rule_id == "high_risk_14d"
    with time_machine.travel(dt.datetime(2021, 8, 6, 16, 0, tzinfo=dt.UTC), tick=False):
        assert clock.today() == dt.date(2021, 8, 7)  # midnight in Beijing: 15 days
        assert run(policy, aug5, erqi("京广路街道"), left=left, today=clock.today()).rule_id == "left_over_14d"


RULE = """
[[rule]]
id = "{id}"
when = {{ abroad = true }}
disposition = "{disposition}"
days = {days}
reason = "因为您从境外返回"
"""
LAST = '\n[[rule]]\nid = "rest"\ndisposition = "无需隔离"\nreason = "无需隔离"\n'


def write(tmp_path, *rules: str, extra: str = "") -> Path:
    path = tmp_path / "policy.toml"
    path.write_text('version = "test"\ntitle = "测试"\n' + "".join(rules) + extra + LAST, encoding="utf-8")
    return path


def rule(id="abroad", disposition="集中隔离", days=14) -> str:
    return RULE.format(id=id, disposition=disposition, days=days)


@pytest.mark.parametrize(
    ("rules", "extra", "expected"),
    [
        ((rule(),), 'colour = "red"\n', "规则 abroad：未知字段 colour"),
        ((rule(), rule(days=7)), "", "规则 abroad：id 重复"),
        ((rule(disposition="隔离观察"),), "", "规则 abroad：未知的处置方式 '隔离观察'"),
        ((rule(days=0),), "", "规则 abroad：days 必须是正整数"),
        ((rule(),), "nucleic_acid_days = [1, 20]\n", "规则 abroad：nucleic_acid_days 必须在第1天到第14天之间"),
        ((rule(),), 'alert = "yes"\n', "规则 abroad：alert 必须是 true 或 false"),
        ((rule(),), 'from = "left"\n', "规则 abroad：from 必须是 arrival/entry 之一"),
        ((rule(),), 'reason_done = "无需隔离"\n', "规则 abroad：reason_home、reason_done 只用于"),
        ((rule(),), 'from = "entry"\nhome_days = 7\nreason_done = "x"\n', "规则 abroad：缺少 reason_home"),
        ((rule(),), 'from = "entry"\n', "规则 abroad：缺少 reason_done"),
    ],
)
def test_bad_rules_fail_naming_the_rule(tmp_path, rules, extra, expected):
    with pytest.raises(PolicyError, match=re.escape(expected)):
        load_policy(write(tmp_path, *rules, extra=extra))


def test_unknown_condition_and_placeholder_fail(tmp_path):
    bad = rule().replace("abroad = true", "abroad = true, province = '河南省'")
    with pytest.raises(PolicyError, match="规则 abroad：未知条件 province"):
        load_policy(write(tmp_path, bad))
    bad = rule().replace("因为您从境外返回", "因为您从{country}返回")
    with pytest.raises(PolicyError, match=re.escape("规则 abroad：reason 模板里有未知的占位符 {country}")):
        load_policy(write(tmp_path, bad))


def test_a_policy_needs_a_catch_all_last_rule(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('version = "test"\n' + rule(), encoding="utf-8")
    with pytest.raises(PolicyError, match="规则 abroad：最后一条规则必须没有条件"):
        load_policy(path)


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("version = ", encoding="utf-8")
    with pytest.raises(PolicyError, match="policy.toml：无法读取规则文件"):
        load_policy(path)


@pytest.mark.parametrize(
    ("origin", "rule_id", "area"),
    [
        (
            {"province": "江苏省", "city": "南京市", "district": "江宁区", "township": "禄口街道"},
            "high_risk_14d",
            "禄口街道全域",
        ),
        (
            {"province": "北京市", "city": "北京市", "district": "昌平区", "township": "北七家镇"},
            "medium_risk_14d",
            "北七家镇",
        ),
        (
            {"province": "江苏省", "city": "南京市", "district": "江宁区", "township": "东山街道"},
            "related_district_14d",
            "禄口街道全域",
        ),
    ],
)
def test_other_listed_places(policy, aug5, origin, rule_id, area):
    c = run(policy, aug5, origin)
    assert (c.rule_id, c.matched.area) == (rule_id, area)
    assert area in c.reason
