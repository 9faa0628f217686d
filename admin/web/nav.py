"""The dashboard's navigation: every page's label and address, and who sees which."""

from __future__ import annotations

from dataclasses import dataclass

from admin.web.viewer import Viewer


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar."""

    label: str
    href: str
    town_only: bool = False


NAV = (
    NavItem("今日", "/admin/"),
    NavItem("待办", "/admin/todo"),
    NavItem("台账", "/admin/ledgers"),
    NavItem("未送达", "/admin/undelivered"),
    NavItem("风险地区", "/admin/risk"),
    NavItem("通知", "/admin/announcements"),
    NavItem("干部", "/admin/cadres"),
    NavItem("操作记录", "/admin/audit", town_only=True),
)


def nav_for(viewer: Viewer | None) -> list[NavItem]:
    """The entries this viewer may open."""
    if viewer is None:
        return []
    return [item for item in NAV if not item.town_only or viewer.village_ids is None]


def is_current(item: NavItem, path: str) -> bool:
    """Whether the page at `path` belongs to this entry."""
    if item.href == "/admin/":
        return path in ("/admin", "/admin/")
    return path == item.href or path.startswith(item.href + "/")
