"""Xiang'an (乡安): `create_app()` for uvicorn, and the command line (`python main.py` serves)."""

# ruff: noqa: E402 (the cyclic GC is paused before the imports below and resumed after them)
from __future__ import annotations

import gc

# The imports below create ~340k long-lived objects: the cyclic GC rescanning them as they come costs ~10 % of start-up.
gc.disable()

import logging
import signal
import threading
from contextlib import asynccontextmanager, suppress

import typer
from fastapi import FastAPI
from starlette.routing import Route

from admin.commands import register as register_operator_commands
from admin.web import install as install_dashboard
from bot import nlu, replay, sourceip
from bot.delivery import make_worker, start_in_thread
from bot.dialogue import Engine
from bot.inbox import Inbox
from bot.protocol import aes_key_bytes
from bot.risk import RiskContext
from bot.startup import configure_logging, prepare_database, startable_settings
from bot.villages import VillageIndex, VillageRef
from bot.webhook import receive, verify_server
from bot.workers import serve_workers, shares_sockets
from broadcasts.jobs import schedule
from broadcasts.scheduler import Scheduler, start_scheduler
from handlers.registry import registry
from models.db import transaction
from models.town import list_villages
from town.policy import load_policy
from town.settings import Settings, SettingsError, check_serving_host, get_settings

gc.enable()
log = logging.getLogger("xiangan")
cli = typer.Typer(
    help="Xiang'an (乡安): WeChat Official Account backend for village epidemic control.",
    no_args_is_help=False,
    add_completion=False,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application: webhook, the dashboard at /admin, and in sandbox mode the simulator."""
    settings = settings or get_settings()
    settings.check_startable()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        gc.disable()  # resumed once the long-lived start-up objects are frozen
        try:
            threads = _start(app, settings)
        finally:
            gc.enable()
        yield
        for started in threads:
            if started is not None:
                thread, stop = started
                stop.set()
                thread.join(timeout=30)
        app.state.inbox.close()
        app.state.db.dispose()

    # The API schema only helps someone probing a production server: served in sandbox mode alone.
    openapi_url = "/openapi.json" if settings.sandbox else None
    app = FastAPI(title="Xiang'an 乡安", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=openapi_url)
    app.state.settings = settings
    app.state.aes_key = aes_key_bytes(settings.wechat_encoding_aes_key) if settings.wechat_encoding_aes_key else b""
    checked = settings.wechat_check_source_ip
    app.state.callback_ips = sourceip.CallbackIps(settings.proxy_networks) if checked else None
    # Registered on the app itself: an included router adds a second route match to every message.
    app.add_api_route("/wechat", verify_server, methods=["GET"])
    # A plain Starlette route: FastAPI's dependency solving for a bare Request is a tenth of the per-message cost.
    app.router.routes.append(Route("/wechat", receive, methods=["POST"]))
    if settings.sandbox:
        from bot.simulator import router as simulator_router

        app.include_router(simulator_router)
    install_dashboard(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"ok": True, "sandbox": settings.sandbox}

    return app


def _start(app: FastAPI, settings: Settings) -> tuple:
    """Open the database, load what messages need, start the background threads (returned, to be stopped)."""
    db = prepare_database(settings)
    with transaction(db) as session:
        villages = VillageIndex([VillageRef(v.id, v.name) for v in list_villages(session)])
        risk = RiskContext(load_policy(settings.policy_file))
        risk.refresh(session)
    nlu.warm_up()
    app.state.db = db
    app.state.villages = villages
    app.state.dialogue = Engine(registry(), understand=nlu.understand)
    app.state.risk = risk
    app.state.inbox = Inbox(db, settings, app.state.dialogue, villages, risk=risk)
    # Messages spooled while the database was unreachable: handled now, before new ones, and whenever it returns.
    replayer = replay.start_in_thread(app.state.inbox, settings.spool_replay_every_s)
    delivery = start_in_thread(make_worker(settings, db)) if settings.outbox_worker else None
    watcher = risk.watch(db)
    scheduler = start_scheduler(settings, db, schedule) if settings.scheduler else None
    ips = app.state.callback_ips
    callback_ips = sourceip.start_for(settings, db, ips) if ips is not None else None
    # The NLU's dictionaries are millions of long-lived objects: keep the cyclic GC from rescanning them.
    gc.collect()
    gc.freeze()
    return delivery, watcher, scheduler, replayer, callback_ips


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
    host, port = host or settings.host, port or settings.port
    try:
        check_serving_host(settings, host)
    except SettingsError as exc:
        typer.echo(f"乡安 cannot start: {exc}", err=True)
        raise typer.Exit(2) from exc
    configure_logging(settings)
    prepare_database(settings)  # once, before the workers start
    mode = f"sandbox: open http://{host}:{port}/simulator" if settings.sandbox else "WeChat account"
    typer.echo(f"乡安 serving on http://{host}:{port} ({mode})")
    options = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers or settings.workers,
        "loop": "asyncio",
        "http": "httptools",
        "access_log": False,
        "log_level": settings.log_level,
        "proxy_headers": False,  # X-Forwarded-For is read by the webhook, and only through TRUSTED_PROXIES
    }
    if options["workers"] > 1 and shares_sockets():  # each worker on a socket of its own (bot/workers.py)
        try:
            code = serve_workers(uvicorn.Config("main:create_app", **options), options["workers"])
        except OSError as exc:  # the port taken, the address not this machine's
            typer.echo(f"乡安 cannot start: {exc}", err=True)
            raise typer.Exit(1) from exc
        raise typer.Exit(code)
    uvicorn.run("main:create_app", **options)


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
    scheduler = Scheduler(settings, prepare_database(settings), registry=schedule)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    typer.echo(f"乡安 scheduler running as {scheduler.holder} (idle while another holds the lease)")
    with suppress(KeyboardInterrupt):
        scheduler.run_forever(stop)  # releases the lease when it stops


register_operator_commands(cli)

if __name__ == "__main__":
    cli()
