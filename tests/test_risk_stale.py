"""An old risk list says so (RISK_LIST_MAX_AGE_DAYS), and dates carry the year when it is not this year.

"This year" is the year of the moment being handled (a message, a job run, an import), not the wall clock's: the
jobs below run in 2021 while the tests run years later. Query and declaration replies: tests/transcripts.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from broadcasts import brief, risk_stale
from broadcasts.scheduler import run_job
from models.brief import Brief
from models.db import transaction
from models.outbox import OutboxMessage
from tests.support.live import SHANGHAI
from tests.support.reclassify import AUG5, aug6_text, bind_cadres, import_text
from town import clock
from town.riskareas.age import stale_note

PUBLISHED = dt.datetime(2021, 8, 5, 10, 0, tzinfo=SHANGHAI)  # the 8月5日 list
NOTE = "注意：这是2021年8月5日的名单，已经过了{days}天，可能不是最新的。"


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2021) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def test_a_date_carries_its_year_only_when_it_is_not_the_handled_moments_year():
    with clock.handling(at(8, 6)):
        assert clock.day(dt.date(2021, 8, 5)) == "8月5日"
        assert clock.day(dt.date(2020, 12, 31)) == "2020年12月31日"
        assert clock.day_hour(PUBLISHED) == "8月5日10时"
        assert clock.day_hour(PUBLISHED.replace(minute=30)) == "8月5日10时30分"
        with clock.handling(at(1, 10, year=2022)):  # nested: the inner moment rules, then the outer again
            assert clock.day(dt.date(2021, 8, 5)) == "2021年8月5日"
            assert clock.day_hour(PUBLISHED) == "2021年8月5日10时"
        assert clock.day(dt.date(2021, 8, 5)) == "8月5日"
    assert clock.day(dt.date(2021, 8, 5), year=2021) == "8月5日"  # a caller's own year wins
    assert clock.day(None) == ""


def test_outside_any_handled_moment_this_year_is_the_wall_clocks():
    with time_machine.travel(at(3, 1, year=2022), tick=False):
        assert clock.day(dt.date(2022, 2, 28)) == "2月28日"
        assert clock.day(dt.date(2021, 8, 5)) == "2021年8月5日"
    this_year = clock.today().year
    assert clock.day(dt.date(this_year, 1, 2)) == "1月2日"
    assert clock.day(dt.date(this_year - 1, 1, 2)) == f"{this_year - 1}年1月2日"


def test_the_year_turns_by_the_towns_clock_not_utc():
    new_years_eve_utc = dt.datetime(2021, 12, 31, 17, 0, tzinfo=dt.UTC)  # already 2022-01-01 01:00 in Beijing
    with clock.handling(new_years_eve_utc):
        assert clock.day(dt.date(2021, 12, 31)) == "2021年12月31日"
        assert clock.day(dt.date(2022, 1, 1)) == "1月1日"


@pytest.mark.parametrize(
    ("now", "note"),
    [
        (at(8, 5, 23, 59), ""),
        (at(8, 12, 23, 59), ""),  # seven days: still within the policy's 7
        (at(8, 13, 0, 0), NOTE.format(days=8)),
        (at(1, 10, year=2022), NOTE.format(days=158)),
    ],
)
def test_a_list_is_stale_after_the_policys_days(now, note):
    assert stale_note(PUBLISHED, now, 7) == note
    assert stale_note(None, now, 7) == ""  # a list without a time is never called old


def test_a_stricter_policy_calls_a_list_stale_sooner():
    assert stale_note(PUBLISHED, at(8, 8), 2) == NOTE.format(days=3)
    assert stale_note(PUBLISHED, at(8, 8), 3) == ""


@pytest.fixture
def town(server):
    """Cadres bound (a village cadre of 鸣皋村 and the town command) and the 8月5日 list imported on 8月6日."""
    bind_cadres(server.state.db)
    assert import_text(server.state.db, AUG5.read_text(encoding="utf-8"), "aug5.txt", at(8, 6))[0].created
    return server


def stale_alerts(server) -> list[tuple[str, str]]:
    with transaction(server.state.db) as session:
        rows = session.execute(
            select(OutboxMessage.recipient_openid, OutboxMessage.text)
            .where(OutboxMessage.idempotency_key.like("stale-list:%"))
            .order_by(OutboxMessage.id)
        )
        return [tuple(row) for row in rows]


def test_the_town_command_hears_once_a_day_while_the_list_is_old(town):
    settings = town.settings
    assert run_job(town.state.db, risk_stale.job, at(8, 12, 16), settings) == 0  # seven days: not old yet
    assert run_job(town.state.db, risk_stale.job, at(8, 13, 14, 59), settings) == 0  # before RISK_PUSH_AT
    assert run_job(town.state.db, risk_stale.job, at(8, 13, 15), settings) == 1
    assert run_job(town.state.db, risk_stale.job, at(8, 13, 21), settings) == 0  # once that day
    ask = "请尽快导入最新的中高风险地区名单（python main.py import-risk-list 文件）。"
    assert stale_alerts(town) == [("rc-command", f"【名单过期】{NOTE.format(days=8)}\n{ask}")]
    assert run_job(town.state.db, risk_stale.job, at(8, 14, 15, 30), settings) == 1  # and again the next day
    assert NOTE.format(days=9) in stale_alerts(town)[-1][1]
    import_text(town.state.db, aug6_text(), "aug6.txt", at(8, 14, 16))  # old too, but a newer list
    assert run_job(town.state.db, risk_stale.job, at(8, 15, 15), settings) == 1
    assert "这是2021年8月6日的名单，已经过了9天" in stale_alerts(town)[-1][1]
    assert len(stale_alerts(town)) == 3 and {openid for openid, _ in stale_alerts(town)} == {"rc-command"}


def test_without_a_list_the_command_is_not_told_of_one(server):
    bind_cadres(server.state.db)
    assert run_job(server.state.db, risk_stale.job, at(8, 20, 15), server.settings) == 0
    assert stale_alerts(server) == []


def village_brief(server, day: dt.date) -> str:
    with transaction(server.state.db) as session:
        rows = session.execute(select(Brief).where(Brief.day == day, Brief.scope.like("village:%"))).scalars()
        return next(row.text for row in rows)


def test_the_brief_leads_with_the_note_only_when_the_list_is_old(town):
    db, settings = town.state.db, town.settings
    assert run_job(db, brief.job, at(8, 12, 18), settings) > 0
    fresh = village_brief(town, dt.date(2021, 8, 12))
    assert fresh.startswith("【调度简报】") and "8月12日" in fresh.splitlines()[0]
    assert "2021年" not in fresh and "注意：这是" not in fresh
    assert run_job(db, brief.job, at(8, 13, 18), settings) > 0
    old = village_brief(town, dt.date(2021, 8, 13)).splitlines()
    assert "8月13日" in old[0] and "2021年8月13日" not in old[0]  # the brief's own day: this year
    assert old[1] == NOTE.format(days=8)  # first: every figure below leans on the list
