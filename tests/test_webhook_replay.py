"""A captured signed query speaks for nobody: it carries one message, once, and WeChat's retry of it still works."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
import time_machine
from sqlalchemy import text

from bot import replayguard, sandbox, spool
from bot.dialogue import texts
from models.db import make_engine, transaction
from tests.support.accounts import VECTOR_ACCOUNT
from tests.support.barriers import until
from tests.support.people import villager

PHONE = "13812345678"


def rows(server, sql: str, **params) -> list:
    with transaction(server.state.db) as session:
        return list(session.execute(text(sql), params).all())


def stored_senders(server) -> list[str]:
    return [openid for (openid,) in rows(server, "SELECT openid FROM inbound_message ORDER BY id")]


def test_a_captured_plaintext_query_cannot_carry_another_message(server):
    household = villager(server, "o-replay-household", phone=PHONE)
    captured = sandbox.sign_request(server.settings, sandbox.text_xml(household.openid, "你好"))
    assert household.http.post(captured.path, content=captured.body).status_code == 200
    forged = sandbox.text_xml(household.openid, "我的信息")  # would answer with the household's name and phone
    response = household.http.post(captured.path, content=forged.encode())
    assert response.status_code == 403 and PHONE not in response.text
    assert stored_senders(server) == [household.openid]


def test_a_captured_query_cannot_speak_for_other_openids(server):
    captured = sandbox.sign_request(server.settings, sandbox.text_xml("o-replay-a", "你好"))
    client = server.client("o-replay-a")
    assert client.http.post(captured.path, content=captured.body).status_code == 200
    for openid in ("o-replay-b", "o-replay-c"):
        forged = sandbox.text_xml(openid, "帮助").encode()
        assert client.http.post(captured.path, content=forged).status_code == 403
    assert stored_senders(server) == ["o-replay-a"]


def test_a_wechat_retry_of_the_same_message_gets_the_stored_reply(server):
    client = server.client("o-replay-retry")
    signed = sandbox.sign_request(server.settings, sandbox.text_xml(client.openid, "我的信息"))
    first = client.http.post(signed.path, content=signed.body)
    second = client.http.post(signed.path, content=signed.body)
    assert first.status_code == second.status_code == 200
    assert client.reply_of(first) == client.reply_of(second)
    assert "名字" in client.reply_of(second)
    assert stored_senders(server) == [client.openid]


def test_a_retry_under_a_new_query_still_gets_the_stored_reply(server):
    client = server.client("o-replay-retry-2")
    xml = sandbox.text_xml(client.openid, "我的信息")
    first = client.post_xml(xml)
    second = client.post_xml(xml)  # WeChat signs each attempt afresh
    assert client.reply_of(first) == client.reply_of(second)
    assert stored_senders(server) == [client.openid]


def test_safe_mode_a_captured_query_cannot_carry_another_encrypted_message(servers):
    server = servers(**VECTOR_ACCOUNT)
    settings = server.settings
    household = villager(server, "o-safe-household", phone=PHONE)
    captured = sandbox.sign_request(settings, sandbox.text_xml(household.openid, "你好"))
    assert household.http.post(captured.path, content=captured.body).status_code == 200
    # Another encrypted message under the captured query: its msg_signature no longer matches.
    other = sandbox.sign_request(settings, sandbox.text_xml(household.openid, "我的信息"))
    assert household.http.post(captured.path, content=other.body).status_code == 403
    # Even a second message signed under the same timestamp and nonce (msg_signature valid) is refused.
    same_query = {"timestamp": int(captured.timestamp), "nonce": captured.nonce}
    twin = sandbox.sign_request(settings, sandbox.text_xml(household.openid, "我的信息"), **same_query)
    assert twin.path != captured.path
    response = household.http.post(twin.path, content=twin.body)
    assert response.status_code == 403 and PHONE not in response.text
    # WeChat's retry of the captured message itself is answered as before.
    retry = household.http.post(captured.path, content=captured.body)
    assert retry.status_code == 200 and household.reply_of(retry)
    assert stored_senders(server) == [household.openid]


def test_a_query_used_on_one_web_worker_is_refused_on_another(servers):
    # Two live apps on one database, as two uvicorn workers are.
    first, second = servers(), servers(webhook_reply_deadline_s=4.4)
    assert first is not second
    captured = sandbox.sign_request(first.settings, sandbox.text_xml("o-two-workers", "你好"))
    assert first.client().http.post(captured.path, content=captured.body).status_code == 200
    forged = sandbox.text_xml("o-two-workers-intruder", "帮助").encode()
    assert second.client().http.post(captured.path, content=forged).status_code == 403
    assert second.client().http.post(captured.path, content=captured.body).status_code == 200  # a retry
    assert stored_senders(first) == ["o-two-workers"]


def test_a_refused_replay_in_a_batch_leaves_its_neighbours_answered(server):
    # Sent at once, these share the inbox's batches (one transaction on SQLite): only the forged ones fail.
    captured = sandbox.sign_request(server.settings, sandbox.text_xml("o-batch-0", "你好"))
    others = [sandbox.sign_request(server.settings, sandbox.text_xml(f"o-batch-{i}", "帮助")) for i in range(1, 6)]
    forged = [sandbox.text_xml(f"o-batch-forged-{i}", "帮助").encode() for i in range(5)]

    async def send_all():
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            first = await http.post(captured.path, content=captured.body)
            requests = []
            for signed, body in zip(others, forged, strict=True):
                requests += [http.post(signed.path, content=signed.body), http.post(captured.path, content=body)]
            return [first, *await asyncio.gather(*requests)]

    statuses = [response.status_code for response in asyncio.run(send_all())]
    assert statuses[0] == 200 and statuses[1::2] == [200] * 5 and statuses[2::2] == [403] * 5
    assert sorted(stored_senders(server)) == sorted(f"o-batch-{i}" for i in range(6))


def test_queries_older_than_the_window_are_forgotten(server, monkeypatch):
    client = server.client("o-replay-old")
    start = time.time()
    with time_machine.travel(start, tick=False):
        client.say("你好")
    assert len(rows(server, "SELECT signature FROM webhook_request")) == 1
    monkeypatch.setattr(replayguard, "_pruned_at", -replayguard.PRUNE_EVERY_S)
    with time_machine.travel(start + server.settings.webhook_max_skew_s + 5, tick=False):
        client.say("帮助")
    stamps = [stamp for (stamp,) in rows(server, "SELECT stamped_at FROM webhook_request")]
    assert stamps == [int(start) + server.settings.webhook_max_skew_s + 5]


@pytest.mark.parametrize("query_age_s", [0, 599])
def test_a_query_is_remembered_for_as_long_as_it_is_accepted(server, monkeypatch, query_age_s):
    client = server.client("o-replay-window")
    signed = sandbox.sign_request(server.settings, sandbox.text_xml(client.openid, "你好"))
    assert client.http.post(signed.path, content=signed.body).status_code == 200
    monkeypatch.setattr(replayguard, "_pruned_at", -replayguard.PRUNE_EVERY_S)
    with time_machine.travel(int(signed.timestamp) + query_age_s, tick=False):
        forged = sandbox.text_xml("o-replay-window-intruder", "帮助").encode()
        assert client.http.post(signed.path, content=forged).status_code == 403


def test_a_forged_message_spooled_while_the_database_was_down_is_not_handled_when_it_returns(
    server, monkeypatch, tmp_path
):
    inbox = server.state.inbox
    monkeypatch.setattr(inbox, "settings", inbox.settings.model_copy(update={"spool_dir": tmp_path / "spool"}))
    client = server.client("o-spool-genuine")
    captured = sandbox.sign_request(server.settings, sandbox.text_xml(client.openid, "你好"))
    with monkeypatch.context() as outage:
        # The inbox's database stops answering (a closed port), with no connection left open to it.
        outage.setattr(inbox, "db", make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
        outage.setattr(inbox, "_loop_connection", None)
        outage.setattr(inbox, "on_loop", False)
        assert client.reply_of(client.http.post(captured.path, content=captured.body)) == texts.SPOOLED
        forged = sandbox.text_xml("o-spool-intruder", "我的信息").encode()
        assert client.http.post(captured.path, content=forged).status_code == 200  # spooled: nobody can tell yet
    until(lambda: not spool.pending(tmp_path / "spool"), timeout=20, step=0.1)
    assert stored_senders(server) == [client.openid]
