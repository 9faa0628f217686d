"""Fixtures: a real database (SQLite, or PostgreSQL from TEST_DATABASE_URL) and the live app over HTTP."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.browser import browser, phone  # noqa: F401 (fixtures for every module)
from tests.support.dashboard import cadre_phone  # noqa: F401 (a fixture for every module)
from tests.support.database import empty_tables, postgres_database
from tests.support.live import LiveServer
from town.settings import Settings

DEMO_TOKEN = "test-token"
TEST_TOWN = Path(__file__).resolve().parent / "town.toml"


# Tests whose subject does not depend on the database (the NLU, the parser under random input, the pages' layout and
# scripts in a browser): the PostgreSQL pass leaves them to the SQLite pass, so CI stays within its time. Every query
# they reach is also tested over HTTP on both databases.
DATABASE_INDEPENDENT = (
    "tests/nlu/",
    "tests/test_properties.py",
    "tests/test_webhook_bad_input.py",
    "tests/test_simulator_browser.py",
    "tests/test_dashboard_ledgers_browser.py",
    "tests/test_dashboard_today_browser.py",
    "tests/test_dashboard_ops_browser.py",
)


def pytest_configure(config):
    """The suite's own town (tests/town.toml), for the servers, the NLU and `python main.py` subprocesses alike."""
    os.environ["TOWN_FILE"] = str(TEST_TOWN)


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, leave out what the SQLite pass already covers (DATABASE_INDEPENDENT); say how many."""
    if not os.environ.get("TEST_DATABASE_URL") or os.environ.get("TEST_EVERYTHING"):
        return
    root = Path(config.rootpath)
    once = [i for i in items if Path(i.path).relative_to(root).as_posix().startswith(DATABASE_INDEPENDENT)]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [i for i in items if i not in once]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A fresh database for this test session."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with postgres_database(base) as url:
        yield url


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
        kept = getattr(running.state, "today_counts", None)  # the Today page's counts: ids start again after this
        if kept is not None:
            kept.clear()
    empty_tables(database_url)
