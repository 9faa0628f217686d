"""What cadres and villagers read when alerts are folded into a digest."""


class TEXT:
    digest = "【消息汇总】{who}一小时内又发来{n}条消息，请看待办或打电话：{phone}\n最新一条：{latest}"
    no_phone = "没有登记电话"
    someone = "一位村民"
    latest_limit = 80
    ellipsis = "…"
    # Appended to the sender's reply when their message was folded into the digest.
    folded = "您这一小时发来的消息比较多，已经合在一起转给{who}了，请耐心等电话。急事请直接打电话。"
    folded_who = "负责的同志"
