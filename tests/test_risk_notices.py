"""Official notices as provinces and counties published them: every layout, real-length lists, what is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models.db import make_engine, transaction
from models.outbox import OutboxMessage
from tests.support.live import run_cli_here
from tests.support.reclassify import NOW, bind_cadres, import_text
from town.riskareas import RiskListError, import_list, load_index, parse_content, parse_file
from town.riskareas.normalise import load
from town.riskareas.parse_text import parse_text

FIXTURES = Path(__file__).parent / "fixtures" / "riskareas"
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def db(server, database_url):
    """The suite's database, its schema made by the server."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def found(parsed) -> dict[tuple, str]:
    """Level by (province, city, district, township, community)."""
    return {e.key: e.level for e in parsed.entries}


def test_national_notice_with_24_hours_is_midnight_of_the_next_day():
    parsed = parse_file(FIXTURES / "nhc-2021-08-05-24.txt")
    assert parsed.published_at == dt.datetime(2021, 8, 6, 0, tzinfo=BEIJING)
    assert parsed.counts() == {"high": 4, "medium": 13, "low": 0}
    places = found(parsed)
    assert places[("河南省", "济源市", "济源市", "沁园街道", None)] == "medium"
    assert places[("云南省", "德宏傣族景颇族自治州", "瑞丽市", None, "姐告边境贸易区")] == "medium"
    assert parsed.warnings == [(9, "「中风险地区(140个)」写的是140个，下面实际列了13个，请核对原文")]


def test_provincial_notice_with_numbered_headers_city_headings_and_page_copy():
    parsed = parse_file(FIXTURES / "province-henan-2021-08-06.txt")
    assert parsed.published_at == dt.datetime(2021, 8, 6, 10, tzinfo=BEIJING)
    assert parsed.counts() == {"high": 3, "medium": 13, "low": 0}
    places = found(parsed)
    assert places[("河南省", "商丘市", "睢阳区", "古城街道", None)] == "high"  # under 「商丘市（1个）：」
    assert places[("河南省", "郑州市", "管城回族区", "陇海马路街道", "海棠湾")] == "medium"  # 管城区, an alias
    assert places[("河南省", "新乡市", "卫辉市", "城郊乡", None)] == "medium"
    assert not any("低风险" in (e.community or "") for e in parsed.entries)  # 「其他地区为低风险地区。」 is prose
    assert [line for line, _ in parsed.warnings] == [15]  # 「二、中风险地区（140个）」 with 13 listed


def test_county_notice_with_colon_headers_province_prefix_and_several_areas_a_line():
    parsed = parse_file(FIXTURES / "county-colon-2021-08-07.txt")
    assert parsed.published_at == dt.datetime(2021, 8, 7, 12, tzinfo=BEIJING)
    assert parsed.counts() == {"high": 5, "medium": 10, "low": 0}
    places = found(parsed)
    erqi = ("河南省", "郑州市", "二七区")
    assert places[(*erqi, "长江路街道", "海豫花园小区")] == "medium"
    assert places[(*erqi, "嵩山路街道", "望江居社区")] == "medium"  # after 、, the city and district left out
    assert places[(*erqi, "大学路街道", None)] == "medium"
    assert places[("河南省", "郑州市", "管城回族区", "南曹乡", None)] == "medium"  # after ；, with (新增)
    assert places[("河南省", "商丘市", "睢阳区", "古城街道", "凯旋社区")] == "medium"  # the street carried over
    assert places[("北京市", "北京市", "昌平区", "北七家镇", None)] == "high"  # 昌平区 under 「北京市：」
    assert places[("北京市", "北京市", "朝阳区", "十八里店地区乡", None)] == "medium"  # 北京市朝阳区…
    assert places[("河南省", "郑州市", "金水区", "丰产路街道", None)] == "high"  # 【新增】 dropped
    assert all("新增" not in str(e.key) for e in parsed.entries)
    assert parsed.warnings == []


def test_numbered_entries_and_areas_after_the_header_colon():
    parsed = parse_file(FIXTURES / "numbered-2021-08-08.txt")
    assert parsed.published_at == dt.datetime(2021, 8, 8, 8, tzinfo=BEIJING)
    places = found(parsed)
    assert places[("河南省", "郑州市", "二七区", "京广路街道", None)] == "high"  # 「1.高风险地区（1个）：郑州市…」
    assert places[("河南省", "郑州市", "中原区", "林山寨街道", "百花社区")] == "medium"  # 「（2）」 numbered
    assert places[("江苏省", "南京市", "江宁区", "秣陵街道", None)] == "medium"  # 「 4、」 numbered
    assert parsed.counts() == {"high": 1, "medium": 4, "low": 0}  # 低风险: 「除上述地区以外…」 is no area


@pytest.mark.parametrize(
    ("name", "high", "medium", "lines"),
    [
        ("long-nhc.txt", 30, 290, 343),
        ("long-province.txt", 20, 280, 345),
        ("long-county.txt", 34, 434, 309),
        ("long-numbered.txt", 20, 300, 326),
    ],
)
def test_real_length_list_in_each_layout_imports_whole(db, name, high, medium, lines):
    path = FIXTURES / name
    assert len(path.read_text("utf-8").splitlines()) == lines
    result = import_list(db, path)
    assert result.created and result.counts == {"high": high, "medium": medium, "low": 0}
    index = load_index(db, result.list_id)
    assert index.size == high + medium


def test_unplaced_lines_are_all_reported_and_nothing_is_imported(db):
    text = (FIXTURES / "county-colon-2021-08-07.txt").read_text("utf-8")
    text = text.replace("江苏省南京市江宁区秣陵街道", "江苏省南京市某某新城秣陵街道、")
    text = text.replace("湖南省张家界市永定区崇文街道", "火星省奥林匹斯山")
    text = text.replace("北京市：", "北平：")
    with pytest.raises(RiskListError) as caught:
        parse_content(text, "bad.txt")
    assert [line for line, _ in caught.value.errors] == [15, 16, 17, 24, 26]  # 16, 17: under the unknown heading
    message = str(caught.value)
    assert "第15行：不认识的标题「北平」" in message and "未导入任何内容" in message
    assert "第24行：南京市后面找不到区/县" in message and "第26行：找不到这一行属于哪个省" in message
    path = FIXTURES.parent.parent / "bad-notice.txt"
    try:
        path.write_text(text, "utf-8")
        with pytest.raises(RiskListError):
            import_list(db, path)
    finally:
        path.unlink()
    assert load_index(db) is None


def test_a_time_that_does_not_exist_is_a_reason_not_a_traceback():
    text = "2021年2月30日10时\n高风险地区：\n郑州市二七区京广路街道\n"
    with pytest.raises(RiskListError) as caught:
        parse_content(text, "t.txt")
    assert caught.value.errors == [(1, "没有这个时间：2021年2月30日10时")]


LINES = st.sampled_from([
    "高风险地区（3个）：", "一、中风险地区", "1.中风险地区：", "河南：3个", "北京市：", "郑州市（2个）：",
    "郑州市二七区京广路街道", "二七区长江路街道海豫花园小区、嵩山路街道", "朝阳区十八里店地区乡（新增）",
    "来源：某某网", "发布时间：2021-08-06 09:12", "2021年8月5日24时", "2021年13月40日25时", "其他地区为低风险地区。",
    "（1）", "、", "；；", "【新增】", "：", "（）", "24时", "高风险", "河南省郑州市", "　",
])  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(LINES, st.text(max_size=30)), max_size=25))
def test_any_text_is_read_or_refused_with_reasons_never_a_traceback(lines):
    text = "\n".join(lines)
    try:
        parsed = parse_text(text, "any.txt", load())
    except RiskListError as exc:
        assert exc.errors and all(line >= 1 for line, _ in exc.errors)
    else:
        assert parsed.entries and parsed.published_at is not None


def test_count_warning_is_printed_and_reaches_the_town_command_once(server, database_url):
    db = server.state.db
    bind_cadres(db)
    result, _summary = import_text(db, (FIXTURES / "province-henan-2021-08-06.txt").read_text("utf-8"), "p.txt")
    assert result.created
    again, _ = import_text(db, (FIXTURES / "province-henan-2021-08-06.txt").read_text("utf-8"), "p2.txt", NOW)
    assert not again.created
    with transaction(db) as session:
        rows = session.execute(
            select(OutboxMessage.recipient_openid, OutboxMessage.text).where(
                OutboxMessage.idempotency_key.like("list-counts:%")
            )
        ).all()
    assert [openid for openid, _ in rows] == ["rc-command"]
    assert "写的是140个，下面实际列了13个" in rows[0][1] and rows[0][1].startswith("【名单核对】8月6日10时公布")
    shown = run_cli_here("import-risk-list", str(FIXTURES / "nhc-2021-08-05-24.txt"), DATABASE_URL=database_url)
    assert shown.returncode == 0, shown.stderr
    assert "名单数量和标题对不上（1处）" in shown.stdout and "第9行" in shown.stdout
