"""What every command does before it works: the settings it may start with, logging, the migrated database."""

from __future__ import annotations

import datetime as dt
import logging

import typer

from models.admin_user import ensure_first_admin
from models.db import make_engine, transaction
from models.migrate import upgrade_database
from models.town import read_town_file, sync_town
from town.settings import Settings, SettingsError, get_settings

log = logging.getLogger("xiangan")


def prepare_database(settings: Settings):
    """Create or upgrade the schema, load the town and the first admin; returns the engine."""
    db = make_engine(settings.database_url)
    upgrade_database(db)
    town = read_town_file(settings.town_file)
    with transaction(db) as session:
        sync_town(session, town)
        if ensure_first_admin(session, username=settings.admin_username, password=settings.admin_password):
            log.info("created the first town admin %r", settings.admin_username)
    return db


def startable_settings() -> Settings:
    """The settings, or exit 2 with the reason when the service must not run with them."""
    settings = get_settings()
    try:
        settings.check_startable()
    except SettingsError as exc:
        typer.echo(f"乡安 cannot start: {exc}", err=True)
        raise typer.Exit(2) from exc
    return settings


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")


def day_option(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD command-line option, or exit 2 saying what was wrong."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        typer.echo(f"{option} must be YYYY-MM-DD, got {value!r}", err=True)
        raise typer.Exit(2) from exc
