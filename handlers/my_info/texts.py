"""What 我的信息 says to the villager."""


class TEXT:
    title = "登记或修改您的姓名、电话、村"
    summary = "请核对您的信息：\n姓名：{name}\n电话：{phone}\n村：{village}"
    no_village = "镇里的工作，不分村"
    saved = "好了，您的信息已经保存：{name}，{phone}，{village}。以后报备就不用再填这些了。"


# How each step of 我的信息 is named in the list of what can be corrected, and when the person names it.
LABELS = {
    "name": "名字",
    "phone": "电话",
    "village": "村",
}
