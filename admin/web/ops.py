"""A stub for the ops pages: dash-ops replaces this module wholesale (admin/web/__init__.py includes its router)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
