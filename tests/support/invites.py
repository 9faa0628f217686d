"""Cadre invites as an operator makes them: `python main.py invite-cadre`."""

from __future__ import annotations

import subprocess

from tests.support.live import run_cli


def invite(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return run_cli("invite-cadre", *args, DATABASE_URL=database_url, WECHAT_APP_ID="")
