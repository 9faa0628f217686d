"""The schema comes from Alembic and matches the models; settings and the command line behave."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, make_url, text
from sqlmodel import SQLModel

import models  # noqa: F401
from main import create_app
from models.db import make_engine, transaction
from models.migrate import upgrade_database
from models.town import list_villages, read_town_file, sync_town
from tests.support.live import PROJECT, run_cli, run_cli_here
from town.settings import SANDBOX_TOKEN, Settings, SettingsError


@pytest.fixture
def empty_database(database_url, tmp_path):
    """An empty database of the same kind as the suite's (a SQLite file, or a PostgreSQL database of its own)."""
    if database_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    url = make_url(database_url)
    name = f"{url.database}_empty"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_alembic_upgrades_an_empty_database_to_the_models(empty_database):
    upgrade_database(empty_database)
    tables = set(inspect(empty_database).get_table_names())
    assert {
        "person",
        "village",
        "work_area",
        "inbound_message",
        "conversation_state",
        "outbox_message",
        "admin_user",
        "alembic_version",
    } <= tables
    with empty_database.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    upgrade_database(empty_database)  # a second start is a no-op


def test_the_demo_town_still_loads(empty_database):
    """The suite runs on tests/town.toml; the demo town in data/ must still load and fill the tables."""
    demo = read_town_file(PROJECT / "data" / "town.toml")
    upgrade_database(empty_database)
    with transaction(empty_database) as session:
        sync_town(session, demo)
    with transaction(empty_database) as session:
        names = [village.name for village in list_villages(session)]
    assert demo.name == "鸣皋镇" and len(names) == 39 and {"鸣皋村", "万沟村", "西平村"} <= set(names)


def test_sandbox_token_is_refused_for_a_real_account():
    with pytest.raises(SettingsError, match="WECHAT_TOKEN"):
        create_app(Settings(_env_file=None, wechat_app_id="wx123", wechat_app_secret="s", wechat_token=SANDBOX_TOKEN))


def test_serve_refuses_to_start_with_the_sandbox_token_and_says_why():
    result = run_cli("serve", WECHAT_APP_ID="wx123", WECHAT_APP_SECRET="s", WECHAT_TOKEN=SANDBOX_TOKEN)
    assert result.returncode == 2
    assert "WECHAT_TOKEN" in result.stderr


def test_bad_aes_key_length_is_refused():
    with pytest.raises(ValueError, match="43"):
        Settings(_env_file=None, wechat_encoding_aes_key="short")


def test_env_example_documents_every_setting():
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (PROJECT / ".env.example").read_text(), re.MULTILINE))
    expected = {name.upper() for name in Settings.model_fields}
    assert expected == documented


def test_readme_settings_table_lists_every_setting():
    readme = (PROJECT / "README.md").read_text()
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in readme]
    assert missing == []


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("serve", "invite-cadre", "nlu-eval"):
        assert command in result.stdout


def test_nlu_eval_scores_the_shared_dev_set():
    dev = PROJECT / "tests" / "nlu" / "dev.jsonl"
    result = run_cli_here("nlu-eval", str(dev), "--today", "2021-08-06")
    assert result.returncode == 0, result.stderr
    accuracy = float(re.search(r"intent accuracy\s+([\d.]+)%", result.stdout)[1])
    assert accuracy >= 97.0, result.stdout


def test_nlu_eval_refuses_a_bad_date():
    dev = PROJECT / "tests" / "nlu" / "dev.jsonl"
    result = run_cli_here("nlu-eval", str(dev), "--today", "8月6日")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr
