"""The WeChat protocol over HTTP: the official demo vector, the three modes, and verification."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
import xmltodict
from sqlalchemy import text
from wechatpy.replies import TextReply

from bot import protocol, sandbox
from models.db import transaction
from tests.support.accounts import VECTOR, VECTOR_ACCOUNT


@pytest.fixture
def vector_server(servers):
    return servers(**VECTOR_ACCOUNT)


def vector_query(**extra) -> dict:
    return {
        "signature": VECTOR["signature"],
        "timestamp": VECTOR["timestamp"],
        "nonce": VECTOR["nonce"],
        "encrypt_type": "aes",
        "msg_signature": VECTOR["msg_signature"],
        "openid": "oyORnuP8q7ou2gfYjqLzSIWZf0rs",
        **extra,
    }


def test_demo_vector_decrypts_and_reply_is_encrypted_with_the_request_timestamp_and_nonce(vector_server):
    body = (
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        f"<Encrypt><![CDATA[{VECTOR['encrypt']}]]></Encrypt></xml>"
    )
    client = vector_server.client()
    with time_machine.travel(int(VECTOR["timestamp"]) + 3, tick=False):
        response = client.http.post("/wechat", params=vector_query(), content=body)
    assert response.status_code == 200
    envelope = protocol.parse_xml(response.content)
    assert envelope["TimeStamp"] == VECTOR["timestamp"] and envelope["Nonce"] == VECTOR["nonce"]
    assert envelope["MsgSignature"] == protocol.sign(
        VECTOR["token"], VECTOR["timestamp"], VECTOR["nonce"], envelope["Encrypt"]
    )
    inner = protocol.parse_xml(
        protocol.decrypt(
            envelope["Encrypt"], aes_key=protocol.aes_key_bytes(VECTOR["aes_key"]), app_id=VECTOR["app_id"]
        )
    )
    assert inner["ToUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert inner["FromUserName"] == "gh_10f6c3c3ac5a"
    assert inner["MsgType"] == "text" and inner["Content"]


def test_demo_vector_with_a_wrong_msg_signature_is_403(vector_server):
    body = f"<xml><Encrypt><![CDATA[{VECTOR['encrypt']}]]></Encrypt></xml>"
    with time_machine.travel(int(VECTOR["timestamp"]), tick=False):
        response = vector_server.client().http.post(
            "/wechat", params=vector_query(msg_signature="0" * 40), content=body
        )
    assert response.status_code == 403


def test_get_verification_echoes_plain_text(vector_server):
    with time_machine.travel(int(VECTOR["timestamp"]), tick=False):
        response = vector_server.client().http.get(
            "/wechat",
            params={
                "signature": VECTOR["signature"],
                "timestamp": VECTOR["timestamp"],
                "nonce": VECTOR["nonce"],
                "echostr": "5837397520665436492",
            },
        )
    assert response.status_code == 200
    assert response.text == "5837397520665436492"
    assert response.headers["content-type"].startswith("text/plain")


def test_get_verification_with_a_bad_signature_is_403(server):
    response = server.client().http.get(
        "/wechat", params={"signature": "x", "timestamp": "1", "nonce": "2", "echostr": "e"}
    )
    assert response.status_code == 403 and response.text != "e"


def compatible_body(settings, xml: str, *, plaintext: str | None = None):
    """A compatible-mode request: the signed, encrypted message, with plaintext fields (`plaintext`, else its own)."""
    signed = sandbox.sign_request(settings, xml, encrypt=True)
    fields = (plaintext or xml)[len("<xml>") : -len("</xml>")]
    return signed.path, signed.body.decode().replace("<xml>", "<xml>" + fields, 1).encode()


def test_compatible_mode_reads_the_encrypted_part_and_answers_encrypted(servers):
    server = servers(**VECTOR_ACCOUNT, wechat_message_mode="compatible")
    path, body = compatible_body(server.settings, sandbox.text_xml("compat-1", "帮助"))
    response = server.client().http.post(path, content=body)
    assert response.status_code == 200
    assert "<Encrypt>" in response.text
    assert "我的信息" in sandbox.read_reply(server.settings, response.text)


def test_compatible_mode_ignores_the_plaintext_fields_beside_the_encrypted_message(servers):
    server = servers(**VECTOR_ACCOUNT, wechat_message_mode="compatible")
    real = sandbox.text_xml("compat-real", "帮助")
    forged = sandbox.text_xml("compat-intruder", "我的信息")
    path, body = compatible_body(server.settings, real, plaintext=forged)
    response = server.client().http.post(path, content=body)
    assert response.status_code == 200
    inner = protocol.parse_xml(
        protocol.decrypt(
            protocol.parse_xml(response.content)["Encrypt"], aes_key=server.state.aes_key, app_id=VECTOR["app_id"]
        )
    )
    assert inner["ToUserName"] == "compat-real"
    assert "我的信息" in inner["Content"]  # the answer to 帮助, not the start of the 我的信息 questions
    with transaction(server.state.db) as session:
        senders = session.execute(text("SELECT openid FROM inbound_message")).scalars().all()
    assert senders == ["compat-real"]


def test_safe_mode_refuses_a_compatible_mode_body(servers):
    server = servers(**VECTOR_ACCOUNT)
    path, body = compatible_body(server.settings, sandbox.text_xml("compat-2", "帮助"))
    assert server.client().http.post(path, content=body).status_code == 403


@pytest.mark.parametrize("mode", ["safe", "compatible"])
def test_a_plaintext_message_is_refused_when_the_account_has_a_key(servers, mode):
    server = servers(**VECTOR_ACCOUNT, wechat_message_mode=mode)
    client = server.client("plain-on-aes")
    response = client.post_xml(sandbox.text_xml("plain-on-aes", "帮助"), encrypt=False)
    assert response.status_code == 403
    with transaction(server.state.db) as session:
        assert session.execute(text("SELECT count(*) FROM inbound_message")).scalar_one() == 0


def test_plaintext_mode_chosen_on_an_account_with_a_key_still_answers_plain(servers):
    server = servers(**VECTOR_ACCOUNT, wechat_message_mode="plaintext")
    client = server.client("plain-on-aes")
    response = client.post_xml(sandbox.text_xml("plain-on-aes", "帮助"), encrypt=False)
    assert response.status_code == 200 and "<Encrypt>" not in response.text
    assert "我的信息" in sandbox.read_reply(server.settings, response.text)


def test_safe_mode_round_trip_keeps_a_conversation(servers):
    server = servers(**VECTOR_ACCOUNT)
    client = server.client("safe-1")
    assert "名字" in client.say("我的信息")
    assert "手机号" in client.say("张三丰")


def test_the_reply_is_written_as_wechatpy_writes_it_and_survives_a_cdata_end():
    plain = sandbox.text_xml("o-reply", "你好").encode()
    inbound = protocol.to_inbound(plain)
    with time_machine.travel(dt.datetime(2021, 8, 6, 10, 0, tzinfo=dt.UTC), tick=False):
        ours = protocol.render_text_reply(inbound, "请核对您的信息：\n姓名：王秀英")
        theirs = TextReply(message=inbound.message, content="请核对您的信息：\n姓名：王秀英").render()
    assert ours == theirs
    tricky = protocol.render_text_reply(inbound, "名字是]]><b>")
    assert xmltodict.parse(tricky)["xml"]["Content"] == "名字是]]><b>"
