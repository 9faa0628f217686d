"""Everything 政策问答 says: to the villager asking, to the cadre answering, and in the cadre's 待办."""


class TEXT:
    title = "问防疫政策（隔离、核酸、健康码、出行、红白事、疫苗）"
    ask_question = "您想问什么？直接打字或者说话问就行，比如：从郑州回来要隔离吗？"
    question_again = "请把想问的事说得具体一点，比如：做核酸要钱吗？"
    answer = "{answer}\n（以上是镇里的统一答复）"
    queued = "您的问题记下了（第{number}号），已经转给{who}，会尽快答复您。"
    queued_call = "\n着急的话，可以直接打电话：{name} {phone}。"
    village_cadre = "村干部{name}"
    cadres = "村里的干部"
    command = "镇防控指挥部"
    nobody = (
        "您的问题记下了（第{number}号）。村里的干部还没有在这里登记，暂时没人收到。"
        "着急的话，请直接给村委会打电话；干部登记后会看到您的问题。"
    )
    alert = (
        "村民提问（第{number}号）：{asker}，{village}\n「{text}」\n"
        "常见问答里没有现成的答复。请回「答复 {number} 您的答复」，会直接发给村民。"
    )
    asker_phone = "{name}（{phone}）"
    nameless = "一位村民"
    no_village = "没填村"
    to_villager = "您问的「{text}」，{who}答复：\n{answer}"
    answered = (
        "好的，已经把答复发给{asker}了，第{number}号办结。"
        "这个问题要是常有人问，请镇指挥部把第{number}号加进常见问答，以后就能自动回答。"
    )
    others = "第{number}号提问已由{who}答复：{answer}"
    need_answer = "请把答复写上，比如：答复 {number} 可以去，记得戴口罩。"
    not_found = "没有找到第{number}号提问，请核对一下消息里的编号。"
    already = "第{number}号已经由{who}答复过了：{answer}"
    not_yours = "抱歉，第{number}号是{village}村民的提问，请交给{village}的干部答复。"
    cadres_only = "抱歉，「答复」是给村里干部用的。"
    help = "发「答复 编号 内容」：答复村民的政策提问，答复会直接发给提问的人"
    todo = "第{number}号提问：{asker}，{village}问「{text}」\n  → 回「答复 {number} 您的答复」"
    someone = "其他干部"
    you = "您"


class ERRORS:
    """What the town's staff read when the FAQ file or a faq-add cannot be used."""

    unknown_fields = "未知的顶层字段：{fields}"
    not_a_list = "faq 必须是 [[faq]] 表的列表"
    extra_items = "第{number}条：只能有 questions 和 answer 两项"
    no_questions = "第{number}条：questions 必须是至少一个问法的列表"
    no_answer = "第{number}条：缺少 answer（答复）"
    in_file = "{path}：{error}"
    no_question = "没有第{number}号提问"
    not_answered = "第{number}号还没有答复，答复以后才能加进常见问答"
    already_in = "「{question}」已经在常见问答里了（{path}）"
    note = "第{number}号提问，{month}月{day}日由{who}答复"
    someone = "干部"


# How each step of 政策问答 is named in the list of what can be corrected, and when the person names it.
LABELS = {
    "question": "问题",
}
