"""What 红白事报备 says: the questions to the household, the rules in the reply, and the cadre's alert."""


class TEXT:
    title = "家里办红白事（结婚、丧事、酒席），先报备"
    ask_kind = "家里要办什么事？结婚（订婚）、丧事，还是别的酒席（满月、升学、寿宴）？"
    kind_again = "请回「结婚」「丧事」或「酒席」。"
    ask_date = "打算哪天办？比如：8月20日、下周六。还没定的话，回「没定」。"
    date_again = "没看明白是哪天。请写日子，比如：8月20日、下周六；还没定的话，回「没定」。"
    date_past = "{date}已经过去了。请说还没办的日子；已经办完的话，回「取消」就行。"
    ask_guests = "大概会来多少人？比如：20人、摆5桌。不知道的话，回「不知道」。"
    guests_again = "请写个大概的人数，比如：20人；摆桌的话写几桌，比如：5桌。不知道的话，回「不知道」。"
    ask_place = "在哪里办？比如：家里、村里饭店。"
    place_again = "请写个地方，比如：家里、村里饭店。"
    summary = (
        "请核对红白事报备：\n事情：{kind}\n日子：{date}\n人数：{guests}\n地点：{place}\n"
        "联系人：{name}（{phone}）\n村：{village}"
    )
    done = "报备好了，谢谢您！\n疫情期间，镇里要求红事缓办、白事简办、宴请不办。\n{advice}{over}{contact}"
    over = "\n您说大约{guests}人，超过了镇里规定的{limit}人，请一定减少人数。"
    not_held = "\n这类事现在不办，请先推一推，村干部会和您商量。"
    no_policy = "请按镇里的规定从简办理，不摆酒席、不聚餐，村干部会和您联系。"
    contact = "\n村干部{name}会和您联系，有事也可以打{phone}。"
    contact_no_phone = "\n村干部会和您联系。"
    alert = (
        "{urgent}红白事报备（第{number}号）：{name}（{phone}），{village}\n"
        "{kind}，{date}，{guests}，在{place}办{over}\n请联系这户人家，提醒按规定办：{rule}"
    )
    alert_over = "\n人数超过规定（{kind}最多{limit}人）"
    alert_not_held = "\n这类事现在不该办"
    urgent = "【人数超规定】"
    undecided = "还没定"
    unknown_guests = "人数不知道"
    guests = "约{n}人"
    weekday = "{date}（星期{day}）"
    weekdays = "一二三四五六日"


# How each step of 红白事报备 is named in the list of what can be corrected, and when the person names it.
LABELS = {
    "kind": "什么事",
    "event_on": "日子",
    "guests": "人数",
    "place": "地点",
    "name": "名字",
    "phone": "电话",
    "village": "村",
}
