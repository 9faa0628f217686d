"""Everything the 待办 list says around the tasks its sources list."""


class TEXT:
    header = "您的待办（{count}件）：\n{lines}"
    more = "\n……还有{n}件没列出，先办上面的。"
    nothing = "您现在没有待办的事。有新的会马上告诉您。"
    cadres_only = "抱歉，「待办」是给负责的干部用的。您要是干部，请先找镇里要绑定码，发「绑定 绑定码」。"
    help = "发「待办」：看交给您的物资申请、发热报告、采样、提问等待办事项，急的在前，每件都写着怎么回"
    # A household with an empty place in its 四包一.
    orphan = (
        "{name}家（{village}，报备编号{number}）没有{missing}包保，请安排\n"
        "  → 请这个人找镇指挥部要绑定码，发「绑定 绑定码」后自动接手这户"
    )
    orphan_separator = "、"
