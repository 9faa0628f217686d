"""What 全文 says around the messages it repeats."""


class TEXT:
    header = "这两天发给您的消息，全文如下：\n\n"
    item = "【{at}】\n{text}"
    nothing = "这两天没有只显示了一半的消息。有新消息会马上告诉您。"
    help = "发「全文」：模板消息只显示开头，发这两个字看完整内容"
