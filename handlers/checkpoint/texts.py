"""Everything 卡点报告 and 登记 say, to checkpoint staff and to the town command."""


class TEXT:
    help_sighting = "发「登记 车牌 姓名 电话 从哪里来」：登记卡点查到的人，看他报备了没有"
    title = "报告卡点发现的异常情况，镇指挥部马上就能知道"
    sighting_title = "卡点登记"
    ask_what = "请说一下卡点发生了什么事，比如：西口卡点发现红码人员一名。"
    what_again = "请用一句话说一下发生了什么，比如：有辆外地车不配合检查。"
    ask_people = "一共几个人？回个数字就行。不知道的话回「不知道」。"
    people_again = "请回一个数字，比如：2。不知道的话回「不知道」。"
    ask_origin = "他们是从哪里来的？比如：郑州市二七区。不知道的话回「不知道」。"
    ask_code = "他们的健康码是什么颜色？没看到的话回「不知道」。"
    code_again = "请回「绿码」「黄码」或「红码」，没看到的话回「不知道」。"
    ask_plate = "车牌号是多少？比如：豫C12345。没有车的话回「没有」。"
    plate_again = "没看明白车牌号，请再发一次，比如：豫C12345。看不清的话回「不知道」。"
    ask_action = "现在是怎么处理的？比如：已劝返、人在卡点等着。"
    action_again = "请简单说一下怎么处理的，比如：已劝返。"
    summary = "请核对卡点报告：\n情况：{what}\n人数：{people}\n从哪里来：{origin}\n健康码：{code}\n车牌：{plate}"
    summary_end = "\n处理：{action}"
    person = "\n姓名：{name}"
    phone = "\n电话：{phone}"
    unknown = "不知道"
    no_plate = "没有"
    people = "{n}人"
    abroad = "境外"
    done = "报告已经发给镇指挥部了，谢谢您！请按规定先处置，注意做好自己的防护。"
    recorded = "报告已经记下了，谢谢您！"
    nobody = "报告已经记下了。镇指挥部还没有人绑定，收不到消息，请马上打电话报告。"
    alert = "【卡点报告】{reporter}报告：\n{what}\n{known}\n处理：{action}{person}\n时间：{time}"
    alert_person = "\n对方：{who}"
    plate = "车牌{plate}"
    from_place = "从{origin}来"
    declared = "\n查到返乡报备：{name}，{village}，{arrived}到家。"
    undeclared = "\n没有查到返乡报备。"
    reporter_phone = "（{phone}）"
    sighting_done = "登记好了：{who}。"
    sighting_text = "卡点登记：{who}"
    own_info = "\n要登记您自己的信息，请发「我的信息」。"
    sighting_declared = "\n已经报备过：{village}，{arrived}到家。"
    sighting_undeclared = "\n没查到返乡报备，请提醒本人到家后发「返乡报备」。"
    sighting_alerted = "\n是{code}，已经报告镇指挥部，请按规定先处置。"
    sighting_usage = (
        "请在「登记」后面写车牌、姓名、电话、从哪里来，用空格隔开，比如：登记 豫C12345 张三 13800001234 郑州"
    )
    separator = "，"
    # Someone under a measure seen at a checkpoint: the four, the town command, and what the reporter hears.
    watched_alert = "【卡点发现管控人员】{reporter}登记：{who}\n{measure}\n时间：{time}"
    measure_line = "【在管控中】{name}（{phone}），{village}，正在{kind}（{start}至{end}）。"
    measure_advice = "请马上联系本人核实为什么外出，让他回家按规定管控。"
    measure_advice_monitor = "请联系本人，提醒他按规定做好健康监测，少出门、不去人多的地方。"
    measure_advice_central = "他应该在集中隔离点，请马上核实，联系隔离点把人接回。"
    sighting_watched = "\n这个人正在{kind}（到{end}），不应该在外面。"
    sighting_monitored = "\n这个人正在{kind}（到{end}），请提醒他少出门、不去人多的地方。"
    watched_reply = "报告已经记下了，谢谢您！{name}正在{kind}。"
    told = "\n已经发消息告诉：{people}，他们会和您联系。"
    nobody_told = "\n这户的负责人和镇指挥部都还没有人绑定，消息发不出去，请马上打电话报告镇里。"
    told_separator = "、"


CODES = {"green": "绿码", "yellow": "黄码", "red": "红码"}

# How each step of 卡点报告 is named in the list of what can be corrected, and when the staff name it.
LABELS = {
    "what": "情况",
    "people": "人数",
    "origin": "从哪里来",
    "health_code": "健康码",
    "plate": "车牌",
    "action": "处理",
}
