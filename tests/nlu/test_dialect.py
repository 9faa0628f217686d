"""Henan speech: the dialect lexicon (bot/nlu/lexicon/dialect.toml) and what understand() makes of it."""

import datetime as dt

import pytest

from bot.dialogue import words
from bot.nlu import understand
from bot.nlu.dialect import phrase, standard

TODAY = dt.date(2021, 8, 6)


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("谢谢恁", "谢谢您"),
        ("俺不得劲", "我不舒服"),
        ("黄码了咋弄", "黄码了怎么弄"),
        ("啥时候送来", "什么时候送来"),
        ("中不中", "行不行"),
        ("就俺自个儿", "就我自己"),
        ("俺孩儿", "我孩子"),
        ("俺妮儿", "我女儿"),
        ("俺媳妇儿刘桂花", "我媳妇刘桂花"),
        ("俺儿从国外回来了", "我儿子从国外回来了"),
        ("俺儿媳", "我儿媳"),
        ("", ""),
    ],
)
def test_dialect_forms_read_as_standard(said, read):
    assert standard(said) == read


@pytest.mark.parametrize(
    ("said", "word"),
    [
        ("以后别给俺发了", "退订"),
        ("别给俺发了！", "退订"),
        ("啥时候送来？", "我的申请"),
        ("东西啥时候到啊", "我的申请"),
        ("好的 谢谢恁", "谢谢"),  # 「收到了 谢谢恁」 is left whole: it confirms a delivery when one waits
    ],
)
def test_dialect_phrases_stand_for_menu_words(said, word):
    assert phrase(said) == word


@pytest.mark.parametrize("said", ["以后别给俺发烧的药", "啥时候送来的米不对", "俺要两袋米"])
def test_only_whole_phrases_stand_for_menu_words(said):
    assert phrase(said) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("黄码了咋弄", "ask_policy"),
        ("红码了咋办", "ask_policy"),
        ("这咋弄", "help"),
        ("俺不得劲", "report_fever"),
        ("俺妮儿发烧了", "report_fever"),
        ("今天打卡了 没啥症状", "health_checkin"),
        ("这个公众号干啥用的", "help"),
        ("俺孩儿昨天从郑州回来了", "declare_return"),
        ("俺儿从国外回来了", "declare_return"),
        ("恁能帮俺买两袋面不", "request_supplies"),
        ("俺家没啥吃的了", "request_supplies"),
    ],
)
def test_dialect_intents(text, intent):
    assert understand(text, today=TODAY).intent == intent


def test_health_code_colours_are_not_places():
    u = understand("黄码了咋弄", today=TODAY)
    assert u.places == [] and "origin" not in u.secondary


def test_son_abroad_is_a_return_from_abroad():
    assert understand("俺儿从国外回来了", today=TODAY).slots["origin"] == {"abroad": True}


@pytest.mark.parametrize(
    "text",
    [
        "俺家狗丢了 谁看见了",
        "谁看见俺家的狗了",
        "化肥多少钱一袋",
        "今年尿素啥价",
        "谁家有乐队 结婚要请",
        "婚庆哪家便宜",
        "今天天气咋样",
        "你是机器人吗",
        "俺村啥时候分红",
        "低保什么时候发",  # welfare is outside the epidemic (tests/nlu/BLIND.md, rule 5)
    ],
)
def test_out_of_domain_is_unknown_and_marked(text):
    u = understand(text, today=TODAY)
    assert u.intent == "unknown" and u.secondary["offtopic"] is True


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("儿子下周六结婚 请了乐队 要报备", "report_event"),
        ("核酸检测多少钱", "ask_policy"),
        ("化肥店开门了吗 能出村不", "ask_policy"),
        ("俺家羊丢了 急得发烧了", "report_fever"),
        ("快递进村吗 要隔离不", "ask_policy"),
        ("要两袋米", "request_supplies"),
    ],
)
def test_epidemic_words_keep_a_message_in_domain(text, intent):
    u = understand(text, today=TODAY)
    assert u.intent == intent and "offtopic" not in u.secondary


@pytest.mark.parametrize(
    "text", ["算了 不要了 俺儿子明天回来带", "算了，不要了", "不要了 米还够吃", "不买了 俺闺女捎回来", "算了吧"]
)
def test_a_change_of_mind_is_cancel(text):
    assert understand(text, today=TODAY).intent == "cancel"
    assert words.drops_form(text)


@pytest.mark.parametrize("text", ["米不要了 要两袋面", "2号不要了", "取消申请 3", "不用了", "要两袋米 算了要三袋"])
def test_goods_or_commands_do_not_drop_a_form(text):
    assert not words.drops_form(text)
