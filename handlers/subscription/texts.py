"""What 退订 / 订阅 say back to the villager."""


class TEXT:
    stopped = (
        "好的，以后不再给您发{what}。\n"
        "如果您家在隔离或健康监测，干部和村医的消息照常发给您。\n"
        "想再收到，回复「订阅」就行。"
    )
    started = "好的，以后{what}照常发给您。不想收了，回复「退订」。"
    both = "通知和每天的风险地区名单"
    announcements = "通知"
    risk_list = "每天的风险地区名单"
