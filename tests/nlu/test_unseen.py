"""Families of unseen villager phrasing (issue 15): each case stands for a kind, not for one sentence."""

import datetime as dt

import pytest

from bot.nlu import understand
from bot.nlu.dates import arrival_date, event_date
from bot.nlu.numbers import find_temperature

TODAY = dt.date(2021, 8, 6)  # a Friday


def _read(text):
    return understand(text, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "刚从长沙回来 要不要隔离",
        "俺闺女从成都回来了 她用做核酸不",
        "俺从洛宁回来了咋报",
        "昨儿个从焦作回来的要登记啥",
    ],
)
def test_an_own_return_with_a_question_is_the_declaration(text):
    u = _read(text)
    assert u.intent == "declare_return" and u.slots.get("origin")
    assert "ask_policy" in u.secondary["intents"]


@pytest.mark.parametrize(
    "text", ["外地回来的要隔离几天", "从深圳回来的要做几次核酸", "要是从上海回来要隔离不", "回来的人要报备不"]
)
def test_returns_in_general_are_policy_questions(text):
    assert _read(text).intent == "ask_policy"


@pytest.mark.parametrize("text", ["上海", "郑州", "坡头村", "俺是白沙村的", "王秀英", "马庄"])
def test_a_place_alone_or_a_village_elsewhere_is_no_return(text):
    assert _read(text).intent == "unknown"  # a form's answer 「上海」 still finds its place in .secondary


@pytest.mark.parametrize("text", ["坡头村", "俺是白沙村的", "马庄"])
def test_a_village_elsewhere_is_no_place(text):
    assert "origin" not in _read(text).secondary


def test_a_village_of_another_town_is_never_an_origin():
    u = _read("俺从坡头村回来了")
    assert u.intent == "declare_return" and "origin" not in u.slots


@pytest.mark.parametrize(
    ("text", "degrees"),
    [
        ("三八点五", 38.5),
        ("孩儿发热三七点八", 37.8),
        ("浑身烫 三九度", 39.0),
        ("36", 36.0),
        ("上午37度 晚上38度3", 38.3),
        ("早上三十七度二 下午升到三十八了", 38.0),
        ("三十八度二", 38.2),
    ],
)
def test_temperatures_digit_by_digit_and_the_latest(text, degrees):
    assert find_temperature(text) == degrees


def test_a_temperature_with_多_carries_no_number():
    u = _read("量了个三十八度多")
    assert u.intent == "report_fever" and "temperature" not in u.slots


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("要两桶油 不对 一桶", [("油", 1)]),
        ("要一箱鸡蛋 不对 两箱", [("鸡蛋", 2)]),
        ("要三斤肉 算了 两斤就中", [("肉", 2)]),
        ("不要油了 换成一袋面", [("面", 1)]),
        ("要俩西瓜", [("西瓜", 2)]),
        ("俺要仨馒头", [("馒头", 3)]),
        ("要一大袋米", [("米", 1)]),
        ("俺要一袋米 二十斤那种", [("米", 1)]),
        ("面吃完了 帮俺送两袋过来中不中", [("面", 2)]),
    ],
)
def test_items_with_corrections_and_bare_number_words(text, items):
    u = _read(text)
    assert u.intent == "request_supplies"
    assert [(i["name"], i["qty"]) for i in u.slots["items"]] == items


@pytest.mark.parametrize(
    "text",
    [
        "中了中了 不要了",
        "甭管了",
        "不用买了 闺女捎回来",
        "二号不要了",
        "别送了 俺自己去买",
        "米不用送了 邻居给了",
        "别买了",
    ],
)
def test_cancels_in_dialect_and_with_a_reason(text):
    assert _read(text).intent == "cancel"


@pytest.mark.parametrize(
    "text",
    [
        "接单二",
        "采样六完成",
        "啥时候送来",
        "俺要的米啥时候到",
        "不知道",
        "没手机",
        "记不住",
        "麦子该打药了不",
        "谁家有小猪崽卖",
        "专业红白喜事乐队 电话13900001111",
        "卖苹果了 十块钱三斤",
        "今年的养老金涨了没",
    ],
)
def test_commands_bare_answers_and_off_topic_are_unknown(text):
    assert _read(text).intent == "unknown"


@pytest.mark.parametrize(("text", "doses"), [("俺身体不好 打不了", 0), ("医生不让打疫苗", 0), ("怀孕了 打不成", 0)])
def test_not_vaccinated_without_the_word(text, doses):
    u = _read(text)
    assert u.intent == "report_vaccination" and u.slots["doses"] == doses


def test_no_vaccine_in_other_refusals():
    assert _read("俺没打卡").intent != "report_vaccination"


@pytest.mark.parametrize(
    ("text", "event"),
    [("俺闺女十五号出门子", "wedding"), ("俺家打发闺女 下周六", "wedding"), ("俺儿的婚事改到下个月十号了", "wedding")],
)
def test_dialect_weddings(text, event):
    u = _read(text)
    assert u.intent == "report_event" and u.slots["event"] == event


def test_dates_of_events_and_arrivals():
    assert event_date("俺大伯昨天走了 后儿个埋", TODAY) == dt.date(2021, 8, 8)
    assert event_date("俺闺女十五号出门子", TODAY) == dt.date(2021, 8, 15)
    assert arrival_date("7月10号在上海入境 隔离完了 8月4号到家", TODAY) == dt.date(2021, 8, 4)
    assert arrival_date("入境是7月15号 前天到的家", TODAY) == dt.date(2021, 8, 4)
    assert arrival_date("从非洲回来的 在广州隔离了 今天刚回村", TODAY) == TODAY


def test_abroad_with_a_port_city_stays_abroad():
    u = _read("我从非洲回来的 在广州隔离了 今天刚回村")
    assert u.slots["origin"] == {"abroad": True}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("这个公众号是干啥哩", "help"),
        ("有人没", "help"),
        ("码变黄了咋整", "ask_policy"),
        ("办喜事能摆几桌", "ask_policy"),
        ("一家人都得劲", "health_checkin"),
        ("不烧了 好了", "health_checkin"),
        ("俺闻不着味儿了", "report_fever"),
        ("给俺捎点菜", "request_supplies"),
        ("家里没油了", "request_supplies"),
    ],
)
def test_short_dialect_messages(text, intent):
    assert _read(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent", "slot", "value"),
    [
        ("加强针还没打 前两针都打了", "report_vaccination", "doses", 2),
        ("没打 身体不中", "report_vaccination", "doses", 0),
        ("三十八.五度", "report_fever", "temperature", 38.5),
        ("俺女婿开车从洛阳送俺闺女回来 洛阳西工区", "declare_return", "origin", "西工区"),
        ("上海现在还封着不", "query_risk", "place", "上海市"),
    ],
)
def test_second_round_families(text, intent, slot, value):
    u = _read(text)
    got = u.slots[slot]
    assert u.intent == intent and (value in got.values() if isinstance(got, dict) else got == value)


@pytest.mark.parametrize("text", ["甭给俺买了", "不用管了 俺自己弄", "别再送了"])
def test_dont_do_it_for_me_is_cancel(text):
    assert _read(text).intent == "cancel"


def test_a_number_belongs_to_the_goods_after_it():
    items = _read("要个南瓜 两根黄瓜").slots["items"]
    assert [(i["name"], i["qty"]) for i in items] == [("南瓜", 1), ("黄瓜", 2)]


@pytest.mark.parametrize(
    ("text", "city"),
    [("昨天从尚海回来", "上海市"), ("从北晶回来的", "北京市"), ("从nanjing回来的", "南京市"), ("从新相回来", "新乡市")],
)
def test_a_place_typed_by_its_sound(text, city):
    u = _read(text)
    assert u.intent == "declare_return" and u.slots["origin"]["city"] == city


@pytest.mark.parametrize("text", ["从地里回来了", "从学校回来", "从他家回来"])
def test_no_place_is_made_up_from_sound(text):
    assert "origin" not in _read(text).slots


def test_the_first_act_said_wins():
    u = _read("俺孩子发烧了三十八度 前天从郑州回来的")
    assert u.intent == "report_fever" and u.slots["temperature"] == 38.0
    assert "declare_return" in u.secondary["intents"]


@pytest.mark.parametrize(("text", "event"), [("家里老人去世了要报备吗", "funeral"), ("俺儿子结婚要报备吗", "wedding")])
def test_an_own_event_with_a_question_is_the_report(text, event):
    u = _read(text)
    assert u.intent == "report_event" and u.slots["event"] == event


def test_abroad_arrival_is_the_last_return_said():
    u = _read("我从美国回来 7月25号入境的 在上海隔离 今天回来了")
    assert u.slots["date"] == TODAY.isoformat()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺那个米不要了 面还要", "request_supplies"),
        ("不要送了 俺闺女已经买了", "cancel"),
        ("俺该点哪", "help"),
        ("俺八十了 不打了", "report_vaccination"),
    ],
)
def test_fifth_round_families(text, intent):
    assert _read(text).intent == intent


def test_doses_done_then_to_come():
    assert _read("俺打了两针 加强针还没打").slots["doses"] == 2


def test_a_bare_不_corrects_a_quantity():
    assert _read("要一桶油 不 要两桶").slots["items"][0]["qty"] == 2


def test_夜黑_is_last_night():
    assert _read("打南阳回来了 夜黑").slots["date"] == "2021-08-05"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("不用麻烦了 俺不要了", "cancel"),
        ("俺申请的菜到了没", "unknown"),
        ("今年的玉米咋样", "unknown"),
        ("湖南张家界现在啥情况", "query_risk"),
        ("俺没打疫苗 身体不行", "report_vaccination"),
        ("俺还没有打哩", "report_vaccination"),
    ],
)
def test_sixth_round_families(text, intent):
    assert _read(text).intent == intent


@pytest.mark.parametrize(("text", "qty", "unit"), [("米要五斤的 一袋", 1, "袋"), ("要个大西瓜", 1, "个")])
def test_size_words_are_not_quantities(text, qty, unit):
    (item,) = _read(text).slots["items"]
    assert (item["qty"], item["unit"]) == (qty, unit)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("要两袋米 俺儿子从上海回来了", "request_supplies"),
        ("俺打了三针了 从广州回来", "report_vaccination"),
        ("从郑州回来了 顺便要两袋面", "declare_return"),
        ("报备 孩子 郑州 昨天 高铁", "declare_return"),
        ("俺娘又烧起来了", "report_fever"),
        ("俺打了三剂", "report_vaccination"),
    ],
)
def test_seventh_round_families(text, intent):
    assert _read(text).intent == intent


def test_goods_declined_after_a_correction_are_dropped():
    items = _read("要两桶油 算了 不要油了 要一袋面").slots["items"]
    assert [(i["name"], i["qty"]) for i in items] == [("面", 1)]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("从德国回来的 上海入境 隔离十四天 在家还要隔离不", "declare_return"),
        ("刚才那个不算", "cancel"),
        ("甭整了", "cancel"),
        ("37度不算发烧吧", "health_checkin"),
    ],
)
def test_eighth_round_families(text, intent):
    assert _read(text).intent == intent


def test_heads_and_liang_as_measures():
    items = _read("要一捆葱 两头蒜 二两花椒").slots["items"]
    assert [(i["name"], i["qty"], i["unit"]) for i in items] == [("葱", 1, "捆"), ("蒜", 2, "头"), ("花椒", 2, "两")]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺家猫好几天没回来了", "unknown"),
        ("孩子还没回来", "unknown"),
        ("俺身上一阵冷一阵热", "report_fever"),
        ("家里断顿了 啥都没有", "request_supplies"),
        ("哪里能修手机", "unknown"),
    ],
)
def test_ninth_round_families(text, intent):
    assert _read(text).intent == intent


def test_more_countries_are_abroad():
    assert _read("从印尼回来 在广州隔离了三周 这礼拜一到家的").slots["origin"] == {"abroad": True}


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("阴历六月二十从郑州回来的", "2021-07-29"),
        ("俺闺女下个月初八出门", "2021-08-15"),
        ("腊月二十俺儿娶媳妇", "2022-01-22"),
        ("正月十五给孩子订婚", "2022-02-15"),
        ("俺家老太太走了 初三下葬", "2021-08-10"),
        ("俺闺女阴历八月十六出嫁", "2021-09-22"),
    ],
)
def test_lunar_dates(text, date):
    assert _read(text).slots["date"] == date


def test_a_school_year_is_no_lunar_date():
    assert "date" not in _read("孩子上初一了 从郑州回来").slots


def test_a_daughter_who_出门_on_a_day_marries():
    assert _read("俺闺女下个月初八出门").slots["event"] == "wedding"
    assert _read("俺闺女出门打工去了").intent != "report_event"


@pytest.mark.parametrize("text", ["俺家那口子发烧了", "当家的咳嗽", "孩他爹烧到三九了"])
def test_the_spouse_is_not_the_sender(text):
    from bot.nlu.health import SELF, read

    assert read(text)[0].who not in (SELF, None)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("家里也没药了", "request_supplies"),
        ("俺家面快见底了", "request_supplies"),
        ("不是两桶 是一桶", "request_supplies"),
        ("孩子还烧着哩", "report_fever"),
        ("烧还没退", "report_fever"),
        ("没烧 也不咳嗽", "health_checkin"),
        ("石家庄那边现在咋样", "query_risk"),
        ("办白事让几个人去", "ask_policy"),
        ("集还让赶不", "ask_policy"),
        ("那口子把菜买回来了 不用送了", "cancel"),
    ],
)
def test_tenth_round_families(text, intent):
    assert _read(text).intent == intent


@pytest.mark.parametrize(("text", "qty"), [("要一袋五十斤的面", 1), ("要个十斤的西瓜", 1), ("要十斤的西瓜", 10)])
def test_a_weight_after_a_measure_word_is_a_size(text, qty):
    assert _read(text).slots["items"][0]["qty"] == qty


def test_two_digits_after_a_reading_word():
    assert _read("孩他爹烧到三九了").slots["temperature"] == 39.0
    assert "temperature" not in _read("三九天冷得很").slots


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺娘身上滚烫", "report_fever"),
        ("俺怀着孕 没打", "report_vaccination"),
        ("瑞丽那边还封着吧", "query_risk"),
        ("喜事能办不 现在", "ask_policy"),
        ("南头路口拦下一辆外省车", "report_checkpoint"),
        ("俺想报备 不会", "help"),
        ("不会", "unknown"),
    ],
)
def test_eleventh_round_families(text, intent):
    assert _read(text).intent == intent


def test_a_lift_from_someone_is_other():
    assert _read("俺从南阳回来了 坐的老乡的车").slots["transport"] == "other"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("给俺买个电饭锅", "request_supplies"),
        ("俺身上发软 没一点劲", "report_fever"),
        ("孩他娘上吐下泻", "report_fever"),
        ("好着嘞", "health_checkin"),
        ("俺有糖尿病 大夫说先别打", "report_vaccination"),
        ("俺要报家里人回来了 点哪", "help"),
        ("孩子发烧了 点哪个", "report_fever"),
        ("卖红薯 一块五一斤", "unknown"),
    ],
)
def test_twelfth_round_families(text, intent):
    assert _read(text).intent == intent


def test_a_dose_booked_is_not_done():
    assert _read("俺打了一针 第二针约的下礼拜").slots["doses"] == 1


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("嗓子有点哑 不发烧", "report_fever"),
        ("俺们全家都打完了", "report_vaccination"),
        ("孩子不回来了 不用登记了", "cancel"),
        ("俺报错了 孩子没回来", "cancel"),
        ("俺家玉米叶子黄了咋回事", "unknown"),
    ],
)
def test_thirteenth_round_families(text, intent):
    assert _read(text).intent == intent


def test_a_train_by_its_letter_and_a_homophone_of_shenzhen():
    assert _read("我今天从北京回来 坐的G字头").slots["transport"] == "train"
    assert _read("俺媳妇从深镇回来了").slots["origin"]["city"] == "深圳市"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("家里柴火没了", "request_supplies"),
        ("孩子额头有点烫", "report_fever"),
        ("全家体温正常 没有发烧咳嗽", "health_checkin"),
        ("没发烧和咳嗽", "health_checkin"),
        ("回来以后几天能出门", "ask_policy"),
        ("今晚值班人员到岗 一切正常", "report_checkpoint"),
        ("怎么给家里人报", "help"),
        ("有没有会修水管的", "unknown"),
        ("卖葡萄 自家种的 要的联系", "unknown"),
    ],
)
def test_fourteenth_round_families(text, intent):
    assert _read(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("俺的降压药该拿了", "request_supplies"),
        ("需要退烧药 孩子烧着哩", "request_supplies"),
        ("发烧了 要退烧药", "report_fever"),
        ("俺家老婆子嗓子肿了", "report_fever"),
        ("我感觉喘不上来气", "report_fever"),
        ("今天有点冷", "unknown"),
        ("俺没打 有病", "report_vaccination"),
        ("疫苗打了几针算完", "ask_policy"),
        ("帮俺弄一下", "help"),
        ("刚才那个是俺点错了", "cancel"),
        ("谁家有旧衣服不要了", "unknown"),
    ],
)
def test_fifteenth_round_families(text, intent):
    assert _read(text).intent == intent


@pytest.mark.parametrize(("text", "qty"), [("米要两袋 不 三袋", 3), ("要一瓶二两的香油", 1)])
def test_a_bare_不_before_a_number_and_a_size_in_liang(text, qty):
    assert _read(text).slots["items"][0]["qty"] == qty


def test_the_lunar_table_has_months_of_29_or_30_days():
    from bot.nlu.lunar import _months

    months = _months()
    assert all((b[2] - a[2]).days in (29, 30) for a, b in zip(months, months[1:], strict=False))
    assert _read("俺闺女腊月初八出门子").slots["date"] == "2022-01-10"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("要些蔬菜 随便啥都中", "request_supplies"),
        ("老人没打 身体不允许", "report_vaccination"),
        ("谁家的鸭子跑出来了", "unknown"),
        ("有人收废铁不", "unknown"),
    ],
)
def test_sixteenth_round_families(text, intent):
    assert _read(text).intent == intent


def test_a_missed_check_in_is_no_vaccine():
    assert _read("今天没打卡").intent != "report_vaccination"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("木有油了", "request_supplies"),
        ("给俺弄点吃哩", "request_supplies"),
        ("俺娃烧哩可厉害", "report_fever"),
        ("俺木有打", "report_vaccination"),
        ("回来哩人都得隔离吗", "ask_policy"),
        ("恁是谁呀", "help"),
    ],
)
def test_seventeenth_round_families(text, intent):
    assert _read(text).intent == intent


def test_清起_is_this_morning_and_the_home_date_said_after():
    assert _read("清起俺孩儿坐大巴从南阳回来了").slots["date"] == TODAY.isoformat()
    assert _read("从日本回来 入境在上海 7月20号 到家是8月3号").slots["date"] == "2021-08-03"


def test_两三_is_a_range():
    item = _read("要两三袋面").slots["items"][0]
    assert (item["qty"], item.get("qty_min")) == (3, 2)


@pytest.mark.parametrize("text", ["麦子还没打完", "地里还没打药"])
def test_threshing_and_spraying_are_no_vaccine(text):
    assert _read(text).intent != "report_vaccination"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("咋查风险地区", "help"),
        ("从外地回来的人咋报备", "help"),
        ("下礼拜六俺闺女出门", "report_event"),
        ("卖米 卖面 送货上门 电话13800001234", "unknown"),
        ("今天外面冷不冷", "unknown"),
        ("麻烦问一下 俺儿从郑州回来 需要隔离吗", "declare_return"),
        ("健康码咋申请", "ask_policy"),
    ],
)
def test_eighteenth_round_families(text, intent):
    assert _read(text).intent == intent
