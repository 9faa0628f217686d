"""What cadres and the town admin read about delivery: template titles by message kind, and reasons."""

KIND_TITLES = {
    "alert": "防控提醒",
    "notice": "通知",
    "late_reply": "回复",
    "call": "请电话联系",
    "broadcast": "广播通知",
}
DEFAULT_TITLE = "通知"
# A template shows 20 characters of the content: the title says how to read the rest (handlers/full_text).
READ_ALL = "·回「全文」看全部"
NO_CHANNEL = "联系不上：48小时内没有互动，也没有可用的模板消息或订阅通知"


class CALL:
    """The phone-call task a cadre gets when an alert cannot reach someone."""

    call = (
        "【请电话联系·第{number}号】{who}收不到公众号消息，请打电话告诉他（她）：\n{text}\n打完回「已打电话 {number}」"
    )
    who = "{name}（{phone}）"
    no_phone = "没有登记电话"


REFUSED = "用户拒收"  # a template's delivery report said the person blocks them

# An outbox row's state and channel, as a cadre or the town admin reads them (the simulator, a person's page).
STATUS_NAMES = {
    "queued": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "delivered": "已送达",
    "failed": "发送失败",
    "undeliverable": "联系不上",
}
CHANNEL_NAMES = {
    "custom": "客服消息",
    "template": "模板消息",
    "subscribe": "订阅通知",
    "wecom": "企业微信",
    "mass": "群发",
}
STATE_SEPARATOR = " · "
