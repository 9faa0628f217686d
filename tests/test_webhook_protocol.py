"""The WeChat protocol over HTTP: the official demo vector, the three modes, and verification."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
import xmltodict
from wechatpy.replies import TextReply

from bot import protocol, sandbox
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


def test_compatible_mode_reads_the_encrypted_part_and_answers_encrypted(servers):
    server = servers(**VECTOR_ACCOUNT)
    settings = server.settings
    xml = sandbox.text_xml("compat-1", "帮助")
    signed = sandbox.sign_request(settings, xml, encrypt=True)
    # Compatible mode: the plaintext fields travel beside <Encrypt>.
    body = signed.body.decode().replace("<xml>", xml[len("<xml>") : -len("</xml>")].join(["<xml>", ""]), 1)
    response = server.client().http.post(signed.path, content=body.encode())
    assert response.status_code == 200
    assert "<Encrypt>" in response.text
    assert "我的信息" in sandbox.read_reply(settings, response.text)


def test_plaintext_mode_on_an_account_with_a_key_still_answers_plain(servers):
    server = servers(**VECTOR_ACCOUNT)
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
