"""The policy's words: what a reason template is filled with, and what a bad policy file is told."""

# The health-code colours as villagers name them.
CODE_NAMES = {"green": "绿码", "yellow": "黄码", "red": "红码"}


class REASON:
    whole_area = "全域"
    abroad = "境外"
    somewhere = "您来的地方"
    latest = ""  # no list imported yet: the reason says so first (no_list)
    no_list = "镇上还没有收到中高风险地区名单，先按下面办；名单到了，有变化会马上告诉您。"
    separator = "、"
    entry = "{day}从{port}入境"
    entry_unknown = "{day}入境"  # a declaration from before the port city was asked
    port_done = "在{port}已集中隔离{days}天"
    port_somewhere = "入境城市"
    port_none = "入境后没有集中隔离"


class ERROR:
    in_file = "{path}：{problem}"
    unreadable = "无法读取规则文件：{exc}"
    unknown_top = "未知的顶层字段：{names}"
    no_version = "缺少 version（规则版本）"
    no_rules = "没有任何规则（[[rule]]）"
    last_rule = "规则 {id}：最后一条规则必须没有条件（when = {{}}），保证每个人都有结论"
    id_number = "id_number 必须是 {choices} 之一"
    events_table = "events 必须是表"
    events_unknown = "events 里有未知的种类：{names}（可用：{kinds}）"
    events_missing = "events 缺少 {missing}"
    event = "events.{kind}：{problem}"
    table = "必须是表"
    unknown_fields = "未知字段 {names}"
    max_guests = "max_guests 必须是0或正整数（0 表示不该办）"
    no_advice = "缺少 advice（告诉村民的中文说明）"
    advice_placeholder = "advice 里只能用 {{max_guests}} 占位符（{exc}）"
    duplicate_id = "规则 {id}：id 重复"
    rule_not_table = "第{number}条规则不是表"
    rule_no_id = "第{number}条规则缺少 id"
    rule = "规则 {id}：{problem}"
    when_table = "when 必须是表"
    disposition = "未知的处置方式 {disposition!r}（可用：{choices}）"
    days = "days 必须是正整数"
    no_quarantine_days = "无需隔离不能有 days/home_days"
    alert = "alert 必须是 true 或 false"
    no_reason = "缺少 {key}（说明原因的中文模板）"
    counted_from = "from 必须是 {choices} 之一"
    reasons_from_entry = 'reason_home、reason_done 只用于 from = "entry" 的规则'
    condition_unknown = "未知条件 {key}（可用：{choices}）"
    condition_bool = "条件 {key} 必须是 true 或 false"
    condition_positive = "条件 {key} 必须是正整数"
    condition_level = "条件 level 必须是 {choices} 之一"
    condition_codes = "条件 health_code 必须是 {choices} 组成的列表"
    positive = "{key} 必须是正整数"
    samples_ints = "nucleic_acid_days 必须是整数列表"
    samples_sorted = "nucleic_acid_days 必须从小到大且不重复"
    samples_range = "nucleic_acid_days 必须在第1天到第{total}天之间"
    template = "reason 模板格式有误：{exc}"
    placeholders = "reason 模板里有未知的占位符 {names}"
    sep = "、"


class MEASURE:
    """A measure and its days, as the reply, the alert and the 台账 say it."""

    part = "{days}天（{start}至{end}）"
    one_day = "1天（{day}）"
    then = "{first}，再{home}{then}"
