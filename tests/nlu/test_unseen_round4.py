"""Families of unseen phrasing found in round four (issue 15, rounds 27-): each case stands for a kind.

None of these lines is in hard.jsonl: they check that each fix reads its family, not only the line that showed it.
"""

import datetime as dt

import pytest

from bot.nlu import understand

TODAY = dt.date(2021, 8, 6)  # a Friday


def _read(text):
    return understand(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺孩子上西藏干了俩月活 昨儿回来了", "declare_return"),  # a place gone to, then the return
        ("他大伯不会用手机 他儿从厦门回来了 俺替他报", "declare_return"),  # a proxy who cannot use the phone
        ("人在西安 后天回", "declare_return"),  # a bare 回 after a time word
        ("俺在洛阳上班 礼拜天能回来不", "ask_policy"),  # whether one may come back
        ("回来第六天了 今儿体温正常", "health_checkin"),  # days since a return, with a check-in
        ("都挺好哩 就是想问问学校啥时候开学", "health_checkin"),  # a check-in told before a question
        ("疫苗打了第二针 第三针啥时候打", "report_vaccination"),  # a dose told before a question
        ("俺家小孩额头烫哩很", "report_fever"),
        ("俺这两天冇劲 老出虚汗", "report_fever"),
        ("俺奶奶没大过疫苗", "report_vaccination"),  # 大 for 打 in voice input
        ("南路口发现俩人不戴口罩 劝了不听", "report_checkpoint"),
        ("俺家锅坏了 想买个新锅铲", "request_supplies"),
        ("中风险地区回来哩要做几次核酸", "ask_policy"),  # 哩 for 的 before what is needed
        ("俺孙子下礼拜六办事", "report_event"),  # a day right before 办事
        ("登记那个 填错人了 撤了吧", "cancel"),
        ("不麻烦干部了 俺儿给买了", "cancel"),
        ("那个油不要了 邻居给了", "cancel"),  # goods dropped with a reason after them
        ("俺申请哩面咋还不来", "unknown"),  # asking after one's own request
        ("有发热哩人 村里管不管", "ask_policy"),  # anyone with a fever, asked about in general
        ("镇上哪有修电动车哩", "unknown"),  # a repair shop asked for
        ("俺孩子鼻子不通 还咳嗽", "report_fever"),  # a negation stops at its clause
        ("没有发热 也没有咳嗽", "health_checkin"),  # every symptom denied
        ("外省回来哩 要隔离几天", "ask_policy"),  # anyone back from elsewhere
        ("是居家隔离还是集中隔离", "ask_policy"),  # a choice asked
        ("哎 算了 不要了", "cancel"),
        ("俺想替俺爹报体温 咋弄", "help"),
    ],
)
def test_round_four_families(text, intent):
    assert _read(text).intent == intent


def test_a_name_glued_to_from_is_split_back():
    assert _read("俺从江西回来哩").slots["origin"] == {"province": "江西省"}
    assert _read("俺儿从化回来了").slots["origin"]["district"] == "从化区"  # a real 从化区 stays whole


def test_a_well_known_part_of_a_city_gives_the_city():
    assert _read("俺儿从汉口回来了").slots["origin"] == {"province": "湖北省", "city": "武汉市"}


def test_voice_homophones_of_digits_after_du():
    assert _read("体温三十六度酒").slots["temperature"] == pytest.approx(36.9)


def test_a_person_counted_is_no_goods():
    items = _read("俺俩人在家 麻烦捎三斤鸡蛋").slots["items"]
    assert [(i["name"], i["qty"]) for i in items] == [("鸡蛋", 3)]


def test_a_bare_day_before_the_wedding_is_its_date():
    assert _read("俺闺女二十出嫁").slots["date"] == "2021-08-20"
