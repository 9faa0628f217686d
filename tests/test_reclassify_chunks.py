"""Re-classification in chunks: progress after each, a run cut short resumes, nobody is alerted twice."""

from __future__ import annotations

from collections import Counter

import pytest
import time_machine
from sqlalchemy import event, select

from models.db import transaction, utcnow
from models.declaration import Classification, Declaration
from models.outbox import OutboxMessage
from tests.support.database import empty_tables
from tests.support.live import SHANGHAI, run_cli_here
from tests.support.reclassify import (
    AUG5,
    CHANGJIANG,
    FENGCHAN,
    HAIDIAN,
    JINGGUANG,
    NOW,
    aug6_text,
    bind_cadres,
    current,
    declare,
    import_text,
    policy_of,
)
from tests.support.statements import counting
from town.care import apply_quarantine
from town.reclassify import CHUNK, ingest
from town.riskareas import parse_content


class Crash(RuntimeError):
    """The process dies between two chunks."""


@pytest.fixture
def town(server):
    """As in test_reclassify: the 8月5日 list, five returnees to 鸣皋村 (declared in this order); 8月7日."""
    with time_machine.travel(NOW, tick=True):
        db = server.state.db
        bind_cadres(db)
        assert import_text(db, AUG5.read_text(encoding="utf-8"), "2021-08-05-10.txt")[0].created
        server.state.risk.expire()
        ids = {
            "up": declare(db, "rc-up", "张桂兰", CHANGJIANG, by="rc-up-son"),
            "down": declare(db, "rc-down", "李建国", JINGGUANG),
            "proxy": declare(db, "rc-daughter", "孙德胜", CHANGJIANG, by="rc-daughter"),
            "same": declare(db, "rc-same", "王秀英", FENGCHAN),
            "free": declare(db, "rc-free", "赵大妮", HAIDIAN),
        }
        yield server, ids


def aug6(db, **options):
    """Import the 8月6日 version in chunks of two declarations (unless `chunk` says otherwise)."""
    options = {"chunk": 2, **options}
    return ingest(db, parse_content(aug6_text(), "2021-08-06-10.txt"), policy=policy_of(db), now=NOW, **options)


def crash(done: int, total: int) -> None:
    raise Crash(f"{done}/{total}")


def sent(db) -> list[tuple[str, str]]:
    with transaction(db) as session:
        rows = session.execute(
            select(OutboxMessage.recipient_openid, OutboxMessage.text).order_by(OutboxMessage.id)
        ).all()
        return [tuple(row) for row in rows]


def versions(db, declaration_id: int) -> int:
    with transaction(db) as session:
        rows = session.execute(select(Classification.id).where(Classification.declaration_id == declaration_id))
        return len(rows.all())


def test_progress_is_reported_after_each_chunk_and_the_outcome_is_as_in_one_go(town):
    server, ids = town
    seen: list[tuple[int, int]] = []
    result, summary = aug6(server.state.db, progress=lambda done, total: seen.append((done, total)))
    assert result.created and seen == [(2, 5), (4, 5), (5, 5)]
    assert summary.upgraded == [ids["up"], ids["proxy"]] and summary.proposed == [ids["down"]]
    assert summary.checked == 5 and summary.unchanged == 2 and "升级 2 份" in summary.line()


def test_a_run_cut_short_after_the_first_chunk_resumes_there_and_alerts_nobody_twice(town):
    server, ids = town
    db = server.state.db
    with pytest.raises(Crash):
        aug6(db, progress=crash)
    assert current(db, ids["up"]).disposition == "集中隔离"  # the first chunk committed
    assert current(db, ids["proxy"]).disposition == "居家隔离"  # the second never ran
    before = sent(db)
    seen: list[tuple[int, int]] = []
    result, summary = aug6(db, progress=lambda done, total: seen.append((done, total)))
    assert not result.created and seen == [(4, 5), (5, 5)]
    assert summary.upgraded == [ids["proxy"]] and summary.proposed == []
    assert summary.line() == (
        "重新判定在管的返乡报备 5 份：升级 2 份（已通知干部和本人），放宽待干部确认 1 份，不变 2 份。"
    )
    after = sent(db)
    assert after[: len(before)] == before and len(after) > len(before)
    assert [pair for pair, n in Counter(after).items() if n > 1] == []
    assert [text for openid, text in after if openid == "rc-cadre" and f"报备编号{ids['up']}\n" in text] != []
    assert versions(db, ids["up"]) == 2 and versions(db, ids["down"]) == 2 and versions(db, ids["proxy"]) == 2
    again, none = aug6(db)
    assert not again.created and none is None and sent(db) == after


def test_a_run_cut_short_is_not_resumed_once_a_newer_list_came(town):
    server, ids = town
    db = server.state.db
    with pytest.raises(Crash):
        aug6(db, progress=crash)
    aug7 = AUG5.read_text(encoding="utf-8").replace("8月5日10时", "8月7日9时")
    assert import_text(db, aug7, "aug7.txt")[1].checked == 5
    before = sent(db)
    again, none = aug6(db)
    assert not again.created and none is None and sent(db) == before
    assert current(db, ids["proxy"]).disposition == "居家隔离"  # as the 8月7日 list has it, not 8月6日


def test_import_risk_list_prints_its_progress(server, database_url, tmp_path):
    """The command line, on today's date (a subprocess cannot be time-travelled)."""
    db = server.state.db
    bind_cadres(db)
    assert run_cli_here("import-risk-list", str(AUG5), DATABASE_URL=database_url).returncode == 0
    declare(db, "rc-cli", "孙小红", CHANGJIANG, now=utcnow().astimezone(SHANGHAI))
    path = tmp_path / "2021-08-06-10.txt"
    path.write_text(aug6_text(), encoding="utf-8")
    shown = run_cli_here("import-risk-list", str(path), DATABASE_URL=database_url)
    assert shown.returncode == 0, shown.stderr
    assert "重新判定：1/1" in shown.stderr and "升级 1 份" in shown.stdout.splitlines()[-1]


def test_declarations_left_as_they_are_cost_no_statement_each(town):
    server, _ids = town
    db = server.state.db

    def statements(published: str) -> int:
        """How many statements importing the 8月5日 areas again, as published then, takes."""
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731 (before_cursor_execute: the statement)
        event.listen(db, "before_cursor_execute", listener)
        try:
            text = AUG5.read_text(encoding="utf-8").replace("8月5日10时", published)
            assert import_text(db, text, f"{published}.txt")[1].upgraded == []
        finally:
            event.remove(db, "before_cursor_execute", listener)
        return len(seen)

    five = statements("8月5日11时")
    with time_machine.travel(NOW, tick=True):
        for n in range(20):
            declare(db, f"rc-more-{n}", f"王{n}", FENGCHAN)
    assert statements("8月5日12时") == five  # 25 declarations, none changed: the same statements as for 5


def _upgrade_statements(server, returnees: int) -> tuple[int, int]:
    """Statements (and messages queued) of the 8月6日 import with this many returnees from 长江路街道 (upgraded, half
    with a home four to re-assign) and as many from 京广路街道 (proposed); then the rows go."""
    db = server.state.db
    with time_machine.travel(NOW, tick=True):
        bind_cadres(db)
        assert import_text(db, AUG5.read_text(encoding="utf-8"), "2021-08-05-10.txt")[0].created
        server.state.risk.expire()
        for n in range(returnees):
            up = declare(db, f"rc-up-{n}", f"张{n}", CHANGJIANG, by=f"rc-up-son-{n}" if n % 2 else None)
            if n % 2 == 0:
                with transaction(db) as session:
                    row = session.get(Classification, current(db, up).id)
                    apply_quarantine(session, declaration=session.get(Declaration, up), classification=row, now=NOW)
            declare(db, f"rc-down-{n}", f"李{n}", JINGGUANG)
        queued = len(sent(db))
        with counting(db, this_thread=True) as seen:  # not the live server's reload of its risk index
            _result, summary = aug6(db, chunk=CHUNK)
        queued = len(sent(db)) - queued
    assert len(summary.upgraded) == returnees and len(summary.proposed) == returnees
    empty_tables(server.settings.database_url)
    return len([s for s in seen.sent if not _row_by_row(db, s)]), queued


def _row_by_row(db, statement: str) -> bool:
    """An ORM insert SQLAlchemy sends a row at a time on SQLite (its RETURNING keeps no order): cheap in-process."""
    return db.dialect.name == "sqlite" and statement.startswith("INSERT") and "RETURNING" in statement


def test_upgrades_and_proposals_cost_no_statement_each(server):
    few, many = _upgrade_statements(server, 2), _upgrade_statements(server, 12)
    assert many[1] > few[1] * 5  # each upgrade still tells its cadres, its household and its four
    assert many[0] == few[0], (few, many)
