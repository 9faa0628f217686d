"""Properties of what an attacker controls: any body, field or text is answered, in time, with no stray exception.

The webhook's parse and decrypt path (bot/protocol) may refuse with its own WebhookError and nothing else; the NLU
reads any text without raising. Every call is timed against a baseline measured in the same run on a benign input
of the same size: a generous factor, so a loaded machine passes and a quadratic path does not.

PROPERTY_EXAMPLES sets the examples per property (default: a CI-sized 60); `PROPERTY_EXAMPLES=2000` digs deeper.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import statistics
import struct
import time
import uuid
from xml.sax.saxutils import escape, quoteattr

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import nlu, protocol, sandbox
from bot.protocol import WebhookError
from tests.support.accounts import VECTOR

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "60"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,  # timed below against a baseline instead of an absolute deadline
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
SLOWER_THAN_BASELINE = 40  # a generous factor: noise stays well under it, a quadratic path on 3,000 characters not
KEY = protocol.aes_key_bytes(VECTOR["aes_key"])
APP_ID = VECTOR["app_id"]


def best_of(call, runs: int = 3) -> float:
    """The fastest of a few runs of `call`, in seconds (a busy machine adds time, never removes it)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def assert_in_time(call, bound_s: float) -> None:
    """`call` returns within `bound_s`; a slow first run is timed again before it counts."""
    started = time.perf_counter()
    call()
    if time.perf_counter() - started > bound_s:
        assert best_of(call, 2) <= bound_s, f"took longer than {bound_s:.3f} s"


def refused_or(call):
    """The call's result, or None when it refused with WebhookError; any other exception fails the property."""
    try:
        return call()
    except WebhookError as exc:
        assert exc.status_code in (400, 403, 413)
        return None


# ---------------------------------------------------------------- strategies

FIELDS = (
    "ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event", "EventKey", "Recognition",
    "Latitude", "Longitude", "Precision", "PicUrl", "MediaId", "Format", "Location_X", "Location_Y", "Label", "Url",
    "Ticket", "ScanCodeInfo", "SendPicsInfo", "MsgID", "Encrypt",
)  # fmt: skip
ODD_VALUES = (
    "text", "event", "image", "voice", "location", "link", "subscribe", "CLICK", "SCAN", "LOCATION", "VIEW", "",
    "-1", "0", "1e9", "9" * 30, "18446744073709551616", str(2**63), "１２３", "NaN", " 12 ", "0x10", "帮助", "]]>",
)  # fmt: skip
# Characters XML 1.0 can carry (no C0 controls but tab/newline, no surrogates, no U+FFFE/U+FFFF).
XML_CHAR = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(chr(c) for c in range(32) if c not in (9, 10, 13)) + "\ufffe\uffff",
)
TAG = st.one_of(st.sampled_from(FIELDS), st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,8}", fullmatch=True))
VALUE = st.one_of(st.text(XML_CHAR, max_size=40), st.sampled_from(ODD_VALUES), st.integers().map(str))


def _element(children):
    return st.tuples(TAG, st.dictionaries(TAG, st.text(XML_CHAR, max_size=8), max_size=2), children, st.booleans())


TREE = st.recursive(
    st.tuples(TAG, st.just({}), VALUE, st.booleans()),
    lambda inner: _element(st.lists(inner, max_size=4)),
    max_leaves=24,
)
ROOT = st.tuples(
    st.sampled_from(["xml", "xml", "xml", "root"]),
    st.dictionaries(TAG, st.text(XML_CHAR, max_size=5), max_size=1),
    st.lists(TREE, max_size=12),
    st.booleans(),
)


def render(node) -> str:
    """An XML element from (tag, attributes, text or children, in CDATA)."""
    tag, attributes, body, cdata = node
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items())
    if isinstance(body, list):
        inner = "".join(render(child) for child in body)
    elif cdata and "]]>" not in body:
        inner = f"<![CDATA[{body}]]>"
    else:
        inner = escape(body)
    return f"<{tag}{attrs}>{inner}</{tag}>"


def message(openid: str, content: str, create_time: str, msg_id: str, msg_type: str = "text") -> str:
    """A text message with the fields as given (escaped, so any XML-safe value is well formed)."""
    fields = {"ToUserName": "gh_x", "FromUserName": openid, "CreateTime": create_time, "MsgType": msg_type}
    fields.update(Content=content, MsgId=msg_id)
    return "<xml>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items()) + "</xml>"


def as_parsed(value: str) -> str:
    """A field's text as an XML parser gives it back: line ends made \\n, then stripped."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def aes_envelope(plain: bytes) -> str:
    """Raw AES-CBC under the account's key, padded as WeChat pads (32-byte PKCS#7), base64: any plaintext at all."""
    pad = 32 - len(plain) % 32
    encryptor = Cipher(algorithms.AES(KEY), modes.CBC(KEY[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()).decode()


# ---------------------------------------------------------------- the protocol


@pytest.fixture(scope="module")
def parse_bound() -> float:
    """The time bound for one parse: a factor of a valid body of the largest accepted size, many fields long."""
    body = b"<xml>" + b"<Field>x</Field>" * 4000 + b"</xml>"  # 64 KiB, repeated fields: xmltodict's slower path
    return SLOWER_THAN_BASELINE * best_of(lambda: protocol.parse_xml(body), 5)


@PROPERTY
@given(st.binary(max_size=4096))
@example(b"<xml>" * 12_000)
@example(b"<xml>" + b"<a>" * 10_000 + b"</a>" * 10_000 + b"</xml>")
@example(b"<" + b"a" * 60_000 + b">")
@example(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>')
def test_any_bytes_are_parsed_or_refused_with_400_in_time(parse_bound, body):
    assert_in_time(lambda: refused_or(lambda: protocol.parse_xml(body)), parse_bound)
    refused_or(lambda: protocol.to_inbound(body))


@PROPERTY
@given(ROOT)
def test_any_xml_tree_gives_a_message_or_a_400(parse_bound, root):
    body = render(root).encode()
    inbound = refused_or(lambda: protocol.to_inbound(body))
    assert_in_time(lambda: refused_or(lambda: protocol.to_inbound(body)), parse_bound)
    if inbound is not None:
        assert inbound.openid and inbound.msg_type and isinstance(inbound.create_time, int)
        assert inbound.dedupe_key and isinstance(inbound.raw, str)


@PROPERTY
@given(
    st.text(XML_CHAR, min_size=1, max_size=80),
    st.text(XML_CHAR, max_size=2000),
    st.one_of(VALUE, st.integers().map(str)),
    st.one_of(VALUE, st.integers().map(str)),
)
@example("o-1", "你好", str(10**20), "1")
@example("o-1", "=cmd|' /C calc'!A0", "１７００００００００", "not a number")
def test_any_field_values_give_the_text_back_or_a_400(openid, content, create_time, msg_id):
    inbound = refused_or(lambda: protocol.to_inbound(message(openid, content, create_time, msg_id).encode()))
    if inbound is not None:
        assert inbound.openid == as_parsed(openid)
        assert inbound.text == as_parsed(content)


@PROPERTY
@given(st.text(max_size=600))
@example(VECTOR["encrypt"][:-4])
@example("a" * 4000)
@example("====")
def test_any_ciphertext_decrypts_or_is_refused(encrypted):
    plain = refused_or(lambda: protocol.decrypt(encrypted, aes_key=KEY, app_id=APP_ID))
    assert plain is None or isinstance(plain, bytes)


@PROPERTY
@given(st.binary(min_size=0, max_size=600), st.integers(0, 2**32 - 1), st.binary(max_size=40))
@example(b"", 2**32 - 1, b"")
@example(b"<xml/>", 6, APP_ID.encode())
def test_any_plaintext_under_the_right_key_opens_or_is_refused(content, declared_length, app_id):
    """Framing as WeChat frames it (16 random bytes, a length, the message, the appid) with every part forged."""
    framed = os.urandom(16) + struct.pack(">I", declared_length) + content + app_id
    plain = refused_or(lambda: protocol.decrypt(aes_envelope(framed), aes_key=KEY, app_id=APP_ID))
    if plain is not None:
        refused_or(lambda: protocol.to_inbound(plain))


@PROPERTY
@given(st.text(XML_CHAR, min_size=1, max_size=40).filter(str.strip), st.text(XML_CHAR, max_size=1500))
def test_an_encrypted_message_comes_back_as_sent(openid, content):
    from wechatpy.crypto import PrpCrypto

    encrypted = PrpCrypto(KEY).encrypt(message(openid, content, "1700000000", "42"), APP_ID).decode()
    inbound = protocol.to_inbound(protocol.decrypt(encrypted, aes_key=KEY, app_id=APP_ID))
    assert (inbound.openid, inbound.text, inbound.dedupe_key) == (as_parsed(openid), as_parsed(content), "msg:42")


ENCODINGS = ("iso-8859-1", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "big5", "utf-8-sig", "ascii")


@PROPERTY
@given(st.sampled_from(ENCODINGS), st.text(XML_CHAR, max_size=60), st.booleans())
@example("iso-8859-1", "café", True)
@example("gbk", "发烧", True)
@example("utf-16", "发烧", True)
def test_a_body_in_any_declared_encoding_gives_its_text_or_a_400(encoding, content, declare):
    xml = message("o-enc", content, "1700000000", "7")
    if declare:
        xml = f'<?xml version="1.0" encoding="{encoding}"?>' + xml
    try:
        body = xml.encode(encoding)
    except UnicodeEncodeError:
        body = xml.encode(encoding, "replace")
    inbound = refused_or(lambda: protocol.to_inbound(body))
    if inbound is not None and declare and "?" not in body.decode(encoding):
        assert inbound.text == as_parsed(content)


# ---------------------------------------------------------------- the NLU

DOMAIN = list("0123456789.一二两三四五六七八九十百千万半度号月日年袋斤个米面油药了吧下也在从回到村发烧温 ，。-:/")
WORDS = [
    "两袋米", "发烧", "38度5", "三十八度五", "从武汉", "回来了", "明天", "鸣皋村", "要", "没了", "降压药", "吃完了",
    "一下", "帮助", "取消", "我的信息", "打了两针", "结婚", "走了", "自驾", "=SUM(A1)", "<script>", "' OR 1=1 --",
]  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=3000),
    st.text(st.sampled_from(DOMAIN), max_size=3000),
    st.lists(st.sampled_from(WORDS), max_size=400).map("".join),
    # A short piece repeated to a few thousand characters: where a quadratic pattern shows.
    st.tuples(st.text(st.sampled_from(DOMAIN), min_size=1, max_size=4), st.integers(1, 3000)).map(
        lambda pair: (pair[0] * pair[1])[:3000]
    ),
)


@pytest.fixture(scope="module")
def nlu_bound() -> float:
    """The time bound for one message: a factor of reading a benign message of 3,000 characters."""
    nlu.warm_up()
    piece = "我从武汉回来了，明天去鸣皋村，要两袋米，发烧38度5，"
    benign = (piece * (3000 // len(piece) + 1))[:3000]
    day = dt.date(2022, 5, 1)
    return SLOWER_THAN_BASELINE * statistics.median(best_of(lambda: nlu.understand(benign, day)) for _ in range(3))


@PROPERTY
@given(TEXT, st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
@example("米" * 3000, dt.date(2022, 5, 1))
@example("0" * 3000, dt.date(2022, 5, 1))
@example("两袋米" * 1000, dt.date(2022, 5, 1))
@example("两38" * 1000, dt.date(2022, 5, 1))
@example("一" * 3000, dt.date(2022, 5, 1))
@example("0" * 65_000, dt.date(2022, 5, 1))  # a whole 64 KiB body of digits: one jieba token of 65,000 characters
@example("米" * 21_000, dt.date(2022, 5, 1))
def test_any_text_is_understood_in_time(nlu_bound, text, today):
    found = []
    assert_in_time(lambda: found.append(nlu.understand(text, today)), nlu_bound)
    assert found[0].intent in nlu.INTENTS


# ---------------------------------------------------------------- over HTTP, the whole path to the inbox


def fresh_nonce() -> str:
    """A nonce of its own for each request: hypothesis seeds `random`, so sign_request's could repeat (a replay)."""
    return uuid.uuid4().hex


@PROPERTY
@given(
    st.text(XML_CHAR, min_size=1, max_size=40).filter(str.strip),
    st.text(XML_CHAR, max_size=300),
    # Times a datetime holds (years 1901-6325); beyond them is the test below.
    st.one_of(st.integers(-(2**31), 2**37).map(str), st.sampled_from(["", "x", "1e9", "１２３"])),
    st.one_of(st.integers(0, 2**64).map(str), st.sampled_from(["", "abc", "-1"])),
)
def test_a_signed_message_with_any_fields_is_answered_without_a_500(server, openid, content, create_time, msg_id):
    signed = sandbox.sign_request(server.settings, "<xml/>", encrypt=False, nonce=fresh_nonce())
    body = message(openid, content, create_time, msg_id).encode()
    response = server.client().http.post(signed.path, content=body, headers={"content-type": "text/xml"})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("create_time", [str(2**63), str(10**12), str(-(10**12))])
def test_a_create_time_beyond_any_date_is_a_400_not_a_500(server, create_time):
    signed = sandbox.sign_request(server.settings, "<xml/>", encrypt=False, nonce=fresh_nonce())
    body = message("o-poison", "你好", create_time, "1").encode()
    response = server.client().http.post(signed.path, content=body, headers={"content-type": "text/xml"})
    assert response.status_code in (200, 400)


LAUGHS = (
    '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE xml [<!ENTITY a "ha">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    "<xml><FromUserName>laughs</FromUserName><MsgType>text</MsgType><Content>&c;&c;&c;</Content></xml>"
)


@pytest.mark.parametrize(
    "encoding",
    [
        "utf-8",
        "utf-8-sig",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
    ],
)
def test_a_doctype_is_refused_in_any_encoding(encoding):
    body = LAUGHS.format(encoding=encoding.removesuffix("-sig")).encode(encoding)
    with pytest.raises(WebhookError) as refused:
        protocol.parse_xml(body)
    assert refused.value.status_code == 400
