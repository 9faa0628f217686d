"""One poison message fails only itself: refused with its own 400, never touching another message's transaction;
bodies in other encodings are read as they declare or refused, never a 500."""

from __future__ import annotations

import asyncio
import dataclasses
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from bot import protocol, sandbox
from bot.inbox import Inbox
from models.db import transaction
from models.inbound import InboundMessage

HELP_REPLY = "我的信息"


def with_field(xml: str, name: str, value: str) -> str:
    """The message with one field's value replaced (or added when absent)."""
    start = xml.find(f"<{name}>")
    if start < 0:
        return xml.replace("</xml>", f"<{name}>{value}</{name}></xml>")
    end = xml.index(f"</{name}>", start) + len(f"</{name}>")
    return xml[:start] + f"<{name}>{value}</{name}>" + xml[end:]


def poison(i: int) -> bytes:
    """Twenty kinds of message no WeChat server sends, each signed as if it did."""
    openid = f"pz-bad-{i}"
    text = sandbox.text_xml(openid, "帮助", msg_id=880_000 + i)
    kinds = [
        with_field(text, "CreateTime", "99999999999999999999"),
        with_field(text, "MsgId", "abc"),
        with_field(text, "CreateTime", "-5"),
        with_field(text, "MsgId", str(2**64)),
        with_field(text, "CreateTime", "１７００００００００"),  # full-width digits: int() would take them
        with_field(text, "FromUserName", "<a>nested</a>"),
        with_field(text, "FromUserName", "o" * 65),
        text.replace("<MsgId>", "<MsgId>1</MsgId><MsgId>", 1),  # a repeated field
        sandbox.event_xml(openid, "LOCATION", Latitude="nan", Longitude="120.1"),
        sandbox.event_xml(openid, "LOCATION", Latitude="31.2", Longitude="1e999"),
        sandbox.message_xml(openid, "location", Location_X="north", Location_Y="120.1"),
        sandbox.event_xml(openid, "CLICK", event_key="k" * 300),
        sandbox.event_xml(openid, "E" * 80),
        sandbox.event_xml(openid, "TEMPLATESENDJOBFINISH", MsgID="zz", Status="success"),
        sandbox.event_xml(openid, "MASSSENDJOBFINISH", MsgID="1", TotalCount="many"),
        with_field(text, "Content", "<b>nested</b>"),
    ]
    encoded = [
        ('<?xml version="1.0" encoding="UTF-7"?>' + text).encode(),
        ('<?xml version="1.0" encoding="klingon"?>' + text).encode(),
        ('<?xml version="1.0" encoding="UTF-8"?>' + text).encode("gbk"),  # GBK bytes that claim to be UTF-8
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>' + text).encode("utf-16"),
    ]
    return ([kind.encode() for kind in kinds] + encoded)[i % 20]


def post(server, body: bytes) -> httpx.Response:
    signed = sandbox.sign_request(server.settings, "<xml/>", encrypt=False)
    return httpx.post(server.url + signed.path, content=body, headers={"content-type": "text/xml"}, timeout=30)


def stored(server, prefix: str) -> list[InboundMessage]:
    with transaction(server.state.db) as session:
        query = select(InboundMessage).where(InboundMessage.openid.like(f"{prefix}%"))
        return list(session.execute(query).scalars())


@pytest.mark.parametrize("i", range(20))
def test_each_kind_of_poison_is_400(server, i):
    response = post(server, poison(i))
    assert response.status_code == 400, response.text


def test_twenty_poison_messages_among_two_hundred_fail_only_themselves(server):
    valid = [sandbox.text_xml(f"pz-ok-{i}", "帮助", msg_id=770_000 + i).encode() for i in range(200)]
    bodies = [(True, body) for body in valid]
    for i in range(20):
        bodies.insert(i * 10 + 5, (False, poison(i)))
    with ThreadPoolExecutor(24) as pool:
        responses = list(pool.map(lambda item: post(server, item[1]), bodies))
    outcomes = [(good, response.status_code) for (good, _), response in zip(bodies, responses, strict=True)]
    assert [status for good, status in outcomes if not good] == [400] * 20
    assert [status for good, status in outcomes if good] == [200] * 200
    pairs = zip(bodies, responses, strict=True)
    replies = [sandbox.read_reply(server.settings, r.text) for (good, _), r in pairs if good]
    assert all(HELP_REPLY in reply for reply in replies)
    rows = stored(server, "pz-ok-")
    assert len(rows) == 200 and {row.status for row in rows} == {"handled"}
    assert stored(server, "pz-bad-") == []


def test_a_message_that_breaks_its_batch_fails_alone(server):
    """Whatever slips past the protocol and breaks the shared transaction, the others are handled without it."""
    state = server.state
    inbox = Inbox(state.db, server.settings, state.dialogue, state.villages, risk=state.risk)
    good = [protocol.to_inbound(sandbox.text_xml(f"pz-batch-{i}", "帮助").encode()) for i in range(8)]
    bad = dataclasses.replace(good[0], openid="pz-batch-bad", create_time=10**20)  # OverflowError in the row

    async def all_at_once():
        batch = [*good[:4], bad, *good[4:]]
        return await asyncio.gather(*(inbox.handle(inbound) for inbound in batch), return_exceptions=True)

    try:
        outcomes = asyncio.run(all_at_once())
    finally:
        inbox.close()
    assert isinstance(outcomes[4], OverflowError)
    assert all(HELP_REPLY in reply for reply in outcomes[:4] + outcomes[5:])
    assert len(stored(server, "pz-batch-")) == 8


ENCODED = [
    ("ISO-8859-1", "latin-1", "café"),  # Latin-1 cannot carry Chinese: the accented letter is its non-ASCII byte
    ("GBK", "gbk", "帮助"),
    ("gb2312", "gb2312", "帮助"),
    ("GB18030", "gb18030", "帮助"),
    ("UTF-16", "utf-16", "帮助"),  # with a byte-order mark
    ("UTF-16LE", "utf-16-le", "帮助"),  # without one
    ("UTF-8", "utf-8-sig", "帮助"),
]


@pytest.mark.parametrize(("declared", "codec", "text"), ENCODED)
def test_a_body_in_another_encoding_is_read_as_it_declares(server, declared, codec, text):
    openid = f"pz-enc-{codec}"
    xml = f'<?xml version="1.0" encoding="{declared}"?>' + sandbox.text_xml(openid, text, msg_id=660_001)
    response = post(server, xml.encode(codec))
    assert response.status_code == 200
    [row] = stored(server, openid)
    assert row.text == text
    # The stored copy is plain UTF-8 with no declaration, so a replay from the spool reads it the same way.
    assert "encoding" not in row.raw
    assert protocol.to_inbound(row.raw.encode("utf-8")).text == text
    if text == "帮助":
        assert HELP_REPLY in sandbox.read_reply(server.settings, response.text)


REFUSED = [
    ('<?xml version="1.0" encoding="UTF-7"?>' + sandbox.text_xml("pz-r", "帮助")).encode(),
    ('<?xml version="1.0" encoding="EBCDIC-CP-US"?>' + sandbox.text_xml("pz-r", "x")).encode("cp037"),
    ('<?xml version="1.0" encoding="GBK"?>' + sandbox.text_xml("pz-r", "帮助")).encode("gbk") + b"\x81",
    ('<?xml version="1.0" encoding="UTF-16"?>' + sandbox.text_xml("pz-r", "帮助")).encode("utf-16")[:-1],
    b"\xef\xbb\xbf" + sandbox.text_xml("pz-r", "帮助").encode("gbk"),  # a UTF-8 mark on GBK bytes
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + sandbox.text_xml("pz-r", "&a;")).encode("utf-16"),
]


@pytest.mark.parametrize("body", REFUSED)
def test_a_body_that_is_not_what_it_declares_is_400(server, body):
    assert post(server, body).status_code == 400
