"""The 台账 as an Excel workbook: one sheet per ledger, text kept as text, dates as real Excel dates.

Written with openpyxl's write-only workbook, row by row as the sheets stream from the database: memory stays flat
whatever the town's size. Column widths are set before the rows (a write-only sheet cannot widen afterwards): from
the header and the column's kind, long text columns wrapped.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from admin.ledger import Ledger, Sheet
from admin.ledger.texts import TEXT_COLUMNS, WORKBOOK

DATE_FORMAT, TIME_FORMAT, TEXT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "@"
# Spreadsheets read a cell starting with these as a formula (or DDE) once it is edited or re-imported.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 6, 40
# Columns whose cells run long: as wide as a sheet allows, wrapped.
LONG_COLUMNS = frozenset({
    "依据", "包保责任人", "原文", "代报人", "从何地返回", "核酸采样日期", "处理情况", "物品", "备注",
})  # fmt: skip
WIDE = {"身份证号": 20, "联系电话": 13, "电话": 13, "报告人电话": 13, "姓名": 14, "地点": 20, "症状": 16}
TIME_COLUMNS = frozenset({"时间", "报告时间", "处理时间", "申请时间", "接单时间", "送达时间", "收到时间", "报备时间",
                          "登记时间"})  # fmt: skip
DATE_COLUMNS = frozenset({"离开日期", "返回日期", "开始日期", "结束日期", "日期", "最近接种日期"})
HEADER_FONT, HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
WRAP, CENTER = Alignment(wrap_text=True, vertical="top"), Alignment(horizontal="center", vertical="center")


def write_ledger(ledger: Ledger, target: str | os.PathLike | BinaryIO) -> dict[str, int]:
    """Write the workbook to a path or a binary file-like object, reading each sheet's rows as it goes; the number
    of rows written per sheet."""
    book = Workbook(write_only=True)
    scope = f"{ledger.town}{ledger.village or ''}"
    stamp = ledger.exported_at.strftime("%Y-%m-%d %H:%M")
    book.properties.title = WORKBOOK.title.format(scope=scope)
    book.properties.subject = WORKBOOK.subject.format(stamp=stamp)
    book.properties.creator = WORKBOOK.creator
    book.properties.created = ledger.exported_at.astimezone(dt.UTC).replace(tzinfo=None)
    counts = {}
    for sheet in ledger.sheets:
        title = WORKBOOK.sheet_title.format(scope=scope, sheet=sheet.title)
        counts[sheet.title] = _write_sheet(book, sheet, title=title, stamp=stamp)
    book.save(target)
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


def _write_sheet(book: Workbook, sheet: Sheet, *, title: str, stamp: str) -> int:
    ws = book.create_sheet(sheet.title)
    for column, header in enumerate(sheet.columns, 1):
        ws.column_dimensions[get_column_letter(column)].width = column_width(header)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.oddHeader.center.text = title
    ws.oddHeader.right.text = WORKBOOK.header_right.format(stamp=stamp)
    ws.oddFooter.center.text = WORKBOOK.footer
    ws.append([_header(ws, header) for header in sheet.columns])
    kinds = [(header in TEXT_COLUMNS, header in LONG_COLUMNS) for header in sheet.columns]
    written = 0
    for row in sheet.rows:
        ws.append([_cell(ws, value, as_text, wrap) for value, (as_text, wrap) in zip(row, kinds, strict=True)])
        written += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{written + 1}"
    return written


def column_width(header: str) -> float:
    """A column's width in character cells, from what it holds."""
    if header in LONG_COLUMNS:
        return MAX_WIDTH
    if header in TIME_COLUMNS:
        return len(TIME_FORMAT) + 2
    if header in DATE_COLUMNS:
        return len(DATE_FORMAT) + 3
    return min(max(WIDE.get(header, 0), _width(header) + 4, MIN_WIDTH), MAX_WIDTH)


def _header(ws, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, header)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, CENTER
    return cell


def _cell(ws, value, as_text: bool, wrap: bool):
    """One cell: strings never become formulas, dates get a date format, digits in text columns stay text."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl refuses control characters outright
        if not (as_text or wrap or value.startswith(FORMULA_START)):
            return value  # plain text: openpyxl writes it through one reused cell, no style to register
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"  # openpyxl made "=..." a formula on assignment; this writes it back as a string
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel's leading apostrophe: stays text when a cadre edits the cell
        if as_text:
            cell.number_format = TEXT_FORMAT
        if wrap:
            cell.alignment = WRAP
        return cell
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = TIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _width(value: str) -> int:
    """Display width in character cells: a Chinese character is two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in value)
