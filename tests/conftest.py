"""Fixtures: a real database (SQLite, or PostgreSQL from TEST_DATABASE_URL) and the live app over HTTP."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.db import make_engine, transaction
from tests.support.live import LiveServer
from town.settings import Settings

DEMO_TOKEN = "test-token"
TEST_TOWN = Path(__file__).resolve().parent / "town.toml"
CLEANED_TABLES = (  # children before parents (foreign keys)
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
    "delivery_attempt",
    "call_task",
    "outbox_message",
    "channel_block",
    "api_pause",
    "api_token",
    "cadre_assignment",
    "cadre_invite",
    "risk_list_source",
    "person",
    "admin_user",
    "risk_area",
    "risk_list",
)


def pytest_configure(config):
    """The suite's own town (tests/town.toml), for the servers, the NLU and `python main.py` subprocesses alike."""
    os.environ["TOWN_FILE"] = str(TEST_TOWN)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A fresh database for this test session."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    name = f"xiangan_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def make_settings(database_url, tmp_path_factory):
    """Settings for a test server: sandbox by default, overridable per test."""
    spool_root = tmp_path_factory.mktemp("spool")

    def make(**overrides) -> Settings:
        values = {
            "database_url": database_url,
            "wechat_token": DEMO_TOKEN,
            "_env_file": None,
            "spool_dir": spool_root / "spool",
            "outbox_worker": False,  # delivery tests drive the worker themselves, one batch at a time
            "jobs_every_s": 0,  # care tests run the jobs themselves, at the times they freeze
            "scheduler": False,  # likewise every scheduled job; tests/test_scheduler.py starts its own schedulers
        }
        return Settings(**{**values, **overrides})

    return make


@pytest.fixture(scope="session")
def servers(make_settings):
    """Live servers by configuration, started once per session and shared."""
    started: dict[tuple, LiveServer] = {}

    def get(**overrides) -> LiveServer:
        key = tuple(sorted(overrides.items()))
        if key not in started:
            started[key] = LiveServer(make_settings(**overrides)).start()
        return started[key]

    get.started = started
    yield get
    for server in started.values():
        server.stop()


@pytest.fixture
def server(servers) -> LiveServer:
    """The default sandbox server (plaintext mode)."""
    return servers()


@pytest.fixture(autouse=True)
def clean_tables(request, database_url, servers):
    """Each test starts with no people, messages, conversations or outbox rows (nor a risk list held in memory)."""
    yield
    if "no_db" in request.keywords:
        return
    for running in servers.started.values():
        running.state.risk.expire()
    engine = make_engine(database_url)
    try:
        with transaction(engine) as session:
            existing = set(session.connection().dialect.get_table_names(session.connection()))
            for table in CLEANED_TABLES:
                if table in existing:
                    session.execute(text(f"DELETE FROM {table}"))
    finally:
        engine.dispose()
