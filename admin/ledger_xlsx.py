"""The 台账 as an Excel workbook: one sheet per ledger, text kept as text, dates as real Excel dates.

Written by `admin.xlsx_stream`, row by row as the sheets stream from the database: memory stays flat whatever the
town's size. Column widths come from the header and the column's kind, long text columns wrapped.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from admin.ledger import Ledger, Sheet
from admin.ledger.texts import TEXT_COLUMNS, WORKBOOK
from admin.xlsx_stream import Column, Properties, XlsxWriter

DATE_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 40
# Columns whose cells run long: as wide as a sheet allows, wrapped.
LONG_COLUMNS = frozenset({
    "依据", "包保责任人", "原文", "代报人", "从何地返回", "核酸采样日期", "处理情况", "物品", "备注",
})  # fmt: skip
WIDE = {"身份证号": 20, "联系电话": 13, "电话": 13, "报告人电话": 13, "姓名": 14, "地点": 20, "症状": 16}
TIME_COLUMNS = frozenset({"时间", "报告时间", "处理时间", "申请时间", "接单时间", "送达时间", "收到时间", "报备时间",
                          "登记时间"})  # fmt: skip
DATE_COLUMNS = frozenset({"离开日期", "返回日期", "开始日期", "结束日期", "日期", "最近接种日期"})


def write_ledger(ledger: Ledger, target: str | os.PathLike | BinaryIO) -> dict[str, int]:
    """Write the workbook to a path or a binary file-like object, reading each sheet's rows as it goes; the number
    of rows written per sheet."""
    scope = f"{ledger.town}{ledger.village or ''}"
    stamp = ledger.exported_at.strftime("%Y-%m-%d %H:%M")
    properties = Properties(
        title=WORKBOOK.title.format(scope=scope),
        subject=WORKBOOK.subject.format(stamp=stamp),
        creator=WORKBOOK.creator,
        created=ledger.exported_at.astimezone(dt.UTC),
    )
    counts = {}
    with XlsxWriter(target, properties) as book:
        for sheet in ledger.sheets:
            title = WORKBOOK.sheet_title.format(scope=scope, sheet=sheet.title)
            counts[sheet.title] = _write_sheet(book, sheet, title=title, stamp=stamp)
    return counts


def save_ledger(ledger: Ledger, path: Path) -> dict[str, int]:
    """Write to a path without leaving half a file behind if anything fails; the rows written per sheet."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as out:
            counts = write_ledger(ledger, out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def _write_sheet(book: XlsxWriter, sheet: Sheet, *, title: str, stamp: str) -> int:
    columns = [
        Column(header, column_width(header), text=header in TEXT_COLUMNS, wrap=header in LONG_COLUMNS)
        for header in sheet.columns
    ]  # fmt: skip
    header = f"&C{_literal(title)}&R{_literal(WORKBOOK.header_right.format(stamp=stamp))}"
    return book.sheet(sheet.title, columns, sheet.rows, header=header, footer=f"&C{WORKBOOK.footer}")


def column_width(header: str) -> float:
    """A column's width in character cells, from what it holds."""
    if header in LONG_COLUMNS:
        return MAX_WIDTH
    if header in TIME_COLUMNS:
        return len(TIME_FORMAT) + 2
    if header in DATE_COLUMNS:
        return len(DATE_FORMAT) + 3
    return min(max(WIDE.get(header, 0), _width(header) + 4, MIN_WIDTH), MAX_WIDTH)


def _width(value: str) -> int:
    """Display width in character cells: a Chinese character is two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in value)


def _literal(text: str) -> str:
    """Text in a page header as itself: Excel reads "&" as the start of a code."""
    return text.replace("&", "&&")
