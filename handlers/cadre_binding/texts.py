"""What 绑定 says to the cadre binding their WeChat."""


class TEXT:
    bound = "绑定成功！您现在是{position}。有需要您处理的事，系统会第一时间发消息给您。"
    bound_town = "绑定成功！您现在是{position}的一员。有需要您处理的事，系统会第一时间发消息给您。"
    already = "您已经绑定过了：{position}。"
    invalid = "这个绑定码不对，或者已经用过、过期了。请找镇里重新要一个。"
    introduce = "村民和其他干部收到的消息里会写上您的名字和电话，请先登记一下。"
    # WeCom (企业微信): a second way to reach a cadre, not limited by WeChat's 48 hours.
    wecom_how = "本镇的提醒也能发到企业微信，不怕漏。请发「企业微信 您的企业微信账号」，例如「企业微信 zhangsan」。"
    wecom_linked = "好的，记下了您的企业微信账号：{userid}。以后给您的提醒先发到企业微信。"
    wecom_bad = (
        "「{userid}」不像企业微信账号。账号由英文字母、数字和 _ . @ - 组成，以字母或数字开头，最长64位。"
        "例如：企业微信 zhangsan"
    )
    wecom_off = "本镇还没有开通企业微信提醒，提醒会照常发到这个公众号。"
    wecom_cadres_only = "企业微信提醒是给村里干部用的。"
