"""A stub for the ledgers pages: dash-ledgers replaces this module wholesale."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
