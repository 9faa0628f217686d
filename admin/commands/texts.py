"""What the operators' commands print in Chinese (their --help stays English)."""


class TEXT:
    role_choice = "{key}（{name}）"
    separator = "、"
    unknown_role = "没有这个角色「{role}」。可选：{choices}"
    unknown_village = "没有找到村「{village}」（{town_file}）"
    invite = "{village}{role}的绑定码，{days}天内有效，只能用一次。"
    invite_howto = "请本人向公众号发送「绑定 {code}」。绑定码："
    no_folder = "没有这个文件夹：{folder}"
    sheet_count = "{title} {n} 行"
    count_separator = "，"
    exported = "已导出{town}{scope}台账：{counts} → {out}"
    whole_town = "全镇"
    faq_added = "已加进常见问答（{file}），马上生效。可以再打开文件，多写几种问法：\n{entry}"
