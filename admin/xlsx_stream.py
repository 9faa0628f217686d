"""A streamed XLSX writer for tables: each sheet is a header row and rows of plain values, written as SpreadsheetML
row by row into a deflated zip entry, so memory stays flat whatever the number of rows.

Strings are inline (`t="inlineStr"`, no shared-string table to hold), never formulas: one starting with a formula
sign gets Excel's quote prefix. Numbers stay numbers; dates and datetimes are Excel serials with a date format.
Characters XML 1.0 forbids are dropped. Each sheet has its header row frozen, filtered and repeated on printed pages.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from admin import xlsx_parts as parts

# Spreadsheets read a cell starting with these as a formula (or DDE) once it is edited or re-imported.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
BUFFERED = 10_000  # cells (and row tags) joined before they go to the zip stream: fewer, larger writes
COMPRESSLEVEL = 3  # close to level 6's size at about half its time


@dataclass(frozen=True)
class Column:
    """A column: its header, width in character cells, and how its strings are shown (as text "@", wrapped)."""

    header: str
    width: float
    text: bool = False
    wrap: bool = False


@dataclass(frozen=True)
class Properties:
    """The document's properties (File > Info)."""

    title: str
    subject: str
    creator: str
    created: dt.datetime  # UTC


class XlsxWriter:
    """Sheets written one after another into a zip, then the workbook parts that name them (`close`)."""

    def __init__(self, target: str | os.PathLike | BinaryIO, properties: Properties) -> None:
        self._zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL)
        self._properties = properties
        self._sheets: list[tuple[str, int, int]] = []  # (name, columns, rows written)

    def __enter__(self) -> XlsxWriter:
        return self

    def __exit__(self, kind, *_) -> None:
        if kind is None:
            self.close()
        else:
            self._zip.close()

    def sheet(
        self, name: str, columns: Sequence[Column], rows: Iterable[Sequence], *, header: str = "", footer: str = ""
    ) -> int:
        """Write one sheet (`header`, `footer`: the printed page's, in Excel's &-codes); the number of data rows."""
        number = len(self._sheets) + 1
        with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w") as out:
            out.write(parts.sheet_head([column.width for column in columns]).encode())
            out.write(_header_row(columns).encode())
            written = _write_rows(out, columns, rows)
            ref = f"A1:{column_letter(len(columns))}{written + 1}"
            out.write(parts.sheet_tail(ref, header, footer).encode())
        self._sheets.append((name, len(columns), written))
        return written

    def close(self) -> None:
        """Write the workbook, its relationships, styles and properties, and close the zip."""
        names = [name for name, _columns, _rows in self._sheets]
        filters = [f"A1:{column_letter(columns)}{rows + 1}" for _name, columns, rows in self._sheets]
        written = {
            "[Content_Types].xml": parts.content_types(len(names)),
            "_rels/.rels": parts.ROOT_RELS,
            "docProps/core.xml": parts.core(**vars(self._properties)),
            "xl/workbook.xml": parts.workbook(names, filters),
            "xl/_rels/workbook.xml.rels": parts.workbook_rels(len(names)),
            "xl/styles.xml": parts.STYLES,
        }
        for name, xml in written.items():
            self._zip.writestr(name, xml.encode())
        self._zip.close()


def column_letter(number: int) -> str:
    """A, B, … Z, AA, … for a column numbered from 1."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_row(columns: Sequence[Column]) -> str:
    cells = "".join(
        f'<c r="{column_letter(i)}1" s="{parts.HEADER}" t="inlineStr"><is><t>{_escape(c.header)}</t></is></c>'
        for i, c in enumerate(columns, 1)
    )  # fmt: skip
    return f'<row r="1">{cells}</row>'


def _write_rows(out: BinaryIO, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
    """The data rows, from row 2; how many. One loop, no call per cell for text and numbers: it is the hot path."""
    layout = [
        (column_letter(i), _attributes(parts.string_style(c.text, c.wrap, False)),
         _attributes(parts.string_style(c.text, c.wrap, True)))
        for i, c in enumerate(columns, 1)
    ]  # fmt: skip
    buffer: list[str] = []
    append = buffer.append
    number = 1
    for values in rows:
        number += 1
        r = str(number)
        append(f'<row r="{r}">')
        for value, (letter, plain, quoted) in zip(values, layout, strict=True):
            kind = type(value)
            if kind is str:
                if not value.isprintable() and ILLEGAL.search(value):
                    value = ILLEGAL.sub("", value)
                if not value:
                    continue
                if "&" in value or "<" in value or ">" in value:
                    value = _escape(value)
                style = quoted if value.startswith(FORMULA_START) else plain
                append(f'<c r="{letter}{r}"{style}><is><t xml:space="preserve">{value}</t></is></c>')
            elif kind is int:
                append(f'<c r="{letter}{r}" t="n"><v>{value}</v></c>')
            elif kind is dt.date:
                days = value.toordinal() - EXCEL_EPOCH
                serial = days if days > 60 else excel_serial(value)
                append(f'<c r="{letter}{r}" s="{parts.DATE}" t="n"><v>{serial}</v></c>')
            elif value is not None:
                append(_other(value, f"{letter}{r}", plain, quoted))
        append("</row>")
        if len(buffer) > BUFFERED:
            out.write("".join(buffer).encode())
            buffer.clear()
    out.write("".join(buffer).encode())
    return number - 1


def _other(value, ref: str, plain: str, quoted: str) -> str:
    """A cell that is neither text nor an int: a float, a date, a datetime, a bool, or anything else as text."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="{parts.DATETIME}" t="n"><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{parts.DATE}" t="n"><v>{excel_serial(value)}</v></c>'
    if isinstance(value, int | float | Decimal) and math.isfinite(value):
        return f'<c r="{ref}" t="n"><v>{value}</v></c>'
    text = ILLEGAL.sub("", str(value))
    if not text:
        return ""
    style = quoted if text.startswith(FORMULA_START) else plain
    return f'<c r="{ref}"{style}><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def excel_serial(value: dt.date) -> int | float:
    """Days since Excel's epoch (1899-12-30), the time of day as the fraction (openpyxl's serial)."""
    days = value.toordinal() - EXCEL_EPOCH
    if 0 < days <= 60:
        days -= 1  # before 1900-03-01: Excel counts a 29 February 1900 that never was
    if not isinstance(value, dt.datetime):
        return days
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    return days + seconds / 86400


def _attributes(style: int) -> str:
    return f' s="{style}" t="inlineStr"' if style else ' t="inlineStr"'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
