"""Retention: finished messages older than retention_days are archived (gzip JSON lines) and then deleted in chunks."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import stat

import pytest
from sqlalchemy import event, select

from broadcasts import retention
from broadcasts.jobs import schedule
from broadcasts.scheduler import LONG, run_job
from models.db import make_engine, transaction
from models.delivery import CallTask, DeliveryAttempt
from models.inbound import InboundMessage
from models.migrate import upgrade_database
from models.outbox import OutboxMessage
from town.policy import PolicyError, load_policy

NOW = dt.datetime(2022, 3, 1, 2, 0, tzinfo=dt.UTC)
OLD = NOW - dt.timedelta(days=200)
YOUNG = NOW - dt.timedelta(days=10)


@pytest.fixture
def db(database_url):
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


def outbox(db, key: str, status: str, created: dt.datetime, *, attempts: int = 0, call: bool = False) -> int:
    with transaction(db) as session:
        row = OutboxMessage(
            idempotency_key=key,
            recipient_openid=f"ret-{key}",
            kind="notice",
            text=f"给{key}的通知",
            status=status,
            created_at=created,
            due_at=created,
            sent_at=created if status in ("sent", "delivered") else None,
        )
        session.add(row)
        session.flush()
        for n in range(attempts):
            session.add(DeliveryAttempt(outbox_id=row.id, channel="kf", errcode=0, errmsg=f"ok {n}", at=created))
        if call:
            session.add(
                CallTask(outbox_id=row.id, callee_openid=row.recipient_openid, text=row.text, created_at=created)
            )
        return row.id


def inbound(db, key: str, status: str, received: dt.datetime) -> int:
    with transaction(db) as session:
        row = InboundMessage(
            openid=f"ret-{key}", dedupe_key=key, msg_type="text", text="你好", raw="<xml/>", received_at=received
        )
        row.status = status
        session.add(row)
        session.flush()
        return row.id


def keys(db, model) -> set[str]:
    column = model.idempotency_key if model is OutboxMessage else model.dedupe_key
    with transaction(db) as session:
        return set(session.execute(select(column)).scalars())


def archived(folder) -> dict[str, list[dict]]:
    """Every archived line, by table, in file order."""
    lines: dict[str, list[dict]] = {}
    for path in sorted(folder.glob("*/*.jsonl.gz")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # villagers' messages: readable by the service only
        with gzip.open(path, "rt", encoding="utf-8") as file:
            lines.setdefault(path.parent.name, []).extend(json.loads(line) for line in file)
    return lines


def test_old_finished_rows_are_archived_then_deleted_and_nothing_else(db, tmp_path):
    sent = outbox(db, "old-sent", "sent", OLD, attempts=2)
    outbox(db, "old-delivered", "delivered", OLD)
    for status in ("queued", "failed", "undeliverable", "covered", "sending"):
        outbox(db, f"old-{status}", status, OLD)
    outbox(db, "old-called", "sent", OLD, call=True)  # a phone-call task's source stays with its task
    outbox(db, "young-sent", "sent", YOUNG)
    inbound(db, "in-old-handled", "handled", OLD)
    for status in ("received", "failed", "limited"):
        inbound(db, f"in-old-{status}", status, OLD)
    inbound(db, "in-young-handled", "handled", YOUNG)

    assert retention.archive_old(db, now=NOW, days=180, archive_dir=tmp_path) == 3

    assert "old-sent" not in keys(db, OutboxMessage) and "old-delivered" not in keys(db, OutboxMessage)
    assert len(keys(db, OutboxMessage)) == 7 and {"old-called", "young-sent", "old-queued"} <= keys(db, OutboxMessage)
    assert keys(db, InboundMessage) == {"in-old-received", "in-old-failed", "in-old-limited", "in-young-handled"}
    with transaction(db) as session:
        assert session.execute(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == sent)).first() is None
        assert len(session.execute(select(CallTask)).all()) == 1
    lines = archived(tmp_path)
    assert [row["idempotency_key"] for row in lines["outbox_message"]] == ["old-sent", "old-delivered"]
    first = lines["outbox_message"][0]
    assert first["text"] == "给old-sent的通知" and [a["errmsg"] for a in first["attempts_log"]] == ["ok 0", "ok 1"]
    assert dt.datetime.fromisoformat(first["created_at"]) == OLD
    assert [row["dedupe_key"] for row in lines["inbound_message"]] == ["in-old-handled"]
    assert retention.archive_old(db, now=NOW, days=180, archive_dir=tmp_path) == 0  # nothing twice


def test_a_run_cut_short_goes_on_next_time_and_archives_each_row_once(db, tmp_path):
    sent = {outbox(db, f"chunk-{n}", "sent", OLD - dt.timedelta(minutes=n)) for n in range(7)}
    handled = {inbound(db, f"in-chunk-{n}", "handled", OLD) for n in range(5)}
    runs = []
    while done := retention.archive_old(db, now=NOW, days=180, archive_dir=tmp_path, chunk=2, budget_s=0):
        runs.append(done)  # no time left after each chunk: every run stops after one
    assert runs == [2, 2, 2, 1, 2, 2, 1]
    lines = archived(tmp_path)
    assert sorted(row["id"] for row in lines["outbox_message"]) == sorted(sent)
    assert sorted(row["id"] for row in lines["inbound_message"]) == sorted(handled)
    assert keys(db, OutboxMessage) == set() and keys(db, InboundMessage) == set()


def test_each_chunk_reads_on_from_the_last_so_rows_kept_are_read_once_a_run(db, tmp_path):
    """Young and kept rows before the old ones: a read from the first id every chunk would pass them every time."""
    for n in range(6):
        inbound(db, f"in-young-{n}", "handled", YOUNG)
        outbox(db, f"kept-{n}", "sent", OLD, call=True)
    old = [inbound(db, f"in-old-{n}", "handled", OLD) for n in range(7)]
    sent = [outbox(db, f"gone-{n}", "sent", OLD) for n in range(5)]
    seen: list[tuple[str, int]] = []

    def reads(_conn, _cursor, statement, params, _context, _many):
        read = re.match(r"SELECT (?:\*|o\.\*, b\.text AS body_text) FROM (outbox_message|inbound_message) ", statement)
        if read:
            seen.append((read[1], params["after"] if isinstance(params, dict) else params[-2]))

    event.listen(db, "before_cursor_execute", reads)
    try:
        assert retention.archive_old(db, now=NOW, days=180, archive_dir=tmp_path, chunk=2) == 12
    finally:
        event.remove(db, "before_cursor_execute", reads)
    assert seen == [
        ("outbox_message", 0), ("outbox_message", sent[1]), ("outbox_message", sent[3]), ("outbox_message", sent[4]),
        ("inbound_message", 0), ("inbound_message", old[1]), ("inbound_message", old[3]),
        ("inbound_message", old[5]), ("inbound_message", old[6]),
    ]  # fmt: skip


def test_the_scheduled_job_reads_the_days_from_the_policy_file(db, make_settings, tmp_path):
    outbox(db, "job-old", "delivered", OLD)
    outbox(db, "job-young", "delivered", NOW - dt.timedelta(days=179))
    settings = make_settings(archive_dir=tmp_path / "archive")
    assert retention.retention_days(settings.policy_file) == 180
    assert load_policy(settings.policy_file).rules  # the shipped policy file still loads with the key
    assert run_job(db, retention.job, NOW, settings) == 1
    assert keys(db, OutboxMessage) == {"job-young"}
    assert [row["idempotency_key"] for row in archived(tmp_path / "archive")["outbox_message"]] == ["job-old"]
    entries = {entry[0]: entry for entry in schedule(settings)}
    assert entries["retention"][3] == LONG and str(entries["retention"][1]) == f"daily {retention.RUN_AT}"


@pytest.mark.parametrize(("line", "expected"), [("", 180), ("retention_days = 400", 400)])
def test_retention_days_default_and_value(tmp_path, line, expected):
    policy = tmp_path / "policy.toml"
    policy.write_text(f'version = "x"\n{line}\n', encoding="utf-8")
    assert retention.retention_days(policy) == expected


@pytest.mark.parametrize("value", ["7", "0", '"180"', "true", "180.5"])
def test_retention_days_shorter_than_a_month_or_not_a_number_is_refused(tmp_path, value):
    policy = tmp_path / "policy.toml"
    policy.write_text(f"retention_days = {value}\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="retention_days"):
        retention.retention_days(policy)


def test_the_job_also_forgets_old_failed_sign_ins_and_expired_dashboard_sessions(db, make_settings, tmp_path):
    from models.admin_session import LoginAttempt

    with transaction(db) as session:
        session.add(LoginAttempt(username="old", address="10.0.0.1", attempted_at=NOW - dt.timedelta(days=2)))
        session.add(LoginAttempt(username="new", address="10.0.0.1", attempted_at=NOW - dt.timedelta(minutes=5)))
    run_job(db, retention.job, NOW, make_settings(archive_dir=tmp_path / "archive"))
    with transaction(db) as session:
        kept = {row.username for row in session.execute(select(LoginAttempt)).scalars()}
    assert kept == {"new"}
