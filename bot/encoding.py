"""An XML body as UTF-8 text: decoded by its byte-order mark or its declaration, or refused.

WeChat sends UTF-8, but a body may declare another encoding. Parsing it as declared and storing it as UTF-8 would
make the stored copy lie about itself (a replay from the spool would read it wrong), so the body is decoded here,
its declaration dropped, and what follows is plain UTF-8 XML with no declaration.
"""

from __future__ import annotations

import codecs
import re

# Byte-order marks, longest first: UTF-32-LE's mark begins with UTF-16-LE's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# UTF-16 without a mark, recognised by how "<?" is written (the XML spec's appendix F).
UNMARKED = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
# Encodings a Chinese sender might declare; anything else (UTF-7, EBCDIC...) is refused rather than guessed.
# GB2312 and GBK bodies are read as GB18030, their superset: senders who declare one often write the other.
ACCEPTED = {
    "utf-8": "utf-8",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-32": "utf-32",
    "utf-32-le": "utf-32-le",
    "utf-32-be": "utf-32-be",
    "ascii": "ascii",
    "iso8859-1": "iso8859-1",
    "cp1252": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
}
DECLARATION_BYTES = re.compile(rb"\A\s*<\?xml\b[^>]*>")
DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*>")
DECLARED = re.compile(r"""\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


class EncodingRefused(ValueError):
    """A body whose encoding is unknown, not accepted, or not what its bytes are."""


def utf8_xml(body: bytes) -> tuple[bytes, str]:
    """The body as UTF-8 bytes and as text, without a BOM or declaration; EncodingRefused if it cannot be read."""
    if not body.startswith(b"<?xml") and not _marked(body):
        # WeChat's own messages: UTF-8, no declaration. Only checked, not rewritten.
        return body, _decode(body, "utf-8")
    text = DECLARATION.sub("", _decode_marked_or_declared(body), count=1)
    return text.encode("utf-8"), text


def _marked(body: bytes) -> bool:
    return body[:1] in (b"\xef", b"\xfe", b"\xff", b"\x00") or body[1:2] == b"\x00"


def _decode_marked_or_declared(body: bytes) -> str:
    for mark, encoding in BOMS:
        if body.startswith(mark):
            return _decode(body[len(mark) :], encoding)
    for start, encoding in UNMARKED:
        if body.startswith(start):
            return _decode(body, encoding)
    declaration = DECLARATION_BYTES.match(body)
    declared = DECLARED.search(declaration.group().decode("ascii", "replace")) if declaration else None
    return _decode(body, _accepted(declared.group(1)) if declared else "utf-8")


def _accepted(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name
    except LookupError as exc:
        raise EncodingRefused(f"unknown encoding {name!r}") from exc
    if canonical not in ACCEPTED:
        raise EncodingRefused(f"encoding {name!r} is not accepted")
    return ACCEPTED[canonical]


def _decode(body: bytes, encoding: str) -> str:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingRefused(f"the body is not valid {encoding}") from exc
