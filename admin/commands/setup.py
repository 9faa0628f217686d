"""Commands that set the account up and feed it: risk lists, the menu, village tags, the NLU's score."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot import nlu
from bot.startup import configure_logging, day_option, prepare_database, startable_settings
from handlers.registry import FLOWS
from models.db import utcnow
from town.policy import load_policy
from town.settings import get_settings


def nlu_eval(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Labelled messages, one JSON per line")],
    today: str = typer.Option(None, help="Anchor for relative dates, YYYY-MM-DD"),
) -> None:
    """Score the NLU on a labelled JSONL file: intent accuracy, per-slot accuracy, the misses."""
    from bot.nlu.eval import evaluate, format_report

    anchor = day_option(today, "--today")
    nlu.warm_up()
    typer.echo(format_report(evaluate(file, anchor)))


def push_menu() -> None:
    """Create the account's menu on WeChat from handlers/menu.py (sandbox: print it, send nothing)."""
    from bot.wechat import make_api
    from bot.wechat.errors import WeChatError
    from handlers.menu import ADMIN_PATH, build_menu, describe

    settings = get_settings()
    admin_url = settings.public_url.rstrip("/") + ADMIN_PATH if settings.public_url else None
    if admin_url is None:
        typer.echo("PUBLIC_URL is empty: the menu has no 干部后台 link to the dashboard.")
    try:
        menu = build_menu(FLOWS, admin_url=admin_url)
    except ValueError as exc:
        typer.echo(f"The menu in handlers/menu.py breaks WeChat's limits: {exc}", err=True)
        raise typer.Exit(2) from exc
    if settings.sandbox:
        typer.echo("Sandbox mode (no WECHAT_APP_ID): the menu was NOT sent to WeChat. It would be:")
        typer.echo("\n".join(f"  {line}" for line in describe(menu)))
        return
    startable_settings()
    api = make_api(settings, prepare_database(settings))
    try:
        api.call("menu/create", lambda c: c.menu.create(menu))
    except WeChatError as exc:
        typer.echo(f"WeChat refused the menu: {exc.errcode} {exc.errmsg}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("Menu created on WeChat (followers see it the next time they open the chat):")
    typer.echo("\n".join(f"  {line}" for line in describe(menu)))


def sync_tags_command() -> None:
    """Give each village a WeChat tag and put every subscribed villager on their village's tag."""
    from bot.delivery.tags import sync_tags
    from bot.wechat import make_api

    settings = get_settings()
    if settings.sandbox:
        typer.echo("Sandbox mode (no WECHAT_APP_ID): there is nothing to sync without a WeChat account.")
        return
    startable_settings()
    configure_logging(settings)
    db = prepare_database(settings)
    result = sync_tags(db, make_api(settings, db))
    typer.echo(f"village tags created: {result.tags_created}")
    typer.echo(f"people tagged with their village: {result.tagged}")
    typer.echo(f"people taken off their old village: {result.untagged}")
    if result.failed_calls:
        typer.echo(f"calls WeChat refused: {result.failed_calls} (logged above; the next run tries them again)")
        raise typer.Exit(1)


def import_risk_list(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="2021 text notice, 2022 API JSON or CSV")],
) -> None:
    """Import an official risk-area list as a new version; print the changes, then re-classify active declarations."""
    from town.reclassify import ingest
    from town.reclassify.texts import TEXT as RECLASSIFY
    from town.riskareas import RiskListError, diff, format_import, parse_file
    from town.riskareas.texts import WARNING

    def progress(done: int, total: int) -> None:
        typer.echo(RECLASSIFY.progress.format(done=done, total=total), err=True)  # stdout keeps the report

    settings = get_settings()
    db = prepare_database(settings)
    try:
        parsed = parse_file(file)
        result, summary = ingest(db, parsed, policy=load_policy(settings.policy_file), now=utcnow(), progress=progress)
    except RiskListError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    if parsed.warnings:
        lines = [WARNING.line.format(line=line, message=message) for line, message in parsed.warnings]
        typer.echo("\n".join([WARNING.heading.format(n=len(lines)), *lines]))
    changes = diff(db, result.previous_id, result.list_id) if result.created and result.previous_id else None
    typer.echo("\n".join(format_import(result, changes) + ([summary.line()] if summary else [])))


def fetch_risk_list_command() -> None:
    """Fetch RISK_LIST_URL once (as `serve` does on a schedule), import it when it changed, re-classify."""
    from broadcasts.risk_fetch import FAILED, fetch_risk_list, report

    settings = get_settings()
    if not settings.risk_list_url:
        typer.echo("RISK_LIST_URL is not set: there is nothing to fetch (see .env.example).", err=True)
        raise typer.Exit(2)
    configure_logging(settings)
    db = prepare_database(settings)
    outcome = fetch_risk_list(settings, db, utcnow())
    typer.echo("\n".join(report(db, outcome)), err=outcome.status == FAILED)
    if outcome.status == FAILED:
        raise typer.Exit(1)
