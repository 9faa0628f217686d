"""Build signed (and, with a key, encrypted) WeChat requests the way WeChat's servers do.

Used by the simulator and the tests; everything here goes through the real /wechat route.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from bot import protocol
from town.settings import Settings

ACCOUNT = "gh_sandbox"


@dataclass(frozen=True)
class SignedRequest:
    """A ready-to-send POST: path with query, and body."""

    path: str
    body: bytes
    timestamp: str
    nonce: str


def text_xml(openid: str, text: str, *, msg_id: int | None = None, create_time: int | None = None) -> str:
    """A text message from a follower."""
    return _xml(
        openid, create_time, "text", Content=text, MsgId=str(msg_id if msg_id is not None else random.getrandbits(62))
    )


def event_xml(openid: str, event: str, *, event_key: str = "", create_time: int | None = None, **extra) -> str:
    """An event (subscribe, CLICK, SCAN, LOCATION, ...) from a follower."""
    return _xml(openid, create_time, "event", Event=event, EventKey=event_key, **extra)


def message_xml(openid: str, msg_type: str, *, msg_id: int | None = None, **fields: str) -> str:
    """Any other message type (image, voice, location, link...)."""
    return _xml(openid, None, msg_type, MsgId=str(msg_id if msg_id is not None else random.getrandbits(62)), **fields)


def sign_request(
    settings: Settings, xml: str, *, encrypt: bool | None = None, timestamp: int | None = None, nonce: str | None = None
) -> SignedRequest:
    """Sign like WeChat; encrypt (safe mode) when the account has an AES key, unless told otherwise."""
    timestamp_s = str(timestamp if timestamp is not None else int(time.time()))
    nonce = nonce or str(random.randint(10**8, 10**9))
    token = settings.wechat_token
    query = {
        "signature": protocol.sign(token, timestamp_s, nonce),
        "timestamp": timestamp_s,
        "nonce": nonce,
        "openid": _openid_of(xml),
    }
    body = xml
    use_aes = bool(settings.wechat_encoding_aes_key) if encrypt is None else encrypt
    if use_aes:
        key = protocol.aes_key_bytes(settings.wechat_encoding_aes_key)
        from wechatpy.crypto import PrpCrypto

        encrypted = PrpCrypto(key).encrypt(xml, settings.wechat_app_id).decode()
        body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        query.update(encrypt_type="aes", msg_signature=protocol.sign(token, timestamp_s, nonce, encrypted))
    return SignedRequest(f"/wechat?{urlencode(query)}", body.encode(), timestamp_s, nonce)


def read_reply(settings: Settings, body: str) -> str | None:
    """The text of a passive reply (decrypted when needed); None for "success" or an empty body."""
    if not body or body == "success":
        return None
    envelope = protocol.parse_xml(body.encode())
    if "Encrypt" in envelope:
        key = protocol.aes_key_bytes(settings.wechat_encoding_aes_key)
        envelope = protocol.parse_xml(protocol.decrypt(envelope["Encrypt"], aes_key=key, app_id=settings.wechat_app_id))
    return envelope.get("Content")


def _xml(openid: str, create_time: int | None, msg_type: str, **fields: str) -> str:
    parts = [
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
        f"<FromUserName><![CDATA[{escape(openid)}]]></FromUserName>",
        f"<CreateTime>{create_time if create_time is not None else int(time.time())}</CreateTime>",
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
    ]
    parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
    return "<xml>" + "".join(parts) + "</xml>"


def _openid_of(xml: str) -> str:
    start = xml.find("<FromUserName><![CDATA[") + len("<FromUserName><![CDATA[")
    return xml[start : xml.find("]]>", start)]
