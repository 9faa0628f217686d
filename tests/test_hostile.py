"""The hostile drill (bench/hostile.py) in its quick form, and the answers it found wanting."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from bot.dialogue import texts
from tests.support.conversation import profile, run
from tests.support.live import PROJECT


def test_the_quick_hostile_drill_gets_no_500_no_timeout_and_keeps_its_memory():
    done = subprocess.run(
        [sys.executable, "bench/hostile.py", "--quick"], cwd=PROJECT, capture_output=True, text=True, timeout=170
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("hostile ")]
    modes = {
        found[1]: found for line in lines if (found := re.match(r"hostile (\w+): 500s (\d+), timeouts (\d+)", line))
    }
    assert set(modes) == {"safe", "plaintext"}, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 0, done.stdout[-3000:]
    assert lines[-1] == "hostile drill: passed"


def test_a_village_answer_of_thousands_of_digits_is_asked_again(server):
    client = server.client("hostile-digits")
    run(client, [("我的信息", "名字"), ("周小梅", "手机号"), ("13812345678", "哪个村")])
    assert texts.VILLAGE_UNKNOWN.split("「")[0] in client.say("9" * 5000)  # int() refuses 4,300 digits and more
    run(client, [("鸣皋", "请核对"), ("对", "已经保存")])
    assert profile(server, "hostile-digits")[1] == "13812345678"


def test_picking_what_to_fix_with_a_huge_number_is_not_an_error(server):
    client = server.client("hostile-pick")
    run(client, [("我的信息", "名字"), ("周小梅", "手机号"), ("13812345678", "哪个村"), ("鸣皋", "请核对")])
    assert "哪一项不对" in client.say("不对")
    reply = client.say("9" * 5000)
    assert reply and "出了点问题" not in reply


@pytest.mark.parametrize("run", ["1" * 20000, "一" * 20000])
def test_a_guest_or_household_count_pattern_stays_linear_on_a_long_run(run):
    from handlers.events import _COUNT
    from handlers.vaccination.reading import _HOUSEHOLD

    def took(text: str) -> float:
        """The fastest of five tries: a shared machine's pauses stretch one try, never all five."""
        tries = []
        for _ in range(5):
            started = time.perf_counter()
            _COUNT.search(text), _HOUSEHOLD.search("俺家" + text)
            tries.append(time.perf_counter() - started)
        return min(tries)

    baseline = took("俺家三口人，酒席二十桌" * (len(run) // 10))  # as long, harmless
    assert took(run) < 50 * baseline + 0.05
