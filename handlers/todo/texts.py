"""Everything the 待办 list says around the tasks its sources list."""


class TEXT:
    header = "您的待办（{count}件）：\n{lines}"
    more = "\n……还有{n}件没列出，先办上面的。"
    nothing = "您现在没有待办的事。有新的会马上告诉您。"
    cadres_only = "抱歉，「待办」是给负责的干部用的。您要是干部，请先找镇里要绑定码，发「绑定 绑定码」。"
    help = "发「待办」：看交给您的物资申请等待办事项，每件都写着怎么回"
