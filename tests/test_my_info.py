"""我的信息 as whole conversations (transcripts), through the real webhook."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.support.conversation import profile, run


def test_first_try(server):
    client = server.client("mi-first")
    run(
        client,
        [
            ("我的信息", "叫什么名字"),
            ("我叫张桂兰", "手机号"),
            ("138 1234 5678", "哪个村"),
            ("鸣皋", "请核对"),
            ("对", "已经保存"),
        ],
    )
    assert profile(server, "mi-first") == ("张桂兰", "13812345678", "鸣皋村")


def test_correction_names_the_field_and_reasks_it(server):
    client = server.client("mi-fix")
    run(
        client,
        [
            ("我的信息", "名字"),
            ("李建国", "手机号"),
            ("13812345678", "哪个村"),
            ("孙村", "孙村"),
            ("电话不对", "手机号"),
            ("13900001111", "13900001111"),
            ("不对，是徐阳村", "徐阳村"),
            ("没错", "已经保存"),
        ],
    )
    assert profile(server, "mi-fix") == ("李建国", "13900001111", "徐阳村")


def test_bare_no_asks_which_field_by_number(server):
    client = server.client("mi-which")
    run(
        client,
        [
            ("我的信息", "名字"),
            ("王秀英", "手机号"),
            ("13812345678", "哪个村"),
            ("渡口", "请核对"),
            ("不对", "哪一项不对"),
            ("1", "叫什么名字"),
            ("王秀芳", "王秀芳"),
            ("确认", "已经保存"),
        ],
    )
    assert profile(server, "mi-which")[0] == "王秀芳"


def test_bad_answers_are_reasked_kindly(server):
    client = server.client("mi-bad")
    run(
        client,
        [
            ("我的信息", "名字"),
            ("123", "只写名字"),
            ("赵大妮", "手机号"),
            ("1381234", "11位数字"),
            ("一三八一二三四五六七八", "哪个村"),
            ("北京", "回复数字"),
        ],
    )


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


def test_a_number_or_a_value_after_which_item(server):
    client = server.client("mi-number")
    run(
        client,
        [
            ("我的信息", "名字"),
            ("黄玉兰", "手机号"),
            ("13812345678", "哪个村"),
            ("沿村", "请核对"),
            ("不对 2", "哪一项不对"),
            ("13900001111", "13900001111"),
            ("改村", "哪个村"),
            ("孟村", "孟村"),
            ("不对", "哪一项不对"),
            ("看不懂", "没看明白是哪一项"),
            ("3", "哪个村"),
            ("马良寨", "马良寨村"),
            ("对", "已经保存"),
        ],
    )
    assert profile(server, "mi-number") == ("黄玉兰", "13900001111", "马良寨村")


def test_cancel_saves_nothing(server):
    client = server.client("mi-cancel")
    run(client, [("我的信息", "名字"), ("陈国强", "手机号"), ("取消", "已经取消"), ("取消", "有事随时找我")])
    assert profile(server, "mi-cancel") == (None, None, None)


def test_help_mid_flow_repeats_the_question_and_restart_starts_over(server):
    client = server.client("mi-help")
    run(
        client,
        [
            ("我的信息", "名字"),
            ("刘文华", "手机号"),
            ("帮助", "接着刚才的：请留一个能打通的手机号"),
            ("重新填写", "叫什么名字"),
            ("刘文化", "手机号"),
        ],
    )


def test_known_profile_is_not_asked_again(server):
    client = server.client("mi-known")
    run(
        client,
        [("我的信息", "名字"), ("孙丽", "手机号"), ("13812345678", "哪个村"), ("雷沟", "请核对"), ("对", "已经保存")],
    )
    reply = client.say("我的信息")
    assert "请核对" in reply and "孙丽" in reply and "雷沟村" in reply and "名字？" not in reply


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


def test_menu_click_starts_the_flow(server):
    assert "名字" in server.client("mi-click").event("CLICK", "MY_INFO")


def test_an_understood_request_starts_its_flow_and_is_not_called_unclear(server):
    reply = server.client("mi-intent").say("家里没米了，帮忙买两袋面")
    assert "今天就要吗" in reply and "没太看明白" not in reply


def test_a_menu_word_inside_a_short_request_starts_the_flow(server):
    assert "叫什么名字" in server.client("mi-req").say("俺要登记信息")
    assert "叫什么名字" in server.client("mi-req2").say("我想改一下信息")


def test_thanks_and_greetings_get_a_warm_answer(server):
    client = server.client("mi-polite")
    assert client.say("谢谢") == "不客气！有事随时找我。"
    greeting = client.say("你好")
    assert greeting.startswith("您好！") and "我的信息" in greeting
