"""我的信息 conversations that need more than a transcript (tests/transcripts/my_info.toml): a numbered choice, time."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.support.conversation import profile, run


def test_village_typo_homophone_and_numbered_choice(server):
    client = server.client("mi-village")
    run(client, [("我的信息", "名字"), ("周小梅", "手机号"), ("13812345678", "哪个村")])
    reply = client.say("杨海")
    assert "杨海山村" in reply and "回复数字" in reply
    number = next(line.split(".")[0] for line in reply.splitlines() if "杨海山村" in line)
    run(client, [(number, "杨海山村"), ("对", "已经保存")])
    assert profile(server, "mi-village")[2] == "杨海山村"
    run(client, [("我的信息", "请核对"), ("不对，是明皋", "鸣皋村"), ("对", "已经保存")])
    assert profile(server, "mi-village")[2] == "鸣皋村"


def test_stale_conversation_is_dropped_politely(server):
    client = server.client("mi-stale")
    with time_machine.travel(dt.datetime(2026, 8, 6, 9, 0, tzinfo=dt.UTC), tick=True) as traveller:
        run(client, [("我的信息", "名字"), ("马春花", "手机号")])
        traveller.shift(dt.timedelta(minutes=31))
        reply = client.say("13812345678")
        assert "「我的信息」超过30分钟" in reply and "清空" in reply and "再发「我的信息」" in reply
        assert "没太看明白" not in reply
        run(client, [("13812345678", "没太看明白")])
    assert profile(server, "mi-stale") == (None, None, None)
