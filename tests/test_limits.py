"""Issue 14: a flood from one person, guessed invite codes and an open sandbox change nothing for anyone else.

Against the real app over HTTP (and `python main.py` for the command line), with a real database.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import time_machine
from sqlalchemy import func, select

from bot import sandbox
from bot.delivery import make_worker
from models.cadre import roles_of
from models.db import transaction
from models.inbound import InboundMessage
from models.outbox import OutboxMessage
from models.person import Person
from tests.support.live import invite_code, run_cli
from tests.support.people import bind, outbox, villager
from town.limits import TEXT
from town.settings import Settings, SettingsError, check_serving_host

DOCTOR = ("lm-doc", "王大夫", "village_doctor", "鸣皋村", "13900000001")
HEAD = ("lm-head", "刘支书", "village_cadre", "鸣皋村", "13700001111")
TOP = ("lm-top", "赵书记", "town_command", "鸣皋村", "13600002222")
PER_MINUTE = 5
SLOW_DOWN = TEXT.too_fast.format(who="村干部刘支书", phone="13700001111")


def stored(server, openid: str) -> list[InboundMessage]:
    with transaction(server.state.db) as session:
        query = select(InboundMessage).where(InboundMessage.openid == openid).order_by(InboundMessage.id)
        return list(session.execute(query).scalars())


def alerts_to(server, openid: str) -> int:
    with transaction(server.state.db) as session:
        query = select(func.count()).where(OutboxMessage.recipient_openid == openid, OutboxMessage.kind == "alert")
        return session.execute(query).scalar_one()


# ---------------------------------------------------------------- messages per minute


@pytest.fixture
def limited(servers):
    running = servers(messages_per_minute=PER_MINUTE)
    bind(running.state.db, DOCTOR, HEAD)
    return running


def test_a_flood_from_one_openid_runs_at_most_the_limit_and_is_kept_once(limited):
    client = villager(limited, "lm-flood")
    xmls = [sandbox.text_xml("lm-flood", f"我发烧38度{n % 10}", msg_id=7_000 + n) for n in range(200)]
    with ThreadPoolExecutor(16) as pool:  # at once, as a script would: batches share a transaction on SQLite
        replies = list(pool.map(lambda xml: client.reply_of(client.post_xml(xml)), xmls))
    handled = [reply for reply in replies if reply and reply != SLOW_DOWN]
    assert len(handled) == PER_MINUTE
    assert replies.count(SLOW_DOWN) == 1  # once a minute, not once a message
    assert replies.count(None) == 200 - PER_MINUTE - 1
    assert alerts_to(limited, "lm-doc") <= PER_MINUTE
    rows = stored(limited, "lm-flood")
    assert len(rows) == 200 and len({row.dedupe_key for row in rows}) == 200  # nothing acknowledged is lost
    # WeChat's retries of three of them: the stored answer again, nothing stored twice, nothing run.
    for xml, first in zip(xmls[:3], replies[:3], strict=True):
        assert client.reply_of(client.post_xml(xml)) == first
    assert len(stored(limited, "lm-flood")) == 200
    assert alerts_to(limited, "lm-doc") <= PER_MINUTE
    # Someone else is not slowed down by the flood.
    assert "发热" in villager(limited, "lm-neighbour", name="李四").say("我发烧38度5")


def test_after_a_quiet_minute_the_sender_is_heard_again_and_told_again_when_too_fast(limited):
    client = villager(limited, "lm-again")
    replies = [client.say(f"你好{n}") for n in range(PER_MINUTE + 3)]
    assert replies[PER_MINUTE] == SLOW_DOWN and replies[PER_MINUTE + 1 :] == [None, None]
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
        later = [client.say(f"在吗{n}") for n in range(PER_MINUTE + 2)]
    assert all(reply and reply != SLOW_DOWN for reply in later[:PER_MINUTE])
    assert later[PER_MINUTE] == SLOW_DOWN and later[PER_MINUTE + 1] is None


def test_wechat_reports_and_locations_do_not_count_against_the_sender(limited):
    client = villager(limited, "lm-walker")
    for n in range(PER_MINUTE + 2):
        client.event("LOCATION", Latitude="34.5", Longitude="112.3", Precision="30", create_time=1_700_000_000 + n)
    assert client.say("你好") not in (None, SLOW_DOWN)


def test_someone_without_a_village_cadre_to_phone_is_told_to_slow_down_all_the_same(limited):
    client = limited.client("lm-stranger")
    replies = [client.say(f"你好{n}") for n in range(PER_MINUTE + 1)]
    assert replies[-1] == TEXT.too_fast_no_phone


# ---------------------------------------------------------------- invite codes


@pytest.fixture
def guarded(servers):
    running = servers(invite_wrong_per_hour=3, invite_wrong_town_per_hour=8)
    bind(running.state.db, TOP)
    return running


def held(server, openid: str) -> list:
    with transaction(server.state.db) as session:
        found = session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()
        return roles_of(session, person_id=found.id) if found else []


def test_past_the_wrong_codes_of_one_person_even_the_right_code_waits_for_the_hour(guarded):
    client = guarded.client("lm-guess")
    for guess in ("aaaa1111", "aaaa2222", "aaaa3333"):
        assert "绑定码不对" in client.say(f"绑定 {guess}")
    code = invite_code(guarded, "鸣皋", "village_cadre")
    refused = client.say(f"绑定 {code}")
    assert "输对了也不行" in refused and "找镇里要新的绑定码" in refused
    assert held(guarded, "lm-guess") == []
    assert "绑定成功" in guarded.client("lm-honest").say(f"绑定 {invite_code(guarded, '孙村', 'village_cadre')}")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)):
        assert "绑定成功" in client.say(f"绑定 {code}")
    assert [role for role, _ in held(guarded, "lm-guess")] == ["village_cadre"]


def test_a_flood_of_guesses_pauses_binding_for_everyone_and_tells_the_town_command_once(guarded):
    for n in range(8):  # eight people, one wrong code each: nobody passes their own limit
        assert "绑定码不对" in guarded.client(f"lm-bot{n}").say(f"绑定 bbbb{n:04d}")
    code = invite_code(guarded, "鸣皋", "village_doctor")
    assert guarded.client("lm-late").say(f"绑定 {code}") == TEXT.invite_paused_town
    for n in range(8, 20):
        assert guarded.client(f"lm-bot{n}").say(f"绑定 cccc{n:04d}") == TEXT.invite_paused_town
    [alert] = [m for m in outbox(guarded, "lm-top") if m.kind == "alert"]
    assert alert.text.startswith("有人在大量试绑定码：最近一小时输错了8次，来自8个微信号。")
    assert held(guarded, "lm-late") == []
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)):
        assert "绑定成功" in guarded.client("lm-late").say(f"绑定 {code}")
    assert len([m for m in outbox(guarded, "lm-top") if m.kind == "alert"]) == 1


# ---------------------------------------------------------------- the sandbox


def test_python_main_py_refuses_an_open_sandbox_without_a_password():
    result = run_cli("serve", HOST="0.0.0.0", WECHAT_APP_ID="", SIMULATOR_PASSWORD="", WECHAT_TOKEN="t0ken")
    assert result.returncode == 2
    assert "SIMULATOR_PASSWORD" in result.stderr and "0.0.0.0" in result.stderr
    by_option = run_cli("serve", "--host", "192.168.1.20", WECHAT_APP_ID="", SIMULATOR_PASSWORD="")
    assert by_option.returncode == 2 and "SIMULATOR_PASSWORD" in by_option.stderr


def test_which_hosts_the_sandbox_may_serve_on():
    sandbox_open = Settings(_env_file=None)
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        check_serving_host(sandbox_open, host)
    for host in ("0.0.0.0", "::", "192.168.1.20", "xiangan.example.org"):
        with pytest.raises(SettingsError, match="SIMULATOR_PASSWORD"):
            check_serving_host(sandbox_open, host)
    with pytest.raises(SettingsError, match="WECHAT_TOKEN"):  # the default token lets anyone sign as anyone
        check_serving_host(Settings(_env_file=None, simulator_password="pw"), "0.0.0.0")
    check_serving_host(Settings(_env_file=None, simulator_password="pw", wechat_token="t0ken"), "0.0.0.0")
    production = Settings(_env_file=None, wechat_app_id="wx1", wechat_app_secret="s", wechat_token="t0ken")
    check_serving_host(production, "0.0.0.0")


def test_with_a_password_the_simulator_and_its_api_ask_for_it(servers):
    server = servers(simulator_password="天王盖地虎")
    paths = ("/simulator", "/simulator/api/people", "/simulator/api/outbox", "/simulator/static/simulator.js")
    with httpx.Client(base_url=server.url) as http:
        for path in paths:
            refused = http.get(path)
            assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
            assert http.get(path, auth=("admin", "wrong")).status_code == 401
            assert http.get(path, auth=("anyone", "天王盖地虎")).status_code == 200
        send = {"openid": "lm-sim", "text": "你好"}
        assert http.post("/simulator/api/send", json=send).status_code == 401
        sent = http.post("/simulator/api/send", json=send, auth=("x", "天王盖地虎"))
        assert sent.status_code == 200 and sent.json()["reply"]
    with httpx.Client(base_url=servers().url) as http:  # on loopback with no password set: open as before
        assert http.get("/simulator/api/people").status_code == 200


def test_sandbox_delivery_logs_never_carry_the_text(server, caplog):
    bind(server.state.db, DOCTOR)
    assert villager(server, "lm-sick").say("我发烧39度2")
    worker = make_worker(server.settings, server.state.db)
    try:
        with caplog.at_level(logging.INFO, logger="bot.delivery"):
            worker.run_once()
    finally:
        worker.close()
    sent = [record.getMessage() for record in caplog.records if record.getMessage().startswith("sandbox")]
    assert sent and any("lm-doc" in line for line in sent)
    for line in sent:
        assert "张桂兰" not in line and "13812345678" not in line and "39" not in line


def test_the_api_schema_is_served_in_the_sandbox_only(servers, server):
    production = servers(wechat_app_id="wxlimits", wechat_app_secret="s", wechat_api_base_url="http://127.0.0.1:9")
    with httpx.Client(base_url=production.url) as http:
        for path in ("/openapi.json", "/docs", "/redoc", "/simulator"):
            assert http.get(path).status_code == 404
    assert httpx.get(f"{server.url}/openapi.json").status_code == 200
