"""Risk-area lists: every published shape parsed and normalised, versions, the diff, matching, the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.db import make_engine
from tests.support.live import run_cli_here
from town.riskareas import RiskIndex, RiskListError, diff, entries, import_list, load_index, parse_file
from town.riskareas.normalise import load
from town.riskareas.places import api_area, line

FIXTURES = Path(__file__).parent / "fixtures" / "riskareas"
AUG4, AUG5, NOV14 = (FIXTURES / name for name in ("2021-08-04-14.txt", "2021-08-05-10.txt", "2022-11-14-10.json"))


@pytest.fixture
def db(server, database_url):
    """The suite's database, its schema made by the server."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def places(parsed) -> dict[tuple, object]:
    """Entries by (city, district, township, community)."""
    return {(e.city, e.district, e.township, e.community): e for e in parsed.entries}


def test_2021_notice_counts_time_and_quirks():
    parsed = parse_file(AUG4)
    assert parsed.counts() == {"high": 4, "medium": 14, "low": 0}
    assert parsed.published_at == dt.datetime(2021, 8, 4, 6, tzinfo=dt.UTC)
    found = places(parsed)
    lukou = found[("南京市", "江宁区", "禄口街道", None)]
    assert (lukou.level, lukou.whole_area, lukou.province) == ("high", True, "江苏省")
    zmd = found[("驻马店市", "遂平县", "灈阳街道", "金山社区滨河小区A1区")]
    assert zmd.province == "河南省" and zmd.raw.endswith("（新增）") and zmd.line == 16
    assert ("德宏傣族景颇族自治州", "瑞丽市", None, "姐告边境贸易区") in found
    assert ("郑州市", "管城回族区", "陇海马路街道", "海棠湾") in found
    assert ("郑州市", "荥阳市", "乔楼镇", "狮村社区") in found  # county-level city as the district
    assert found[("北京市", "昌平区", "北七家镇", None)].province == "北京市"
    assert ("荆门市", "东宝区", "子陵铺镇", None) in found
    yangzhou = found[("扬州市", "邗江区", "双桥街道", "武塘社区明月路以南、文汇西路以北、维扬路以西、新城河路以东区域")]
    assert not yangzhou.whole_area
    assert all("新增" not in (e.community or "") and "新增" not in (e.township or "") for e in parsed.entries)


def test_2022_json_shift_zones_and_low_entries():
    parsed = parse_file(NOV14)
    assert parsed.counts() == {"high": 3, "medium": 3, "low": 2}
    assert parsed.published_at == dt.datetime(2022, 11, 14, 2, tzinfo=dt.UTC)
    found = places(parsed)
    beijing = found[("北京市", "朝阳区", "管庄（地区）乡", "杨闸环岛北京城建·珑玥湾")]
    assert (beijing.level, beijing.province) == ("high", "北京市")
    assert found[("郑州市", "中原区", "三官庙街道", "电业新村社区秦岭路32号院2号楼")].level == "high"
    zone = [e for e in parsed.entries if e.community == "富士康科技园区（合围区域）"]
    assert [(z.province, z.city, z.district, z.level) for z in zone] == [
        ("河南省", "郑州市", "郑州航空港经济综合实验区", "medium")
    ]
    low = {(e.district, e.community) for e in parsed.entries if e.level == "low"}
    assert low == {("二七区", "除中风险区以外的其他区域"), ("中原区", "除高风险区以外的其他区域")}
    assert all(e.township is None for e in parsed.entries if e.level == "low")


def test_json_district_aliases_are_normalised():
    place = api_area(load(), "河南省", "郑州市", "管城区", "管城区陇海马路街道海棠湾")
    assert (place.city, place.district, place.township, place.community) == (
        "郑州市",
        "管城回族区",
        "陇海马路街道",
        "海棠湾",
    )


def test_csv_is_normalised(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(
        "level,province,city,district,area\nhigh,河南,郑州,管城区,陇海马路街道海棠湾\n"
        "low,北京市,北京市,朝阳区,\nhigh,云南省,德宏州,瑞丽市,全域\nmedium,河南省,济源市,,沁园街道\n",
        "utf-8",
    )
    parsed = parse_file(path)
    assert parsed.counts() == {"high": 2, "medium": 1, "low": 1}
    found = places(parsed)
    assert found[("郑州市", "管城回族区", "陇海马路街道", "海棠湾")].line == 2
    assert found[("北京市", "朝阳区", None, None)].whole_area
    assert found[("德宏傣族景颇族自治州", "瑞丽市", None, None)].whole_area
    assert ("济源市", "济源市", "沁园街道", None) in found  # a city the province governs is its own district


def test_notice_line_in_a_city_without_districts():
    place = line(load(), "河南省", "济源市沁园街道某小区")
    assert (place.city, place.district, place.township, place.community) == ("济源市", "济源市", "沁园街道", "某小区")


def test_list_without_medium_is_valid(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("level,province,city,district,area\n高,河南省,郑州市,二七区,\n低,河南省,郑州市,中原区,\n", "utf-8")
    assert parse_file(path).counts() == {"high": 1, "medium": 0, "low": 1}


def test_malformed_csv_names_every_bad_line_and_stores_nothing(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "level,province,city,district,area\nhigh,河南省,郑州市,二七区,京广路街道\n"
        "severe,河南省,郑州市,二七区,x\nhigh,火星省,x,y,z\nhigh,河南省,郑州市\n",
        "utf-8",
    )
    with pytest.raises(RiskListError) as caught:
        import_list(db, path)
    assert [line for line, _ in caught.value.errors] == [3, 4, 5]
    assert "第3行" in str(caught.value) and "第5行" in str(caught.value)
    assert load_index(db) is None


def test_malformed_text_names_every_bad_line(tmp_path):
    bad = AUG4.read_text("utf-8").replace("商丘市睢阳区古城街道", "火星市某某区").replace("湖北：2个", "火星：2个")
    path = tmp_path / "bad.txt"
    path.write_text("郑州市二七区京广路街道\n" + bad, "utf-8")
    with pytest.raises(RiskListError) as caught:
        parse_file(path)
    assert [line for line, _ in caught.value.errors] == [1, 18, 24]


def test_same_list_twice_is_a_no_op(db):
    first = import_list(db, AUG4)
    again = import_list(db, AUG4)
    assert first.created and not again.created and again.list_id == first.list_id
    assert len(entries(db, first.list_id)) == 18


def test_diff_aug4_to_aug5_as_the_readme_says(db):
    old, new = import_list(db, AUG4), import_list(db, AUG5)
    assert new.previous_id == old.list_id
    changes = diff(db, old.list_id, new.list_id)
    assert [(e.city, e.district, e.township) for e in changes.added] == [("郑州市", "金水区", "丰产路街道")]
    assert sorted((e.city, e.district, e.township) for e in changes.removed) == [
        ("开封市", "祥符区", "兴隆乡"),
        ("淮安市", "淮安区", "淮城街道"),
        ("荆门市", "东宝区", "子陵铺镇"),
    ]
    assert [(o.township, o.level, n.level) for o, n in changes.level_down] == [("崇文街道", "high", "medium")]
    assert changes.level_up == []


def test_matching_returns_the_most_specific_entry(db):
    result = import_list(db, NOV14)
    index = load_index(db, result.list_id)
    township = index.match("河南省", "郑州市", "二七区", "大学路街道")
    assert (township.level, township.specificity) == ("medium", "township")
    rest = index.match("河南省", "郑州市", "二七区", "长江路街道")
    assert (rest.level, rest.entry.community) == ("low", "除中风险区以外的其他区域")
    assert index.match("河南省", "郑州市", "中原区").level == "low"
    assert index.match("北京市", "北京市", "朝阳区", "管庄（地区）乡").level == "high"
    assert index.match("北京市", "北京市", "朝阳区") is None
    assert index.district_has_entries("北京市", "北京市", "朝阳区")
    assert not index.district_has_entries("河南省", "郑州市", "金水区")


def test_whole_district_beats_nothing_and_stronger_level_wins():
    parsed = parse_file(AUG5)
    index = RiskIndex(parsed.entries)
    assert index.match("江苏省", "南京市", "江宁区", "禄口街道").level == "high"
    assert index.match("江苏省", "南京市", "江宁区", "秣陵街道").level == "medium"
    assert index.match("江苏省", "南京市", "江宁区", "东山街道") is None


def test_cli_imports_reports_the_diff_and_rejects_bad_files(server, database_url, tmp_path):
    first = run_cli_here("import-risk-list", str(AUG4), DATABASE_URL=database_url)
    assert first.returncode == 0, first.stderr
    assert "高风险 4 个，中风险 14 个" in first.stdout
    second = run_cli_here("import-risk-list", str(AUG5), DATABASE_URL=database_url)
    assert second.returncode == 0, second.stderr
    assert "新增 1 / 移除 3 / 升级 0 / 降级 1" in second.stdout
    assert "河南省郑州市金水区丰产路街道" in second.stdout and "高风险 → 中风险" in second.stdout
    again = run_cli_here("import-risk-list", str(AUG5), DATABASE_URL=database_url)
    assert again.returncode == 0 and "unchanged" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("level,province,city,district,area\nhigh,火星省,x,y,z\nhuge,河南省,郑州市,二七区,\n", "utf-8")
    broken = run_cli_here("import-risk-list", str(bad), DATABASE_URL=database_url)
    assert broken.returncode == 2
    assert "第2行" in broken.stderr and "第3行" in broken.stderr


def test_malformed_json_names_the_lines(tmp_path):
    bad = NOV14.read_text("utf-8").replace('"2022-11-14 10时"', '"昨天"')
    bad = bad.replace('"province": "北京市"', '"province": "火星"')
    path = tmp_path / "bad.json"
    path.write_text(bad, "utf-8")
    with pytest.raises(RiskListError) as caught:
        parse_file(path)
    assert [line for line, _ in caught.value.errors] == [1, 6]
