"""疫苗登记 with the rows written (more in tests/transcripts/vaccination.toml), age groups from ID numbers, coverage."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from handlers.vaccination.reading import doses_in, group_of_id, household_size, people_in
from models.db import transaction
from models.vaccination import Vaccination
from tests.support.conversation import run
from tests.support.live import SHANGHAI, run_cli_here
from tests.support.people import bind, person, village_id, villager
from town.vaccination import coverage, report

TODAY = dt.datetime(2021, 8, 6, 10, 0, tzinfo=SHANGHAI)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_for(birth: str, sequence: str = "001") -> str:
    """A valid resident ID number (伊川县) for a birth date YYYY-MM-DD."""
    body = "410329" + birth.replace("-", "") + sequence
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


ADULT = id_for("1975-03-02")
TURNS_18_TOMORROW = id_for("2003-08-07", "002")
TURNED_18_TODAY = id_for("2003-08-06", "003")
CHILD = id_for("2010-05-01", "004")


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=True):
        yield


def rows(server) -> list[Vaccination]:
    with transaction(server.state.db) as session:
        return list(session.execute(select(Vaccination).order_by(Vaccination.id)).scalars())


def test_oneself_from_a_complete_first_message(server, today):
    client = villager(server, "vx-self")
    run(
        client,
        [
            ("我打了两针了", "您最后一针是哪天打的"),
            ("7月20号", "您的身份证号"),
            (ADULT[:-1] + ("0" if ADULT[-1] != "0" else "1"), "有一位不对"),
            (ADULT, "请核对疫苗登记"),
        ],
    )
    summary = client.say("帮助")
    assert "姓名：张桂兰" in summary and "打了：2针" in summary and "最后一针：7月20日" in summary
    assert "年龄段：18岁以上" in summary and "村：鸣皋村" in summary
    reply = client.say("对")
    assert reply.startswith("登记好了，谢谢您！张桂兰：2针（最后一针7月20日），18岁以上。")
    [row] = rows(server)
    assert (row.name, row.doses, row.last_dose_on, row.age_group) == ("张桂兰", 2, dt.date(2021, 7, 20), "18+")
    assert row.id_number == ADULT and row.village_id is not None and row.updated_at is None
    run(client, [("打了三针", "最后一针"), ("8月5日", "身份证号"), (ADULT, "请核对")])
    assert client.say("对").startswith("已经更新了张桂兰的疫苗登记")
    [row] = rows(server)
    assert (row.doses, row.last_dose_on, row.updated_at is not None) == (3, dt.date(2021, 8, 5), True)


def test_the_entry_word_asks_everything_and_the_age_when_the_id_is_skipped(server, today):
    client = server.client("vx-minimal")
    run(
        client,
        [
            ("疫苗登记", "给谁登记"),
            ("自己", "您叫什么名字"),
            ("王建设", "打了几针"),
            ("打完了", "一共打了几针"),
            ("第二针还没打", "最后一针是哪天"),
            ("不记得", "身份证号"),
            ("跳过", "今年多大了"),
            ("16岁", "哪个村"),
            ("徐阳", "请核对疫苗登记"),
        ],
    )
    summary = client.say("帮助")
    assert "打了：1针" in summary and "最后一针：不记得" in summary and "身份证号：未填" in summary
    assert "年龄段：12-17岁" in summary and "村：徐阳村" in summary
    reply = client.say("对")
    assert "王建设：1针，12-17岁" in reply and "记得按约好的日子去打下一针" in reply
    [row] = rows(server)
    assert (row.doses, row.last_dose_on, row.id_number, row.age_group) == (1, None, None, "12-17")


def test_a_household_one_member_after_another(server, today):
    client = villager(server, "vx-family")
    run(
        client,
        [
            ("俺家三口都打了两针", "3位一个一个登记。第1位叫什么名字"),
            ("自己", "您最后一针是哪天"),
            ("不记得", "您的身份证号"),
            (ADULT, "请核对"),
        ],
    )
    first = client.say("对")
    assert "张桂兰：2针，18岁以上" in first and "接着登记下一位。第2位叫什么名字" in first
    run(
        client,
        [
            ("王小明", "王小明最后一针是哪天"),
            ("8月1日", "王小明的身份证号"),
            (TURNS_18_TOMORROW, "请核对"),
        ],
    )
    assert "年龄段：12-17岁" in client.say("帮助")
    assert "王小明：2针（最后一针8月1日），12-17岁" in client.say("对")
    run(
        client,
        [
            ("王小红", "王小红最后一针"),
            ("不记得", "身份证号"),
            (CHILD, "请核对"),
            ("针数不对", "王小红打了几针"),
            ("没打", "请核对"),
        ],
    )
    summary = client.say("帮助")
    assert "打了：还没打" in summary and "最后一针：无" in summary and "年龄段：不满12岁" in summary
    assert "没有保存" in client.say("取消")  # the third member is not saved
    assert [(r.name, r.doses) for r in rows(server)] == [("张桂兰", 2), ("王小明", 2)]


def test_names_given_together_are_registered_in_turn(server, today):
    client = villager(server, "vx-names")
    run(
        client,
        [
            ("疫苗登记", "给谁登记"),
            ("老伴李秀英和孙子王小明", "李秀英打了几针"),
            ("两针", "李秀英最后一针"),
            ("不记得", "李秀英的身份证号"),
            ("跳过", "李秀英今年多大了"),
            ("68", "请核对"),
        ],
    )
    assert "接着登记下一位。王小明打了几针" in client.say("对")
    run(client, [("没打", "王小明的身份证号"), (CHILD, "请核对")])
    reply = client.say("对")
    assert "王小明：还没打，不满12岁" in reply and "跟村干部说一声" in reply and "全家2位都登记好了" in reply
    assert [(r.name, r.doses, r.age_group) for r in rows(server)] == [("李秀英", 2, "18+"), ("王小明", 0, "under12")]


def test_the_age_group_turns_on_the_18th_birthday():
    assert group_of_id(TURNS_18_TOMORROW, dt.date(2021, 8, 6)) == "12-17"
    assert group_of_id(TURNS_18_TOMORROW, dt.date(2021, 8, 7)) == "18+"
    assert group_of_id(TURNED_18_TODAY, dt.date(2021, 8, 6)) == "18+"
    assert group_of_id(CHILD, dt.date(2021, 8, 6)) == "under12"
    assert group_of_id(id_for("2009-08-06"), dt.date(2021, 8, 6)) == "12-17"
    assert group_of_id(id_for("2009-08-07"), dt.date(2021, 8, 6)) == "under12"


def test_reading_what_villagers_say():
    assert [doses_in(t) for t in ("两针", "打了第三针", "第二针还没打", "还没打", "2", "打完了", "打了3剂")] == [
        2,
        3,
        1,
        0,
        2,
        None,
        3,
    ]
    assert [household_size(t) for t in ("俺家三口都打完了", "全家5个人", "3个人", "我打了两针")] == [3, 5, 3, None]
    assert people_in("我和老伴李秀英") == ["@self", "李秀英"] and people_in("李秀英、王小明都打了") == [
        "李秀英",
        "王小明",
    ]
    assert people_in("不知道怎么弄啊") == []


def add(db, village: str, name: str, group: str | None, doses: int) -> None:
    with transaction(db) as session:
        session.add(
            Vaccination(
                person_id=person(session, "vx-reporter"),
                village_id=village_id(session, village),
                name=name,
                age_group=group,
                doses=doses,
                created_at=TODAY,
            )
        )


def test_coverage_per_village_and_age_group(server, database_url):
    db = server.state.db
    for village, name, group, doses in (
        ("鸣皋村", "甲", "18+", 2),
        ("鸣皋村", "乙", "18+", 1),
        ("鸣皋村", "丙", "18+", 0),
        ("鸣皋村", "丁", "12-17", 2),
        ("鸣皋村", "戊", None, 3),
        ("孙村", "己", "18+", 2),
        ("孙村", "庚", "12-17", 0),
    ):
        add(db, village, name, group, doses)
    with transaction(db) as session:
        found = [(c.village, c.group, c.registered, c.first_dose, c.two_doses, c.rate) for c in coverage(session)]
        mingao = [c.group for c in coverage(session, village_ids=[village_id(session, "鸣皋村")])]
    assert sorted(found, key=str) == sorted(
        [
            ("鸣皋村", "18+", 3, 2, 1, 67),
            ("鸣皋村", "12-17", 1, 1, 1, 100),
            ("鸣皋村", None, 1, 1, 1, 100),
            ("孙村", "18+", 1, 1, 1, 100),
            ("孙村", "12-17", 1, 0, 0, 0),
        ],
        key=str,
    )
    assert mingao == ["12-17", "18+", None]
    printed = run_cli_here("vaccination-coverage", "--village", "鸣皋", DATABASE_URL=database_url)
    assert printed.returncode == 0, printed.stderr
    lines = printed.stdout.splitlines()
    assert lines[0].startswith("鸣皋村疫苗接种") and len(lines) == 6
    assert lines[2].split() == ["鸣皋村", "12-17岁", "1", "1", "1", "100%"]
    assert lines[5].split() == ["鸣皋村", "全部", "5", "4", "3", "80%"]
    town = run_cli_here("vaccination-coverage", DATABASE_URL=database_url).stdout.splitlines()
    assert town[-1].split() == ["合计", "全部", "7", "5", "4", "71%"] and "孙村" in town[-3] + town[-4] + town[-5]
    unknown = run_cli_here("vaccination-coverage", "--village", "火星", DATABASE_URL=database_url)
    assert unknown.returncode == 2 and "没有找到村「火星」" in unknown.stderr
    with transaction(db) as session:
        assert report(coverage(session, village_ids=[]), "张村") == "张村还没有人登记疫苗。"


def test_an_age_group_the_code_does_not_know_is_counted_as_unknown_not_a_crash(server, database_url, caplog):
    db = server.state.db
    add(db, "鸣皋村", "甲", "60+", 2)
    add(db, "鸣皋村", "乙", "old", 0)
    add(db, "孙村", "丙", None, 1)
    with transaction(db) as session:
        found = [(c.village, c.group, c.registered, c.first_dose) for c in coverage(session)]
    assert found == [("鸣皋村", None, 2, 1), ("孙村", None, 1, 1)]
    assert "unknown age group" in caplog.text and "60+" in caplog.text
    printed = run_cli_here("vaccination-coverage", DATABASE_URL=database_url)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines()[-1].split() == ["合计", "未知", "3", "2", "1", "67%"]
    bind(db, ("vx-command", "王书记", "town_command", "鸣皋村", "13900000001"))
    assert "疫苗" in server.client("vx-command").say("统计")
