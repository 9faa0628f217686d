"""One town clock: with TIMEZONE=Asia/Urumqi, the dates a declaration and a check-in write follow the town's zone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from models.care import CheckIn
from models.quarantine import Quarantine
from tests.support.isolation import HOME, declare_at
from tests.support.isolation import town as town  # noqa: F401  (the fixture)
from town.settings import get_settings

# 17:00 UTC on 5 August: still the 5th in Urumqi (23:00), already the 6th in Beijing (01:00).
LATE_ON_THE_5TH = dt.datetime(2021, 8, 5, 17, 0, tzinfo=dt.UTC)
# A day later, 17:30 UTC: the 6th in Urumqi, the 7th in Beijing.
LATE_ON_THE_6TH = dt.datetime(2021, 8, 6, 17, 30, tzinfo=dt.UTC)


@pytest.fixture
def urumqi(monkeypatch):
    """The process's settings read TIMEZONE=Asia/Urumqi for this test, and Beijing time again after it."""
    monkeypatch.setenv("TIMEZONE", "Asia/Urumqi")
    get_settings.cache_clear()
    assert get_settings().timezone == "Asia/Urumqi"
    yield
    monkeypatch.delenv("TIMEZONE")
    get_settings.cache_clear()


def test_a_declaration_and_a_check_in_are_dated_by_the_towns_zone(urumqi, town):
    confirmed = declare_at(town, LATE_ON_THE_5TH)
    assert "居家隔离14天（8月5日至8月18日）" in confirmed  # Beijing's date would make it 8月6日至8月19日

    [record] = town.rows(Quarantine)
    assert (record.start_on, record.end_on) == (dt.date(2021, 8, 5), dt.date(2021, 8, 18))

    with time_machine.travel(LATE_ON_THE_6TH, tick=False):
        town.server.client(HOME).say("全家正常")
    assert {row.day for row in town.rows(CheckIn)} == {dt.date(2021, 8, 6)}


def test_without_the_setting_the_same_moment_is_beijings_next_day(town):
    assert get_settings().timezone == "Asia/Shanghai"
    confirmed = declare_at(town, LATE_ON_THE_5TH)
    assert "居家隔离14天（8月6日至8月19日）" in confirmed
