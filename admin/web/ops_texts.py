"""What the ops pages say (未送达, 风险地区, 通知, 干部): short, plain Chinese for cadres and the town clerk."""

from bot.delivery.texts import STATUS_NAMES
from town.riskareas.texts import LEVEL_NAMES
from town.texts import ROLE_NAMES


class UNDELIVERED:
    title = "未送达"
    calls = "要打的电话"
    alerts = "没送到的提醒（近{days}天）"
    none = "没有。"
    all_clear = "所有提醒都已送到或有人在打电话。"
    call_to = "打给{callee}"
    tell = "告诉他（她）："
    caller = "由{caller}打"
    caller_top = "没有上一级能接手，请镇指挥部安排"
    no_phone = "没有登记电话"
    mark = "已打电话"
    alert_task = "见电话第{number}号"
    alert_no_task = "还没有人接手，请安排打电话"
    states = STATUS_NAMES
    done = "第{number}号电话任务办完了，谢谢您！"
    already = "第{number}号电话任务已经办完了。"
    moved = "第{number}号电话任务已经转给上一级去打了。"
    refused = "第{number}号电话任务不是交给您的。"
    audit_open = "待打电话"
    audit_done = "已打电话"


class RISK:
    title = "风险地区"
    versions = "名单版本"
    none = "还没有导入过名单。"
    published = "发布"
    imported = "导入"
    unknown_time = "未注明"
    counts = "高{high} 中{medium}"
    compare = "比较两个版本"
    old = "旧版本"
    new = "新版本"
    show_diff = "看变化"
    diff_head = "#{old} → #{new}：新增 {added}，移除 {removed}，升级 {up}，降级 {down}"
    added, removed, up, down = "新增", "移除", "升级", "降级"
    move = "{old} → {new}"
    no_change = "两个版本一样，没有变化。"
    more = "……另有 {n} 条"
    upload = "导入新名单"
    upload_hint = "国务院客户端的 JSON、通报原文（txt）或 CSV。有一行找不到地方，就整份不导入。"
    upload_town_only = "导入名单由镇指挥部操作。"
    file = "名单文件"
    submit = "导入"
    no_file = "请选一个名单文件。"
    not_utf8 = "文件不是 UTF-8 编码的文字，请用记事本另存为 UTF-8 后再导入"
    rejected = "名单格式有误，共{n}处，未导入任何内容："
    error_line = "第{line}行：{message}"
    warnings = "名单数量和标题对不上（{n}处），请核对原文："
    report = "导入结果"
    stale_ok = "名单在有效期内。"
    policy = "现行政策"
    policy_version = "版本 {version}：{title}"
    policy_max_age = "名单超过 {days} 天没更新就提醒"
    policy_days = "（{days}天）"
    policy_unreadable = "政策文件读不出来：{error}"
    levels = LEVEL_NAMES
    audit_new = "新版本"
    audit_same = "与已有版本相同，未重复导入"
    condition_join = ""
    otherwise = "其他情况"
    conditions = {
        "health_code": "健康码为{value}",
        "abroad": "从境外回来",
        "level": "去过{value}地区",
        "within_days": "{value}天内",
        "related_district": "去过有中高风险地区的区县",
        "left_more_than_days": "离开超过{value}天",
    }
    codes = {"green": "绿码", "yellow": "黄码", "red": "红码"}
    from_entry = "，从入境算起"
    home_days = "，其中居家{days}天"


class ANNOUNCE:
    title = "通知"
    compose = "写通知"
    text = "通知内容"
    audience = "发给谁"
    audiences = {"all": "全镇", "isolated": "隔离户", "cadres": "全体干部"}
    village = "{name}"
    work_area = "{name}（工作区）"
    when = "什么时候发"
    now = "马上发"
    later = "定时发"
    at = "时间"
    preview = "先看能发到多少人"
    send = "发送"
    need_text = "请写通知内容。"
    too_long = "通知太长了，最多{n}个字。"
    bad_time = "时间不对，请选一个以后的时间。"
    reach = "预计能发到"
    sent = "第{id}号通知已开始发送。"
    scheduled = "第{id}号通知已排期，到时自动发送。"
    history = "发过的通知"
    none = "还没有通知。"
    results = "送达情况"
    waiting = "排期中，{at} 发送"
    daily = "每天 {times}"
    result_names = {"sent": "已发出", "pending": "发送中", "failed": "失败", "undeliverable": "发不到"}
    scripts_line = "大喇叭稿 {n} 份"
    unplanned = "没有渠道能发 {n} 人"
    by = "由{who}"
    separator = "、"
    read_only = "给全镇、隔离户或全体干部的通知由镇指挥部发；您可以给自己的村发。"


class CADRES:
    title = "干部"
    roster = "谁在什么岗位"
    none = "还没有人绑定。"
    empty = "空缺的岗位"
    all_filled = "各村岗位都有人。"
    empty_line = "{village}：{posts}"
    town_empty = "镇指挥部还没有人绑定。"
    area_empty = "{area}还没有负责人。"
    invite = "生成绑定码"
    role = "角色"
    village = "村"
    work_area = "工作区"
    choose = "请选择"
    create = "生成"
    town_takes_no_place = "{role}管全镇，不用选村或工作区。"
    needs_work_area = "{role}要选管哪个工作区。"
    needs_village = "{role}是村里的角色，要选哪个村。"
    created = "{position}的绑定码：{code}（{days}天内有效，只能用一次）。请本人向公众号发送「绑定 {code}」。"
    unused = "没用过的绑定码"
    no_invites = "没有没用过的绑定码。"
    expires = "{when}前有效"
    no_phone = "没有登记电话"
    no_name = "未留姓名"
    or_ = "或"
    separator = "、"
    roles = ROLE_NAMES
