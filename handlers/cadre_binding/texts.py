"""What 绑定 says to the cadre binding their WeChat."""


class TEXT:
    bound = "绑定成功！您现在是{village}的{role}。有需要您处理的事，系统会第一时间发消息给您。"
    already = "您已经绑定过了：{village}的{role}。"
    invalid = "这个绑定码不对，或者已经用过、过期了。请找镇里重新要一个。"
    introduce = "村民和其他干部收到的消息里会写上您的名字和电话，请先登记一下。"
