"""GET/POST /wechat: verify, decrypt, parse, hand to the inbox, reply (encrypted when asked)."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response

from bot import protocol
from bot.protocol import WebhookError
from bot.sourceip import CallbackIps

log = logging.getLogger(__name__)


async def verify_server(request: Request) -> Response:
    """WeChat's server check: echo `echostr` as plain text when the signature is ours."""
    settings = request.app.state.settings
    query = request.query_params
    try:
        protocol.check_signature(
            (settings.wechat_token, query.get("timestamp", ""), query.get("nonce", "")), query.get("signature")
        )
        protocol.check_timestamp(query.get("timestamp"), max_skew_s=settings.webhook_max_skew_s)
    except WebhookError as exc:
        return _refuse(exc)
    return PlainTextResponse(query.get("echostr", ""))


async def receive(request: Request) -> Response:
    """One message or event from WeChat; always answered well inside WeChat's 5 s."""
    app_state = request.app.state
    settings = app_state.settings
    query = request.query_params
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    try:
        _check_source(request, app_state.callback_ips)
        # The signature covers the query only: unsigned junk is refused before its body is read.
        signature = query.get("signature")
        protocol.check_signature((settings.wechat_token, timestamp, nonce), signature)
        protocol.check_timestamp(timestamp, max_skew_s=settings.webhook_max_skew_s)
        body = await _read_body(request, settings.webhook_max_body_bytes)
        plain, encrypted = _open(body, query, settings, app_state.aes_key)
        inbound = protocol.to_inbound(plain, request=protocol.stamp(signature, timestamp, plain))
    except WebhookError as exc:
        return _refuse(exc)
    try:
        reply = await app_state.inbox.handle(inbound)
    except WebhookError as exc:  # this message alone was refused (a signed query used again with another body)
        return _refuse(exc)
    except OSError:
        # Neither the database nor the local spool could store it: let WeChat retry rather than lose it.
        log.exception("could not store a message from %s anywhere", inbound.openid)
        return PlainTextResponse("temporarily unavailable", status_code=503)
    if not reply:
        return PlainTextResponse("success")
    xml = protocol.render_text_reply(inbound, reply)
    if encrypted:
        xml = protocol.encrypt_reply(
            xml,
            aes_key=app_state.aes_key,
            app_id=settings.wechat_app_id,
            token=settings.wechat_token,
            timestamp=timestamp,
            nonce=nonce,
        )
    return Response(xml, media_type="application/xml")


def _check_source(request: Request, callback_ips: CallbackIps | None) -> None:
    """With WECHAT_CHECK_SOURCE_IP, refuse (403) a request that does not come from WeChat's callback addresses."""
    if callback_ips is None:
        return
    peer = request.client.host if request.client else None
    if not callback_ips.allows(peer, request.headers.get("x-forwarded-for")):
        raise WebhookError(403, f"not from WeChat's callback addresses (peer {peer})")


def _open(body: bytes, query, settings, aes_key: bytes) -> tuple[bytes, bool]:
    """The plaintext message this request may act on, and whether the reply must be encrypted.

    With an AES key (safe mode, the default, or compatible mode) only the encrypted part is ever read: the
    plaintext fields of a compatible-mode body are covered by no signature.
    """
    mode = settings.message_mode
    if query.get("encrypt_type", "raw").lower() != "aes":
        if mode != "plaintext":
            raise _misconfigured(f"a plaintext message, but WECHAT_MESSAGE_MODE is {mode}: only encrypted ones count")
        return body, False
    envelope = protocol.parse_xml(body)
    encrypted = envelope.get("Encrypt")
    if not aes_key:
        if envelope.get("MsgType"):
            # Compatible mode while we hold no key: the plaintext fields are there; answer in plain.
            return body, False
        raise WebhookError(400, "encrypted message but WECHAT_ENCODING_AES_KEY is not set")
    if not isinstance(encrypted, str) or not encrypted:
        raise WebhookError(400, "encrypt_type=aes without <Encrypt>")
    if mode == "safe" and (envelope.get("MsgType") or envelope.get("FromUserName")):
        raise _misconfigured("a compatible-mode message (plaintext beside <Encrypt>), but WECHAT_MESSAGE_MODE is safe")
    protocol.check_signature(
        (settings.wechat_token, query.get("timestamp", ""), query.get("nonce", ""), encrypted),
        query.get("msg_signature"),
    )
    return protocol.decrypt(encrypted, aes_key=aes_key, app_id=settings.wechat_app_id), True


def _misconfigured(reason: str) -> WebhookError:
    """A signed request in another mode than ours: the console and WECHAT_MESSAGE_MODE may disagree, so say so."""
    log.warning("webhook refused %s (set WECHAT_MESSAGE_MODE to match the console's 消息加解密方式)", reason)
    return WebhookError(403, reason)


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything larger than the limit without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise WebhookError(413, "body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebhookError(413, "body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse(exc: WebhookError) -> Response:
    log.info("webhook refused a request: %s %s", exc.status_code, exc.reason)
    return PlainTextResponse(exc.reason, status_code=exc.status_code)
