"""bench/county.py at a tiny size, on PostgreSQL: it builds a county and times every operation (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.live import PROJECT


def test_the_county_benchmark_runs_every_operation(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the county benchmark builds its databases on PostgreSQL (COPY)")
    env = {**os.environ, "COUNTY_DATABASE_URL": os.environ["TEST_DATABASE_URL"]}
    result = subprocess.run(
        [sys.executable, "bench/county.py", "--people", "200", "400"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout[result.stdout.index("| operation |") :]
    for operation in ("import-risk-list", "risk_push job", "announce --to all", "export-ledger", "brief job"):
        assert f"| {operation}" in table
    assert "| care jobs (all) |" in table and "| retention, 31 days |" in table
    assert "x2 size: growth" in table and "exit 0" in result.stdout
