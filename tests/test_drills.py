"""The quick failure drill (bench/drills.py) runs as an operator runs it: no alert lost, none sent twice."""

from __future__ import annotations

import subprocess
import sys

from tests.support.live import PROJECT


def test_the_quick_wechat_drill_ends_every_fever_alert_with_a_person():
    done = subprocess.run(
        [sys.executable, "bench/drills.py", "--quick", "--only", "wechat"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    counts = dict(
        pair.rsplit(" ", 1) for pair in done.stdout.splitlines()[0].removeprefix("drill wechat: ").split(", ")
    )
    assert counts["reports"] == counts["alerts"] == "12"
    assert int(counts["sent"]) + int(counts["open_calls"]) == 12
    assert (counts["lost"], counts["dup"]) == ("0", "0")
    assert done.stdout.splitlines()[1] == "drill wechat: lost 0, sent twice 0"
