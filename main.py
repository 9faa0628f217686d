"""Xiang'an (乡安): `create_app()` for uvicorn, and the command line (`python main.py` serves)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import signal
import threading
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated

import typer
from fastapi import FastAPI

from bot import nlu, spool
from bot.delivery import make_worker, start_in_thread
from bot.dialogue import Engine, VillageRef
from bot.inbox import Inbox
from bot.protocol import aes_key_bytes
from bot.risk import RiskContext
from bot.settings import Settings, SettingsError, get_settings
from bot.villages import VillageIndex
from bot.webhook import receive, verify_server
from broadcasts.policy import load_policy
from broadcasts.riskareas.fetch import start_in_thread as start_fetching
from broadcasts.scheduler import Scheduler, start_scheduler
from handlers import ANSWERS, COMMANDS, FLOWS
from models.admin_user import ensure_first_admin
from models.cadre import INVITE_DAYS, ROLES, create_invite
from models.db import make_engine, transaction, utcnow
from models.migrate import upgrade_database
from models.town import list_villages, read_town_file, sync_town

log = logging.getLogger("xiangan")
cli = typer.Typer(
    help="Xiang'an (乡安): WeChat Official Account backend for village epidemic control.",
    no_args_is_help=False,
    add_completion=False,
)


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


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application: webhook, and in sandbox mode the simulator."""
    settings = settings or get_settings()
    settings.check_startable()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = prepare_database(settings)
        spool.replay(settings.spool_dir, db)
        with transaction(db) as session:
            villages = VillageIndex([VillageRef(v.id, v.name) for v in list_villages(session)])
            risk = RiskContext(load_policy(settings.policy_file))
            risk.refresh(session)
        nlu.warm_up()
        app.state.db = db
        app.state.villages = villages
        app.state.dialogue = Engine(FLOWS, COMMANDS, answers=ANSWERS, understand=nlu.understand)
        app.state.risk = risk
        app.state.inbox = Inbox(db, settings, app.state.dialogue, villages, risk=risk)
        delivery = start_in_thread(make_worker(settings, db)) if settings.outbox_worker else None
        watcher = risk.watch(db)
        scheduler = start_scheduler(settings, db) if settings.scheduler else None
        fetcher = start_fetching(settings, db, on_import=risk.expire) if settings.risk_list_url else None
        # The NLU's dictionaries are millions of long-lived objects: keep the cyclic GC from rescanning them.
        gc.collect()
        gc.freeze()
        yield
        for started in (delivery, fetcher, watcher, scheduler):
            if started is not None:
                thread, stop = started
                stop.set()
                thread.join(timeout=30)
        app.state.inbox.close()
        db.dispose()

    app = FastAPI(title="Xiang'an 乡安", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.aes_key = aes_key_bytes(settings.wechat_encoding_aes_key) if settings.wechat_encoding_aes_key else b""
    # Registered on the app itself: an included router adds a second route match to every message.
    app.add_api_route("/wechat", verify_server, methods=["GET"])
    app.add_api_route("/wechat", receive, methods=["POST"])
    if settings.sandbox:
        from bot.simulator import router as simulator_router

        app.include_router(simulator_router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"ok": True, "sandbox": settings.sandbox}

    return app


@cli.callback(invoke_without_command=True)
def default(ctx: typer.Context) -> None:
    """With no command: serve."""
    if ctx.invoked_subcommand is None:
        serve(host=None, port=None, workers=None)


@cli.command()
def serve(
    host: str = typer.Option(None, help="Defaults to HOST"),
    port: int = typer.Option(None, help="Defaults to PORT"),
    workers: int = typer.Option(None, help="Defaults to WORKERS"),
) -> None:
    """Serve the webhook (and the simulator in sandbox mode)."""
    import uvicorn

    settings = startable_settings()
    configure_logging(settings)
    prepare_database(settings)  # once, before the workers start
    host, port = host or settings.host, port or settings.port
    mode = f"sandbox: open http://{host}:{port}/simulator" if settings.sandbox else "WeChat account"
    typer.echo(f"乡安 serving on http://{host}:{port} ({mode})")
    uvicorn.run(
        "main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        loop="asyncio",
        http="httptools",
        access_log=False,
        log_level=settings.log_level,
    )


@cli.command()
def worker() -> None:
    """Deliver the outbox (beside web workers started with OUTBOX_WORKER=false). Ctrl-C stops it."""
    settings = startable_settings()
    configure_logging(settings)
    delivery = make_worker(settings, prepare_database(settings))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo("乡安 delivery worker running")
    try:
        delivery.run_forever(stop)
    except KeyboardInterrupt:
        pass
    finally:
        delivery.close()


@cli.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduled jobs (beside web workers started with SCHEDULER=false); a second one waits. Ctrl-C stops it."""
    settings = startable_settings()
    configure_logging(settings)
    scheduler = Scheduler(settings, prepare_database(settings))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo(f"乡安 scheduler running as {scheduler.holder} (idle while another holds the lease)")
    with suppress(KeyboardInterrupt):
        scheduler.run_forever(stop)  # releases the lease when it stops


@cli.command("invite-cadre")
def invite_cadre(
    village: str = typer.Option(..., help="The village, e.g. 鸣皋村"),
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}"),
) -> None:
    """Create a one-time code; the cadre sends 「绑定 CODE」 to the account. The code is the last line."""
    settings = get_settings()
    if role not in ROLES:
        choices = "、".join(f"{key}（{name}）" for key, name in ROLES.items())
        typer.echo(f"没有这个角色「{role}」。可选：{choices}", err=True)
        raise typer.Exit(2)
    db = prepare_database(settings)
    with transaction(db) as session:
        villages = VillageIndex([VillageRef(v.id, v.name) for v in list_villages(session)])
        found = villages.by_name(village)
        if found is None:
            typer.echo(f"没有找到村「{village}」（{settings.town_file}）", err=True)
            raise typer.Exit(2)
        invite = create_invite(session, role=role, village_id=found.id, now=utcnow())
    typer.echo(f"{found.name}{ROLES[role]}的绑定码，{INVITE_DAYS}天内有效，只能用一次。")
    typer.echo(f"请本人向公众号发送「绑定 {invite.code}」。绑定码：")
    typer.echo(invite.code)


@cli.command("export-ledger")
def export_ledger(
    out: Annotated[Path, typer.Argument(dir_okay=False, help="The workbook to write, e.g. 台账.xlsx")],
    village: str = typer.Option(None, help="Only this village, typed as villagers do (鸣皋 = 鸣皋村)"),
) -> None:
    """Export the 台账 to Excel: 返乡人员, 隔离管控 and 卡点异常, one sheet each."""
    from zoneinfo import ZoneInfo

    from admin.ledger import UnknownVillage, load_ledger, resolve_village
    from admin.ledger_xlsx import save_ledger

    settings = get_settings()
    if not out.parent.is_dir():
        typer.echo(f"没有这个文件夹：{out.parent}", err=True)
        raise typer.Exit(2)
    db = prepare_database(settings)
    town = read_town_file(settings.town_file)
    with transaction(db) as session:
        try:
            found = resolve_village(session, village) if village else None
        except UnknownVillage as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        ledger = load_ledger(session, town=town.name, now=utcnow(), tz=ZoneInfo(settings.timezone), village=found)
    save_ledger(ledger, out)
    counts = "，".join(f"{sheet.title} {len(sheet.rows)} 行" for sheet in ledger.sheets)
    typer.echo(f"已导出{town.name}{ledger.village or '全镇'}台账：{counts} → {out}")


@cli.command("nlu-eval")
def nlu_eval(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Labelled messages, one JSON per line")],
    today: str = typer.Option(None, help="Anchor for relative dates, YYYY-MM-DD"),
) -> None:
    """Score the NLU on a labelled JSONL file: intent accuracy, per-slot accuracy, the misses."""
    from bot.nlu.eval import evaluate, format_report

    try:
        anchor = dt.date.fromisoformat(today) if today else None
    except ValueError as exc:
        typer.echo(f"--today must be YYYY-MM-DD, got {today!r}", err=True)
        raise typer.Exit(2) from exc
    nlu.warm_up()
    typer.echo(format_report(evaluate(file, anchor)))


@cli.command("push-menu")
def push_menu() -> None:
    """Create the account's menu on WeChat from handlers/menu.py (sandbox: print it, send nothing)."""
    from bot.wechat import make_api
    from bot.wechat.errors import WeChatError
    from handlers.menu import build_menu, describe

    settings = get_settings()
    try:
        menu = build_menu(FLOWS)
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
        api.call("menu/create", lambda c: c.post("menu/create", data=menu))
    except WeChatError as exc:
        typer.echo(f"WeChat refused the menu: {exc.errcode} {exc.errmsg}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("Menu created on WeChat (followers see it the next time they open the chat):")
    typer.echo("\n".join(f"  {line}" for line in describe(menu)))


@cli.command("sync-tags")
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


@cli.command("import-risk-list")
def import_risk_list(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="2021 text notice, 2022 API JSON or CSV")],
) -> None:
    """Import an official risk-area list as a new version; print the changes, then re-classify active declarations."""
    from broadcasts.reclassify import ingest
    from broadcasts.riskareas import RiskListError, diff, format_import, parse_file

    settings = get_settings()
    db = prepare_database(settings)
    try:
        result, summary = ingest(db, parse_file(file), policy=load_policy(settings.policy_file), now=utcnow())
    except RiskListError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    changes = diff(db, result.previous_id, result.list_id) if result.created and result.previous_id else None
    typer.echo("\n".join(format_import(result, changes) + ([summary.line()] if summary else [])))


@cli.command("fetch-risk-list")
def fetch_risk_list_command() -> None:
    """Fetch RISK_LIST_URL once (as `serve` does on a schedule), import it when it changed, re-classify."""
    from broadcasts.riskareas.fetch import FAILED, fetch_risk_list, report

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


@cli.command("checkpoint-reconcile")
def checkpoint_reconcile(
    date: str = typer.Option(None, help="The day, YYYY-MM-DD (default: today in Asia/Shanghai)"),
    send: bool = typer.Option(False, "--send", help="Also queue the lists for the town command"),
) -> None:
    """Match a day's checkpoint sightings to declarations; print who was seen but not declared, and the reverse."""
    from broadcasts.checkpoints import report

    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError as exc:
        typer.echo(f"--date must be YYYY-MM-DD, got {date!r}", err=True)
        raise typer.Exit(2) from exc
    with transaction(prepare_database(get_settings())) as session:
        typer.echo(report(session, now=utcnow(), day=day, send=send))


@cli.command("vaccination-coverage")
def vaccination_coverage(
    village: str = typer.Option(None, help="Only this village, typed as villagers do (鸣皋 = 鸣皋村)"),
) -> None:
    """Print vaccination coverage per village and age group, from what villagers registered in the chat."""
    from admin.ledger import UnknownVillage, resolve_village
    from handlers.vaccination.coverage import coverage, report

    with transaction(prepare_database(get_settings())) as session:
        try:
            found = resolve_village(session, village) if village else None
        except UnknownVillage as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        rows = coverage(session, village_ids=[found.id] if found else None)
    typer.echo(report(rows, found.name if found else "全镇"))


@cli.command()
def announce(
    text: str = typer.Option(..., help="What to say (also the loudspeaker script for the village cadres)"),
    to: str = typer.Option(..., help="all | village:NAME | workarea:NAME | isolated | cadres"),
    at: str = typer.Option(None, help='Once, at "YYYY-MM-DD HH:MM" (town time); without --at/--daily: now'),
    daily: str = typer.Option(None, help="Every day at HH:MM[,HH:MM] (town time)"),
    until: str = typer.Option(None, help="Last day of a daily announcement, YYYY-MM-DD"),
) -> None:
    """Send an announcement now, at a time, or daily; prints the plan (who is reached, by which channel)."""
    from zoneinfo import ZoneInfo

    from broadcasts.announcements import AudienceError, announce, announce_text

    settings = get_settings()
    tz = ZoneInfo(settings.timezone)
    try:
        when = dt.datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=tz).astimezone(dt.UTC) if at else None
        last = dt.date.fromisoformat(until) if until else None
        with transaction(prepare_database(settings)) as session:
            stored, plan = announce(session, settings, text=text, to=to, now=utcnow(), at=when, daily=daily, until=last)
            typer.echo(announce_text(stored, plan, tz))
    except (AudienceError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


@cli.command("faq-add")
def faq_add(
    number: Annotated[int, typer.Argument(help="The question's number (第N号), answered with 「答复 N 内容」")],
    question: str = typer.Option(None, help="The question as it should be written in the FAQ (default: as asked)"),
) -> None:
    """Add an answered villager question and its cadre's answer to FAQ_FILE, so it is answered by itself next time."""
    from zoneinfo import ZoneInfo

    from handlers.faq.index import FaqError
    from handlers.faq.store import add_to_faq, answered

    settings = get_settings()
    try:
        with transaction(prepare_database(settings)) as session:
            asked, answer, note = answered(session, number, ZoneInfo(settings.timezone))
        entry = add_to_faq(settings.faq_file, question=question or asked, answer=answer, note=note)
    except FaqError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"已加进常见问答（{settings.faq_file}），马上生效。可以再打开文件，多写几种问法：\n{entry}")


@cli.command("brief")
def brief_command(
    date: str = typer.Option(None, help="The day, YYYY-MM-DD (default: today in Asia/Shanghai)"),
    village: str = typer.Option(None, help="One village, typed as villagers do (鸣皋 = 鸣皋村); default the town"),
) -> None:
    """Print the evening dispatch brief of the town or a village (as stored at BRIEF_AT, else the numbers so far)."""
    from admin.ledger import UnknownVillage, resolve_village
    from broadcasts.brief import brief_text

    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError as exc:
        typer.echo(f"--date must be YYYY-MM-DD, got {date!r}", err=True)
        raise typer.Exit(2) from exc
    settings = get_settings()
    with transaction(prepare_database(settings)) as session:
        try:
            found = resolve_village(session, village) if village else None
        except UnknownVillage as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        typer.echo(brief_text(session, utcnow(), settings, day=day, village=found))


if __name__ == "__main__":
    cli()
