"""WeChat's wire protocol: signatures, AES envelopes, parsing and replies. Pure functions, no I/O."""

from __future__ import annotations

import binascii
import hashlib
import hmac
import struct
import time
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.crypto import PrpCrypto
from wechatpy.events import EVENT_TYPES
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.messages import MESSAGE_TYPES, BaseMessage, UnknownMessage

from bot import fields
from bot.encoding import EncodingRefused, utf8_xml

FORBIDDEN_XML = (b"<!doctype", b"<!entity")
# Events WeChat counts as the person acting: they open a short (1-minute, 3-message) customer-service window.
SHORT_WINDOW_EVENTS = frozenset({"subscribe", "scan", "click", "view"})


class WebhookError(Exception):
    """A request the webhook refuses, with the HTTP status to answer."""

    def __init__(self, status_code: int, reason: str):
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True)
class RequestStamp:
    """The signed query a message came with, and a hash of the message it carried (for replay protection)."""

    signature: str
    timestamp: int
    body_hash: str


def stamp(signature: str, timestamp: str, plain_xml: bytes) -> RequestStamp:
    """The stamp of a request whose signature and timestamp were checked, over the message it acts on."""
    return RequestStamp(signature.lower(), int(timestamp), hashlib.blake2b(plain_xml, digest_size=16).hexdigest())


@dataclass(frozen=True)
class Inbound:
    """One parsed message or event, in the fields the service uses."""

    message: BaseMessage
    openid: str
    msg_type: str
    event: str | None
    event_key: str | None
    text: str | None
    dedupe_key: str
    create_time: int
    raw: str
    request: RequestStamp | None = None  # None: not from the webhook (a spooled message replayed)

    @property
    def window(self) -> str | None:
        """The customer-service window this opens: "long" for a message, "short" for a click, follow or scan."""
        if self.msg_type != "event":
            return "long"
        return "short" if self.event in SHORT_WINDOW_EVENTS else None


def sign(*parts: str) -> str:
    """WeChat's SHA-1 signature over the sorted parts."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_signature(expected_parts: tuple[str, ...], given: str | None) -> None:
    """Raise 403 unless the given signature matches, compared in constant time."""
    if not given or not hmac.compare_digest(sign(*expected_parts), given.lower()):
        raise WebhookError(403, "bad signature")


def check_timestamp(timestamp: str | None, *, max_skew_s: int, now: float | None = None) -> None:
    """Refuse a timestamp that is missing or too far from now (a replayed request)."""
    try:
        value = int(timestamp or "")
    except ValueError as exc:
        raise WebhookError(403, "bad timestamp") from exc
    if abs((now if now is not None else time.time()) - value) > max_skew_s:
        raise WebhookError(403, "timestamp outside the allowed window")


def parse_xml(body: bytes) -> dict:
    """Parse a WeChat XML envelope in any accepted encoding, refusing DOCTYPE/ENTITY and malformed input with 400."""
    return _parse_utf8(_utf8(body)[0])


def _utf8(body: bytes) -> tuple[bytes, str]:
    """The body as UTF-8 bytes without a declaration, and as text; 400 when its encoding cannot be read."""
    try:
        return utf8_xml(body)
    except EncodingRefused as exc:
        raise WebhookError(400, str(exc)) from exc


def _parse_utf8(body: bytes) -> dict:
    # The forbidden markers are looked for in UTF-8: a UTF-16 DOCTYPE cannot slip past them.
    if not body.strip():
        raise WebhookError(400, "empty body")
    if any(marker in body.lower() for marker in FORBIDDEN_XML):
        raise WebhookError(400, "DOCTYPE and entities are not accepted")
    flat = _flat_envelope(body)
    if flat is not None:
        return flat
    try:
        document = xmltodict.parse(body, disable_entities=True)
    except (ExpatError, ValueError) as exc:
        raise WebhookError(400, f"malformed XML: {exc}") from exc
    envelope = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(envelope, dict):
        raise WebhookError(400, "the root element must be <xml>")
    return envelope


def _flat_envelope(body: bytes) -> dict | None:
    """A flat <xml> of text fields, read as xmltodict would (stripped, empty as None); None for anything else.

    Every message and nearly every event is flat; ElementTree reads them in a third of xmltodict's time. Whatever
    is not (nested fields, attributes, repeated or no fields, malformed XML) goes to xmltodict and its errors.
    """
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return None
    if root.tag != "xml" or root.attrib or not len(root):
        return None
    values: dict = {}
    for child in root:
        if len(child) or child.attrib or child.tag in values or not isinstance(child.tag, str):
            return None
        values[child.tag] = (child.text or "").strip() or None
    return values


def decrypt(encrypted: str, *, aes_key: bytes, app_id: str) -> bytes:
    """Open an AES envelope; bad base64, a wrong key or another appid are 400."""
    try:
        plain = PrpCrypto(aes_key).decrypt(encrypted, app_id)
    except InvalidAppIdException as exc:
        raise WebhookError(400, "message was encrypted for another appid") from exc
    except (binascii.Error, UnicodeDecodeError, ValueError, IndexError, TypeError, struct.error) as exc:
        raise WebhookError(400, f"cannot decrypt: {type(exc).__name__}") from exc
    return plain.encode() if isinstance(plain, str) else plain


def encrypt_reply(xml: str, *, aes_key: bytes, app_id: str, token: str, timestamp: str, nonce: str) -> str:
    """Wrap a reply in the AES envelope, signed with the request's timestamp and nonce."""
    encrypted = PrpCrypto(aes_key).encrypt(xml, app_id)
    encrypted = encrypted.decode() if isinstance(encrypted, bytes) else encrypted
    signature = sign(token, timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    )


def aes_key_bytes(encoding_aes_key: str) -> bytes:
    """The 32-byte key behind the console's 43-character EncodingAESKey."""
    return binascii.a2b_base64(encoding_aes_key + "=")


def to_inbound(plain_xml: bytes, *, request: RequestStamp | None = None) -> Inbound:
    """Parse a plaintext message (once) into wechatpy's typed message and the service's fields.

    Every conversion happens here, so a message that cannot be read is refused (400) on its own, before it joins
    other messages' transaction.
    """
    xml, raw = _utf8(plain_xml)
    envelope = _parse_utf8(xml)
    try:
        return _inbound(envelope, raw, request)
    except WebhookError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError, OSError) as exc:
        raise WebhookError(400, f"unparseable message: {type(exc).__name__}: {exc}") from exc


def _inbound(envelope: dict, raw: str, request: RequestStamp | None) -> Inbound:
    openid = fields.text(envelope, "FromUserName", required=True)
    msg_type = fields.text(envelope, "MsgType", required=True).lower()
    event = (fields.text(envelope, "Event") or "").lower() or None
    event_key = fields.text(envelope, "EventKey")
    create_time = fields.create_time(envelope)
    fields.check(envelope, msg_type)
    message = _typed_message(dict(envelope), msg_type, event)
    fields.convert_all(message)
    return Inbound(
        message=message,
        openid=openid,
        msg_type=msg_type,
        event=event,
        event_key=event_key,
        text=_text_of(envelope, msg_type),
        dedupe_key=_dedupe_key(envelope, msg_type, event, event_key, create_time),
        create_time=create_time,
        raw=raw,
        request=request,
    )


def _typed_message(envelope: dict, msg_type: str, event: str | None) -> BaseMessage:
    """wechatpy's message class for the type, built from the already-parsed fields (as parse_message does)."""
    if msg_type == "event":
        return EVENT_TYPES.get(event, UnknownMessage)(envelope)
    return MESSAGE_TYPES.get(msg_type, UnknownMessage)(envelope)


TEXT_REPLY = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[{content}]]></Content>\n"
    "<FromUserName><![CDATA[{source}]]></FromUserName>\n<ToUserName><![CDATA[{target}]]></ToUserName>\n"
    "<CreateTime>{time}</CreateTime>\n</xml>"
)


def render_text_reply(inbound: Inbound, content: str) -> str:
    """A passive text reply to the message's sender, as wechatpy's TextReply writes it (at a third of the cost)."""
    message = inbound.message
    return TEXT_REPLY.format(
        content=_cdata(content), source=_cdata(message.target), target=_cdata(message.source), time=int(time.time())
    )


def _cdata(value) -> str:
    """Text for a CDATA section: a 「]]>」 inside it is split across two sections."""
    return str(value).replace("]]>", "]]]]><![CDATA[>")


def _text_of(envelope: dict, msg_type: str) -> str | None:
    if msg_type == "text":
        return fields.text(envelope, "Content") or ""
    if msg_type == "voice":
        # Speech-to-text, present when the account has voice recognition on.
        return fields.text(envelope, "Recognition") or None
    return None


def _dedupe_key(envelope: dict, msg_type: str, event: str | None, event_key: str | None, create_time: int) -> str:
    if msg_type != "event" and envelope.get("MsgId"):
        return f"msg:{envelope['MsgId']}"
    return f"event:{create_time}:{event or msg_type}:{event_key or ''}"
