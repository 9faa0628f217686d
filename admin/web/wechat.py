"""Signing in inside WeChat (web authorisation, snsapi_base): filled in below."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
