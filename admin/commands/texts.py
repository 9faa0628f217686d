"""What the operators' commands print in Chinese (their --help stays English)."""

from bot.delivery.texts import STATUS_NAMES


class TEXT:
    role_choice = "{key}（{name}）"
    separator = "、"
    unknown_role = "没有这个角色「{role}」。可选：{choices}"
    unknown_village = "没有找到村「{village}」（{town_file}）"
    invite = "{position}：绑定码{days}天内有效，只能用一次。"
    town_takes_no_place = "{role}管全镇，不用写 --village 或 --work-area。"
    one_place = "{role}只写一个：--work-area 工作区，或 --village 村（算这个村所在的工作区）。"
    needs_work_area = "{role}要写管哪个工作区：--work-area 工作区名。本镇的工作区：{areas}"
    unknown_work_area = "没有找到工作区「{area}」。本镇的工作区：{areas}"
    work_area_suffix = "工作区"
    village_role_no_area = "{role}是村里的角色，请用 --village 写哪个村，不用 --work-area。"
    needs_village = "{role}是村里的角色，要写哪个村：--village 村名，比如 --village 鸣皋村。"
    invite_howto = "请本人向公众号发送「绑定 {code}」。绑定码："
    no_folder = "没有这个文件夹：{folder}"
    sheet_count = "{title} {n} 行"
    count_separator = "，"
    exported = "已导出{town}{scope}台账：{counts} → {out}"
    whole_town = "全镇"
    faq_added = "已加进常见问答（{file}），马上生效。可以再打开文件，多写几种问法：\n{entry}"


class UNDELIVERED:
    """`python main.py undelivered`: what the town clerk reads, to phone whoever did not get an alert."""

    header = "还没送到人的提醒（{when}）"
    calls = "一、要打的电话（{n}个）："
    call = "第{number}号：请{caller}（{caller_phone}）打给{callee}（{callee_phone}），告诉他（她）：\n    {text}"
    call_top = (
        "第{number}号：没有上一级能接手，请镇指挥部安排人打给{callee}（{callee_phone}），告诉他（她）：\n    {text}"
    )
    alerts = "二、没送到的提醒（近{days}天，{n}条）："
    alert = "{at} 给{who}（{phone}）的提醒{state}：{text}"
    alert_task = "，见电话第{number}号"
    alert_no_task = "，还没有人接手，请安排打电话"
    states = STATUS_NAMES
    no_phone = "没有登记电话"
    none = "  没有。"
    all_clear = "所有提醒都已送到或有人在打电话。"
    indent = "  "
    text_limit = 60
    ellipsis = "…"
