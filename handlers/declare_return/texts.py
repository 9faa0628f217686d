"""Everything the 返乡报备 flow says, to the returnee (or the family member declaring) and to the cadres."""


class TEXT:
    title = "从外地回来，报备一下"
    ask_who = "是您自己回来，还是替家里人报备？\n自己回来的，回「自己」；替家里人报的，回是谁，比如「孩子」「老伴」。"
    who_again = "请回「自己」，或者回是家里的谁，比如「孩子」「老伴」「儿媳」。"
    ask_name_of = "您家{who}叫什么名字？"
    ask_phone_of = "{who}的手机号是多少？方便村里直接联系。没有手机的话，回「用我的」。"
    phone_of_again = "请写11位手机号。{who}没有手机的话，回「用我的」。"
    own_phone = "请写一个能打通的手机号，您自己的也行。"
    ask_id = "请发一下{whose}身份证号（18位），村里登记台账要用。"
    ask_id_optional = "请发一下{whose}身份证号（18位），村里登记台账要用。不方便的话，回「跳过」。"
    id_again = "身份证号是18位，最后一位可能是X，请再核对一下发过来。"
    id_checksum = "这个身份证号好像有一位不对，请对着身份证再核对一下。"
    ask_origin = "{who}是从哪里回来的？请说到区县，比如：郑州市二七区。从国外回来的，回「境外」。"
    origin_again = "没看明白是哪里。请说省、市和区县，比如：郑州市二七区、北京市海淀区。"
    origin_district = "请再说一下是{place}{which}，比如：{example}。"
    ask_street = (
        "{place}有些地方在中高风险名单上。{who}住在哪个街道（乡镇）？比如：{examples}。不知道的话，回「不知道」。"
    )
    street_again = "请写街道或乡镇的名字，比如：{examples}。不知道的话，回「不知道」。"
    ask_arrived = "{who}是哪天到家的？比如：今天、昨天、8月5日。"
    arrived_again = "没看明白是哪天。请写日期，比如：8月5日，或者「今天」「昨天」。"
    arrived_future = "还没到家的话，等到家那天再来报备就行。请问{who}是哪天到家的？"
    ask_entered = "{who}是哪天入境的？比如：7月20日。"
    entered_again = "没看明白是哪天。请写入境的日期，比如：7月20日；不记得的话，回「不记得」。"
    entered_after_arrival = "入境的日子应该在到家（{arrived}）那天或者之前，请再说一下是哪天入境的。"
    ask_port = "{who}是在哪个城市入境的？比如：上海、广州、厦门、绥芬河。"
    port_again = "请写入境的城市，比如：上海、广州、厦门、绥芬河。"
    ask_port_days = "{who}入境后在{port}集中隔离了几天？比如：14天。没有隔离的话，回「没隔离」。"
    port_days_again = "请写集中隔离了几天，比如：14天、7天；没有隔离的话，回「没隔离」。"
    port_somewhere = "入境的城市"
    entry_line = "\n入境：{day}从{port}入境，{done}"
    port_done = "在{port}集中隔离了{days}天"
    port_none = "没有集中隔离"
    ask_left = "{who}是哪天离开{place}的？当天就到家的，回「当天」。"
    left_again = "没看明白是哪天。请写离开的日期，比如：8月4日；当天就到家的，回「当天」。"
    left_after_arrival = "离开的日子应该在到家（{arrived}）那天或者之前，请再说一下是哪天离开的。"
    ask_transport = "{who}是怎么回来的？比如：自己开车、坐高铁、坐大巴、坐飞机。"
    transport_again = "请说一下怎么回来的：自己开车、坐高铁（火车）、坐大巴、坐飞机，都不是的话回「其他」。"
    ask_train = "坐的是哪趟车？车次是多少，比如：G1234。不记得的话，回「不记得」。"
    ask_plate = "车牌号是多少？比如：豫C12345。不记得的话，回「不记得」。"
    ask_flight = "坐的是哪个航班？比如：CA1234。不记得的话，回「不记得」。"
    detail_again = "没看明白。请写车次、车牌或航班号，比如：G1234、豫C12345；不记得的话，回「不记得」。"
    ask_code = "{whose}健康码现在是什么颜色？绿码、黄码还是红码？"
    code_again = "请回「绿码」「黄码」或「红码」。不清楚的话，打开微信里的健康码看一下颜色。"
    ask_companions = "有没有家里人跟{who}一起回来？有的话请写名字，比如：李秀英、王小明。没有的话，回「没有」。"
    companions_again = "请只写名字，几个人就用顿号隔开，比如：李秀英、王小明。没有的话，回「没有」。"
    summary = (
        "请核对{whose}返乡报备：\n姓名：{name}\n电话：{phone}\n身份证号：{id_number}\n村：{village}\n"
        "从哪里回来：{origin}{entry}{left_line}\n哪天到家：{arrived}\n怎么回来的：{transport}\n健康码：{code}\n"
        "一起回来的人：{companions}"
    )
    done = "报备好了，谢谢您！\n{reason}。\n{next}"
    updated = "已经更新了{whose}报备，谢谢您！\n{reason}。\n{next}"
    next_urgent = "村里的干部会马上给您打电话，安排车送到集中隔离点。请先在家等着，不要出门，也先别和家里人近距离接触。"
    next_isolate = "请这{days}天在家不要出门。村医{first}会上门做核酸，一共{count}次（{samples}）。需要买东西跟村里说。"
    next_monitor = "请每天量体温。村医会和您联系，{first}做第一次核酸，一共{count}次（{samples}）。"
    # Nobody holds the doctor's place for the household yet: no visit is promised by role.
    next_isolate_unassigned = (
        "请这{days}天在家不要出门。一共要做{count}次核酸（{samples}），村里正在安排人上门来做，请在家等着。"
        "需要买东西跟村里说。"
    )
    next_monitor_unassigned = "请每天量体温。一共要做{count}次核酸（{samples}），村里正在安排人和您联系。"
    next_urgent_nobody = (
        "请先在家等着，不要出门，也先别和家里人近距离接触。村里还没有干部在这里登记，"
        "请马上给村委会或镇里打电话，说您要去集中隔离点。"
    )
    today = "今天（{day}）"
    next_free = "有发烧、咳嗽等不舒服，请马上告诉村医。"
    companions_too = "一起回来的{names}，也按这个办。"
    cadre_contact = "\n有事可以找村干部{name}：{phone}。"
    above_contact = "\n有事可以打{role}{name}的电话：{phone}。"
    no_contact = "\n村里还没有干部在这里登记，有事请给村委会打电话。"
    alert = (
        "{urgent}{update}返乡报备（第{number}号）：{name}（{phone}），{village}\n"
        "从{origin}回来，{left_part}{arrived}到家，{transport}，{code}{entry}{companions}{sender}\n"
        "管控：{measure}\n核酸：{samples}\n告诉村民的依据：{reason}"
    )
    # A return from abroad has an entry date instead of a day it left: neither line says 「离开」.
    left_line = "\n哪天离开：{left}"
    alert_left = "{left}离开，"
    alert_companions = "\n同行：{names}"
    alert_sender = "\n代报：{sender}替家里的{relation}报备"
    sender_phone = "（{phone}）"
    family = "家里人（没留名字）"
    urgent = "【请马上联系】"
    update = "【已更新】"
    self_words = ("自己", "我自己", "本人", "我", "俺", "俺自己", "是我", "我回来")
    you = "您"
    yours = "您的"
    his = "{who}的"
    abroad = "境外"
    which_district = "哪个区（县）"
    which_city_and_district = "哪个市、哪个区（县）"
    example_in_city = "郑州市二七区"
    examples = "郑州市二七区、北京市海淀区"
    no_samples = "无"
    none = "无"
    not_given = "未填"
    same_day = "{day}（当天到家）"
    separator = "、"
    member = "{name}（{relation}）"
    detail = "（{detail}）"


TRANSPORTS = {"self_drive": "自己开车", "train": "高铁/火车", "bus": "大巴", "plane": "飞机", "other": "其他"}
CODES = {"green": "绿码", "yellow": "黄码", "red": "红码"}


# How each step of 返乡报备 is named in the list of what can be corrected, and when the person names it.
LABELS = {
    "relation": "谁回来",
    "name": "名字",
    "phone": "电话",
    "id_number": "身份证",
    "village": "村",
    "origin": "地方",
    "street": "街道",
    "arrived_on": "到家日期",
    "entered_on": "入境日期",
    "port_city": "入境城市",
    "port_quarantine_days": "隔离天数",
    "left_on": "离开日期",
    "transport": "交通",
    "transport_detail": "车次车牌",
    "health_code": "健康码",
    "companions": "一起回来的人",
}
