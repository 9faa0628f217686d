"""bench/dashboard.py at a tiny size (on PostgreSQL too when the suite runs there): it builds, signs in, times every
page against its bare SELECT and prints the table, so that it cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.live import PROJECT


def test_the_dashboard_benchmark_times_every_page(database_url):
    server = os.environ.get("TEST_DATABASE_URL")
    args = ["--declarations", "300", "--quarantines", "30", "--requests", "3"]
    args += ["--database-url", server] if database_url.startswith("postgresql") and server else []
    result = subprocess.run(
        [sys.executable, "bench/dashboard.py", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = result.stdout[result.stdout.index("| page |") :]
    for page in ("returnees, 居家隔离, 14 days", "returnees, one village", "quarantines, sampling due", "person page"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {page} |"))
        assert row.count("|") == 7 and " - | - | - | - |" not in row, row
    assert "| Today" in table and "pages over 300 ms at p95:" in result.stdout
    assert "300 declarations, 30 quarantines" in result.stdout
