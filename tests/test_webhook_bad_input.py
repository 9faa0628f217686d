"""Bad requests are refused with the right status, never a 500, and never hurt the next good one."""

from __future__ import annotations

import random
import time

import pytest

from bot import protocol, sandbox
from tests.support.accounts import VECTOR_ACCOUNT


def signed_path(settings, **overrides) -> str:
    signed = sandbox.sign_request(settings, sandbox.text_xml("bad-1", "x"), encrypt=False)
    path = signed.path
    for key, value in overrides.items():
        path = path.replace(f"{key}=", f"{key}={value}&was_{key}=", 1)
    return path


def post(server, path: str, body: bytes):
    return server.client().http.post(path, content=body, headers={"content-type": "text/xml"})


def test_missing_signature_is_403(server):
    assert post(server, "/wechat", sandbox.text_xml("bad-1", "x").encode()).status_code == 403


def test_bad_signature_is_403(server):
    signed = sandbox.sign_request(server.settings, sandbox.text_xml("bad-1", "x"))
    path = signed.path.replace("signature=", "signature=0", 1)
    assert post(server, path, signed.body).status_code == 403


def test_a_replayed_old_request_is_refused(server):
    signed = sandbox.sign_request(server.settings, sandbox.text_xml("bad-1", "x"), timestamp=int(time.time()) - 601)
    assert post(server, signed.path, signed.body).status_code == 403
    fresh = sandbox.sign_request(server.settings, sandbox.text_xml("bad-1", "x"), timestamp=int(time.time()) - 500)
    assert post(server, fresh.path, fresh.body).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"<xml><ToUserName>",
        b"not xml at all",
        b"<root><MsgType>text</MsgType></root>",
        b"<xml><MsgType>text</MsgType></xml>",
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e "boom">]><xml><FromUserName>&e;</FromUserName></xml>',
        b'<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml/>',
        "<xml><FromUserName>a</FromUserName><MsgType>text</MsgType><Content>\udcff</Content></xml>".encode(
            "utf-8", "surrogatepass"
        ),
    ],
)
def test_malformed_bodies_are_400(server, body):
    signed = sandbox.sign_request(server.settings, "<xml/>")
    assert post(server, signed.path, body).status_code == 400


def test_body_over_64_kib_is_413(server):
    signed = sandbox.sign_request(server.settings, "<xml/>")
    huge = sandbox.text_xml("bad-1", "长" * 30_000).encode()
    assert len(huge) > 64 * 1024
    assert post(server, signed.path, huge).status_code == 413


def test_body_over_64_kib_without_content_length_is_413(server):
    signed = sandbox.sign_request(server.settings, "<xml/>")

    def chunks():
        for _ in range(80):
            yield b"x" * 1024

    response = server.client().http.post(signed.path, content=chunks())
    assert response.status_code == 413


@pytest.fixture
def aes_server(servers):
    return servers(**VECTOR_ACCOUNT)


def encrypted_request(settings, encrypted: str):
    timestamp, nonce = str(int(time.time())), "123456"
    token = settings.wechat_token
    query = (
        f"signature={protocol.sign(token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}"
        f"&encrypt_type=aes&msg_signature={protocol.sign(token, timestamp, nonce, encrypted)}"
    )
    return f"/wechat?{query}", f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()


@pytest.mark.parametrize("encrypted", ["!!!not-base64!!!", "YWJj", "QUFBQUFBQUFBQUFBQUFBQQ==" * 3])
def test_undecryptable_payloads_are_400(aes_server, encrypted):
    path, body = encrypted_request(aes_server.settings, encrypted)
    assert post(aes_server, path, body).status_code == 400


def test_wrong_aes_key_is_400(aes_server, make_settings):
    other = make_settings(**{**VECTOR_ACCOUNT, "wechat_encoding_aes_key": "B" * 43})
    xml = sandbox.text_xml("bad-key", "x")
    encrypted = sandbox.sign_request(other, xml, encrypt=True).body.decode().split("CDATA[")[2].split("]]")[0]
    path, body = encrypted_request(aes_server.settings, encrypted)
    assert post(aes_server, path, body).status_code == 400


def test_message_for_another_appid_is_400(aes_server, make_settings):
    other = make_settings(**{**VECTOR_ACCOUNT, "wechat_app_id": "wx0000000000000000"})
    encrypted = sandbox.sign_request(other, sandbox.text_xml("bad-app", "x"), encrypt=True).body.decode()
    encrypted = encrypted.split("CDATA[")[2].split("]]")[0]
    path, body = encrypted_request(aes_server.settings, encrypted)
    assert post(aes_server, path, body).status_code == 400


def test_aes_request_without_encrypt_element_is_400(aes_server):
    path, _ = encrypted_request(aes_server.settings, "")
    assert post(aes_server, path, b"<xml><ToUserName>x</ToUserName></xml>").status_code == 400


def test_random_garbage_never_makes_a_500_and_the_service_keeps_answering(server):
    rng = random.Random(7)
    signed = sandbox.sign_request(server.settings, "<xml/>")
    statuses = set()
    for _ in range(150):
        size = rng.randint(0, 3000)
        body = bytes(rng.getrandbits(8) for _ in range(size))
        if rng.random() < 0.5:
            body = b"<xml>" + body + b"</xml>"
        statuses.add(post(server, signed.path, body).status_code)
    assert statuses <= {400, 413}
    assert "我的信息" in server.client("bad-after").say("帮助")
