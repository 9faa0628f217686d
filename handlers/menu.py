"""The account's custom menu, declared as data; buttons whose flow is not built yet are left out."""

from __future__ import annotations

from collections.abc import Iterable

from bot.dialogue.flow import Flow

HELP_KEY = "HELP"
MAX_TOP, MAX_SUB = 3, 5
# WeChat measures names in display width: a Chinese character counts 2, an ASCII one 1.
MAX_TOP_WIDTH, MAX_SUB_WIDTH = 8, 14  # 4 / 7 Chinese characters
MAX_KEY_BYTES = 128

# (top-level name, ((sub-button name, flow key), ...)); keys of flows still to come are kept here on purpose.
LAYOUT: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("报备", (("返乡报备", "RETURN"), ("发烧报告", "FEVER"), ("红白事", "EVENT"))),
    ("求助", (("物资申请", "SUPPLIES"), ("我的申请", "MY_REQUESTS"), ("政策问答", "POLICY"))),
    ("我的", (("我的信息", "MY_INFO"), ("疫苗登记", "VACCINATION"), ("帮助", HELP_KEY))),
)


# A link button for cadres: the dashboard, opened through WeChat's web authorisation (villagers are told kindly
# that it is for cadres). Only when PUBLIC_URL says where the service is reached.
ADMIN_BUTTON, ADMIN_GROUP, ADMIN_PATH = "干部后台", "我的", "/admin/wechat"
MAX_URL_BYTES = 1024


def build_menu(flows: Iterable[Flow], layout=LAYOUT, *, admin_url: str | None = None) -> dict:
    """WeChat's menu JSON for the flows that exist (plus 帮助, and the dashboard's link when admin_url is given);
    ValueError when the layout breaks WeChat's limits."""
    check_layout(layout)
    if admin_url is not None and (not admin_url.startswith(("http://", "https://")) or len(admin_url) > MAX_URL_BYTES):
        raise ValueError(f"the dashboard's menu link needs an http(s) address of at most {MAX_URL_BYTES} bytes")
    known = {key for flow in flows for key in flow.entry_keys} | {HELP_KEY}
    buttons = []
    for top_name, subs in layout:
        kept = [{"type": "click", "name": name, "key": key} for name, key in subs if key in known]
        if admin_url and top_name == ADMIN_GROUP and len(kept) < MAX_SUB:
            kept.append({"type": "view", "name": ADMIN_BUTTON, "url": admin_url})
        if kept:
            buttons.append({"name": top_name, "sub_button": kept})
    if not buttons:
        raise ValueError("no menu button is left: none of the layout's keys belongs to a flow that exists")
    return {"button": buttons}


def check_layout(layout) -> None:
    """Raise ValueError naming the first button that WeChat would refuse."""
    if not 1 <= len(layout) <= MAX_TOP:
        raise ValueError(f"the menu needs 1 to {MAX_TOP} top-level buttons, the layout has {len(layout)}")
    for top_name, subs in layout:
        _check_name(top_name, MAX_TOP_WIDTH, "top-level")
        if not 1 <= len(subs) <= MAX_SUB:
            raise ValueError(f"menu group {top_name!r} needs 1 to {MAX_SUB} sub-buttons, it has {len(subs)}")
        for name, key in subs:
            _check_name(name, MAX_SUB_WIDTH, "sub-button")
            if not key or len(key.encode()) > MAX_KEY_BYTES:
                raise ValueError(f"menu button {name!r} needs a key of 1 to {MAX_KEY_BYTES} bytes, got {key!r}")


def _check_name(name: str, limit: int, where: str) -> None:
    if not name or name_width(name) > limit:
        raise ValueError(
            f"{where} menu name {name!r} is too long: at most {limit // 2} Chinese characters ({limit} ASCII)"
        )


def name_width(name: str) -> int:
    """How WeChat counts a menu name: 2 per Chinese character, 1 per ASCII one."""
    return sum(1 if ord(ch) < 128 else 2 for ch in name)


def describe(menu: dict) -> list[str]:
    """The menu as indented lines for the person who pushes it."""
    lines = []
    for button in menu["button"]:
        lines.append(button["name"])
        lines += [
            f"    {sub['name']}  (key {sub['key']})" if "key" in sub else f"    {sub['name']}  (link {sub['url']})"
            for sub in button.get("sub_button", [])
        ]
    return lines
