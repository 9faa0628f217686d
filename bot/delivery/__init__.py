"""Outbound delivery: choose the channel that reaches each person, send through WeChat, account for it."""

import threading

from sqlalchemy import Engine

from bot.delivery.transport import SandboxTransport, WeChatTransport
from bot.delivery.worker import Worker
from bot.settings import Settings


def make_worker(settings: Settings, db: Engine) -> Worker:
    """The delivery worker: WeChat in production, the recording transport in sandbox mode."""
    if settings.sandbox:
        transport = SandboxTransport()
    else:
        from bot.wechat import make_api

        transport = WeChatTransport(make_api(settings, db), settings.timezone)
    return Worker(db, transport, settings)


def start_in_thread(worker: Worker) -> tuple[threading.Thread, threading.Event]:
    """Run the worker beside the web app until the event is set."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="outbox-worker", daemon=True)
    thread.start()
    return thread, stop
