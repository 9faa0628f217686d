"""The fixed parts of an XLSX package as `xlsx_stream` writes it: content types, relationships, workbook, styles,
document properties, and each sheet's XML around its rows."""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape, quoteattr

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Cell styles (indices into cellXfs below); a string's style is STRING + its bits (text "@", wrapped, quote prefix).
HEADER, DATE, DATETIME, STRING = 1, 2, 3, 4
TEXT_BIT, WRAP_BIT, QUOTE_BIT = 1, 2, 4


def string_style(text: bool, wrap: bool, quote: bool) -> int:
    """The cellXfs index of a string cell shown as text ("@"), wrapped, quote-prefixed (0: none of these)."""
    bits = text * TEXT_BIT | wrap * WRAP_BIT | quote * QUOTE_BIT
    return STRING + bits if bits else 0


def _string_xf(bits: int) -> str:
    number = ' numFmtId="49" applyNumberFormat="1"' if bits & TEXT_BIT else ' numFmtId="0"'
    quote = ' quotePrefix="1"' if bits & QUOTE_BIT else ""
    if bits & WRAP_BIT:
        return f'<xf{number} fontId="0" fillId="0" borderId="0" xfId="0"{quote} applyAlignment="1">' \
            '<alignment vertical="top" wrapText="1"/></xf>'  # fmt: skip
    return f'<xf{number} fontId="0" fillId="0" borderId="0" xfId="0"{quote}/>'


_XFS = [
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>',
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
    *(_string_xf(bits) for bits in range(8)),
]
STYLES = (
    f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_XFS)}">{"".join(_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
)

ROOT_RELS = (
    f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PACKAGE_RELS}/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)


def content_types(sheets: int) -> str:
    """[Content_Types].xml for a workbook of that many sheets."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{TYPES}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{TYPES}.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f"{overrides}</Types>"
    )


def workbook_rels(sheets: int) -> str:
    """The workbook's relationships: its sheets (rId1…), then its styles."""
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    return f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELS}">{links}{styles}</Relationships>'


def workbook(names: list[str], filters: list[str]) -> str:
    """workbook.xml: the sheets, each one's filtered range and its header row repeated on printed pages."""
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1)
    )  # fmt: skip
    defined = []
    for index, (name, ref) in enumerate(zip(names, filters, strict=True)):
        quoted = "'" + name.replace("'", "''") + "'"
        absolute = _absolute(ref)
        defined.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{escape(quoted)}!{absolute}</definedName>"
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{escape(quoted)}!$1:$1</definedName>'
        )
    return (
        f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>{''.join(defined)}</definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _absolute(ref: str) -> str:
    """A1:Q7 → $A$1:$Q$7."""
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def core(*, title: str, subject: str, creator: str, created: dt.datetime) -> str:
    """docProps/core.xml: title, subject, author, and when (created and last modified: the export)."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )


def sheet_head(widths: list[float]) -> str:
    """A sheet's XML up to its first row: the header row frozen, the columns' widths."""
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{width:g}" customWidth="1"/>' for n, width in enumerate(widths, 1)
    )  # fmt: skip
    return (
        f'{DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    )


def sheet_tail(filtered: str, header: str, footer: str) -> str:
    """A sheet's XML after its last row: the filter on the table, printed landscape with header and footer."""
    return (
        f'</sheetData><autoFilter ref="{filtered}"/>'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        '<pageSetup orientation="landscape"/>'
        f"<headerFooter><oddHeader>{escape(header)}</oddHeader><oddFooter>{escape(footer)}</oddFooter>"
        "</headerFooter></worksheet>"
    )
