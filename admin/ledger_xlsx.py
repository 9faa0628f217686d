"""The 台账 as an Excel workbook: one sheet per ledger, text kept as text, dates as real Excel dates."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from admin.ledger import Ledger, Sheet
from admin.ledger.texts import TEXT_COLUMNS, WORKBOOK

DATE_FORMAT, TIME_FORMAT, TEXT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "@"
# Spreadsheets read a cell starting with these as a formula (or DDE) once it is edited or re-imported.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 6, 40
HEADER_FONT, HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
WRAP, CENTER = Alignment(wrap_text=True, vertical="top"), Alignment(horizontal="center", vertical="center")


def build_workbook(ledger: Ledger) -> Workbook:
    """A workbook with one sheet per ledger, headed and titled for printing."""
    book = Workbook()
    book.remove(book.active)
    scope = f"{ledger.town}{ledger.village or ''}"
    stamp = ledger.exported_at.strftime("%Y-%m-%d %H:%M")
    book.properties.title = WORKBOOK.title.format(scope=scope)
    book.properties.subject = WORKBOOK.subject.format(stamp=stamp)
    book.properties.creator = WORKBOOK.creator
    book.properties.created = ledger.exported_at.astimezone(dt.UTC).replace(tzinfo=None)
    for sheet in ledger.sheets:
        title = WORKBOOK.sheet_title.format(scope=scope, sheet=sheet.title)
        _write_sheet(book.create_sheet(sheet.title), sheet, title=title, stamp=stamp)
    return book


def write_ledger(ledger: Ledger, target: str | os.PathLike | BinaryIO) -> None:
    """Write the workbook to a path or a binary file-like object (a download response, BytesIO)."""
    build_workbook(ledger).save(target)


def save_ledger(ledger: Ledger, path: Path) -> None:
    """Write to a path without leaving half a file behind if anything fails."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as out:
            write_ledger(ledger, out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_sheet(ws: Worksheet, sheet: Sheet, *, title: str, stamp: str) -> None:
    widths = [_width(header) for header in sheet.columns]
    for column, header in enumerate(sheet.columns, 1):
        cell = ws.cell(1, column, header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, CENTER
    text_columns = {i for i, header in enumerate(sheet.columns, 1) if header in TEXT_COLUMNS}
    for row_number, row in enumerate(sheet.rows, 2):
        for column, value in enumerate(row, 1):
            _put(ws, row_number, column, value, as_text=column in text_columns)
            widths[column - 1] = max(widths[column - 1], _width(value))
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if width + 2 > MAX_WIDTH:
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.alignment = WRAP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(len(sheet.rows) + 1, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.oddHeader.center.text = title
    ws.oddHeader.right.text = WORKBOOK.header_right.format(stamp=stamp)
    ws.oddFooter.center.text = WORKBOOK.footer


def _put(ws: Worksheet, row: int, column: int, value, *, as_text: bool) -> None:
    """One cell: strings never become formulas, dates get a date format, digits in text columns stay text."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # openpyxl refuses control characters outright
    cell = ws.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl made "=..." a formula on assignment; this writes it back as a string
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel's leading apostrophe: stays text when a cadre edits the cell
        if as_text:
            cell.number_format = TEXT_FORMAT
    elif isinstance(value, dt.datetime):
        cell.number_format = TIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def _width(value) -> int:
    """Display width in character cells: a Chinese character is two."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len(TIME_FORMAT)
    if isinstance(value, dt.date):
        return len(DATE_FORMAT) + 1
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value))
