"""Families of unseen phrasing found in round three (issue 15, rounds 19-): each case stands for a kind."""

import datetime as dt

import pytest

from bot.nlu import understand

TODAY = dt.date(2021, 8, 6)  # a Friday


def _read(text):
    return understand(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺爹打哆嗦 一会冷一会热", "report_fever"),
        ("俺嗓子冒火 咽东西疼", "report_fever"),
        ("俺这两天好好哩 没啥事", "health_checkin"),
        ("老人胰岛素快打完了", "request_supplies"),
        ("俺那个返乡登记撤了吧 俺儿不回来了", "cancel"),
        ("东路口拦了辆外地牌的车 人没码", "report_checkpoint"),
        ("有人在没", "help"),
        ("俺儿在外地打工 过年回来不了", "unknown"),
        ("俺孩儿考上高中了 学费咋交", "unknown"),
        ("村里有招保姆的没", "unknown"),
    ],
)
def test_nineteenth_round_families(text, intent):
    assert _read(text).intent == intent


def test_a_lift_in_dialect_is_other_transport():
    assert _read("俺兄弟从深圳搭老乡哩车回来了").slots["transport"] == "other"


@pytest.mark.parametrize("text", ["小孩上学的补助咋领", "俺闺女出门打工去了"])
def test_policy_words_inside_off_topic_talk_are_off_topic(text):
    u = _read(text)
    assert u.intent == "unknown" and u.secondary.get("offtopic")


def test_asking_to_go_out_for_work_is_still_a_policy_question():
    assert _read("现在能出去打工不").intent == "ask_policy"


@pytest.mark.parametrize("text", ["从北京回来 能出门不", "从天津回来哩 能赶集不"])
def test_a_return_then_a_question_without_subject_is_ones_own(text):
    assert _read(text).intent == "declare_return"


def test_a_return_run_on_into_a_question_stays_general():
    assert _read("从广州回来要隔离几天").intent == "ask_policy"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺喘气有点费劲 胸口闷", "report_fever"),
        ("俺浑身发酸 腰也疼", "report_fever"),
        ("俺跟孩子都挺得劲", "health_checkin"),
        ("村口有个外地人要进 不让进就吵", "report_checkpoint"),
        ("咋给俺娘报健康打卡", "help"),
        ("大闺女的户口咋迁", "unknown"),
        ("老年卡在哪办", "unknown"),
        ("俺家孩子想当兵 找谁报名", "unknown"),
    ],
)
def test_twentieth_round_families(text, intent):
    assert _read(text).intent == intent


def test_夜儿黑_is_last_night_and_a_booster_is_the_third_dose():
    assert _read("俺孩儿夜儿黑从许昌回来哩").slots["date"] == "2021-08-05"
    assert _read("加强针昨天打了").slots["doses"] == 3


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺不要面了", "cancel"),
        ("不用来了 俺自己去买", "cancel"),
        ("俺家啥吃的都没了", "request_supplies"),
        ("身体倍儿棒", "health_checkin"),
        ("刚才有个人不戴口罩硬要出村 劝回去了", "report_checkpoint"),
        ("俺不会打卡", "help"),
        ("俺孙女上幼儿园的钱咋交", "unknown"),
        ("新农合交了没", "unknown"),
        ("俺家闺女出去上班了", "unknown"),
    ],
)
def test_twenty_first_round_families(text, intent):
    assert _read(text).intent == intent


def test_not_wanting_a_policy_step_is_no_cancel():
    assert _read("俺儿说不要隔离了吗").intent != "cancel"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("孩子额头滚热", "report_fever"),
        ("不麻烦你们了 俺自己弄", "cancel"),
        ("有辆车不让查 直接开过去了", "report_checkpoint"),
        ("这个咋打卡", "help"),
        ("俺媳妇出门去县里打工了", "unknown"),
        ("农村危房改造咋申请", "unknown"),
    ],
)
def test_twenty_second_round_families(text, intent):
    assert _read(text).intent == intent


def test_a_weight_with_哩_before_the_goods_is_a_size():
    item = _read("给捎一袋十斤哩大米").slots["items"][0]
    assert (item["name"], item["qty"]) == ("大米", 1)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("从北京回来的需要居家几天", "ask_policy"),
        ("搞错了 不是我", "cancel"),
        ("俺不懂这个", "help"),
        ("俺闺女出门上学去了", "unknown"),
        ("孩子能出门上学不", "ask_policy"),
    ],
)
def test_twenty_third_round_families(text, intent):
    assert _read(text).intent == intent


def test_a_chinese_reading_said_alone_is_a_temperature():
    u = _read("三十六点七")
    assert (u.intent, u.slots.get("temperature")) == ("health_checkin", 36.7)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("孩子一直流鼻水", "report_fever"),
        ("俺不登记了", "cancel"),
        ("西路口有人翻墙进村", "report_checkpoint"),
        ("俺想报俺儿回来了 咋弄", "help"),
        ("俺想去厂里上班 哪有招人的", "unknown"),
        ("俺孩儿上学的生活费咋申请", "unknown"),
        ("俺闺女在外地上大学", "unknown"),
    ],
)
def test_twenty_fourth_round_families(text, intent):
    assert _read(text).intent == intent


def test_没法打_is_not_vaccinated():
    assert _read("俺老伴有病没法打疫苗").slots["doses"] == 0


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("打第二针隔多长时间", "ask_policy"),
        ("村里哩路坑坑洼洼 啥时候修", "unknown"),
        ("俺孙子上学哩补助下来了没", "unknown"),
        ("俺儿在深圳上班", "unknown"),
        ("俺在卡口上班 今儿没啥事", "report_checkpoint"),
    ],
)
def test_twenty_fifth_round_families(text, intent):
    assert _read(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺家孩子夜里说冷 今儿一摸头烫", "report_fever"),
        ("俺鼻子塞哩慌", "report_fever"),
        ("今天没啥症状", "health_checkin"),
        ("小孩几岁能打疫苗", "ask_policy"),
        ("恁今儿忙不忙", "unknown"),
        ("俺家孩子上学哩校车啥时候来", "unknown"),
    ],
)
def test_twenty_sixth_round_families(text, intent):
    assert _read(text).intent == intent


def test_an_airport_gives_way_to_the_vehicle_and_度半_is_a_half():
    assert _read("俺媳妇从郑州新郑机场坐大巴回来").slots["transport"] == "bus"
    assert _read("俺三十八度半").slots["temperature"] == 38.5
