"""Outbound delivery: choose the channel that reaches each person, send through WeChat, account for it."""

import datetime as dt
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from bot.delivery.transport import SandboxTransport, WeChatTransport
from bot.delivery.worker import Worker
from models.db import utcnow
from town.settings import Settings


def make_worker(settings: Settings, db: Engine, clock: Callable[[], dt.datetime] = utcnow) -> Worker:
    """The delivery worker: WeChat in production, the recording transport in sandbox mode."""
    if settings.sandbox:
        return Worker(db, SandboxTransport(), settings, clock)
    from bot.delivery.tags import sync_tags
    from bot.wechat import make_api, make_wecom

    api = make_api(settings, db)
    wecom = make_wecom(settings, db) if settings.wecom else None
    transport = WeChatTransport(api, settings.timezone, wecom)
    return Worker(db, transport, settings, clock, sync_tags=lambda: sync_tags(db, api))


def start_in_thread(worker: Worker) -> tuple[threading.Thread, threading.Event]:
    """Run the worker beside the web app until the event is set."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="outbox-worker", daemon=True)
    thread.start()
    return thread, stop
