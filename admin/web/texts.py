"""Everything a cadre reads on the dashboard's frame, sign-in and audit pages (Simplified Chinese)."""

from __future__ import annotations

from town.texts import ROLE_NAMES

SITE = "乡安后台"
TOWN_ADMIN = "镇管理员"
SOMEONE = "干部"


def role_name(role: str) -> str:
    """A role as a cadre reads it."""
    return TOWN_ADMIN if role == "town_admin" else ROLE_NAMES.get(role, role)


class SIGNIN:
    """The sign-in page and its answers."""

    title = "登录乡安后台"
    username = "用户名"
    password = "密码"
    submit = "登录"
    wechat = "在微信里打开？点这里用微信登录"
    wrong = "用户名或密码不对，请再试一次。"
    throttled = "登录失败次数太多，请 15 分钟后再试。忘了密码，可以在公众号里发「后台密码」重新设置。"
    no_role = "您的账号现在没有干部身份，看不了后台。如果弄错了，请联系镇指挥部。"
    signed_out = "已退出登录。"
    sign_out = "退出"


class WECHAT:
    """Signing in through WeChat's authorisation."""

    title = "微信登录"
    no_role = (
        "您好！后台只给村里和镇上的防控干部用。"
        "如果您是干部，请先在公众号里发「绑定 邀请码」；有事要报，直接在公众号里说就行。"
    )
    bad_code = "微信登录没有成功（登录码无效或已用过）。请回到公众号，重新点「后台」按钮。"
    failed = "暂时连不上微信，请稍后再试。"
    bad_state = "登录已过期，请回到公众号重新点「后台」按钮。"
    not_configured = "这个账号还没有配置微信登录，请用用户名和密码登录。"


class ERRORS:
    """Error pages."""

    not_found = "没有找到这一页，或者它不在您管辖的范围内。"
    forbidden = "这个操作没有通过安全检查，请刷新页面后再试。"
    back = "回到今日"


class AUDIT:
    """The audit log page."""

    title = "操作记录"
    empty = "还没有操作记录。"
    when, actor, action, target, change = "时间", "操作人", "操作", "对象", "改动"
    newer, older = "较新", "较早"
    page = "第 {page} 页，共 {total} 条"
    nothing = "（空）"


# What the audit page shows for an action and for the fields of its before/after. Actions and fields not listed
# are shown as recorded: record them in Chinese, or add them here.
ACTION_NAMES = {
    "signin": "登录",
    "signin_wechat": "微信登录",
    "set_password": "设置后台密码",
    "download": "下载",
    "export_ledger": "下载台账",
    "accept": "接单",
    "deliver": "送达",
    "sampling_done": "采样完成",
    "decide": "处理申报",
    "override": "更改管控措施",
    "answer": "答复",
    "close_fever": "关闭发热报告",
    "call_made": "已打电话",
    "import_risk_list": "导入风险地区名单",
    "announce": "发送通知",
    "invite": "生成邀请码",
}
FIELD_NAMES = {
    "status": "状态",
    "state": "状态",
    "measure": "管控措施",
    "reason": "原因",
    "note": "备注",
    "text": "内容",
    "answer": "答复",
    "name": "姓名",
    "phone": "电话",
    "village": "村",
    "village_id": "村编号",
    "role": "身份",
    "username": "用户名",
    "file": "文件",
    "sheets": "工作表",
    "rows": "行数",
    "audience": "对象",
    "send_at": "发送时间",
    "code": "邀请码",
    "scope": "范围",
}
VALUE_NAMES = {True: "是", False: "否", None: "（空）"}


class PASSWORD:
    """Setting a cadre's own user name and password from the one-time link."""

    title = "设置后台密码"
    intro = "{name}，您好！请设置在电脑上登录后台用的用户名和密码。"
    username = "用户名（字母、数字，3 到 32 位）"
    password = "密码（至少 8 位）"
    again = "再输一遍密码"
    submit = "保存并登录"
    expired = "这个链接已经用过或者过期了。请在公众号里重新发「后台密码」，会收到新的链接。"
    bad_username = "用户名只能用字母、数字、下划线、点和横线，3 到 32 位。"
    taken = "这个用户名已经有人用了，请换一个。"
    short = "密码太短了，至少要 8 位。"
    mismatch = "两次输入的密码不一样，请再输一遍。"
    no_role = SIGNIN.no_role
