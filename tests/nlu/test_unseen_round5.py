"""Families of unseen phrasing found in round five (issue 15, round 36: the misses of the four blind sets once
they had been scored): each case stands for a kind, and none is a line of those sets.
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
        ("俺手机号换了 以前那个停机了", "unknown"),  # a new phone number: the dialogue's own step
        ("电话号码变了 恁记一下", "unknown"),
        ("俺是打了两针哩 第三针啥时候打", "report_vaccination"),  # doses told, then asked
        ("俺没打疫苗 能去赶集不", "report_vaccination"),  # not vaccinated, with a 不 question
        ("恁给俺捎一桶油中不中 俺腰疼出不了门", "request_supplies"),  # an old person's back is no symptom
        ("俺俩都打齐了", "report_vaccination"),
        ("俺姥爷夜儿后晌走了 后儿个埋", "report_event"),  # a death, then the burial day
        ("俺侄子再婚 下礼拜六请客", "report_event"),
        ("过白事让过不让", "ask_policy"),  # X不X asked of an event
        ("刚才那条删掉吧 报错了", "cancel"),
        ("算球吧 不弄了", "cancel"),
        ("算了 油不要了 要三斤鸡蛋", "request_supplies"),  # a new request after 算了
        ("卡点这儿来了个外地车 非要进 咋办", "report_checkpoint"),  # staff asking what to do
        ("苹果今年卖不出去 谁收啊", "unknown"),  # farming, not the epidemic
        ("有人见俺家小黑狗没", "unknown"),
        ("咋报疫苗", "help"),  # how to use the account for one act
        ("怎么申请物资呢", "help"),
        ("三十六度八 算正常不", "health_checkin"),  # a reading told with a question
        ("俺儿要结婚 这事咋报备 下个月十六", "report_event"),  # the sender's own event in a later clause
        ("家里老人没了要办丧事 闺女从外地赶回来 咋弄", "report_event"),  # the event told before the return
        ("镇上的集市开不开了", "ask_policy"),
        ("俺闺女从新加坡回来了 说是隔离够了能回来了 还要干啥不", "declare_return"),  # told before 能回来
        ("南京那边咋样 能去出差不", "query_risk"),  # how a place is, then a question
        ("俺换手机了 俺从郑州回来了", "declare_return"),  # a return said beside a new phone
    ],
)
def test_round_five_intents(text, intent):
    assert _read(text).intent == intent


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("俺是打了两针哩 第三针啥时候打", "doses", 2),
        ("俺姥爷夜儿后晌走了 后儿个埋", "event", "funeral"),
        ("俺姥爷夜儿后晌走了 后儿个埋", "date", "2021-08-08"),
        ("俺侄子再婚 下礼拜六请客", "event", "wedding"),
        (
            "要鸡腿两个 饮料三瓶",
            "items",
            [{"name": "鸡腿", "qty": 2, "unit": "个"}, {"name": "饮料", "qty": 3, "unit": "瓶"}],
        ),
        ("买俩哈密瓜", "items", [{"name": "哈密瓜", "qty": 2, "unit": "个"}]),
        ("有液化气不 要一罐", "items", [{"name": "液化气", "qty": 1, "unit": "罐"}]),
        ("尿不湿快没了 要两包小号的", "items", [{"name": "尿不湿", "qty": 2, "unit": "包"}]),
        ("算了 油不要了 要三斤鸡蛋", "items", [{"name": "鸡蛋", "qty": 3, "unit": "斤"}]),
        ("三十六度八 算正常不", "temperature", 36.8),
        ("俺从西安回来 夜儿晌午到哩", "date", "2021-08-05"),
        ("大前儿个俺从开封回来哩", "date", "2021-08-03"),
        ("俺闺女从杭州回来 上午到的家", "date", "2021-08-06"),
        ("俺从许昌回来都两天了 没事", "date", "2021-08-04"),
        ("还没有打疫苗 身体不好", "doses", 0),
        ("南京那边咋样 能去出差不", "place", {"province": "江苏省", "city": "南京市"}),
    ],
)
def test_round_five_slots(text, slot, value):
    assert _read(text).slots.get(slot) == value
