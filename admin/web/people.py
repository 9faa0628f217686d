"""A stub for the people pages: dash-ledgers replaces this module wholesale."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
