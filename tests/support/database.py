"""The suite's database: a PostgreSQL database of its own for a session, and every test's rows emptied after it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.db import make_engine, transaction

CLEANED_TABLES = (  # children before parents (foreign keys)
    "admin_session",
    "admin_token",
    "login_attempt",
    "audit_log",
    "conversation_state",
    "announcement_run",
    "announcement",
    "brief",
    "scheduler_lease",
    "checkpoint_report",
    "care_assignment",
    "sampling_round",
    "check_in",
    "fever_report",
    "supply_request",
    "event_report",
    "vaccination",
    "policy_question",
    "quarantine",
    "household_member",
    "classification",
    "declaration",
    "inbound_message",
    "invite_attempt",
    "limit_notice",
    "webhook_request",
    "delivery_attempt",
    "call_task",
    "outbox_message",
    "outbox_body",
    "channel_block",
    "api_pause",
    "api_token",
    "cadre_assignment",
    "cadre_invite",
    "risk_list_source",
    "reclassify_run",
    "admin_user",
    "person",
    "risk_area",
    "risk_list",
)


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh database on the server of `base_url` (its URL), dropped afterwards."""
    name = f"xiangan_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables(database_url: str) -> None:
    """Delete every row a test may have written (no people, messages, conversations or outbox rows)."""
    engine = make_engine(database_url)
    try:
        with transaction(engine) as session:
            existing = set(session.connection().dialect.get_table_names(session.connection()))
            for table in CLEANED_TABLES:
                if table in existing:
                    session.execute(text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()
