"""The ops pages: 未送达 (undelivered alerts and call tasks), 风险地区, 通知 and 干部, one module each."""

from __future__ import annotations

from fastapi import APIRouter

from admin.web.ops import announcements, cadres, risk, undelivered

router = APIRouter()
for page in (undelivered, risk, announcements, cadres):
    router.include_router(page.router)
